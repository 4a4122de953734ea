"""BM25F with field lengths read from a per-segment array instead of one lookup per match.

Whoosh's BM25F scorer asks the column reader for the document's field length
for every term of every match: a Python call chain per posting, a fifth of a
scored search. The lengths of a segment are read once into an array (as
Whoosh stores them, one byte each, decoded through a 256-entry table) and
cached on the segment reader, which lives as long as the searcher.
"""

from __future__ import annotations

from array import array

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.scoring import BM25F, BM25FScorer
from whoosh.util.numeric import byte_to_length

_DECODE = [byte_to_length(b) for b in range(256)]


def field_lengths(reader, fieldname: str) -> array | None:
    """Every document's length in ``fieldname`` for one segment reader (None if unknown)."""
    cache = reader.__dict__.setdefault("_dipsearch_lengths", {})
    if fieldname not in cache:
        perdoc = getattr(reader, "_perdoc", None)
        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) if perdoc else None
        cache[fieldname] = None if column is None else array(
            "l", (_DECODE[b] for b in column))
    return cache[fieldname]


class FastBM25F(BM25F):
    """Whoosh's BM25F, scoring from cached length arrays."""

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, BM25FScorer):
            lengths = field_lengths(searcher.reader(), fieldname)
            if lengths is not None:
                scorer.dfl = lambda docid: lengths[docid] or 1
        return scorer
