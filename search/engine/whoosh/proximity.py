"""Ranking by best evidence: a unit whose query words stand together beats a scattered one.

BM25 scores a 5,000-word speech that uses the four words of a remembered
sentence once each, pages apart, about as well as the speech that contains
the sentence. Reading the positions of the query's words in the top
candidates and finding the window (a sentence or two wide) that holds the
most of the query's weight, as tightly as possible, separates the two
cheaply: positions are decoded only for those candidates. The same
positions then say which paragraph of a hit to show
(``search.engine.whoosh.passages``), so a request reads them once (``PositionReader``).
"""

from __future__ import annotations

from whoosh.reading import TermNotFound

from search.engine.whoosh.blocks import positioned
from search.engine.whoosh.collect import UNKNOWN, Decoded

WEIGHT = 9.0         # a window holding every word side by side multiplies the score by 1 + WEIGHT
SLACK_SCALE = 10     # ten other words among a window's halve its tightness
MIN_WINDOW = 30      # windows span up to MIN_WINDOW + WINDOW_PER_WORD positions per query word:
WINDOW_PER_WORD = 3  # a remembered sentence, with its stop words, fits

Found = list[tuple[int, int]]  # (position, index of the word in the query's terms)


class PositionReader:
    """Positions of the query's words in documents, each document read once per request."""

    def __init__(self, searcher, field: str, terms: list[str],
                 decoded: Decoded | None = None) -> None:
        self.searcher = searcher
        self.field = field
        self.terms = terms
        self.decoded = decoded
        self._found: dict[int, Found] = {}
        self._read: set[int] = set()

    def of(self, docnums: list[int]) -> dict[int, Found]:
        """(position, word) pairs by document, sorted by position; absent when none."""
        missing = sorted(set(docnums) - self._read)
        if missing:
            self._read_postings(missing)
        return {d: self._found[d] for d in docnums if d in self._found}

    def _read_postings(self, wanted: list[int]) -> None:
        """From the blocks the search decoded, else one forward pass over each word's postings."""
        self._read.update(wanted)
        if self.field not in self.searcher.schema:
            return
        field = self.searcher.schema[self.field]
        decode = field.format.decoder("positions")
        for index, term in enumerate(self.terms):
            unknown = []
            text = field.to_bytes(term)
            for doc in wanted:
                value = self.decoded.value(self.field, text, doc) if self.decoded else UNKNOWN
                if value is UNKNOWN:
                    unknown.append(doc)
                elif value is not None:
                    self._found.setdefault(doc, []).extend((p, index) for p in decode(value))
            if unknown:
                self._read_term(index, term, unknown)
        for doc in wanted:
            if doc in self._found:
                self._found[doc].sort()

    def _read_term(self, index: int, term: str, wanted: list[int]) -> None:
        try:
            postings = self.searcher.reader().postings(self.field, term)
        except TermNotFound:
            return
        for doc in positioned(postings, wanted):
            self._found.setdefault(doc, []).extend(
                (p, index) for p in postings.value_as("positions"))


def evidence_boosts(found: dict[int, Found], weights: list[float]) -> dict[int, float]:
    """A score multiplier per document, 1.0 (no two words near) to 1 + WEIGHT (a window
    holding every word, side by side), from its best window (``best_window``)."""
    width = MIN_WINDOW + WINDOW_PER_WORD * len(weights)
    return {doc: 1.0 + WEIGHT * best_window(positions, weights, width)
            for doc, positions in found.items()}


def best_window(positions: Found, weights: list[float], width: int) -> float:
    """The evidence (0-1) of the best window of under ``width`` positions.

    A window is worth the share of the query's word weight (idf) it holds,
    cubed (a missing rare word costs more than scattered words gain), times
    its tightness: 1 when its words stand side by side, 1/2 with SLACK_SCALE
    other words among them. Each window is the narrowest ending at its last
    word that holds what it holds: one pass, a repeat at the left dropped.
    """
    total = sum(weights) or 1.0
    counts: dict[int, int] = {}
    held = best = share = 0.0
    left = 0
    for pos, word in positions:
        n = counts.get(word, 0)
        counts[word] = n + 1
        if not n:
            held += weights[word]
            share = (held / total) ** 3
        while True:
            first, dropped = positions[left]
            if pos - first < width and counts[dropped] == 1:
                break
            counts[dropped] -= 1
            if not counts[dropped]:
                del counts[dropped]
                held -= weights[dropped]
                share = (held / total) ** 3
            left += 1
        if share > best:  # tightness is at most 1: only a window holding more can do better
            slack = max(0, pos - first + 1 - len(counts))
            value = share * (1.0 + 1.0 / (1.0 + slack / SLACK_SCALE)) / 2
            if value > best:
                best = value
    return best
