"""Query benchmark: the 40 queries of ../shared/bench/queries.tsv, ours against plain Whoosh.

Ours runs in-process (``SearchService.search``) and over HTTP through
gunicorn (2 workers), ``unit=documents`` with facets (speaker, country, year)
and highlights on; there is no result cache to turn off. Plain Whoosh runs the
same queries on a plain index (StemmingAnalyzer, stored text) the way its
documentation shows: ``searcher.search(q, filter=..., groupedby=...)`` with
``hit.highlights``, one long-lived searcher. Each query is warmed up, then run
``--repeat`` times by each of the three, in turn (so a slow spell of the
machine falls on all of them); a query's latency is its median. Prints a table.

A second table compares the two ways a quoted phrase can match (``phrase=exact``, the
default: letter for letter, stop words included; ``phrase=loose``: stems, stop words
skipped), in-process, on the phrases of queries.tsv and on a set of phrases heavy with stop
words (``STOPWORD_PHRASES``, or ``--phrases FILE`` in the queries.tsv format), each phrase
run both ways in turn.

    python bench/query_bench.py --config /path/to/ungdc-config.yaml --plain-dir /tmp/plain
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.config import load_config  # noqa: E402
from search.service.searching import SearchService  # noqa: E402

SHARED = ROOT.parent / "shared"
UNGDC = SHARED / "corpora" / "ungdc-1946-2024.jsonl.gz"
QUERIES = SHARED / "bench" / "queries.tsv"
FACETS = ["speaker", "country", "year"]
# Phrases made mostly of stop words, as speeches use them: the exact field's common grams
# are for these (a loose search skips their small words, or finds nothing for some).
STOPWORD_PHRASES = [
    '"the right of peoples to self-determination"', '"to be or not to be"',
    '"the United Nations"', '"we the peoples of the United Nations"', '"the rule of law"',
    '"at the same time"', '"as soon as possible"', '"it is not too late"',
    '"there is no alternative"', '"this is not the time"', '"in the name of"',
    '"on behalf of the"',
]


def load_queries(path: Path = QUERIES) -> list[tuple[str, dict]]:
    rows = path.read_text(encoding="utf-8").splitlines()[1:]
    return [(q, json.loads(f)) for q, f in (row.split("\t") for row in rows if row.strip())]


def country_names() -> dict[str, str]:
    """country_code -> country, read from the corpus (our country facet holds names)."""
    names: dict[str, str] = {}
    with gzip.open(UNGDC, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            names.setdefault(record["country_code"], record["country"])
    return names


def our_params(query: str, filters: dict, names: dict[str, str], phrase: str = "exact"
               ) -> dict[str, list[str]]:
    params = {"q": [query], "facets": [",".join(FACETS)], "unit": ["documents"]}
    if phrase != "exact":
        params["phrase"] = [phrase]
    if "year_from" in filters:
        params["date_from"] = [str(filters["year_from"])]
    if "year_to" in filters:
        params["date_to"] = [str(filters["year_to"])]
    if "country_code" in filters:
        params["country"] = [names[filters["country_code"]]]
    if "speaker" in filters:
        params["speaker"] = [filters["speaker"]]
    return params


def ours_calls(config_path: Path, cases, names, phrase: str = "exact",
               service: SearchService | None = None) -> dict[str, Callable]:
    from search.service.request import parse_request

    service = service or SearchService(load_config(config_path))
    calls = {}
    for query, filters in cases:
        request = parse_request(our_params(query, filters, names, phrase), service.limits)
        calls[query] = lambda request=request: service.search(request)
    return calls


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(config_path: Path) -> Iterator[tuple[str, int]]:
    """A gunicorn server (2 workers) over the config's index; yields its base URL and PID."""
    port = free_port()
    env = dict(os.environ, DIPSEARCH_CONFIG=str(config_path))
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
                               "--workers", "2", "web.wsgi:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/api/stats", timeout=5).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


def worker_memory(master: int) -> list[tuple[int, int, int]]:
    """(pid, RSS MiB, private MiB) of each worker of a gunicorn master: private is
    Private_Clean + Private_Dirty of /proc/PID/smaps_rollup (pages no other process maps)."""
    rows = []
    for pid in map(int, Path(f"/proc/{master}/task/{master}/children").read_text().split()):
        fields = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            key, value = line.split(":", 1)
            fields[key] = int(value.split()[0]) // 1024
        rows.append((pid, fields["Rss"], fields["Private_Clean"] + fields["Private_Dirty"]))
    return rows


def http_calls(base: str, cases, names) -> dict[str, Callable]:
    calls = {}
    for query, filters in cases:
        url = base + "/api/search?" + urllib.parse.urlencode(
            our_params(query, filters, names), doseq=True)
        calls[query] = lambda url=url: urllib.request.urlopen(url, timeout=30).read()
    return calls


def measure(runs: dict[str, dict[str, Callable]], queries: list[str], repeat: int
            ) -> dict[str, dict[str, float]]:
    """Median ms per run and query, the runs interleaved query by query and repeat by
    repeat, so that a slower or faster spell of this shared machine hits them all alike."""
    samples: dict[str, dict[str, list[float]]] = {name: {} for name in runs}
    for query in queries:
        for calls in runs.values():
            for _ in range(4):  # warm: an HTTP request may land on either worker
                calls[query]()
        for _ in range(repeat):
            for name, calls in runs.items():
                start = time.perf_counter()
                calls[query]()
                samples[name].setdefault(query, []).append((time.perf_counter() - start) * 1000)
    return {name: {q: statistics.median(v) for q, v in per.items()}
            for name, per in samples.items()}


PLAIN_SCHEMA_DOC = "id ID, text TEXT(StemmingAnalyzer, stored), speaker/country ID, year NUMERIC"


def build_plain(path: Path) -> None:
    from whoosh import fields, index
    from whoosh.analysis import StemmingAnalyzer

    schema = fields.Schema(id=fields.ID(stored=True, unique=True),
                           text=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
                           speaker=fields.ID(stored=True), country=fields.ID(stored=True),
                           year=fields.NUMERIC(stored=True))
    path.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(path), schema)
    writer = ix.writer(procs=2, multisegment=True, limitmb=128)
    with gzip.open(UNGDC, "rt", encoding="utf-8") as handle:
        for line in handle:
            r = json.loads(line)
            writer.add_document(id=r["id"], text=r["text"], speaker=r["speaker"] or "",
                                country=r["country_code"], year=r["year"])
    writer.commit()


def plain_calls(path: Path, cases) -> dict[str, Callable]:
    from whoosh import index, query as wq, sorting
    from whoosh.qparser import QueryParser

    ix = index.open_dir(str(path))
    searcher = ix.searcher()
    parser = QueryParser("text", ix.schema)
    facets = {"speaker": sorting.FieldFacet("speaker"), "country": sorting.FieldFacet("country"),
              "year": sorting.FieldFacet("year")}
    calls = {}
    for query, filters in cases:
        q = parser.parse(query)
        parts = []
        if "year_from" in filters or "year_to" in filters:
            parts.append(wq.NumericRange("year", filters.get("year_from"), filters.get("year_to")))
        if "country_code" in filters:
            parts.append(wq.Term("country", filters["country_code"]))
        flt = wq.And(parts) if parts else None

        def run(q=q, flt=flt):
            results = searcher.search(q, filter=flt, limit=10, groupedby=facets)
            len(results)
            [results.groups(name) for name in facets]
            return [hit.highlights("text") for hit in results[:10]]
        calls[query] = run
    return calls


def summary(times: dict[str, float]) -> tuple[float, float, float]:
    values = sorted(times.values())
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return statistics.median(values), p95, values[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True,
                        help="a config whose index holds the whole UNGDC file")
    parser.add_argument("--plain-dir", type=Path, required=True,
                        help="plain Whoosh index folder (built there if missing)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--phrases", type=Path, default=None,
                        help="stop-word-heavy phrases, in the queries.tsv format "
                             "(default: the built-in STOPWORD_PHRASES)")
    parser.add_argument("--phrases-only", action="store_true",
                        help="only the exact-versus-loose phrase table")
    args = parser.parse_args()
    if not UNGDC.exists():
        raise SystemExit(f"{UNGDC} is absent: the benchmark needs ../shared beside the project")
    cases, names = load_queries(), country_names()
    heavy = load_queries(args.phrases) if args.phrases else [(q, {}) for q in STOPWORD_PHRASES]
    if args.phrases_only:
        phrase_table(args.config, cases, heavy, names, args.repeat)
        return
    if not (args.plain_dir / "_MAIN_1.toc").exists() and not list(args.plain_dir.glob("*.toc")):
        print(f"building the plain index in {args.plain_dir} ...", file=sys.stderr)
        build_plain(args.plain_dir)
    # plain Whoosh opens first: ours makes Whoosh read segments in place (engine/whoosh/mapped.py)
    # for every index opened after it, and the plain peer is Whoosh as shipped
    plain_run = plain_calls(args.plain_dir, cases)
    calls = {"ours, in-process": ours_calls(args.config, cases, names)}
    queries = [q for q, _ in cases]
    memory = []
    with ExitStack() as stack:
        if not args.skip_http:
            base, master = stack.enter_context(gunicorn(args.config))
            calls["ours, HTTP (gunicorn, 2 workers)"] = http_calls(base, cases, names)
        calls["plain Whoosh, in-process"] = plain_run
        runs = measure(calls, queries, args.repeat)
        if not args.skip_http:
            memory = worker_memory(master)
    plain = summary(runs["plain Whoosh, in-process"])
    phrases = [q for q, _ in cases if q.startswith('"')]
    print(f"\n{len(cases)} queries ({len(phrases)} phrases), median of {args.repeat} runs each, "
          f"runs interleaved, {datetime.now():%Y-%m-%d %H:%M}\n")
    print("| run | p50 ms | p95 ms | max ms | phrase p50 ms | p50 / plain | p95 / plain |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, times in runs.items():
        p50, p95, top = summary(times)
        phrase = statistics.median(times[q] for q in phrases)
        print(f"| {name} | {p50:.1f} | {p95:.1f} | {top:.0f} | {phrase:.1f} | "
              f"{p50 / plain[0]:.2f} | {p95 / plain[1]:.2f} |")
    for pid, rss, private in memory:
        print(f"\ngunicorn worker {pid} after the runs: RSS {rss} MiB, private {private} MiB "
              f"(Private_Clean + Private_Dirty)", end="")
    print("\n\nslowest of ours in-process:")
    ours = runs["ours, in-process"]
    for query in sorted(ours, key=ours.get, reverse=True)[:5]:
        print(f"  {ours[query]:7.1f} ms  {query}")
    phrase_table(args.config, cases, heavy, names, args.repeat)
    checking_table(args.config)


def checking_table(config_path: Path, sentences: int = 40) -> None:
    """Verify, phrase history and concordance times (issue 15's targets), in-process: the
    pasted quotes and phrases of bench/verify_bench.py (a smaller sample)."""
    import verify_bench
    service = SearchService(load_config(config_path))
    items = verify_bench.sample(verify_bench.load_records(), sentences, 15)
    cases = [c for item in items for c in verify_bench.cases_of(item)] + \
        verify_bench.made_up("all")[:40]
    table = verify_bench.run(service, cases)
    every = [ms for row in table.values() for ms in row["ms"]]
    print(f"\nverify and phrase calls, in-process ({len(every)} pasted quotes: "
          f"{sentences} sentences x 5 kinds and 40 made-up)\n")
    print("| call | n | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|---:|")
    rows = {"verify": every, **verify_bench.usage_timings(service, 1)}
    for name, ms in rows.items():
        print(f"| {name} | {len(ms)} | {statistics.median(ms):.1f} | "
              f"{verify_bench.percentile(ms, 95):.1f} | {max(ms):.1f} |")


def phrase_table(config_path: Path, cases, heavy, names, repeat: int) -> None:
    """Exact against loose phrases, in-process: a row per phrase set and way of matching."""
    service = SearchService(load_config(config_path))
    sets = {"queries.tsv phrases": [(q, f) for q, f in cases if q.startswith('"')],
            "stop-word phrases": heavy}
    print(f"\nphrases, exact vs loose (in-process, unit=documents, facets and highlights), "
          f"median of {repeat} runs each, runs interleaved\n")
    print("| phrases | phrase= | n | p50 ms | p95 ms | max ms | hits (sum) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    slowest = []
    for label, chosen in sets.items():
        runs = {mode: ours_calls(config_path, chosen, names, mode, service)
                for mode in ("exact", "loose")}
        times = measure(runs, [q for q, _ in chosen], repeat)
        for mode in runs:
            hits = sum(runs[mode][q]()["total"] for q, _ in chosen)
            p50, p95, top = summary(times[mode])
            print(f"| {label} | {mode} | {len(chosen)} | {p50:.1f} | {p95:.1f} | {top:.0f} | "
                  f"{hits} |")
        slowest += [(times["exact"][q], q) for q, _ in chosen]
    print("\nslowest exact phrases:")
    for took, query in sorted(slowest, reverse=True)[:5]:
        print(f"  {took:7.1f} ms  {query}")


if __name__ == "__main__":
    main()
