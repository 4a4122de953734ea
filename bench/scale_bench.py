"""Scale benchmark: ten times the UNGDC file on one box (issue 17's 10x corpus).

Makes a corpus ``--factor`` times ../shared/corpora/ungdc-1946-2024.jsonl.gz: every speech
``--factor`` times, copy k with its own id (``<id>-x<k>``), its year shifted by k x 100 (so
copies never share a year's facet values), and a tenth of its words shuffled within each
paragraph (fixed seed), so that the postings are not identical copies. Then:

1. indexes it with ``dipsearch index --procs 2`` (wall time, peak RSS of the process tree,
   index size on disk);
2. serves it with gunicorn, 2 workers, and runs the 40 queries of ../shared/bench/queries.tsv
   ``--repeat`` times in turn over HTTP (p50/p95 of each query's median);
3. runs ``--clients`` client threads over the same queries for ``--duration`` seconds
   (requests, failures, p50/p95, requests per second);
4. reads each worker's private memory (/proc/PID/smaps_rollup Private_Clean +
   Private_Dirty) and RSS after the load.

    python bench/scale_bench.py --work /var/tmp/scale10            # the 10x run (about an hour)
    python bench/scale_bench.py --factor 1 --limit 300 --duration 10   # a quick look

The corpus and index stay in ``--work`` (reused when present: ``--fresh`` rebuilds).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from index_bench import dir_size, run_measured  # noqa: E402
from load_bench import (Load, country_names, fetch, free_port, percentile, query_paths,  # noqa: E402
                        row, start_gunicorn, stop_gunicorn, write_config)
from query_bench import worker_memory  # noqa: E402

UNGDC = ROOT.parent / "shared" / "corpora" / "ungdc-1946-2024.jsonl.gz"
SHUFFLED = 0.1  # of each copy's words, moved within their paragraph


def make_corpus(target: Path, factor: int, limit: int | None, seed: int = 17) -> tuple[int, int]:
    """The scaled corpus as gzipped JSON Lines; returns (speeches, characters)."""
    rng = random.Random(seed)
    speeches = chars = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(UNGDC, "rt", encoding="utf-8") as source, \
            gzip.open(target, "wt", encoding="utf-8", compresslevel=3) as out:
        for n, line in enumerate(source):
            if limit is not None and n >= limit:
                break
            record = json.loads(line)
            for k in range(factor):
                copy = record if k == 0 else _copy(record, k, rng)
                out.write(json.dumps(copy, ensure_ascii=False) + "\n")
                speeches += 1
                chars += len(copy.get("text") or "")
    return speeches, chars


def _copy(record: dict, k: int, rng: random.Random) -> dict:
    """Copy ``k`` of a speech: its own id, its year shifted, a tenth of its words moved."""
    copy = dict(record, id=f"{record['id']}-x{k}")
    if isinstance(record.get("year"), int):
        copy["year"] = record["year"] + 100 * k
    copy["text"] = "\n".join(_shuffled(p, rng) for p in (record.get("text") or "").split("\n"))
    return copy


def _shuffled(paragraph: str, rng: random.Random) -> str:
    words = paragraph.split(" ")
    chosen = [i for i in range(len(words)) if rng.random() < SHUFFLED]
    moved = [words[i] for i in chosen]
    rng.shuffle(moved)
    for i, word in zip(chosen, moved):
        words[i] = word
    return " ".join(words)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/var/tmp/dipsearch-scale"))
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--limit", type=int, help="only the first N speeches of the file")
    parser.add_argument("--fresh", action="store_true", help="remake corpus and index")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of the 40 queries")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=60.0)
    args = parser.parse_args()
    work = args.work.resolve()
    corpus = work / "corpus" / f"ungdc-x{args.factor}.jsonl.gz"
    index_dir = work / "index"
    if args.fresh or not corpus.exists():
        started = time.monotonic()
        speeches, chars = make_corpus(corpus, args.factor, args.limit)
        print(f"corpus: {speeches:,} speeches, {chars / 1e6:,.0f} MB of text, made in "
              f"{time.monotonic() - started:.0f} s", file=sys.stderr)
    port = free_port()
    config = write_config(work, corpus, index_dir, port)
    build = None
    if args.fresh or not (index_dir / "CURRENT").exists():
        print("indexing with --procs 2 ...", file=sys.stderr)
        build = run_measured([sys.executable, "-m", "search.cli", "--config", str(config),
                              "index", "--rebuild", "--procs", "2", "--quiet"])
    paths = query_paths(country_names(corpus))
    proc = start_gunicorn(config, port, None, work / "gunicorn.log")
    try:
        sequential = _sequential(port, paths, args.repeat)
        load = Load(port, paths, args.clients)
        began = time.monotonic()
        load.start()
        time.sleep(args.duration)
        load.finish()
        seconds = time.monotonic() - began
        memory = worker_memory(proc.pid)
    finally:
        stop_gunicorn(proc)
    _report(args, build, dir_size(index_dir), sequential, load, seconds, memory)
    return 1 if any(s.status != 200 for s in load.samples) else 0


def _sequential(port: int, paths: list[str], repeat: int) -> list[float]:
    """Each query's median over ``repeat`` rounds, one request at a time (ms)."""
    times: dict[str, list[float]] = {p: [] for p in paths}
    fetch(port, paths[0])  # warm-up
    for _ in range(repeat):
        for path in paths:
            started = time.perf_counter()
            status, _ = fetch(port, path)
            if status != 200:
                raise SystemExit(f"scale_bench: {path} answered {status}")
            times[path].append((time.perf_counter() - started) * 1000)
    return [statistics.median(t) for t in times.values()]


def _report(args, build, index_bytes: int, sequential: list[float], load: Load,
            seconds: float, memory: list[tuple[int, int, int]]) -> None:
    corpus = f"{args.factor}x the UNGDC file" + (f" (first {args.limit})" if args.limit else "")
    print(f"\n{corpus}, 2 gunicorn workers\n")
    print("| measure | value |\n|---|---:|")
    if build is not None:
        wall, peak, _ = build
        print(f"| build, --procs 2 | {wall / 60:.1f} min |")
        print(f"| build peak RSS (process tree) | {peak / 2**30:.2f} GiB |")
    print(f"| index on disk | {index_bytes / 2**20:,.0f} MiB |")
    print(f"| 40 queries one at a time, p50 | {statistics.median(sequential):.1f} ms |")
    print(f"| 40 queries one at a time, p95 | {percentile(sequential, 95):.1f} ms |")
    for pid, rss, private in memory:
        print(f"| worker {pid} after the load: private / RSS | {private} / {rss} MiB |")
    print(f"| workers' private memory together | {sum(m[2] for m in memory)} MiB |")
    print("\n| load | requests | failed | p50 ms | p95 ms | req/s |\n|---|---:|---:|---:|---:|---:|")
    print(row(f"{args.clients} clients, {seconds:.0f} s", load.samples, seconds))


if __name__ == "__main__":
    sys.exit(main())
