"""Index churn: size, segments and deleted share over rounds of small edits.

600 UNGDC speeches in 60 files of 10; each round edits one speech in each of
six files (a word appended), runs an incremental ``dipsearch index``, and
records the index's size on disk, its segments and the share of its units
that are deleted but not yet merged away; then ``dipsearch index --check``
must find no difference. Prints a table.

    python bench/churn_bench.py [--rounds 10] [--documents 600]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.config import load_config  # noqa: E402
from search.engine import open_engine  # noqa: E402
from search.service.indexing import build, check  # noqa: E402

UNGDC = ROOT.parent / "shared" / "corpora" / "ungdc-1946-2024.jsonl.gz"
PER_FILE = 10


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--documents", type=int, default=600)
    args = parser.parse_args()
    with gzip.open(UNGDC, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in islice(handle, args.documents)]
    with tempfile.TemporaryDirectory(prefix="churn-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        files = [records[i:i + PER_FILE] for i in range(0, len(records), PER_FILE)]
        for n, chunk in enumerate(files):
            (corpus / f"f{n:03}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in chunk))
        config_path = Path(tmp) / "config.yaml"
        config_path.write_text(json.dumps({"corpus": {"paths": [str(corpus)]},
                                           "index": {"dir": str(Path(tmp) / "index")}}))
        config = load_config(config_path)
        rows = [("build", *measure(config, build))]
        for round_ in range(1, args.rounds + 1):
            for k in range(6):
                n = (round_ * 7 + k * 11) % len(files)
                files[n][round_ % PER_FILE]["text"] += f" Edited in round {round_}."
                (corpus / f"f{n:03}.jsonl").write_text(
                    "".join(json.dumps(r) + "\n" for r in files[n]))
            rows.append((f"round {round_}", *measure(config, build)))
        differences = check(config)
    print("| step | seconds | index MiB | segments | units | deleted | deleted share |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, seconds, mb, stats in rows:
        print(f"| {name} | {seconds:.1f} | {mb:.1f} | {stats.segments} | {stats.units:,} | "
              f"{stats.deleted:,} | {stats.deleted_share:.1%} |")
    print(f"\ncheck after the last round: {len(differences)} differences")
    return 1 if differences else 0


def measure(config, run) -> tuple[float, float, object]:
    started = time.monotonic()
    run(config)
    seconds = time.monotonic() - started
    return seconds, size_mb(config.index_dir), open_engine(config).live().storage()


if __name__ == "__main__":
    sys.exit(main())
