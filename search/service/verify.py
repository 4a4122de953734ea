"""Is this quote real? Who said it, when, in exactly which words, and who said it first?

A pasted quote is read (search.service.pasted: its words, and an attribution
such as ``— Gromyko, 1961`` kept apart as a hint), its source looked for by
its rarest words, sentence by sentence (a remembered quote keeps most of
them, and rare words read short postings), and every candidate paragraph
aligned with it word by word (search.service.align). The verdict rests on
the best alignment and on whose words the source is:

* ``found_verbatim``: every pasted word, in order, in a speaker's own words
  (a speech, a direct or partial quote); an ellipsis in the paste may skip
  words;
* ``found_with_differences``: most of the words, with named differences,
  or the exact words but only as reported speech or an outlet's narrative
  (which are not a quotation);
* ``only_similar``: some of the words, not enough to say the quote is there;
* ``not_found``: nothing close in this corpus.

Where the same words stand in several documents, every use is listed in date
order: the earliest first ("first said by ..."), then who repeated or quoted it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

from search.engine.interface import SearchSpec, Snapshot
from search.fields import KINDS
from search.ingest.document import paragraph_starts
from search.service.align import DIFF_OP_SCHEMA, Alignment, Word, align, words
from search.service.citing import display_date
from search.service.hits import FIELDS, SPEAKER_SCHEMA, hit, quote_of
from search.service.pasted import Pasted
from search.service.usage import history

VERDICTS = {
    "found_verbatim": "Found verbatim",
    "found_with_differences": "Found with differences",
    "only_similar": "Only similar statements found",
    "not_found": "Not found in this corpus",
}
# Whose words a match stands in; only the first three are anyone's quotation.
SOURCE_KINDS = {
    "own_words": "the speaker's own text (a speech or statement)",
    "direct": KINDS.get("direct", "direct quote"),
    "partial": KINDS.get("partial", "partial quote"),
    "reported": "reported speech: the reporter's paraphrase, not a quotation",
    "narrative": "the outlet's own words, not a speaker's",
}
SPOKEN = ("own_words", "direct", "partial")
_SPEAKER_OR_NULL = {"oneOf": [SPEAKER_SCHEMA, {"type": "null"}]}
MATCH_SCHEMA = {
    "type": "object",
    "required": ["id", "doc_id", "kind", "speaker", "source_text", "coverage", "similarity",
                 "verbatim", "diff", "citation", "permalink"],
    "properties": {
        **{k: FIELDS[k] for k in ("id", "doc_id", "title", "date", "date_precision", "type",
                                  "source", "country", "permalink", "citation")},
        "kind": {"type": "string", "enum": list(SOURCE_KINDS),
                 "description": "; ".join(f"{k}: {v}" for k, v in SOURCE_KINDS.items())},
        "speaker": {**_SPEAKER_OR_NULL, "description": "whose words these are; null: the "
                                                       "outlet's, or not recorded"},
        "quote_id": {"type": ["string", "null"], "description": "the quote the words stand in"},
        "source_text": {"type": "string", "description": "the source's words the paste covers"},
        "coverage": {"type": "number", "description": "share of the pasted words found"},
        "content_coverage": {"type": "number", "description": "the same, stop words aside"},
        "similarity": {"type": "number", "description": "1.0: word for word"},
        "verbatim": {"type": "boolean"},
        "diff": {"type": "array", "items": DIFF_OP_SCHEMA},
        "hint": {"type": ["object", "null"], "description": "whether the source agrees with "
                                                           "the pasted attribution: speaker, "
                                                           "year (true, false or null)"},
    },
}
VERIFY_SCHEMA = {
    "type": "object",
    "required": ["verdict", "verdict_label", "explanation", "pasted", "matches", "first",
                 "uses", "history"],
    "properties": {
        "verdict": {"type": "string", "enum": list(VERDICTS),
                    "description": "found_verbatim: every word, in a speaker's words; "
                                   "found_with_differences: most words, differences in `diff`, "
                                   "or the exact words only as reported speech or narrative; "
                                   "only_similar: some words, not the quote; not_found"},
        "verdict_label": {"type": "string"}, "explanation": {"type": "string"},
        "pasted": {"type": "object", "description": "the words checked (`quote`) and the "
                                                    "attribution read as a hint"},
        "matches": {"type": "array", "items": MATCH_SCHEMA, "description": "best first"},
        "first": {"type": ["object", "null"], "description": "the earliest use"},
        "uses": {"type": "array", "items": {"type": "object"},
                 "description": "every source of the same words, oldest first, each with its "
                                "`relation`: first, said again, quoted, reported, repeated by "
                                "another speaker"},
        "history": {"type": ["object", "null"], "description": "the phrase history (as "
                                                               "/api/phrase) of the best "
                                                               "match's longest verbatim run"},
    },
}
# The rarest words of each sentence that look for its source, and the paragraphs each brings.
PROBE_WORDS = 8
MIN_PROBE = 4
ANY_WORDS = 6
RARE_SHARE = 0.01
PROBE_SENTENCES = 4
CANDIDATES = 20
# Candidates aligned word by word (those holding most of the pasted words first).
ALIGNED = 24
# A sentence this short is looked for together with the next one.
SHORT_SENTENCE = 6
SHOWN_MATCHES = 5
SHOWN_USES = 20
# What makes a use "the same words": most pasted words, in order, little else.
USE_COVERAGE = 0.8
USE_SIMILARITY = 0.75
# Verdict thresholds (content words: not stop words).
DIFFERENT_COVERAGE = 0.6
DIFFERENT_CONTENT = 0.65
DIFFERENT_SIMILARITY = 0.6
SIMILAR_CONTENT = 0.35
SIMILAR_RUN = 6  # or a run of this many words in a row (a line's formula, a shared clause)
# The verbatim words whose phrase history is told: at most this many.
HISTORY_WORDS = 10


@dataclass
class Found:
    """One candidate source: its document's paragraphs that hold the paste, aligned."""

    doc_id: str
    passages: list[dict]
    alignment: Alignment
    content: float  # share of the paste's content words found

    @property
    def first_passage(self) -> dict:
        """The paragraph the paste's first piece stands in."""
        s0 = self.alignment.pieces[0].s0 if self.alignment.pieces else 0
        return self.passages[_passage_at(self.passages, s0)]


def verify(live: Snapshot, pasted: Pasted, filters: dict[str, list[str]] | None = None,
           cite: Callable[[dict], None] = lambda shown: None) -> dict:
    """The verdict on ``pasted``, its best sources with their differences, every use, and
    the history of its longest verbatim run. ``cite`` adds a source's permalink and
    citation (the service's, which knows the public address)."""
    started = time.perf_counter()
    filters = filters or {}
    content = _content_words(live, pasted)
    candidates = _candidates(live, pasted, filters, 0)
    found = _aligned(candidates, pasted, content)
    if not found or found[0].alignment.coverage < DIFFERENT_COVERAGE:
        # the rarest words may be the ones misremembered: look again by any of them
        more = _candidates(live, pasted, filters, 1)
        more = {d: passages for d, passages in more.items() if d not in candidates}
        candidates.update(more)
        found = _ranked(found + _aligned(more, pasted, content), pasted)
    phrase = _history_phrase(found[0], pasted) if found else None
    told = None
    if phrase:
        # the earliest uses of the words, however deep the search for them ranked them
        told, earliest = history(live, phrase, filters, earliest=SHOWN_USES)
        extra = _by_doc(m.record for m in earliest if m.record["doc_id"] not in candidates)
        found = _ranked(found + _aligned(extra, pasted, content), pasted)
        again = _history_phrase(found[0], pasted)
        if again and again != phrase:  # another source came first: tell its words' history
            told, _ = history(live, again, filters)
    shown = [_describe(live, f, pasted, cite) for f in found[:SHOWN_MATCHES]]
    verdict = _verdict(found[0], shown[0]) if found else "not_found"
    uses = _uses(found, shown, live, pasted, cite) if verdict != "not_found" else []
    strong = sum(_strong(f) for f in found)
    return {
        "verdict": verdict,
        "verdict_label": VERDICTS[verdict],
        "explanation": _explain(verdict, shown[0] if shown else None),
        "pasted": pasted.as_dict(),
        "matches": shown if verdict != "not_found" else [],
        "first": uses[0] if uses else None,
        "uses": uses,
        # sources found holding the same words (uses lists the first SHOWN_USES of them); the
        # history counts every paragraph holding the best match's longest verbatim run
        "uses_found": strong if verdict != "not_found" else 0,
        "history": told if verdict != "not_found" else None,
        "took_ms": round((time.perf_counter() - started) * 1000, 1),
    }


def _aligned(candidates: dict[str, list[dict]], pasted: Pasted, content: set[int]
             ) -> list[Found]:
    """Every candidate document aligned with the paste, best first."""
    found = [_found(doc_id, passages, pasted, content)
             for doc_id, passages in candidates.items()]
    return _ranked([f for f in found if f.alignment.pieces], pasted)


def _ranked(found: list[Found], pasted: Pasted) -> list[Found]:
    """Most of the paste first, then the closest wording, the attribution's, the oldest."""
    return sorted(found, key=lambda f: (-round(f.alignment.coverage, 2), -f.alignment.similarity,
                                        -_hint_score(pasted, f), _date(f), f.doc_id))


# -- finding candidates -------------------------------------------------------

def _candidates(live: Snapshot, pasted: Pasted, filters: dict, round_: int
                ) -> dict[str, list[dict]]:
    """Paragraphs holding most of the rarest words of each sentence (``round_`` 0), or any
    of them (1), by document: the ALIGNED documents holding most of the pasted words."""
    by_doc: dict[str, dict[int, dict]] = defaultdict(dict)
    for sentence in _sentences(pasted.words)[:PROBE_SENTENCES]:
        for probe in _probes(live, pasted.quote, sentence, round_):
            outcome = live.search(SearchSpec(q=probe, unit="passage", filters=filters,
                                             count=CANDIDATES, best_passages=False,
                                             quotes=False, suggest=False))
            for match in outcome.matches:
                record = match.record
                by_doc[record["doc_id"]].setdefault(record["position"], record)
    ranked = sorted(by_doc.items(), key=lambda item: -_overlap(pasted.words, item[1].values()))
    return {doc_id: [units[p] for p in sorted(units)] for doc_id, units in ranked[:ALIGNED]}


def _by_doc(records) -> dict[str, list[dict]]:
    """Paragraph records grouped by document, in their order there."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        grouped[record["doc_id"]].append(record)
    return {d: sorted(rs, key=lambda r: r["position"]) for d, rs in grouped.items()}


def _sentences(pasted: list[Word]) -> list[list[Word]]:
    """The paste's sentences, a short one joined to the next, longest first."""
    out: list[list[Word]] = [[]]
    for word in pasted:
        out[-1].append(word)
        if word.ends_sentence and len(out[-1]) >= SHORT_SENTENCE:
            out.append([])
    if len(out) > 1 and len(out[-1]) < SHORT_SENTENCE:
        out[-2].extend(out.pop())
    return sorted((s for s in out if s), key=len, reverse=True)


def _probes(live: Snapshot, text: str, sentence: list[Word], round_: int = 0) -> list[str]:
    """Plain-words queries of the sentence's rarest words that the index holds, in their
    order; most of a query's words must match (a remembered quote keeps most of its rare
    words). Words in more than RARE_SHARE of the paragraphs are left out while there are
    MIN_PROBE others (their postings are long, and they tell little); eight words make two
    queries of every other word, so that two misremembered words rarely sink both. Round 1,
    when that found nothing close, asks for any of the ANY_WORDS rarest words (in at most
    RARE_SHARE of the paragraphs): a quote misremembered in its rare words, or one that
    only shares a clause with its source."""
    span = text[sentence[0].start:sentence[-1].end]
    tokens = [t for t in live.tokens(span) if not t.stopped and t.text]
    counts = live.frequencies({t.text for t in tokens}, "passage")
    held = sorted({t.text for t in tokens if counts.get(t.text)}, key=lambda t: (counts[t], t))
    common = RARE_SHARE * live.unit_count("passage")
    first = max(MIN_PROBE, sum(counts[t] <= common for t in held[:PROBE_WORDS]))
    if round_:
        groups = [[t for t in held[:ANY_WORDS] if counts[t] <= common]]
    elif first >= PROBE_WORDS:
        groups = [held[:first:2], held[1:first:2]]
    else:
        groups = [held[:first]]
    order = {}
    for token in tokens:
        order.setdefault(token.text, span[token.start:token.end].lower())
    least = min(3, len(held))  # a short quote's every word; a long one's three at least
    joint = " OR " if round_ else " "
    return [joint.join(order[t] for t in order if t in group) for group in groups
            if group and len(group) >= least]


def _overlap(pasted: list[Word], passages) -> int:
    """Distinct pasted words the paragraphs hold: which candidates to align first."""
    keys = {w.key for w in pasted}
    held = set()
    for record in passages:
        held.update(w.key for w in words(record.get("body") or ""))
    return len(keys & held)


def _found(doc_id: str, passages: list[dict], pasted: Pasted, content: set[int]) -> Found:
    """The paste aligned with a document's candidate paragraphs (no piece crosses two)."""
    source: list[Word] = []
    bounds = []
    for record in passages:
        bounds.append(len(source))
        source.extend(words(record.get("body") or ""))
    alignment = align(pasted.words, source, pasted.elided, bounds)
    matched = alignment.same_indexes()
    share = len(content & matched) / len(content) if content else alignment.coverage
    return Found(doc_id, passages, alignment, share)


def _content_words(live: Snapshot, pasted: Pasted) -> set[int]:
    """Indexes of the pasted words that are not stop words (as the index analyses them)."""
    stopped = {t.start for t in live.tokens(pasted.quote) if t.stopped}
    return {i for i, w in enumerate(pasted.words) if w.start not in stopped}


# -- describing a source ------------------------------------------------------

def _describe(live: Snapshot, found: Found, pasted: Pasted, cite: Callable[[dict], None]
              ) -> dict:
    """A candidate as the answer shows it: where, whose words, and what differs."""
    passage = found.first_passage
    shown = hit(passage, None)
    shown.pop("score", None)
    kind, speaker, quote, one_voice = _whose(live, found)
    shown.update(
        passage=passage["key"], kind=kind, kind_label=SOURCE_KINDS[kind], speaker=speaker,
        quote=quote, quote_id=quote["id"] if quote else None,
        source_text=_source_text(found),
        coverage=round(found.alignment.coverage, 3),
        content_coverage=round(found.content, 3),
        similarity=round(found.alignment.similarity, 3),
        verbatim=found.alignment.verbatim, one_voice=one_voice,
        diff=found.alignment.diff(),
        hint=_hint_agreement(pasted, shown, speaker))
    cite(shown)
    return shown


def _source_text(found: Found) -> str:
    """The source's words the paste covers, as written, paragraph by paragraph."""
    out = []
    for piece in found.alignment.pieces:
        index = _passage_at(found.passages, piece.s0)
        body = found.passages[index].get("body") or ""
        first, last = found.alignment.source[piece.s0], found.alignment.source[piece.s1 - 1]
        out.append(body[first.start:last.end])
    return " … ".join(out)


def _passage_at(passages: list[dict], s: int) -> int:
    """Which of the joined paragraphs source word ``s`` stands in."""
    at = 0
    for index, record in enumerate(passages):
        at += len(words(record.get("body") or ""))
        if s < at:
            return index
    return len(passages) - 1


def _whose(live: Snapshot, found: Found) -> tuple[str, dict | None, dict | None, bool]:
    """Whose words the paste stands in: (kind, speaker, quote) of its first piece, and
    whether every piece lies wholly in that one voice (what a verbatim verdict needs: a
    quote's words followed by ``, Austin said`` are partly the outlet's)."""
    units = live.units_of(found.doc_id)
    quotes = [q for q in (quote_of(r) for r in units if r.get("unit") == "quote")
              if q["start"] is not None and q["end"] is not None]
    starts = _paragraph_starts(units)
    voices = []
    for piece in found.alignment.pieces:
        passage = found.passages[_passage_at(found.passages, piece.s0)]
        base = starts.get(passage["position"], 0)
        spans = [(base + w.start, base + w.end) for w in found.alignment.source[piece.s0:piece.s1]]
        voices.append(_voice(passage, quotes, spans))
    kind, speaker, quote, whole = voices[0]
    name = speaker["name"] if speaker else None
    one = all(v[3] and v[0] == kind and (v[1] or {}).get("name") == name for v in voices)
    return kind, speaker, quote, one


def _voice(passage: dict, quotes: list[dict], spans: list[tuple[int, int]]
           ) -> tuple[str, dict | None, dict | None, bool]:
    """(kind, speaker, quote, wholly) of one piece's words (``spans``: their offsets in the
    document): the quote holding most of them, if it holds half; else the speech's own text
    or the outlet's narrative. ``wholly``: no word of the piece is in another voice."""
    def inside(quote: dict) -> int:
        return sum(quote["start"] <= a and b <= quote["end"] for a, b in spans)
    best = max(quotes, key=inside, default=None)
    held = inside(best) if best else 0
    meta = passage.get("meta", {})
    spoken = meta.get("voice") == "speaker" or meta.get("type") == "speech"
    own = meta.get("speakers", []) if spoken else []
    if held * 2 >= len(spans) and best["kind"] in SOURCE_KINDS and not (
            best["kind"] == "reported" and spoken):
        speakers = best["speakers"]
        speaker = speakers[0] if speakers else (
            {"name": best["speaker"], "role": None, "country": None, "kind": "unknown"}
            if best["speaker"] else None)
        return best["kind"], speaker, best, held == len(spans)
    # a speech's own text (also where it paraphrases someone: the words are still its own),
    # or a speech whose speaker is not recorded (no name); else the outlet's narrative
    quoted = sum(1 for q in quotes if q["kind"] in ("direct", "partial") for a, b in spans
                 if q["start"] <= a and b <= q["end"])
    kind = "own_words" if spoken else "narrative"
    return kind, (own[0] if len(own) == 1 else None), None, quoted == 0


def _paragraph_starts(units: list[dict]) -> dict[int, int]:
    """Where each paragraph (by position) starts in its document's text, as quotes' offsets
    count."""
    paragraphs = sorted((u for u in units if u.get("unit") == "passage"),
                        key=lambda u: u["position"])
    starts = paragraph_starts([p.get("body") or "" for p in paragraphs])
    return {p["position"]: at for p, at in zip(paragraphs, starts)}


# -- the verdict --------------------------------------------------------------

def _verdict(best: Found, shown: dict) -> str:
    """The verdict on the best source (see the module doc)."""
    a = best.alignment
    if a.verbatim:
        spoken = shown["kind"] in SPOKEN and shown["one_voice"]
        return "found_verbatim" if spoken else "found_with_differences"
    if a.dense_coverage >= DIFFERENT_COVERAGE and best.content >= DIFFERENT_CONTENT \
            and a.similarity >= DIFFERENT_SIMILARITY:
        return "found_with_differences"
    longest = max(p.matched for p in a.pieces)
    if (best.content >= SIMILAR_CONTENT and longest >= 3) or longest >= SIMILAR_RUN:
        return "only_similar"
    return "not_found"


def _explain(verdict: str, best: dict | None) -> str:
    """The verdict in a sentence a journalist can act on."""
    if best is None or verdict == "not_found":
        return ("No paragraph of this corpus holds these words or most of them. This does not "
                "prove the quote false: the corpus may not hold its source.")
    who = _who(best)
    when = display_date(best["date"], best["date_precision"]) or "undated"
    where = best["title"] if when in best["title"] else f"{best['title']} ({when})"
    if verdict == "found_verbatim":
        return f"The words stand letter for letter in {where}: {who}."
    if verdict == "found_with_differences":
        if best["verbatim"] and not best["one_voice"]:
            return (f"The words stand in {where}, but not all as {who}: part of them are "
                    f"another voice's (the outlet's narrative, or another quote). Quote only "
                    f"the speaker's words.")
        if best["verbatim"]:
            return (f"The words stand in {where}, but as {best['kind_label']}: not a quotation "
                    f"of {who}.")
        return (f"Most of the words stand in {where} ({who}), with the differences marked: "
                f"quote the source's words, not the pasted ones.")
    return (f"Only a similar statement was found, in {where} ({who}): it shares some of the "
            f"words but not the quote. Do not cite it as this quote.")


def _who(shown: dict) -> str:
    speaker = shown.get("speaker")
    if not speaker and shown["kind"] == "own_words":
        return "a speech whose speaker is not recorded"
    if not speaker:
        return "no speaker named (the outlet's words)"
    role = f", {speaker['role']}" if speaker.get("role") else ""
    return f"{speaker['name']}{role}, {shown['kind_label']}"


# -- the hint and the uses ----------------------------------------------------

def _hint_score(pasted: Pasted, found: Found) -> int:
    """How far a candidate agrees with the paste's attribution (a hint, never a filter)."""
    meta = found.passages[0].get("meta", {})
    names = " ".join(s.get("name", "") for s in meta.get("speakers", []))
    year = (meta.get("date") or "")[:4]
    return pasted.hint_matches(names, meta.get("country"), year)


def _hint_agreement(pasted: Pasted, shown: dict, speaker: dict | None) -> dict | None:
    """Whether the source agrees with the paste's attribution, name and year apart."""
    if not pasted.hint:
        return None
    name = speaker["name"] if speaker else ""
    year = (shown.get("date") or "")[:4]
    return {"speaker": pasted.names_agree(name, shown.get("country"))
            if pasted.hint_names else None,
            "year": (str(pasted.hint_year) == year) if pasted.hint_year and year else None}


def _date(found: Found) -> str:
    return found.passages[0].get("meta", {}).get("date") or "9999"


def _strong(found: Found) -> bool:
    """Whether a source holds the same words: most of the paste, in order, little else."""
    return found.alignment.coverage >= USE_COVERAGE and \
        found.alignment.similarity >= USE_SIMILARITY


def _uses(found: list[Found], shown: list[dict], live: Snapshot, pasted: Pasted,
          cite: Callable[[dict], None]) -> list[dict]:
    """The sources holding the same words (the first SHOWN_USES found), oldest first, with
    who repeated or quoted whom."""
    strong = [f for f in found if _strong(f)]
    described = {s["doc_id"]: s for s in shown}
    rows = [described.get(f.doc_id) or _describe(live, f, pasted, cite)
            for f in strong[:SHOWN_USES]]
    rows.sort(key=lambda r: (r.get("date") or "9999", r["id"]))
    first = rows[0] if rows else None
    uses = [_use(row, first) for row in rows]
    if uses:
        # dated by year (or month) only: which of that period's uses came first is not known
        same = [u for u in uses[1:] if u["date"] == uses[0]["date"]]
        uses[0]["same_date"] = len(same) if uses[0]["date_precision"] in ("year", "month") \
            else 0
    return uses


def _use(row: dict, first: dict | None) -> dict:
    """One use of the words, and how it relates to the first one."""
    speaker = row.get("speaker")
    name = speaker["name"] if speaker else None
    first_name = (first.get("speaker") or {}).get("name") if first else None
    if row is first:
        relation = "first"
    elif row["kind"] in ("reported", "narrative"):
        relation = "reported"
    elif name and name == first_name:
        relation = "said again" if row["kind"] == "own_words" else "quoted"
    else:
        relation = "repeated by another speaker" if name else "repeated"
    keys = ("id", "doc_id", "passage", "quote_id", "title", "date", "date_precision", "country",
            "source", "type", "permalink", "citation", "kind", "kind_label", "speaker",
            "verbatim", "similarity")
    return {**{k: row.get(k) for k in keys}, "relation": relation}


def _history_phrase(best: Found, pasted: Pasted) -> str | None:
    """The best source's longest verbatim run (at most HISTORY_WORDS words) as a quoted
    phrase, whose earliest uses and timeline the answer tells; None for a run under 4 words
    (the whole paste when it is shorter: ``cost of living``), whose history is a formula's."""
    runs = [op["source"] for op in best.alignment.ops if op["op"] == "same"]
    longest = max(runs, key=lambda r: len(r.split()), default="")
    chosen = longest.split()[:HISTORY_WORDS]
    least = max(2, min(4, len(pasted.words)))
    return '"' + " ".join(chosen) + '"' if len(chosen) >= least else None
