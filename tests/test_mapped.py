"""Segment files read in place: MappedReader behaves as BytesIO, and a live index uses it."""

import io
import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from search.engine.whoosh.mapped import MappedReader

_OPS = st.lists(st.one_of(
    st.tuples(st.just("read"), st.integers(-1, 300)),
    st.tuples(st.just("readline"), st.integers(-1, 300)),
    st.tuples(st.just("seek"), st.integers(0, 400), st.sampled_from([0, 1, 2])),
    st.tuples(st.just("peek"), st.integers(0, 50)),
), max_size=40)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=600), ops=_OPS)
def test_reads_as_bytesio_does(data, ops):
    mine, theirs = MappedReader(memoryview(data)), io.BytesIO(data)
    for op, *args in ops:
        if op == "seek":
            offset, whence = args
            offset = offset if whence == 0 else offset - 200
            if [0, theirs.tell(), len(data)][whence] + offset < 0:
                continue  # before the start: BytesIO refuses or clamps; Whoosh never does it
            assert mine.seek(offset, whence) == theirs.seek(offset, whence)
        elif op == "peek":
            assert mine.peek(args[0]).startswith(data[theirs.tell():theirs.tell() + args[0]])
            assert mine.tell() == theirs.tell()
        else:
            assert getattr(mine, op)(args[0]) == getattr(theirs, op)(args[0])
        assert mine.tell() == theirs.tell()


def test_pickles_load_from_it():
    values = [{"a": 1, "b": [1.5, "x" * 300]}, ("t", 7), list(range(2000))]
    data = b"".join(pickle.dumps(v, protocol) for v, protocol in zip(values, (0, 2, 5)))
    reader = MappedReader(memoryview(data))
    assert [pickle.load(reader) for _ in values] == values


def test_a_live_index_reads_its_segments_in_place(api_app):
    from whoosh.filedb.structfile import BufferFile

    searcher = api_app.extensions["search_service"].live().searcher  # the engine's snapshot
    parts = []
    for leaf, _ in searcher.reader().leaf_readers():
        postings = leaf._terms._postfile  # Whoosh 2.7.5: a compound segment's postings file
        parts.append(postings)
    assert parts and all(isinstance(p, BufferFile) and isinstance(p.file, MappedReader) for p in parts)
