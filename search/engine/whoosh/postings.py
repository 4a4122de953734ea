"""Analyse once, index twice: one analysis of a paragraph feeds its passage and its document.

Every paragraph is indexed twice, as its own passage and as part of the
whole document. Whoosh would analyse the text for each; here each paragraph
is analysed once into term -> positions, and the document's postings are the
paragraphs' merged with an offset. Whoosh accepts a list as a field value, so
the precomputed postings travel through ``writer.add_document`` as an
``Analyzed`` list that ``ReusablePositions`` passes straight through.

Paragraphs are set ``PARAGRAPH_GAP`` positions apart, so an exact phrase never
runs from the end of one paragraph into the next.
"""

from __future__ import annotations

from collections import defaultdict
from array import array
from itertools import accumulate

from whoosh import formats
from whoosh.system import _INT_SIZE, pack_uint  # Whoosh 2.7.5 private: _INT_SIZE (int's size)

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


def analyse(analyzer, text: str) -> tuple[Positions, int]:
    """Positions of every term of one text, and the position after its last word."""
    positions: Positions = defaultdict(list)
    end = 0
    for token in analyzer(text, positions=True):
        positions[token.text].append(token.pos)
        end = token.pos + 1
    return positions, end


def analyse_paragraphs(analyzer, paragraphs: list[str]
                       ) -> tuple[list[Positions], Positions, list[int]]:
    """Each paragraph's positions, the whole document's with paragraphs set apart, and
    where each paragraph starts in the document (one more entry: where a next would)."""
    per_paragraph: list[Positions] = []
    document: Positions = defaultdict(list)
    starts: list[int] = []
    base = 0
    for paragraph in paragraphs:
        positions, end = analyse(analyzer, paragraph)
        per_paragraph.append(positions)
        starts.append(base)
        for term, found in positions.items():
            document[term].extend(base + p for p in found)
        base += end + PARAGRAPH_GAP
    starts.append(base)
    return per_paragraph, document, starts


def postings(fmt: formats.Positions, positions: Positions) -> Analyzed:
    """Whoosh's (term, frequency, weight, encoded positions) items for one unit."""
    boost = fmt.field_boost
    return Analyzed([(term, len(found), len(found) * boost, fmt.encode(found))
                     for term, found in positions.items()])
