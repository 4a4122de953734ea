"""Verify benchmark: is a pasted quote real, where is it, and are its differences the edits made?

From ../shared/corpora/ungdc-1946-2024.jsonl.gz a fixed seed samples ``--n`` sentences
(10-35 words, as bench/known_item_bench.py picks them). Each gives pasted quotes of six
kinds, with the verdict a desk editor needs:

- ``verbatim``: the sentence as written, in curly quotes half the time -> found_verbatim;
- ``changed``: one or two content words replaced by random corpus words (not next to each
  other) -> found_with_differences, the diff naming exactly those words as changed;
- ``dropped``: one to three words left out (not next to each other) -> found_with_differences,
  the diff naming exactly those words as missing;
- ``joined``: the sentence and another, non-adjacent one of the same speech -> found_with_
  differences (a gap), both in the same source;
- ``attributed``: the sentence in quotes with `` — <speaker as recorded>, <year>`` ->
  found_verbatim, the attribution read as a hint that agrees (name and year);
- ``made_up``: invented sentences in the same style (bench/made_up_quotes.txt, written by
  someone who did not see the corpus: lines 2-51 used while tuning, 52-101 held out;
  bench/made_up_quotes_2.txt by another writer, never used to tune: ``--made-up fresh``)
  -> not_found or only_similar: never a "found" verdict.

Prints per kind: verdict accuracy, the source among the first three matches, diff exact
(changed and dropped), no false "found" (made-up), p50/p95 ms; then phrase history and
concordance timings over phrases of ../shared/bench/queries.tsv and common formulas.

    python bench/verify_bench.py --config CFG [--n 100] [--seed 15] [--made-up tune|holdout|all]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from known_item_bench import (core, is_content, random_corpus_word, replace_core,  # noqa: E402
                              sentences_of, usable)

from search.config import load_config  # noqa: E402
from search.service import SearchService  # noqa: E402
from search.service.align import fold  # noqa: E402
from search.service.request import SearchRequest  # noqa: E402

MADE_UP = ROOT / "bench" / "made_up_quotes.txt"
MADE_UP_2 = ROOT / "bench" / "made_up_quotes_2.txt"
SHARED = ROOT.parent / "shared"
KINDS = ("verbatim", "changed", "dropped", "joined", "attributed", "made_up")
EXPECTED = {"verbatim": "found_verbatim", "changed": "found_with_differences",
            "dropped": "found_with_differences", "joined": "found_with_differences",
            "attributed": "found_verbatim", "made_up": "not_found"}
FOUND = ("found_verbatim", "found_with_differences")
# Phrases whose history and concordance are timed, beside those of queries.tsv.
COMMON_PHRASES = ('"the United Nations"', '"international peace and security"',
                  '"New International Economic Order"', '"two-State solution"',
                  '"Security Council reform"', '"self-determination"', '"climate change"',
                  '"the Charter of the United Nations"', '"nuclear weapons"', '"human rights"')


def load_records() -> list[dict]:
    import gzip
    import json
    with gzip.open(SHARED / "corpora" / "ungdc-1946-2024.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def sample(records: list[dict], n: int, seed: int) -> list[dict]:
    """``n`` usable sentences, one per speech, each with a second sentence of its speech."""
    rng = random.Random(seed)
    docs = [{"id": r["id"], "text": r.get("text") or ""} for r in records]
    picked, seen = [], set()
    while len(picked) < n:
        record = rng.choice(records)
        if record["id"] in seen or not record.get("text"):
            continue
        # paragraphs as the reader joins them: a line ending in a hyphen runs on
        text = record["text"].replace("-\n", "")
        sentences = [s for p in text.split("\n") for s in sentences_of(p)]
        good = [i for i, s in enumerate(sentences) if usable(s)]
        far = [(i, j) for i in good for j in good if abs(i - j) > 3]
        if not far:
            continue
        i, j = rng.choice(far)
        seen.add(record["id"])
        picked.append({"doc_id": record["id"], "sentence": sentences[i],
                       "other": sentences[j], "speaker": record.get("speaker") or "",
                       "year": record.get("year"), "rng": random.Random(rng.random()),
                       "docs": docs})
    return picked


def cases_of(item: dict) -> list[dict]:
    """The pasted quotes of one sentence, with what a correct answer says."""
    rng, tokens = item["rng"], item["sentence"].split()
    content = [i for i, t in enumerate(tokens) if is_content(t)]
    cases = []
    marks = ("“", "”") if rng.random() < 0.5 else ('"', '"')
    cases.append({"kind": "verbatim", "q": marks[0] + item["sentence"] + marks[1]})
    changed = _apart(rng, content, rng.choice((1, 2)))
    new = list(tokens)
    edits = []
    for i in changed:
        word = random_corpus_word(rng, item["docs"], {core(tokens[i]).lower()})
        new[i] = replace_core(tokens[i], word)
        edits.append(("changed", fold(word), fold(core(tokens[i]))))
    cases.append({"kind": "changed", "q": " ".join(new), "edits": edits})
    dropped = _apart(rng, [i for i in range(1, len(tokens) - 1) if core(tokens[i])],
                     rng.choice((1, 2, 3)))
    cases.append({"kind": "dropped", "q": " ".join(t for i, t in enumerate(tokens)
                                                   if i not in dropped),
                  "edits": [("missing", "", fold(core(tokens[i]))) for i in dropped]})
    cases.append({"kind": "joined", "q": item["sentence"] + " " + item["other"]})
    if item["speaker"] and item["year"]:
        cases.append({"kind": "attributed", "q": f"“{item['sentence']}” — {item['speaker']}, "
                                                 f"{item['year']}"})
    for case in cases:
        case["doc_id"] = item["doc_id"]
    return cases


def _apart(rng: random.Random, positions: list[int], k: int) -> list[int]:
    """``k`` positions, no two next to each other (an edit each, never merged into one)."""
    for _ in range(50):
        chosen = sorted(rng.sample(positions, min(k, len(positions))))
        if all(b - a > 1 for a, b in zip(chosen, chosen[1:])):
            return chosen
    return chosen[:1]


def made_up(which: str) -> list[dict]:
    """Invented quotes: ``tune`` (used while tuning), ``holdout`` (scored after the verify work
    was done; one rule was added after its misses were read), ``fresh`` (a second set by
    another writer, never used to tune), or ``all``."""
    lines = MADE_UP.read_text(encoding="utf-8").splitlines()
    fresh = MADE_UP_2.read_text(encoding="utf-8").splitlines()[1:]
    chosen = {"tune": lines[1:51], "holdout": lines[51:101], "fresh": fresh,
              "all": lines[1:101] + fresh}[which]
    return [{"kind": "made_up", "q": line, "doc_id": None} for line in chosen if line.strip()]


def diff_exact(answer: dict, edits: list[tuple[str, str, str]]) -> bool:
    """Whether the best match's differences are exactly the edits made."""
    if not answer["matches"]:
        return False
    ops = [(op["op"], " ".join(fold(w) for w in op.get("pasted", "").split()),
            " ".join(fold(w.strip(".,;:!?\"'")) for w in op.get("source", "").split()))
           for op in answer["matches"][0]["diff"] if op["op"] != "same"]
    return ops == [(kind, pasted, source) for kind, pasted, source in edits]


def run(service: SearchService, cases: list[dict]) -> dict[str, dict]:
    """Every case once, in order; per kind the scores and times."""
    table: dict[str, dict] = {kind: {"n": 0, "verdict": 0, "top3": 0, "diff": 0, "diffs": 0,
                                     "false_found": 0, "hint": 0, "hints": 0, "ms": [],
                                     "misses": []} for kind in KINDS}
    for case in cases:
        started = time.perf_counter()
        answer = service.verify({"q": [case["q"]]})
        row = table[case["kind"]]
        row["ms"].append((time.perf_counter() - started) * 1000)
        row["n"] += 1
        verdict = answer["verdict"]
        expected = EXPECTED[case["kind"]]
        right = verdict in ("not_found", "only_similar") if case["kind"] == "made_up" \
            else verdict == expected
        row["verdict"] += right
        if not right:
            row["misses"].append((case["q"][:140], verdict))
        if case["kind"] == "made_up":
            row["false_found"] += verdict in FOUND
            continue
        row["top3"] += case["doc_id"] in [m["doc_id"] for m in answer["matches"][:3]]
        if "edits" in case:
            row["diffs"] += 1
            row["diff"] += diff_exact(answer, case["edits"])
        if case["kind"] == "attributed" and answer["matches"]:
            row["hints"] += 1
            hint = answer["matches"][0]["hint"] or {}
            row["hint"] += bool(hint.get("speaker")) and bool(hint.get("year"))
    return table


def print_table(table: dict[str, dict]) -> None:
    print("| kind | n | verdict right | source in top 3 | diff exact | false found | p50 ms | p95 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind, row in table.items():
        if not row["n"]:
            continue
        n = row["n"]
        top3 = "" if kind == "made_up" else f"{row['top3'] / n:.3f}"
        diff = f"{row['diff'] / row['diffs']:.3f}" if row["diffs"] else ""
        false = f"{row['false_found']}" if kind == "made_up" else ""
        print(f"| {kind} | {n} | {row['verdict'] / n:.3f} | {top3} | {diff} | {false} | "
              f"{statistics.median(row['ms']):.1f} | {percentile(row['ms'], 95):.1f} |")
    every = [ms for row in table.values() for ms in row["ms"]]
    print(f"| all | {len(every)} | | | | | {statistics.median(every):.1f} | "
          f"{percentile(every, 95):.1f} |")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def phrase_sets() -> dict[str, list[str]]:
    """The quoted phrases of queries.tsv, and common formulas (thousands of uses each)."""
    found = []
    for line in (SHARED / "bench" / "queries.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        q = line.split("\t")[0]
        if q.startswith('"') and q.endswith('"') and q.count('"') == 2:
            found.append(q)
    return {"queries.tsv phrases": list(dict.fromkeys(found)),
            "common formulas": [q for q in COMMON_PHRASES if q not in found]}


def usage_timings(service: SearchService, repeat: int) -> dict[str, list[float]]:
    """Per phrase set: phrase history; a concordance's first page (by date); sorted by the
    word before (every occurrence read, up to the sort cap)."""
    calls = {"phrase history": lambda q: service.phrase_history(SearchRequest(q=q)),
             "concordance, first page": lambda q: service.concordance(
                 SearchRequest(q=q, per_page=50), 8, "date"),
             "concordance, by word before": lambda q: service.concordance(
                 SearchRequest(q=q, per_page=50), 8, "left")}
    times: dict[str, list[float]] = {}
    for _ in range(repeat):
        for label, chosen in phrase_sets().items():
            for q in chosen:
                for name, call in calls.items():
                    started = time.perf_counter()
                    call(q)
                    times.setdefault(f"{name}, {label}", []).append(
                        (time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", type=Path, required=True,
                        help="a config whose index holds the whole UNGDC file")
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--made-up", choices=("tune", "holdout", "fresh", "all"), default="tune")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the phrase timings")
    parser.add_argument("--misses", action="store_true", help="print the wrong verdicts")
    args = parser.parse_args()
    service = SearchService(load_config(args.config))
    items = sample(load_records(), args.n, args.seed)
    cases = [case for item in items for case in cases_of(item)] + made_up(args.made_up)
    service.verify({"q": [cases[0]["q"]]})  # warm-up: the searcher's caches
    table = run(service, cases)
    print(f"Verify, {args.n} sentences (seed {args.seed}), made-up: {args.made_up}\n")
    print_table(table)
    if args.misses:
        for kind, row in table.items():
            for q, verdict in row["misses"]:
                print(f"  {kind}: {verdict}: {q}")
    print("\n| phrase call | n | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|---:|")
    for name, ms in usage_timings(service, args.repeat).items():
        print(f"| {name} | {len(ms)} | {statistics.median(ms):.1f} | {percentile(ms, 95):.1f} | "
              f"{max(ms):.1f} |")


if __name__ == "__main__":
    main()
