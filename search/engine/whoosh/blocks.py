"""Reading a term's Whoosh postings a block at a time, skipping blocks from their headers.

Whoosh's leaf matcher hands out one posting per method call. On disk a block
of up to 128 postings is one compressed pickle (document numbers, weights
and values together) behind a small header that gives its last document
number, so a block that holds none of the wanted documents can be passed
over without decoding it. Phrase matching uses this for every word after
the rarest, and the bulk scorer (``search.engine.whoosh.collect``) for its windows.
The bulk scorer needs only a block's document numbers and weights, which
``read_ids_and_weights`` decodes from the head of its data, leaving the
positions packed until they are needed (``LazyValues``).
"""

from __future__ import annotations

import itertools
import re
import zlib
from array import array
from bisect import bisect_right
from itertools import accumulate
from pickle import loads
from typing import Iterator

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import FilterMatcher

# A block's data is the pickle of (id deltas, weights, values). Protocol 2 (Whoosh's own)
# pickles each bytes value as a call of codecs.encode, so the values tuple starts with
# this: a MARK, then the GLOBAL opcode naming it (no id or weight opcode holds these bytes).
_VALUES_START = b"(c_codecs\nencode\n"
# Protocol 5 (search.engine.whoosh.writer): a frame header, then the values tuple starts
# with a MARK before its first bytes opcode. Those two bytes may also stand inside an id or
# a weight: each place is tried until the head parses (``_HEAD_TRIES``), and what it gives
# is checked against the block's info by the caller.
_FRAMED = b"\x80\x05\x95"
_FRAME_HEADER = 11  # PROTO 5, FRAME and its 8-byte length
_VALUES_START_5 = re.compile(rb"\((?=[CB\x8e])")
_HEAD_TRIES = 4
# The ids and weights of a block fit in its first bytes: 128 ids of up to 5 bytes, 128
# weights of 9, a few opcodes.
_HEAD_BYTES = 4096


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


def read_ids_and_weights(leaf: W3LeafMatcher, keep_values: bool) -> "LazyValues | None":
    """Decode the current block's document numbers and weights into ``leaf``, but not its
    values; with ``keep_values``, what decodes them when they are needed.

    Most of a block is its values (a long speech's positions of a common word), and
    Whoosh decompresses and unpickles them whenever it reads the ids: here only the
    head of the block is decompressed and unpickled, about a seventh of the work for a
    common word. A block laid out otherwise is read whole, as Whoosh reads it.
    """
    # Whoosh 2.7.5 private: W3LeafMatcher._postfile, _dataoffset, _nextoffset,
    # _compression, _byteids, _fixedsize and block state _ids, _weights, _values
    raw = leaf._postfile.get(leaf._dataoffset, leaf._nextoffset - leaf._dataoffset)
    head = _ids_and_weights(raw, leaf._compression) \
        if leaf._fixedsize is None and not leaf._byteids else None
    if head is None:
        return _read_whole(leaf, keep_values)
    deltas, weights = head
    ids = tuple(accumulate(deltas))
    # Whoosh 2.7.5 private: _blocklength (postings in the block), _maxid (its last id)
    if len(ids) != leaf._blocklength or not ids or ids[-1] != leaf._maxid:
        return _read_whole(leaf, keep_values)  # not what the block info says
    leaf._ids = ids
    if weights is None or isinstance(weights, float):
        weights = array("f", [1.0 if weights is None else weights]) * len(deltas)
    leaf._weights = weights
    return LazyValues(raw, leaf._compression) if keep_values else None


def _read_whole(leaf: W3LeafMatcher, keep_values: bool) -> "LazyValues | None":
    """The block read as Whoosh reads it (ids, weights and, if kept, its values)."""
    leaf._read_ids()
    leaf._read_weights()
    if keep_values and leaf._fixedsize is None:
        leaf._read_values()
        return LazyValues(b"", 0, leaf._values)
    return None


def _ids_and_weights(raw: bytes, compression: int) -> tuple | None:
    """(id deltas, weights) of a block's data, from its head; None when the data is laid
    out otherwise."""
    head = zlib.decompressobj().decompress(raw, _HEAD_BYTES) if compression else raw
    if head.startswith(_FRAMED):
        body = head[_FRAME_HEADER:]
        for found in itertools.islice(_VALUES_START_5.finditer(body), _HEAD_TRIES):
            pair = _pair(b"\x80\x05" + body[:found.start()])  # unframed: a valid pickle
            if pair is not None:
                return pair
        return None
    at = head.find(_VALUES_START)
    return _pair(head[:at]) if at >= 0 else None


def _pair(start: bytes) -> tuple | None:
    """The (ids, weights) pickled at the head of a block's data, closed here as a pair;
    None when that is not what the head holds."""
    try:
        pair = loads(start + b"\x86.")  # TUPLE2, STOP
    except Exception:  # the marker's bytes stood inside the ids or weights
        return None
    if isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], tuple) \
            and (pair[1] is None or isinstance(pair[1], (float, tuple))):
        return pair
    return None


class LazyValues:
    """A block's values (encoded positions), decompressed and unpickled on first use."""

    __slots__ = ("raw", "compression", "values")

    def __init__(self, raw: bytes, compression: int, values: tuple | None = None) -> None:
        self.raw, self.compression, self.values = raw, compression, values

    def __getitem__(self, i: int) -> bytes:
        if self.values is None:
            data = zlib.decompress(self.raw) if self.compression else self.raw
            self.values = loads(data)[2]
            self.raw = b""
        return self.values[i]
