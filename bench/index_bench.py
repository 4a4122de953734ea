"""Indexing benchmark: our index of the UNGDC file against a plain Whoosh index.

Each configuration runs in its own process; a sampler adds up the resident
memory of that process and its children (Whoosh's writer subprocesses) every
0.1 s, so peak RSS covers multi-process builds too. Prints a Markdown table.

    python bench/index_bench.py                     # whole UNGDC file
    python bench/index_bench.py --limit 1000        # a quick look
    python bench/index_bench.py --only ours-1p,plain
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNGDC = ROOT.parent / "shared" / "corpora" / "ungdc-1946-2024.jsonl.gz"

PLAIN = r"""
import gzip, json, sys
from whoosh import fields, index
from whoosh.analysis import StemmingAnalyzer
schema = fields.Schema(id=fields.ID(stored=True, unique=True),
                       text=fields.TEXT(analyzer=StemmingAnalyzer()),
                       country=fields.ID(stored=True), year=fields.NUMERIC(stored=True))
ix = index.create_in(sys.argv[2], schema)
w = ix.writer()
with gzip.open(sys.argv[1], "rt", encoding="utf-8") as f:
    for line in f:
        r = json.loads(line)
        w.add_document(id=r["id"], text=r["text"], country=r["country_code"], year=r["year"])
w.commit()
"""


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def run_measured(argv: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """Wall seconds, peak tree RSS and stdout of one command."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    stop.set()
    sampler.join()
    wall = time.monotonic() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{argv} failed ({proc.returncode}):\n{err[-3000:]}")
    return wall, peak, out + err


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def corpus_subset(limit: int | None, work: Path) -> tuple[Path, int, int]:
    """The corpus file to index (the first ``limit`` lines), its documents and characters."""
    target = UNGDC if not limit else work / "subset.jsonl.gz"
    docs = chars = 0
    with gzip.open(UNGDC, "rt", encoding="utf-8") as src:
        out = gzip.open(target, "wt", encoding="utf-8") if limit else None
        for line in src:
            if limit and docs >= limit:
                break
            docs += 1
            chars += len(json.loads(line)["text"])
            if out:
                out.write(line)
        if out:
            out.close()
    return target, docs, chars


def ours(corpus: Path, work: Path, name: str, procs: int, quotes: bool) -> tuple[float, int, Path]:
    index_dir = work / name
    config = work / f"{name}.yaml"
    config.write_text(json.dumps({
        "corpus": {"paths": [str(corpus)], "speakers": str(ROOT / "corpus" / "speakers.yaml")},
        "index": {"dir": str(index_dir), "procs": procs, "quotes": quotes},
    }))
    wall, peak, out = run_measured([sys.executable, "-m", "search.cli", "--config", str(config),
                                    "index", "--rebuild", "--quiet"])
    print(f"  {name}: {out.strip().splitlines()[-1]}", file=sys.stderr)
    return wall, peak, index_dir


def plain(corpus: Path, work: Path) -> tuple[float, int, Path]:
    index_dir = work / "plain"
    index_dir.mkdir()
    wall, peak, _ = run_measured([sys.executable, "-c", PLAIN, str(corpus), str(index_dir)])
    return wall, peak, index_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="index only the first N speeches")
    parser.add_argument("--only", default="plain,ours-1p,ours-2p,ours-1p-noquotes",
                        help="comma-separated configurations to run")
    args = parser.parse_args()
    if not UNGDC.exists():
        raise SystemExit(f"{UNGDC} is absent: the benchmark needs ../shared beside the project")
    runs = {
        "plain": lambda c, w: plain(c, w),
        "ours-1p": lambda c, w: ours(c, w, "ours-1p", 1, True),
        "ours-2p": lambda c, w: ours(c, w, "ours-2p", 2, True),
        "ours-1p-noquotes": lambda c, w: ours(c, w, "ours-1p-noquotes", 1, False),
    }
    with tempfile.TemporaryDirectory(prefix="dipsearch-bench-") as tmp:
        work = Path(tmp)
        corpus, docs, chars = corpus_subset(args.limit, work)
        rows = {}
        for name in args.only.split(","):
            print(f"running {name} on {docs} speeches ...", file=sys.stderr)
            wall, peak, index_dir = runs[name](corpus, work)
            rows[name] = (wall, peak, dir_size(index_dir))
    base = rows.get("plain", (None,))[0]
    print(f"\n{docs} speeches, {chars / 1e6:.1f} M characters\n")
    print("| build | wall s | docs/s | MB/s | peak RSS MiB | index MiB | time / plain |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, (wall, peak, size) in rows.items():
        ratio = f"{wall / base:.2f}" if base else "-"
        print(f"| {name} | {wall:.1f} | {docs / wall:.0f} | {chars / 1e6 / wall:.2f} | "
              f"{peak / 2**20:.0f} | {size / 2**20:.0f} | {ratio} |")
    if "ours-1p" in rows and "ours-1p-noquotes" in rows:
        extra = rows["ours-1p"][0] / rows["ours-1p-noquotes"][0] - 1
        print(f"\nquote extraction adds {extra:.0%} to the 1-process build")


if __name__ == "__main__":
    main()
