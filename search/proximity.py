"""Proximity re-ranking: a document whose query words stand together beats a scattered one.

BM25 scores a 5,000-word speech that uses the four words of a remembered
sentence once each, pages apart, about as well as the speech that contains
the sentence. Reading the positions of the query's words in the top
documents and finding the smallest window that holds the most distinct ones
separates the two cheaply: positions are decoded only for those few
documents, from postings the search already warmed.
"""

from __future__ import annotations

from whoosh.reading import TermNotFound

WEIGHT = 1.5      # an exact run of all the words multiplies the score by 1 + WEIGHT
SLACK_SCALE = 10  # ten extra words inside the window halve the bonus


def proximity_boosts(searcher, field: str, terms: list[str], docnums: list[int]
                     ) -> dict[int, float]:
    """A score multiplier per document: 1.0 (scattered or one word) to 1 + WEIGHT."""
    reader = searcher.reader()
    wanted = sorted(docnums)
    hits: dict[int, list[tuple[int, int]]] = {}
    for index, term in enumerate(terms):
        try:
            postings = reader.postings(field, term)
        except TermNotFound:
            continue
        for doc in wanted:
            if not postings.is_active():
                break
            if postings.id() < doc:
                postings.skip_to(doc)
            if postings.is_active() and postings.id() == doc:
                hits.setdefault(doc, []).extend((p, index) for p in postings.value_as("positions"))
    boosts = {}
    for doc, positions in hits.items():
        positions.sort()
        found, span = smallest_window(positions)
        coverage = found / len(terms)
        slack = max(0, span - found)
        boosts[doc] = 1.0 + WEIGHT * coverage * coverage / (1.0 + slack / SLACK_SCALE) \
            if found > 1 else 1.0
    return boosts


def smallest_window(positions: list[tuple[int, int]]) -> tuple[int, int]:
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
