"""How a phrase is used: its first use and timeline, and every occurrence in context.

Both count **uses** as paragraphs holding the words (passage units), not as
documents: a speech that says "two-State solution" in four paragraphs used
it four times, and a facet over uses says who spread a phrase, not only who
once said it. Both run one search over passages, in date order.

* Phrase history: the first use in the corpus (earliest date; within a day,
  the index's own stable order), how many uses, uses per year, and the
  speakers and countries that used it most.
* Concordance (keyword in context): one line per occurrence, the match
  centred with ``width`` words either side, in date order or sorted by
  speaker or by the words just before or after (the way corpus linguists
  read usage). Date order pages cheaply; the other orders sort the first
  ``SORT_CAP`` occurrences, and say so when there are more.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from typing import Callable, Iterator

from search.engine.interface import Match, SearchSpec, Snapshot
from search.service.align import words
from search.service.highlight import Highlighter
from search.service.hits import hit

CONCORDANCE_SORTS = ("date", "-date", "speaker", "left", "right")
DEFAULT_WIDTH = 8
MAX_WIDTH = 25
# Orders other than by date sort at most this many occurrences (read from this many
# paragraphs at most), within the search's time limit.
SORT_CAP = 2000
USE_FACETS = ("speaker", "country")


def history(live: Snapshot, q: str, filters: dict[str, list[str]] | None = None,
            phrase: str = "exact", earliest: int = 1) -> tuple[dict, list[Match]]:
    """A phrase's (or any query's) first use, uses per year, and who used it most; with the
    ``earliest`` matching paragraphs, oldest first."""
    outcome = live.search(SearchSpec(q=q, unit="passage", filters=filters or {}, sort="date",
                                     count=earliest, facets=list(USE_FACETS), facet_size=10,
                                     best_passages=False, quotes=False, phrase=phrase))
    first = outcome.matches[0].record if outcome.matches else None
    return {
        "q": q,
        "uses": outcome.total,
        "partial": outcome.partial,
        "first": _use(first) if first else None,
        "timeline": outcome.histogram,
        "speakers": outcome.facets.get("speaker", []),
        "countries": outcome.facets.get("country", []),
        "warnings": outcome.warnings,
    }, outcome.matches


def _use(record: dict) -> dict:
    """A paragraph holding the phrase, as a use: where, when, whose."""
    shown = hit(record, None)
    shown.pop("score", None)
    shown["text"] = record.get("body") or ""
    return shown


def concordance(live: Snapshot, spec: SearchSpec, *, width: int, order: str, start: int,
                count: int, time_limit: float) -> dict:
    """Lines ``[start, start + count)`` of the occurrences of ``spec.q`` in ``order``, with the
    facets and timeline of the uses. ``spec`` asks for passages with the facets wanted."""
    deadline = time.monotonic() + time_limit
    by_date = order in ("date", "-date")
    reading = start + count if by_date else SORT_CAP
    outcome = live.search(_over_passages(spec, order, reading))
    highlighter = Highlighter(live.tokens, outcome.words.exact)
    terms, phrases = set(outcome.words.loose), outcome.words.phrases
    marks = lambda text: highlighter.spans(text, terms, phrases)  # noqa: E731
    lines, read, cut = [], 0, False
    for match in outcome.matches:
        if by_date and len(lines) >= start + count:
            break
        if time.monotonic() > deadline or (not by_date and len(lines) >= SORT_CAP):
            cut = True
            break
        lines.extend(_lines(match.record, marks, width))
        read += 1
    if not by_date:
        lines.sort(key=_SORT_KEYS[order])
    page = lines[start:start + count]
    for line in page:
        del line["left_words"], line["right_words"]  # sort keys only
    return {
        "lines": page,
        "uses": outcome.total,
        "partial": outcome.partial,
        # every occurrence of every matching paragraph was read, so the order is the whole one
        "sorted_all": by_date or (not cut and read == outcome.total),
        "lines_read": len(lines),
        # more lines on the next page: of a date order, unread paragraphs may hold them; of
        # another, only the occurrences sorted (up to SORT_CAP) are ever shown
        "more": len(lines) > start + count or (by_date and read < outcome.total),
        "facets": outcome.facets,
        "timeline": outcome.histogram,
        "warnings": outcome.warnings,
        "understood": outcome.understood,
    }


def _over_passages(spec: SearchSpec, order: str, reading: int) -> SearchSpec:
    """The search of a concordance: passages in date order (oldest first, or newest for
    ``-date``), as many as may hold the lines wanted."""
    return SearchSpec(q=spec.q, unit="passage", filters=spec.filters, day_from=spec.day_from,
                      day_to=spec.day_to, sort="-date" if order == "-date" else "date",
                      facets=spec.facets, facet_size=spec.facet_size, count=reading,
                      best_passages=False, quotes=False, phrase=spec.phrase)


def _lines(record: dict, marks: Callable[[str], list[tuple[int, int]]], width: int
           ) -> Iterator[dict]:
    """One concordance line per marked occurrence in a paragraph."""
    body = record.get("body") or ""
    spans = marks(body)
    if not spans:
        return
    shown = hit(record, None)
    speakers = shown["speakers"]
    all_words = words(body)
    starts = [w.start for w in all_words]
    for n, (a, b) in enumerate(spans):
        at, first_after = bisect_left(starts, a), bisect_left(starts, b)
        before = all_words[max(0, at - width):at]
        after = all_words[first_after:first_after + width]
        yield {
            "id": shown["id"], "doc_id": shown["doc_id"], "occurrence": n,
            "date": shown["date"], "date_precision": shown["date_precision"],
            "title": shown["title"], "country": shown["country"],
            "speaker": speakers[0]["name"] if len(speakers) == 1 else None,
            "speakers": speakers, "voice": shown["voice"], "type": shown["type"],
            "source": shown["source"],
            "left": body[before[0].start:a].strip() if before else "",
            "match": body[a:b],
            "right": body[b:after[-1].end].strip() if after else "",
            "left_words": [w.key for w in reversed(before)],
            "right_words": [w.key for w in after],
        }


_SORT_KEYS: dict[str, Callable[[dict], tuple]] = {
    "speaker": lambda line: ((line["speaker"] or "\uffff").casefold(), line["date"] or "",
                             line["id"], line["occurrence"]),
    "left": lambda line: (line["left_words"], line["date"] or "", line["id"]),
    "right": lambda line: (line["right_words"], line["date"] or "", line["id"]),
}
