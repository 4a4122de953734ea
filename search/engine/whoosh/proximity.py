"""Proximity re-ranking: a document whose query words stand together beats a scattered one.

BM25 scores a 5,000-word speech that uses the four words of a remembered
sentence once each, pages apart, about as well as the speech that contains
the sentence. Reading the positions of the query's words in the top
documents and finding the smallest window that holds the most distinct ones
separates the two cheaply: positions are decoded only for those few
documents. The same positions then say which paragraph of a hit to show
(``search.engine.whoosh.passages``), so a request reads them once (``PositionReader``).
"""

from __future__ import annotations

from whoosh.reading import TermNotFound

from search.engine.whoosh.blocks import positioned
from search.engine.whoosh.collect import UNKNOWN, Decoded

WEIGHT = 1.5      # an exact run of all the words multiplies the score by 1 + WEIGHT
SLACK_SCALE = 10  # ten extra words inside the window halve the bonus

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


def proximity_boosts(found: dict[int, Found], n_terms: int) -> dict[int, float]:
    """A score multiplier per document: 1.0 (scattered or one word) to 1 + WEIGHT."""
    boosts = {}
    for doc, positions in found.items():
        distinct, span = smallest_window(positions)
        coverage = distinct / n_terms
        slack = max(0, span - distinct)
        boosts[doc] = 1.0 + WEIGHT * coverage * coverage / (1.0 + slack / SLACK_SCALE) \
            if distinct > 1 else 1.0
    return boosts


def smallest_window(positions: Found) -> tuple[int, int]:
    """(distinct words, width) of the narrowest window holding every distinct word present."""
    distinct = len({term for _, term in positions})
    counts: dict[int, int] = {}
    best = None
    left = 0
    for right, (pos, term) in enumerate(positions):
        counts[term] = counts.get(term, 0) + 1
        while len(counts) == distinct:
            width = pos - positions[left][0] + 1
            if best is None or width < best:
                best = width
            left_term = positions[left][1]
            counts[left_term] -= 1
            if not counts[left_term]:
                del counts[left_term]
            left += 1
    return distinct, best or 0
