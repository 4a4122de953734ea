"""Speaker values on the whole UNGDC file: raw strings, values before and after the people of
the records are learned (search.ingest.people), and a random sample of joins to hand-check.

    python bench/people_bench.py [--sample 100] [--seed 16] [--out joins.txt]

Before: one value per raw string up to case, honorific, punctuation and speakers.yaml
aliases (``SpeakerRegistry.canonical`` with nothing learned). After: the registry after
``learn`` over every record. A join is a person whose spellings had more than one value
before; the sample lists each with its country, spellings and years, one line each, for a
reader who judges whether every spelling on a line is the same person.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.ingest.people import Record  # noqa: E402
from search.ingest.speakers import SpeakerRegistry  # noqa: E402

UNGDC = ROOT.parent / "shared" / "corpora" / "ungdc-1946-2024.jsonl.gz"
SPEAKERS = ROOT / "corpus" / "speakers.yaml"


def records() -> list[Record]:
    with gzip.open(UNGDC, "rt", encoding="utf-8") as handle:
        rows = (json.loads(line) for line in handle)
        return [Record(r["speaker"], r.get("country"), r.get("year"), r.get("post"), r.get("country_code"))
                for r in rows if r.get("speaker")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--out", type=Path, default=Path("joins.txt"))
    args = parser.parse_args()
    if not UNGDC.exists():
        raise SystemExit(f"{UNGDC} is absent: the benchmark needs ../shared beside the project")
    found = records()
    before = SpeakerRegistry.load(SPEAKERS)
    after = SpeakerRegistry.load(SPEAKERS)
    learned = after.learn(found)
    old = {before.canonical(r.raw) for r in found}
    new = {after.canonical(r.raw, r.place, r.year) for r in found}
    joins = [p for p in learned.people if len({before.canonical(raw) for s in p for raw in s.raws}) > 1]
    print("| speaker values on UNGDC | count |\n|---|---:|")
    print(f"| raw speaker strings | {len({r.raw for r in found}):,} |")
    print(f"| before (case, honorific, punctuation, aliases) | {len(old):,} |")
    print(f"| after (people learned from the records) | {len(new):,} |")
    print(f"| people joining more than one former value | {len(joins):,} |")
    random.seed(args.seed)
    with args.out.open("w", encoding="utf-8") as out:
        for n, person in enumerate(random.sample(joins, min(args.sample, len(joins))), 1):
            first = next(s for s in person if s.years)
            name = after.canonical(next(iter(first.raws)), first.place, first.years[0])
            country = first.countries.most_common(1)[0][0]
            spellings = "; ".join(f"{' / '.join(sorted(s.raws))} {sorted(set(s.years))}"
                                  for s in person if s.years)
            print(f"{n}. [{country}] -> {name!r}: {spellings}", file=out)
    print(f"\n{min(args.sample, len(joins))} joins to hand-check in {args.out}")


if __name__ == "__main__":
    main()
