"""The bulk scorer's shortcuts give what reading everything gives (search/engine/whoosh/collect.py).

A "most of these words" query reads its rarest words first and its common words only for
the units that can still match; posting blocks are decoded without their positions; a
hyphenated word's two-word phrase skips Whoosh's span matchers. Each is checked here
against Whoosh's own matchers on a small index of several blocks per word and two segments.
"""

from __future__ import annotations

import random
import zlib

import pytest
from whoosh import fields, index
from whoosh.analysis import SimpleAnalyzer
from whoosh.query import Phrase, Term

from search.engine.whoosh.blocks import _ids_and_weights, read_ids_and_weights, unwrap
from search.engine.whoosh.collect import Decoded, scan
from search.engine.whoosh.matchers import MinMatch, adjacent_pair
from search.engine.whoosh.writer import _block_pickles

COMMON = [f"common{i}" for i in range(5)]   # in most documents
MEDIUM = [f"medium{i}" for i in range(5)]   # in a fifth
RARE = [f"rare{i}" for i in range(5)]       # in a few


@pytest.fixture(scope="module", params=[2, 5], ids=["whooshs-blocks", "protocol-5-blocks"])
def searcher(tmp_path_factory, request):
    """Blocks pickled as Whoosh writes them (protocol 2) and as our writer does (5)."""
    rng = random.Random(7)
    ix = index.create_in(str(tmp_path_factory.mktemp("collect")),
                         fields.Schema(text=fields.TEXT(analyzer=SimpleAnalyzer(), phrase=True)))
    for _ in range(2):  # two segments
        writer = ix.writer()
        for _ in range(700):
            words = [w for w, share in [*((w, 0.8) for w in COMMON), *((w, 0.2) for w in MEDIUM),
                                        *((w, 0.03) for w in RARE)] if rng.random() < share]
            words += rng.choices(["filler", "set", "up"], k=rng.randrange(1, 40))
            rng.shuffle(words)
            writer.add_document(text=" ".join(words * rng.randrange(1, 3)))
        with _block_pickles(request.param):
            writer.commit(merge=False)
    with ix.searcher() as searcher:
        leaf, _ = unwrap(searcher.leaf_searchers()[0][0].reader().postings("text", "common0"))
        raw = leaf._postfile.get(leaf._dataoffset, leaf._nextoffset - leaf._dataoffset)
        assert zlib.decompress(raw)[1] == request.param  # the pickle's protocol
        yield searcher


def _whoosh(searcher, query) -> dict[int, float]:
    """Every match of ``query`` with its score, through Whoosh's own matchers."""
    found = {}
    context = searcher.context()
    for sub, offset in searcher.leaf_searchers():
        matcher = query.matcher(sub, context)
        while matcher.is_active():
            found[matcher.id() + offset] = matcher.score()
            matcher.next()
    return found


@pytest.mark.parametrize("words,k", [
    (RARE[:2] + MEDIUM[:2] + COMMON, 7),
    (RARE[:1] + MEDIUM[:3] + COMMON[:4], 6),
    (COMMON + MEDIUM[:1], 5),
    (RARE + COMMON[:3], 6),
])
def test_most_of_these_words_matches_and_scores_as_reading_everything(searcher, words, k):
    query = MinMatch([Term("text", w) for w in words], k)
    decoded = Decoded()
    found, partial = scan(searcher, query, float("inf"), decoded)
    expected = _whoosh(searcher, query)
    assert not partial and set(found) == set(expected)
    assert found == pytest.approx(expected, rel=1e-9)
    idf = {w: searcher.idf("text", w) for w in words}
    holds = {w: set(_whoosh(searcher, Term("text", w))) for w in words}
    for docnum, share in decoded.coverage.items():
        weight = sum(idf[w] for w in words if docnum in holds[w])
        assert share == pytest.approx(weight / sum(idf.values()), rel=1e-9)
    assert set(decoded.coverage) == set(found)


def test_positions_kept_by_the_scan_are_whooshs(searcher):
    query = MinMatch([Term("text", w) for w in RARE[:2] + COMMON], 5)
    decoded = Decoded()
    found, _ = scan(searcher, query, float("inf"), decoded)
    for word in COMMON:
        postings = {d: v for d, v in _values(searcher, word).items() if d in found}
        for docnum, value in postings.items():
            assert decoded.value("text", word.encode(), docnum) == value


def _values(searcher, word: str) -> dict[int, bytes]:
    out = {}
    for sub, offset in searcher.leaf_searchers():
        matcher = sub.reader().postings("text", word)
        while matcher.is_active():
            out[matcher.id() + offset] = matcher.value()
            matcher.next()
    return out


@pytest.mark.parametrize("word", ["common0", "medium1", "rare2", "filler", "set"])
def test_ids_and_weights_decoded_from_a_blocks_head_are_whooshs(searcher, word):
    blocks = 0
    for sub, _ in searcher.leaf_searchers():
        ours, _ = unwrap(sub.reader().postings("text", word))
        theirs, _ = unwrap(sub.reader().postings("text", word))
        while ours.is_active():
            raw = ours._postfile.get(ours._dataoffset, ours._nextoffset - ours._dataoffset)
            assert _ids_and_weights(raw, ours._compression) is not None  # not Whoosh's way
            values = read_ids_and_weights(ours, keep_values=True)
            theirs._read_ids()
            theirs._read_weights()
            theirs._read_values()
            assert ours._ids == theirs._ids
            assert list(ours._weights) == list(theirs._weights)
            assert [values[i] for i in range(len(ours._ids))] == list(theirs._values)
            ours._next_block()
            theirs._next_block()
            blocks += 1
    assert blocks > 2 or not word.startswith("common")


@pytest.mark.parametrize("pair", [["set", "up"], ["up", "set"], ["common0", "filler"],
                                  ["rare0", "set"], ["absent", "set"]])
def test_a_hyphenated_words_phrase_matches_and_scores_as_whooshs(searcher, pair):
    phrase = Phrase("text", pair)
    context = searcher.context()
    for sub, _ in searcher.leaf_searchers():
        theirs, ours = phrase.matcher(sub, context), adjacent_pair(sub, phrase, context)
        expected, got = [], []
        for matcher, out in ((theirs, expected), (ours, got)):
            while matcher.is_active():
                out.append((matcher.id(), matcher.score()))
                matcher.next()
        assert got == expected
