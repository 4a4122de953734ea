"""Fuzz benchmark: thousands of random and hostile requests against gunicorn; none may be a 5xx.

Starts the real app (gunicorn with web/gunicorn_conf.py, on a free loopback port) over the
index of ``--config`` (default: builds one of the first 500 UNGDC speeches in a temporary
folder, as bench/load_bench.py does), then sends ``--requests`` requests (default 10,000)
from ``--clients`` threads, each a new connection: the JSON API (search, exports, speakers,
documents, stats) and the pages (/, /documents/<id>, /speakers, /speakers/<name>) with random
parameters (unicode, odd dates, huge numbers, repeated parameters, query syntax, stored-only
fields, raw percent escapes, request lines past gunicorn's limit). The requests come from a
seeded generator (``--seed``): the same seed sends the same requests.

The per-client budgets (``api.rate_limit_per_minute``, ``api.expensive_per_minute``) are
switched off in a copy of the config: this measures the app, not the limiter. Clients default
to workers - 1, so an expensive request always finds a slot (no deliberate 503 busy).

Prints Markdown tables: requests by status class, 5xx, latency p50/p95/max, per endpoint;
then the first 5xx requests, if any. Exit status 1 when any answer is a 5xx, a connection
fails, or an /api answer is not the JSON it should be.

    python bench/fuzz_bench.py                          # first 500 UNGDC speeches, 10,000 requests
    python bench/fuzz_bench.py --config config.yaml --requests 20000 --seed 7
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load_bench import corpus_file, free_port, start_gunicorn, stop_gunicorn  # noqa: E402


SEARCH_PARAMS = ["q", "date_from", "date_to", "unit", "sort", "page", "per_page", "cursor",
                 "facets", "facet_size", "highlight", "speaker", "country", "type", "source",
                 "language", "speaker_filter", "limit", "prefix"]
QUERY_SYNTAX = [
    '"', "(", ")", "AND", "OR NOT", "NOT NOT", "*", "a*", "*a", "?", "a?", "~2", "a~", "a~0",
    '"nuclear weapons"~99999', "field:", ":", "\\", "\x00", "%", "^", "peace^9999999",
    "[a TO z]", "{a TO}", "[ TO ]", 'speaker:"x', "title:(a", "speaker:*", "*:*", "id:*x*",
    "\u201c", "'", "&", "key:x", "body:x", "meta:x", "position:x", "day:x", "day:[1 TO 2]",
    "position:[0 TO]", "date:2022", "date:[2020 TO]", "year:1989", "unit:quote", "kind:speech",
    "country_code:FR", "disarmament", "détente", "rules-based", "peace", "security council",
    "\ufeff", "\U0001F600", "𝔡𝔦𝔰𝔞𝔯𝔪𝔞𝔪𝔢𝔫𝔱", "ß", "İ", "\u200b", "\u202e",
]
ODD_VALUES = [
    "0000", "0001", "9999", "9999-12", "9999-12-31", "0000-00-00", "2022-13", "2022-02-29",
    "2024-02-29", "2022-02-30", "2022-00", "2022-12-32", "10000", "-2022", "2022-1-7", "1960",
    "1989-09", "\u0662\u0660\u0662\u0662", "２０２２", "1e3", "\u00b3", "\u0663", "1_0", "0x10",
    "+5", "-1", "0", "1", "2", "5", "100", "1001", "00001", "9" * 30, "9" * 500, "-" + "9" * 40,
    "1.5", "NaN", "", " ", "true", "false", "null", "documents", "passages", "quotes", "date",
    "-date", "relevance", "speaker,country,year", "speaker,,", ",", "x" * 300,
    "WzEuMCwgIng6MSJd", "WzEuMCwgIjIwMjI6YWJjIl0", "!!!", "e30", "W10",
]
RAW = ["%", "%%", "%FF", "%E2%80", "%C0%AF", "&&&", "=", "==x", "q", "q=%00", ";", "q=%ZZ",
       "a[b]=c", "%2F..%2F", "q=" + "%F0%9F%98" * 3]
ALPHABET = ("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789 -_.:;,'\"()[]{}*?~^!&|/\\<>%+=@#$\t"
            "éüßøñçİıǅ\u0301\u200b\u202e\ufeff\u00a0\u2028\u0000\u007f€¥łğ中文日本語русский"
            "العربية\U0001F600\U0001D4B6")


@dataclass
class Sample:
    group: str
    path: str
    status: int | str
    seconds: float
    bad_shape: str | None = None
    error_code: str | None = None  # of a 5xx: the API's error code, if it said one


# -- requests ----------------------------------------------------------------------------------

class Fuzzer:
    """Random request paths from a seeded generator; real ids and names mixed with junk."""

    def __init__(self, seed: int, doc_ids: list[str], speakers: list[str]) -> None:
        self.rng = random.Random(seed)
        self.doc_ids = doc_ids or ["none"]
        self.speakers = speakers or ["nobody"]

    def text(self, size: int = 20) -> str:
        return "".join(self.rng.choice(ALPHABET) for _ in range(self.rng.randint(0, size)))

    def value(self) -> str:
        kind = self.rng.random()
        if kind < 0.3:
            return self.text()
        if kind < 0.55:
            return self.rng.choice(QUERY_SYNTAX)
        if kind < 0.8:
            return self.rng.choice(ODD_VALUES)
        if kind < 0.9:
            return " ".join(self.rng.choice(QUERY_SYNTAX + ["peace", "nuclear", "a"])
                            for _ in range(self.rng.randint(1, 6)))
        return str(self.rng.randint(-10 ** 40, 10 ** 40))

    def query(self) -> str:
        pieces = []
        for _ in range(self.rng.randint(0, 6)):
            name = self.rng.choice(SEARCH_PARAMS + ["", "Q", "q[]", self.text(6)])
            for _ in range(self.rng.choice([1, 1, 1, 2, 3])):  # repeated parameters
                pieces.append(f"{quote(name, safe='')}={quote(self.value(), safe='')}")
        if self.rng.random() < 0.1:
            pieces.append(self.rng.choice(RAW))
        if self.rng.random() < 0.005:  # past gunicorn's 4094-byte request line: 414
            pieces.append("q=" + "x" * 5000)
        return "&".join(pieces)

    def segment(self, real: list[str]) -> str:
        pick = self.rng.random()
        if pick < 0.4:
            value = self.rng.choice(real)
        elif pick < 0.7:
            value = self.text(40) or "x"
        else:
            value = self.rng.choice(QUERY_SYNTAX + ODD_VALUES + ["..", ".", "a/b", "a//b"]) or "x"
        return quote(value, safe="")

    def request(self) -> tuple[str, str]:
        """(endpoint group, path with query string)."""
        pick = self.rng.random()
        # (share of requests up to here, endpoint group); a group's path follows from its name
        mix = [(0.32, "/api/search"), (0.36, "/api/export.*"), (0.46, "/api/speakers"),
               (0.54, "/api/documents/<id>"), (0.56, "/api/stats"), (0.78, "/"),
               (0.86, "/documents/<id>"), (0.88, "/speakers"), (1.0, "/speakers/<name>")]
        group = next(name for share, name in mix if pick < share)
        path = group.replace("<id>", self.segment(self.doc_ids)) \
            .replace("<name>", self.segment(self.speakers)) \
            .replace("*", self.rng.choice(["csv", "jsonl"]))
        query = self.query()
        return group, path + ("?" + query if query else "")


def shape_problem(path: str, status: int, content_type: str, body: bytes) -> str | None:
    """Why an /api answer is not what the API promises (JSON; the error shape on 4xx)."""
    if not path.startswith("/api/") or status == 414:  # 414 is gunicorn's, before the app
        return None
    if status == 200 and path.startswith("/api/export."):
        return None if content_type.startswith(("text/csv", "application/x-ndjson")) \
            else f"export content type {content_type}"
    if not content_type.startswith("application/json"):
        return f"content type {content_type}"
    try:
        document = json.loads(body)
    except ValueError:
        return "body is not JSON"
    if status >= 400:
        error = document.get("error") if isinstance(document, dict) else None
        if not isinstance(error, dict) or set(error) != {"code", "message", "param"}:
            return f"error shape {str(document)[:80]}"
    return None


def error_code(body: bytes) -> str:
    """The code of a JSON error, else the heading of the error page."""
    try:
        return json.loads(body)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        text = body.decode("utf-8", "replace")
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
        return " ".join((heading.group(1) if heading else text[:200]).split())


# -- corpus, config, gunicorn --------------------------------------------------------------------

def fetch(port: int, path: str, timeout: float = 120) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        conn.close()


def default_config(workdir: Path, limit: int) -> Path:
    """A config over the first ``limit`` UNGDC speeches, indexed here."""
    corpus = corpus_file(workdir, limit)
    config = workdir / "built.yaml"
    config.write_text(json.dumps({
        "corpus": {"paths": [str(corpus)], "speakers": str(ROOT / "corpus" / "speakers.yaml")},
        "index": {"dir": str(workdir / "index"), "procs": 2},
    }))
    print(f"indexing the first {limit} UNGDC speeches ...", file=sys.stderr)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "search.cli", "--config", str(config), "index",
                           "--quiet"], cwd=ROOT, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if not (workdir / "index" / "CURRENT").exists():
        sys.exit(f"fuzz_bench: indexing failed:\n{done.stderr[-2000:]}")
    print(f"indexed in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return config


def serving_config(source: Path, workdir: Path, workers: int) -> Path:
    """A copy of ``source`` with absolute paths, the budgets off and ``workers`` workers."""
    from search.config import load_config

    config = load_config(source)
    values = json.loads(json.dumps(config.values, default=str))
    values["corpus"]["paths"] = [str(p) for p in config.corpus_paths]
    speakers = config.speakers_path
    values["corpus"]["speakers"] = str(speakers) if speakers else None
    values["index"]["dir"] = str(config.index_dir)
    values["api"].update(rate_limit_per_minute=0, expensive_per_minute=0)
    values["server"].update(workers=workers)
    path = workdir / "serving.yaml"
    path.write_text(json.dumps(values))
    load_config(path)  # still valid
    if not (config.index_dir / "CURRENT").exists():
        sys.exit(f"fuzz_bench: no index in {config.index_dir}: run dipsearch index first")
    return path


# -- load and report -------------------------------------------------------------------------------

def run(port: int, requests: list[tuple[str, str]], clients: int) -> list[Sample]:
    samples: list[Sample] = []
    lock = threading.Lock()
    cursor = iter(range(len(requests)))

    def client() -> None:
        while True:
            with lock:
                n = next(cursor, None)
            if n is None:
                return
            group, path = requests[n]
            started = time.perf_counter()
            code = None
            try:
                status, content_type, body = fetch(port, path)
                problem = shape_problem(path, status, content_type, body)
                if status >= 500:
                    code = error_code(body)
            except (OSError, http.client.HTTPException) as exc:
                status, problem = f"{type(exc).__name__}", None
            sample = Sample(group, path, status, time.perf_counter() - started, problem, code)
            with lock:
                samples.append(sample)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def row(name: str, samples: list[Sample]) -> str:
    classes = Counter(f"{s.status // 100}xx" if isinstance(s.status, int) else "failed"
                      for s in samples)
    ms = [s.seconds * 1000 for s in samples]
    return (f"| {name} | {len(samples)} | {classes['2xx']} | {classes['3xx']} | "
            f"{classes['4xx']} | {classes['5xx']} | {classes['failed']} | "
            f"{statistics.median(ms):.1f} | {percentile(ms, 95):.1f} | {max(ms):.1f} |")


def report(samples: list[Sample], seconds: float, args: argparse.Namespace, corpus: str) -> int:
    print(f"\n{len(samples)} fuzzed requests (seed {args.seed}), {args.clients} clients, "
          f"{args.workers} gunicorn workers, {seconds:.0f} s ({len(samples) / seconds:.0f} "
          f"req/s), corpus: {corpus}\n")
    print("| endpoint | requests | 2xx | 3xx | 4xx | 5xx | failed | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    groups: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        groups[sample.group].append(sample)
    for name in sorted(groups):
        print(row(name, groups[name]))
    print(row("**all**", samples))
    statuses = Counter(s.status for s in samples)
    print("\nstatuses: " + ", ".join(f"{k}: {v}" for k, v in
                                      sorted(statuses.items(), key=lambda kv: str(kv[0]))))
    server_errors = [s for s in samples if isinstance(s.status, int) and s.status >= 500]
    # 503 busy is load shedding, on purpose: every slot for expensive requests was taken (a
    # client may send its next request before the worker has closed the last one's slot).
    busy = [s for s in server_errors if s.status == 503 and s.error_code in ("busy", "Busy")]
    errors = [s for s in server_errors if s not in busy]
    failed = [s for s in samples if not isinstance(s.status, int)]
    shapes = [s for s in samples if s.bad_shape]
    print(f"5xx: {len(server_errors)} (503 busy, deliberate load shedding: {len(busy)}; "
          f"errors: {len(errors)}), failed connections: {len(failed)}, "
          f"/api answers not in the API's shape: {len(shapes)}")
    for sample in (errors + failed + busy)[:10]:
        print(f"  {sample.status} ({sample.error_code}) GET {sample.path}")
    for sample in shapes[:10]:
        print(f"  shape: {sample.bad_shape}: GET {sample.path[:300]}")
    return 1 if errors or failed or shapes else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path,
                        help="config of an existing index (default: index the first --limit "
                             "UNGDC speeches in a temporary folder)")
    parser.add_argument("--limit", type=int, default=500, help="speeches for the default index")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20240607)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--clients", type=int,
                        help="client threads (default: workers - 1, so never 503 busy)")
    args = parser.parse_args()
    args.clients = args.clients or max(1, args.workers - 1)

    workdir = Path(tempfile.mkdtemp(prefix="dipsearch-fuzz-"))
    proc = None
    try:
        source = args.config.resolve() if args.config else default_config(workdir, args.limit)
        corpus = str(args.config) if args.config else f"first {args.limit} UNGDC speeches"
        config = serving_config(source, workdir, args.workers)
        port = free_port()
        proc = start_gunicorn(config, port, None, workdir / "gunicorn.log")
        hits = json.loads(fetch(port, "/api/search?per_page=100&highlight=false")[2])["hits"]
        names = json.loads(fetch(port, "/api/speakers?limit=200")[2])["speakers"]
        fuzzer = Fuzzer(args.seed, [h["id"] for h in hits], [s["name"] for s in names])
        requests = [fuzzer.request() for _ in range(args.requests)]
        started = time.monotonic()
        samples = run(port, requests, args.clients)
        return report(samples, time.monotonic() - started, args, corpus)
    finally:
        if proc is not None:
            stop_gunicorn(proc)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
