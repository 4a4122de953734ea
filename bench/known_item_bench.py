"""Known-item search benchmark: find the speech a remembered sentence came from.

From ../shared/corpora/ungdc-1946-2024.jsonl.gz a fixed seed samples ``--n`` sentences
(10-35 words, one per speech, a random paragraph of a random speech; greetings,
congratulations and thanks skipped). Each gives five queries a journalist would type:

- ``rare_words``: 3-4 of the sentence's rarest words (document frequency over the
  corpus; no stop words, no numbers), unquoted, in sentence order;
- ``exact_phrase``: 5-8 consecutive words in straight double quotes, that no other speech
  holds word for word (the nearest such span of the sentence; a formula found in many
  speeches identifies none of them);
- ``curly_phrase``: the same words in curly quotes (pasted from a word processor);
- ``sentence_wrong_word``: the whole sentence, one content word replaced by a random
  corpus word and one stop word dropped (misremembered);
- ``reordered``: the whole sentence with two adjacent content words swapped.

The target is the speech's id. Systems, top 10 each:

- ours (``SearchService`` in-process, defaults as on the search page, highlights on):
  ``unit=documents``, ``unit=passages`` and ``unit=quotes``; a passage or quote hit
  counts at its rank when its doc_id is the target (most sentences are not quotes);
- plain Whoosh: the StemmingAnalyzer index of bench/query_bench.py's ``build_plain``,
  its default ``QueryParser`` (AND grouping), top 10 with ``hit.highlights`` as
  query_bench does;
- SQLite FTS5 (porter unicode61) and tantivy (``en_stem``), each behind the minimal
  front end a developer would write: straight-quoted text becomes a phrase, every
  other word is ANDed; curly quotes are not understood, their words are ANDed. No
  snippets. tantivy runs in its own venv (``--tantivy-python``) in a child process.

Each query runs once per system, the systems in turn query by query (a slow spell of
this shared machine falls on all of them), after a short warm-up. Prints, per query
kind and system: top-1, MRR@10, recall@10, p50/p95 ms. Writes the set to
``<out-dir>/set.jsonl`` and every system's ranks to ``<out-dir>/results.jsonl``.

    python bench/known_item_bench.py --config CFG --plain-dir DIR [--n 200] [--seed 14]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from bisect import bisect_right
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared"
UNGDC = SHARED / "corpora" / "ungdc-1946-2024.jsonl.gz"
OUT_DIR = Path("/work/bench-ungdc/known-item")
KINDS = ("rare_words", "exact_phrase", "curly_phrase", "sentence_wrong_word", "reordered")

WORD = re.compile(r"[^\W\d_]+")                 # letters only: the unit of document frequency
STOP = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
ourselves out over own same shall she should so some such than that the their theirs them
themselves then there these they this those through to too under until up upon us very was we
were what when where which while who whom why will with within without would yet you your
yours yourself yourselves must may might one every many much well thus therefore however
""".split())
# Openings and courtesies every speech has: not what anyone searches for.
BOILERPLATE = re.compile(
    r"\b(Mr\.? President|Madam President|Mr\.? Chairman|Madame? Chair|Mr\.? Secretary|"
    r"congratulat\w*|felicitat\w*|thank\w*|gratitude|on behalf of|"
    r"extend (my|our) (sincere |warm |warmest )?(thanks|gratitude)|pay tribute|"
    r"on (your|his|her) (election|unanimous election)|predecessor|outgoing President|"
    r"the President of the General Assembly|the Assembly at its \w+ session)\b",
    re.IGNORECASE)
ABBREVIATION = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|No|Nos|Art|Messrs|Gen|Sen|Rev|Prof|Mt|Ft|"
                          r"Jr|Sr|vs|etc|i\.e|e\.g|viz|cf)|\b[A-Z])\.$")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'“‘(])")
EDGE_PUNCT = "\"'“”‘’()[]{}.,;:!?-–—"


# -- the corpus and its document frequencies -----------------------------------------------

def load_corpus() -> list[dict]:
    with gzip.open(UNGDC, "rt", encoding="utf-8") as handle:
        return [{"id": r["id"], "text": r["text"] or ""} for r in map(json.loads, handle)]


def document_frequencies(docs: list[dict], out_dir: Path) -> Counter:
    """Lower-cased letter words -> number of speeches holding them; cached beside the set."""
    stat = UNGDC.stat()
    cache = out_dir / "df.json.gz"
    key = f"{stat.st_size}:{int(stat.st_mtime)}"
    if cache.exists():
        stored = json.loads(gzip.decompress(cache.read_bytes()))
        if stored.get("key") == key:
            return Counter(stored["df"])
    df: Counter = Counter()
    for doc in docs:
        df.update(set(WORD.findall(doc["text"].lower())))
    cache.write_bytes(gzip.compress(json.dumps({"key": key, "df": df}).encode()))
    return df


# -- the known-item set ----------------------------------------------------------------------

def sentences_of(paragraph: str) -> list[str]:
    pieces = SENTENCE_END.split(paragraph.strip())
    merged: list[str] = []
    for piece in pieces:
        if merged and ABBREVIATION.search(merged[-1]):
            merged[-1] += " " + piece
        else:
            merged.append(piece)
    return [s.strip() for s in merged if s.strip()]


def core(token: str) -> str:
    return token.strip(EDGE_PUNCT)


def is_content(token: str) -> bool:
    word = core(token)
    return bool(re.fullmatch(r"[^\W\d_]{3,}", word)) and word.lower() not in STOP


def usable(sentence: str) -> bool:
    tokens = sentence.split()
    if not 10 <= len(tokens) <= 35 or BOILERPLATE.search(sentence):
        return False
    if not (sentence[:1].isupper() and sentence[-1:] in ".!?"):
        return False  # a fragment (a heading, a list item, a wrapped line)
    if any(c in sentence for c in '"“”«»'):
        return False  # a quotation inside would tangle with the phrase queries
    content = [t for t in tokens if is_content(t)]
    stops = [t for t in tokens if core(t).lower() in STOP and core(t) == t]
    return len(content) >= 4 and bool(stops) and swappable(tokens) != []


def swappable(tokens: list[str]) -> list[int]:
    """Positions i where tokens i and i+1 are content words with nothing between them."""
    return [i for i in range(len(tokens) - 1)
            if is_content(tokens[i]) and is_content(tokens[i + 1])
            and tokens[i][-1:].isalpha() and tokens[i + 1][:1].isalpha()]


def replace_core(token: str, word: str) -> str:
    inner = core(token)
    start = token.find(inner)
    return token[:start] + word + token[start + len(inner):]


def random_corpus_word(rng: random.Random, docs: list[dict], avoid: set[str]) -> str:
    """A content word drawn from a random speech (so, by frequency of use)."""
    while True:
        words = WORD.findall(rng.choice(docs)["text"])
        if not words:
            continue
        word = rng.choice(words)
        if len(word) >= 3 and word.lower() not in STOP and word.lower() not in avoid:
            return word.lower()


def distinctive_span(tokens: list[str], start: int, length: int,
                     unique: Callable[[str], bool]) -> str:
    """The words at ``start`` if no other speech holds them, else the nearest longer or
    shifted span (up to 8 words) that only the source holds: one remembers a phrase that
    identifies its speech, not a formula ("It is of the utmost importance"). The random
    draws are not touched, so the other kinds' queries stay as they were."""
    def span_at(i: int, n: int) -> str:
        return " ".join(tokens[i:i + n]).strip(EDGE_PUNCT)
    tried = [(n, i) for n in range(length, min(8, len(tokens)) + 1)
             for i in sorted(range(len(tokens) - n + 1), key=lambda i: (abs(i - start), i))]
    return next((span_at(i, n) for n, i in tried if unique(span_at(i, n))),
                span_at(start, length))


def make_queries(sentence: str, rng: random.Random, docs: list[dict], df: Counter,
                 unique: Callable[[str], bool] = lambda span: True) -> dict:
    tokens = sentence.split()
    words = [w for w in WORD.findall(sentence) if len(w) >= 3 and w.lower() not in STOP]
    distinct = list(dict.fromkeys(w.lower() for w in words))
    k = min(len(distinct), rng.choice((3, 4)))
    rarest = set(sorted(distinct, key=lambda w: (df[w], w))[:k])
    rare, seen = [], set()
    for w in words:                                  # in sentence order, as remembered
        if w.lower() in rarest and w.lower() not in seen:
            rare.append(w)
            seen.add(w.lower())

    # 5-8 consecutive words holding at least two content words (what one remembers)
    length = rng.randint(5, min(8, len(tokens)))
    starts = [i for i in range(len(tokens) - length + 1)
              if sum(is_content(t) for t in tokens[i:i + length]) >= 2]
    start = rng.choice(starts or list(range(len(tokens) - length + 1)))
    span = distinctive_span(tokens, start, length, unique)

    content_at = [i for i, t in enumerate(tokens) if is_content(t)]
    wrong_at = rng.choice(content_at)
    replacement = random_corpus_word(rng, docs, {w.lower() for w in words})
    stop_at = [i for i, t in enumerate(tokens) if core(t).lower() in STOP and core(t) == t
               and i != wrong_at]
    drop_at = rng.choice(stop_at) if stop_at else None
    wrong = [replace_core(t, replacement) if i == wrong_at else t
             for i, t in enumerate(tokens) if i != drop_at]

    swap_at = rng.choice(swappable(tokens))
    swapped = list(tokens)
    a, b = core(tokens[swap_at]), core(tokens[swap_at + 1])
    swapped[swap_at] = replace_core(tokens[swap_at], b)
    swapped[swap_at + 1] = replace_core(tokens[swap_at + 1], a)

    return {
        "rare_words": " ".join(rare),
        "exact_phrase": f'"{span}"',
        "curly_phrase": f"“{span}”",
        "sentence_wrong_word": " ".join(wrong),
        "reordered": " ".join(swapped),
        "_edits": {"rare_df": {w.lower(): df[w.lower()] for w in rare},
                   "replaced": core(tokens[wrong_at]), "by": replacement,
                   "dropped": tokens[drop_at] if drop_at is not None else None,
                   "swapped": [a, b]},
    }


def verbatim_holders(docs: list[dict]) -> Callable[[str], tuple[str, ...]]:
    """span -> ids of the speeches holding it word for word (case and spacing aside)."""
    flat = [" ".join(d["text"].lower().split()) for d in docs]
    whole = "\n".join(flat)
    starts = [0]
    for text in flat:
        starts.append(starts[-1] + len(text) + 1)

    def holders(span: str) -> tuple[str, ...]:
        needle, found, at = " ".join(span.lower().split()), [], 0
        while (at := whole.find(needle, at)) >= 0:
            found.append(docs[bisect_right(starts, at) - 1]["id"])
            at += 1
        return tuple(dict.fromkeys(found))
    return holders


def build_set(docs: list[dict], df: Counter, n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    holders = verbatim_holders(docs)
    used: set[int] = set()
    items: list[dict] = []
    while len(items) < n and len(used) < len(docs):
        at = rng.randrange(len(docs))
        if at in used:
            continue
        used.add(at)
        # Some speeches are hard-wrapped: a line not ending a sentence goes on in the next.
        text = re.sub(r"(?<![.!?:;\"”)])\n(?=\S)", " ", docs[at]["text"])
        paragraphs = [p for p in text.split("\n") if len(p.split()) >= 10]
        if not paragraphs:
            continue
        candidates = [s for s in sentences_of(rng.choice(paragraphs)) if usable(s)]
        if not candidates:
            continue
        sentence = rng.choice(candidates)
        queries = make_queries(sentence, rng, docs, df,
                               lambda span: set(holders(span)) <= {docs[at]["id"]})
        edits = queries.pop("_edits")
        items.append({"n": len(items), "target": docs[at]["id"], "sentence": sentence,
                      "queries": queries, "edits": edits})
    return items


# -- systems ---------------------------------------------------------------------------------

def ours(config_path: Path) -> dict[str, Callable[[str], list[str]]]:
    from search.config import load_config
    from search.service import RequestError, SearchService
    from search.service.request import parse_request

    service = SearchService(load_config(config_path))

    def tab(unit: str) -> Callable[[str], list[str]]:
        def run(q: str) -> list[str]:
            try:
                request = parse_request({"q": [q], "unit": [unit]}, service.limits,
                                        service.facets)
                return [hit["doc_id"] for hit in service.search(request)["hits"][:10]]
            except RequestError as error:
                return [f"!{error}"]
        return run
    return {f"ours {unit}": tab(unit) for unit in ("documents", "passages", "quotes")}


def plain_whoosh(path: Path) -> Callable[[str], list[str]]:
    from whoosh import index
    from whoosh.qparser import QueryParser

    ix = index.open_dir(str(path))
    searcher = ix.searcher()
    parser = QueryParser("text", ix.schema)  # default group: AndGroup

    def run(q: str) -> list[str]:
        results = searcher.search(parser.parse(q), limit=10)
        hits = results[:10]
        [hit.highlights("text") for hit in hits]  # as query_bench's plain run does
        return [hit["id"] for hit in hits]
    return run


def naive_parts(q: str) -> tuple[list[list[str]], list[str]]:
    """A minimal front end: straight-quoted phrases, and the other words."""
    phrases = [re.findall(r"\w+", p) for p in re.findall(r'"([^"]*)"', q)]
    rest = re.sub(r'"[^"]*"', " ", q)
    return [p for p in phrases if p], re.findall(r"\w+", rest)


def fts5_query(q: str) -> str:
    phrases, words = naive_parts(q)
    parts = ['"' + " ".join(p) + '"' for p in phrases] + [f'"{w}"' for w in words]
    return " AND ".join(parts)


def fts5(out_dir: Path, docs: list[dict]) -> tuple[Callable[[str], list[str]], sqlite3.Connection]:
    path = out_dir / "fts5.sqlite"
    fresh = not path.exists()
    db = sqlite3.connect(str(path.with_suffix(".building")) if fresh else str(path))
    if fresh:
        started = time.perf_counter()
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, text, "
                   "tokenize='porter unicode61 remove_diacritics 2')")
        db.executemany("INSERT INTO docs(id, text) VALUES (?, ?)",
                       ((d["id"], d["text"]) for d in docs))
        db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
        db.commit()
        db.close()
        path.with_suffix(".building").rename(path)
        print(f"built {path} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        db = sqlite3.connect(str(path))

    def run(q: str) -> list[str]:
        expr = fts5_query(q)
        if not expr:
            return []
        try:
            return [row[0] for row in db.execute(
                "SELECT id FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 10", (expr,))]
        except sqlite3.OperationalError as error:
            return [f"!{error}"]
    return run, db


TANTIVY_WORKER = r'''
import gzip, json, re, sys, time
from pathlib import Path
import tantivy

corpus, index_dir = sys.argv[1], Path(sys.argv[2])
builder = tantivy.SchemaBuilder()
builder.add_text_field("id", stored=True, tokenizer_name="raw")
builder.add_text_field("text", stored=False, tokenizer_name="en_stem")
schema = builder.build()
if not (index_dir / "meta.json").exists() or not (index_dir / "done").exists():
    index_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    index = tantivy.Index(schema, path=str(index_dir))
    writer = index.writer(heap_size=300_000_000, num_threads=2)
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        for line in handle:
            r = json.loads(line)
            writer.add_document(tantivy.Document(id=r["id"], text=r["text"] or ""))
    writer.commit()
    writer.wait_merging_threads()
    (index_dir / "done").write_text("")
    print(f"built {index_dir} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
index = tantivy.Index.open(str(index_dir))
index.reload()
searcher = index.searcher()

def query_of(q):
    phrases = [re.findall(r"\w+", p) for p in re.findall(r'"([^"]*)"', q)]
    rest = re.sub(r'"[^"]*"', " ", q)
    parts = ['"' + " ".join(p).lower() + '"' for p in phrases if p]
    parts += [w.lower() for w in re.findall(r"\w+", rest)]
    return " AND ".join(parts)

print("ready", flush=True)
for line in sys.stdin:
    q = json.loads(line)
    started = time.perf_counter()
    try:
        text = query_of(q)
        ids = []
        if text:
            hits = searcher.search(index.parse_query(text, ["text"]), 10).hits
            ids = [searcher.doc(address)["id"][0] for _, address in hits]
    except Exception as error:
        ids = ["!" + str(error)[:200]]
    ms = (time.perf_counter() - started) * 1000
    print(json.dumps({"ids": ids, "ms": ms}), flush=True)
'''


class Tantivy:
    """tantivy in its own venv, one child process answering a query a line."""

    def __init__(self, python: Path, index_dir: Path) -> None:
        self.child = subprocess.Popen([str(python), "-c", TANTIVY_WORKER, str(UNGDC),
                                       str(index_dir)], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)
        if self.child.stdout.readline().strip() != "ready":
            raise RuntimeError("the tantivy worker did not start")
        self.last_ms = 0.0

    def __call__(self, q: str) -> list[str]:
        self.child.stdin.write(json.dumps(q) + "\n")
        self.child.stdin.flush()
        answer = json.loads(self.child.stdout.readline())
        self.last_ms = answer["ms"]
        return answer["ids"]

    def close(self) -> None:
        self.child.stdin.close()
        self.child.wait(timeout=30)


# -- running and reporting -------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(share * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True,
                        help="a config whose index holds the whole UNGDC file")
    parser.add_argument("--plain-dir", type=Path, required=True,
                        help="plain Whoosh index of bench/query_bench.py's build_plain "
                             "(built there if missing)")
    parser.add_argument("--n", type=int, default=200, help="sentences in the set")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR,
                        help="set.jsonl, results.jsonl and the FTS5/tantivy indexes")
    parser.add_argument("--skip-fts5", action="store_true")
    parser.add_argument("--tantivy-python", type=Path, default=OUT_DIR / "venv" / "bin" / "python",
                        help="a Python with tantivy installed (skipped when absent)")
    parser.add_argument("--skip-tantivy", action="store_true")
    parser.add_argument("--failures", type=int, default=5,
                        help="failures of ours (documents) to print for rare_words and "
                             "sentence_wrong_word")
    args = parser.parse_args()
    if not UNGDC.exists():
        raise SystemExit(f"{UNGDC} is absent: the benchmark needs ../shared beside the project")
    args.out_dir.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    docs = load_corpus()
    df = document_frequencies(docs, args.out_dir)
    items = build_set(docs, df, args.n, args.seed)
    print(f"set of {len(items)} sentences built in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)

    systems: dict[str, Callable[[str], list[str]]] = {}
    systems.update(ours(args.config))
    if not list(args.plain_dir.glob("*.toc")):
        sys.path.insert(0, str(ROOT / "bench"))
        from query_bench import build_plain  # noqa: PLC0415
        print(f"building the plain index in {args.plain_dir} ...", file=sys.stderr)
        build_plain(args.plain_dir)
    systems["plain Whoosh"] = plain_whoosh(args.plain_dir)
    notes = []
    db = None
    if not args.skip_fts5:
        systems["SQLite FTS5"], db = fts5(args.out_dir, docs)
        for item in items:  # other speeches holding the same sentence (for reading failures)
            expr = fts5_query('"' + item["sentence"] + '"')
            item["also_in"] = [row[0] for row in db.execute(
                "SELECT id FROM docs WHERE docs MATCH ?", (expr,)) if row[0] != item["target"]]
    else:
        notes.append("SQLite FTS5 skipped (--skip-fts5)")
    tantivy = None
    if args.skip_tantivy:
        notes.append("tantivy skipped (--skip-tantivy)")
    elif not args.tantivy_python.exists():
        notes.append(f"tantivy skipped: no {args.tantivy_python}")
    else:
        tantivy = Tantivy(args.tantivy_python, args.out_dir / "tantivy-index")
        systems["tantivy"] = tantivy
    del docs

    with open(args.out_dir / "set.jsonl", "w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")

    for item in items[:5]:  # warm-up: caches, lazily opened readers
        for kind in KINDS:
            for run in systems.values():
                run(item["queries"][kind])

    ranks: dict[tuple[str, str], list[int | None]] = {}
    times: dict[tuple[str, str], list[float]] = {}
    tops: dict[tuple[str, str], list[list[str]]] = {}
    errors: Counter = Counter()
    for number, item in enumerate(items, 1):
        for kind in KINDS:
            q = item["queries"][kind]
            for name, run in systems.items():
                began = time.perf_counter()
                ids = run(q)
                ms = (time.perf_counter() - began) * 1000
                if name == "tantivy":
                    ms = tantivy.last_ms  # in its process: no pipe round trip
                if ids and ids[0].startswith("!"):
                    errors[(kind, name)] += 1
                rank = next((i for i, d in enumerate(ids[:10], 1) if d == item["target"]), None)
                ranks.setdefault((kind, name), []).append(rank)
                times.setdefault((kind, name), []).append(ms)
                tops.setdefault((kind, name), []).append(ids[:10])
        if number % 25 == 0:
            print(f"{number}/{len(items)} sentences run, "
                  f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    if tantivy:
        tantivy.close()

    with open(args.out_dir / "results.jsonl", "w", encoding="utf-8") as handle:
        for at, item in enumerate(items):
            for kind in KINDS:
                handle.write(json.dumps({
                    "n": item["n"], "kind": kind, "target": item["target"],
                    "q": item["queries"][kind],
                    "systems": {name: {"rank": ranks[(kind, name)][at],
                                       "ms": round(times[(kind, name)][at], 2),
                                       "top": tops[(kind, name)][at]} for name in systems}},
                    ensure_ascii=False) + "\n")

    duplicated = sum(1 for item in items if item.get("also_in"))
    print(f"\nknown-item set: {len(items)} sentences x {len(KINDS)} query kinds, seed {args.seed}, "
          f"from {UNGDC.name}; {duplicated} sentences also occur in another speech"
          f"{' (FTS5 phrase check)' if db else ''}; {datetime.now():%Y-%m-%d %H:%M}")
    print(f"set: {args.out_dir / 'set.jsonl'}; per-query results: "
          f"{args.out_dir / 'results.jsonl'}")
    for note in notes:
        print(note)
    print("\n| query kind | system | top-1 | MRR@10 | recall@10 | p50 ms | p95 ms | errors |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for kind in KINDS:
        for name in systems:
            found = ranks[(kind, name)]
            top1 = sum(1 for r in found if r == 1) / len(found)
            mrr = sum(1 / r for r in found if r) / len(found)
            recall = sum(1 for r in found if r) / len(found)
            ms = times[(kind, name)]
            print(f"| {kind} | {name} | {top1:.3f} | {mrr:.3f} | {recall:.3f} | "
                  f"{statistics.median(ms):.1f} | {percentile(ms, 0.95):.1f} | "
                  f"{errors[(kind, name)]} |")

    for kind in ("rare_words", "sentence_wrong_word"):
        key = (kind, "ours documents")
        missed = [at for at, r in enumerate(ranks[key]) if r != 1]
        print(f"\nours documents, {kind}: {len(missed)} of {len(items)} not at rank 1; "
              f"first {args.failures}:")
        for at in missed[:args.failures]:
            item = items[at]
            print(f"  q: {item['queries'][kind]}\n     target {item['target']} "
                  f"(rank {ranks[key][at] or '>10'}); ours top-3: {tops[key][at][:3]}")


if __name__ == "__main__":
    main()
