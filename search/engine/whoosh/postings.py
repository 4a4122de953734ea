"""Analyse once, index twice: one analysis of a paragraph feeds its passage and its document.

Every paragraph is indexed twice, as its own passage and as part of the
whole document. Whoosh would analyse the text for each; here each paragraph
is analysed once into term -> positions, and the document's postings are the
paragraphs' merged with an offset. Whoosh accepts a list as a field value, so
the precomputed postings travel through ``writer.add_document`` as an
``Analyzed`` list that ``ReusablePositions`` passes straight through.

Paragraphs are set ``PARAGRAPH_GAP`` positions apart, so an exact phrase never
runs from the end of one paragraph into the next.

The same pass gives each text's exact-phrase postings (exact forms and common
grams, ``search.engine.whoosh.analysis``): one tokenization feeds both fields,
at the same positions.
"""

from __future__ import annotations

from collections import defaultdict
from array import array
from itertools import accumulate
from typing import Iterator

from whoosh import formats
from whoosh.system import _INT_SIZE, pack_uint  # Whoosh 2.7.5 private: _INT_SIZE (int's size)

from search.engine.whoosh.analysis import NormalizeFilter, WordTokenizer, exact_filter, gram

PARAGRAPH_GAP = 3

Positions = dict[str, list[int]]


class Analyzed(list):
    """A field value whose postings are already computed (an empty list to Whoosh)."""

    def __init__(self, items: list[tuple[str, int, float, bytes]]) -> None:
        super().__init__()
        self.items = items


class ReusablePositions(formats.Positions):
    """Whoosh's Positions format that accepts precomputed postings, with a leaner encoding.

    Whoosh pickles each posting's list of position deltas; here they are a
    packed array of unsigned ints, which encodes while indexing and decodes
    for every phrase candidate several times faster than pickle.
    """

    def word_values(self, value, analyzer, **kwargs):
        if isinstance(value, Analyzed):
            return value.items
        return super().word_values(value, analyzer, **kwargs)

    def encode(self, poslist: list[int]) -> bytes:
        deltas = array("I", [b - a for a, b in zip([0, *poslist], poslist)])
        return pack_uint(len(deltas)) + deltas.tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return list(accumulate(array("I", valuestring[_INT_SIZE:])))

    def shifted(self, valuestring: bytes, shift: int) -> Iterator[int]:
        """The positions less ``shift``, decoded without a Python loop, for phrase matching
        (where a phrase would start). With a ``shift`` the first value is ``-shift`` itself,
        a position before the text: set operations with real starts never keep it."""
        return _shifted(array("I", valuestring[_INT_SIZE:]), shift)


_ONE_BYTE = [b"B" + bytes((p,)) for p in range(256)]


class CompactPositions(ReusablePositions):
    """ReusablePositions with the narrowest array that holds a posting's deltas.

    The exact-phrase fields hold about as many postings as words, most of them one
    position (a common gram such as ``of peoples``): a one-byte type code and one or two
    bytes a delta, where the wider encoding spends four for the count and four a delta.
    """

    def encode(self, poslist: list[int]) -> bytes:
        if len(poslist) == 1 and poslist[0] < 256:  # most postings: one early position
            return _ONE_BYTE[poslist[0]]
        deltas = [b - a for a, b in zip([0, *poslist], poslist)]
        top = max(deltas)
        code = b"B" if top < 256 else b"H" if top < 65536 else b"I"
        return code + array(code.decode(), deltas).tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return list(accumulate(array(chr(valuestring[0]), valuestring[1:])))

    def shifted(self, valuestring: bytes, shift: int) -> Iterator[int]:
        return _shifted(array(chr(valuestring[0]), valuestring[1:]), shift)

    def decode_frequency(self, valuestring: bytes) -> int:
        return (len(valuestring) - 1) // array(chr(valuestring[0])).itemsize


def _shifted(deltas: array, shift: int) -> Iterator[int]:
    return accumulate(deltas, initial=-shift) if shift else accumulate(deltas)


def analyse(analyzer, text: str, exact=None) -> tuple[Positions, int, Positions]:
    """Positions of every term of one text, the position after its last word (stop words
    count: the exact field holds them), and (given the exact field's analyzer) the exact
    field's positions, empty otherwise."""
    parts = _fast_parts(analyzer, exact)
    if parts is not None:
        return _analyse_fast(text, *parts)
    positions: Positions = defaultdict(list)
    exact_positions: Positions = defaultdict(list)
    end = 0
    for token in analyzer(text, positions=True, removestops=False):
        if not token.stopped:
            positions[token.text].append(token.pos)
        end = token.pos + 1
    if exact is not None:
        for token in exact(text, positions=True):
            exact_positions[token.text].append(token.pos)
            end = max(end, token.pos + 1)
    return positions, end, exact_positions


def _fast_parts(analyzer, exact):
    """The pieces of our own analyzers, to tokenize once for both fields (None: another
    analyzer, analysed through Whoosh's chain)."""
    items = getattr(analyzer, "items", ())
    if len(items) != 2 or type(items[0]) is not WordTokenizer \
            or not isinstance(items[1], NormalizeFilter):
        return None
    exact_items = getattr(exact, "items", ()) if exact is not None else None
    filter_ = exact_filter(exact) if exact is not None else None
    if exact is not None and (len(exact_items) != 2 or filter_ is None
                              or exact_items[0] != items[0]):
        return None
    return items[0]._tokenizer._regexp, items[1].normalize, filter_


def _analyse_fast(text: str, regexp, normalize, exact) -> tuple[Positions, int, Positions]:
    positions: Positions = defaultdict(list)
    exact_positions: Positions = defaultdict(list)
    words = regexp.findall(text)
    for pos, raw in enumerate(words):
        term = normalize(raw)
        if term is not None:
            positions[term].append(pos)
    if exact is not None:
        form, stop = exact.exact, exact.gram_starts
        before = None
        for pos, raw in enumerate(words):
            word = form(raw)
            if before is not None and before in stop:
                exact_positions[gram(before, word)].append(pos - 1)
            exact_positions[word].append(pos)
            before = word
    return positions, len(words), exact_positions


def analyse_paragraphs(analyzer, paragraphs: list[str], exact=None
                       ) -> tuple[list[Positions], Positions, list[int], Positions]:
    """Each paragraph's positions, the whole document's with paragraphs set apart, where
    each paragraph starts in the document (one more entry: where a next would), and (given
    the exact field's analyzer) the whole document's exact positions, set apart alike."""
    per_paragraph: list[Positions] = []
    document: Positions = defaultdict(list)
    document_exact: Positions = defaultdict(list)
    starts: list[int] = []
    base = 0
    for paragraph in paragraphs:
        positions, end, exact_positions = analyse(analyzer, paragraph, exact)
        per_paragraph.append(positions)
        starts.append(base)
        for term, found in positions.items():
            document[term].extend(base + p for p in found)
        for term, found in exact_positions.items():
            document_exact[term].extend(base + p for p in found)
        base += end + PARAGRAPH_GAP
    starts.append(base)
    return per_paragraph, document, starts, document_exact


def postings(fmt: formats.Positions, positions: Positions) -> Analyzed:
    """Whoosh's (term, frequency, weight, encoded positions) items for one unit."""
    boost = fmt.field_boost
    return Analyzed([(term, len(found), len(found) * boost, fmt.encode(found))
                     for term, found in positions.items()])
