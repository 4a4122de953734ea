"""Reading a term's Whoosh postings a block at a time, skipping blocks from their headers.

Whoosh's leaf matcher hands out one posting per method call. On disk a block
of up to 128 postings is one compressed pickle (document numbers, weights
and values together) behind a small header that gives its last document
number, so a block that holds none of the wanted documents can be passed
over without decoding it. Phrase matching uses this for every word after
the rarest, and the bulk scorer (``search.engine.whoosh.collect``) for its windows.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Iterator

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher


def unwrap(matcher) -> tuple[object, set | None]:
    """The on-disk matcher under Whoosh's deleted-documents filter, and the deleted set."""
    # Whoosh 2.7.5 private: FilterMatcher._exclude, ._ids (the deleted-documents set)
    if isinstance(matcher, FilterMatcher) and matcher._exclude:
        return matcher.child, matcher._ids
    return matcher, None


def positioned(matcher, wanted: list[int] | None = None) -> Iterator[int]:
    """Step ``matcher`` onto each of its documents (only those in sorted ``wanted``, if
    given) and yield the document number; the caller reads ``value_as`` or ``score``."""
    leaf, deleted = unwrap(matcher)
    if not isinstance(leaf, W3LeafMatcher):
        yield from _one_by_one(matcher, wanted)
        return
    chosen = set(wanted) if wanted is not None else None
    next_wanted = 0
    # Whoosh 2.7.5 private: W3LeafMatcher._next_block, _read_ids, block state _ids and _i
    while leaf.is_active():
        top = leaf.block_max_id()
        if wanted is not None:
            if next_wanted == len(wanted):
                return
            if wanted[next_wanted] > top:
                leaf._next_block()
                continue
            next_wanted = bisect_right(wanted, top, next_wanted)
        if leaf._ids is None:
            leaf._read_ids()
        ids = leaf._ids
        for i in range(leaf._i, len(ids)):
            doc = ids[i]
            if (chosen is None or doc in chosen) and not (deleted and doc in deleted):
                leaf._i = i
                yield doc
        leaf._next_block()


def _one_by_one(matcher, wanted: list[int] | None) -> Iterator[int]:
    for doc in wanted if wanted is not None else [None]:
        if not matcher.is_active():
            return
        if doc is None:
            while matcher.is_active():
                yield matcher.id()
                matcher.next()
            return
        if matcher.id() < doc:
            matcher.skip_to(doc)
        if matcher.is_active() and matcher.id() == doc:
            yield doc
