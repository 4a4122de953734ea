"""A pasted quote against a source text, word by word: where it stands and what differs.

Quotes drift: words dropped, swapped, tidied up, two sentences joined. A
verdict must rest on what the source says word for word, so the pasted words
are aligned with the source's (difflib's longest matching blocks, which find
the same runs of words a reader would), and every difference is named:

* ``same``: the words agree (ignoring case, accents, punctuation and the
  shape of apostrophes and hyphens: ``self-determination`` is
  ``self determination``);
* ``changed``: the paste has other words where the source has these;
* ``missing``: the source has words the paste leaves out;
* ``added``: the paste has words the source does not;
* ``gap``: the paste joins words that stand apart in the source (``words``
  source words between them; ``marked`` when the paste says so with an
  ellipsis).

Alignment works on pieces: the best run of nearby matching words is found,
then what is left of the paste on either side is aligned again, so a paste
that joins two sentences, or puts them in another order, still finds both.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property, lru_cache
from typing import Iterator

# A word: letters and digits, with inner apostrophes (``don't``, ``Côte d’Ivoire``); and with
# what follows it up to the next word (a full stop there ends a sentence).
_WORD = r"[^\W_]+(?:['’][^\W_]+)*"
_WORD_AND_TAIL = re.compile(f"({_WORD})([^\\w]*)")
_ENDS = re.compile(r"[.!?…]")
# An ellipsis in a paste marks words left out on purpose: ``...``, ``…``, ``[...]``.
_ELLIPSIS = re.compile(r"\[?(?:\.\s?){3}\]?|\[?…\]?")
# Two matching runs belong to one piece when at most this many pasted words stand between
# them, and the source words between them are at most this many more.
MAX_GAP = 6
# Pieces are looked for in at most this many rounds (a paste of a few sentences).
MAX_PIECES = 8
# A gap in the source of at most this many words is listed word by word as ``missing``.
SHOWN_GAP = 12
# A piece is evidence of a version of its source when this share of its pasted words stand
# in place there.
DENSE = 0.6
# At most this many unmatched pasted words at a piece's edge are read as changed source words
# (more are the paste's own: ``added``).
MAX_WIDEN = 3


# The JSON schema of one difference (``Alignment.diff``), for the API description.
DIFF_OP_SCHEMA = {
    "type": "object", "required": ["op"],
    "properties": {
        "op": {"type": "string", "enum": ["same", "changed", "missing", "added", "gap"],
               "description": "same: the words agree; changed: the paste has `pasted` where "
                              "the source has `source`; missing: source words the paste "
                              "leaves out; added: pasted words the source does not have; gap: "
                              "the paste joins words that stand apart in the source"},
        "pasted": {"type": "string"}, "source": {"type": "string"},
        "words": {"type": ["integer", "null"], "description": "gap: source words between "
                                                              "(null: another paragraph)"},
        "marked": {"type": "boolean", "description": "gap: the paste marks it with an "
                                                     "ellipsis"},
    },
}


@dataclass(frozen=True)
class Word:
    """A word of a text: as written, its comparison key, and its place."""

    text: str
    key: str
    start: int
    end: int
    ends_sentence: bool = False


def words(text: str) -> list[Word]:
    """The words of ``text`` with their keys (case, accents and apostrophe shape folded)."""
    return list(_words(text))


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[Word, ...]:
    """``words``, remembered: a verify request reads each candidate paragraph several times."""
    return tuple(Word(m.group(1), fold(m.group(1)), m.start(1), m.end(1),
                      bool(_ENDS.search(m.group(2))) or m.end() == len(text))
                 for m in _WORD_AND_TAIL.finditer(text))


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """A word's comparison key: lower case, no accents, straight apostrophe."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def elisions(text: str) -> set[int]:
    """Indexes of the pasted words that follow an ellipsis (``A ... B``: B's index)."""
    marks = [m.start() for m in _ELLIPSIS.finditer(text)]
    if not marks:
        return set()
    starts = [w.start for w in words(text)]
    return {next((i for i, s in enumerate(starts) if s > at), len(starts)) for at in marks}


@dataclass
class Piece:
    """Pasted words ``[p0, p1)`` aligned with source words ``[s0, s1)``."""

    p0: int
    p1: int
    s0: int
    s1: int
    matched: int


@dataclass
class Alignment:
    """How a paste stands in one source text."""

    pieces: list[Piece]
    pasted: list[Word]
    source: list[Word]
    elided: set[int] = field(default_factory=set)
    limits: list[int] = field(default_factory=list)  # where each joined paragraph begins

    @property
    def matched(self) -> int:
        """Pasted words found, in order, in the source."""
        return sum(p.matched for p in self.pieces)

    def same_indexes(self) -> set[int]:
        """Indexes of the pasted words the source holds as they are (``same`` words)."""
        out: set[int] = set()
        for piece in self.pieces:
            keys_p = [w.key for w in self.pasted[piece.p0:piece.p1]]
            keys_s = [w.key for w in self.source[piece.s0:piece.s1]]
            for block in SequenceMatcher(None, keys_p, keys_s,
                                         autojunk=False).get_matching_blocks():
                out.update(range(piece.p0 + block.a, piece.p0 + block.a + block.size))
        return out

    @property
    def coverage(self) -> float:
        """The share of the pasted words found in the source."""
        return self.matched / len(self.pasted) if self.pasted else 0.0

    @property
    def dense_coverage(self) -> float:
        """The share of the pasted words found in pieces that mostly agree with the source
        (DENSE of their pasted words in place): the evidence that a quote is a version of
        this source, not a few of its words with others between them (``The Charter begins
        with the peoples`` against ``the Charter, dealing with the expulsion of``)."""
        dense = sum(p.matched for p in self.pieces if p.matched >= DENSE * (p.p1 - p.p0))
        return dense / len(self.pasted) if self.pasted else 0.0

    @property
    def similarity(self) -> float:
        """Matched words over the words of both sides (difflib's ratio): 1.0 verbatim."""
        covered = sum(p.s1 - p.s0 for p in self.pieces)
        total = len(self.pasted) + covered
        return 2 * self.matched / total if total else 0.0

    @cached_property
    def ops(self) -> list[dict]:
        """The differences, in the paste's order (see the module doc for the ops); worked out
        once (pieces are final when an Alignment is made)."""
        return diff_ops(self)

    def diff(self) -> list[dict]:
        """A copy of the differences, for an answer to carry."""
        return [dict(op) for op in self.ops]

    @property
    def verbatim(self) -> bool:
        """Every pasted word in place, nothing changed or missing (marked elisions allowed)."""
        return bool(self.pieces) and all(
            op["op"] == "same" or (op["op"] == "gap" and op["marked"]) for op in self.ops)


def align(pasted: list[Word], source: list[Word], elided: set[int] = frozenset(),
          bounds: list[int] = ()) -> Alignment:
    """The pieces of ``pasted`` found in ``source``, in the paste's order.

    ``bounds``: indexes of source words that begin a new paragraph or text, which no piece
    crosses (a source may join several candidate passages).
    """
    keys = [w.key for w in pasted]
    skeys: list = [w.key for w in source]
    limits = sorted(set(bounds) | {0, len(source)})
    pieces: list[Piece] = []
    todo = [(0, len(keys))]
    while todo and len(pieces) < MAX_PIECES:
        a, b = todo.pop()
        piece = _best_piece(keys, a, b, skeys, limits)
        if piece is None:
            continue
        pieces.append(piece)
        for lo, hi in ((a, piece.p0), (piece.p1, b)):
            if hi - lo >= 3:
                todo.append((lo, hi))
        for i in range(piece.s0, piece.s1):
            skeys[i] = None  # a source word serves one piece only
    pieces.sort(key=lambda p: p.p0)
    return Alignment(_widened(pieces, pasted, source, limits), pasted, source, set(elided),
                     limits)


def _best_piece(keys: list[str], a: int, b: int, skeys: list, limits: list[int]) -> Piece | None:
    """The run of nearby matching words holding most of ``keys[a:b]``, within one text."""
    matcher = SequenceMatcher(None, keys[a:b], skeys, autojunk=False)
    best: Piece | None = None
    current: Piece | None = None
    longest = {}  # a piece's longest run, by where it starts
    for p0, s0, size in _within_texts(matcher.get_matching_blocks(), limits):
        p0 += a
        if current and p0 - current.p1 <= MAX_GAP and s0 - current.s1 <= MAX_GAP + (
                p0 - current.p1) and _same_text(limits, current.s0, s0):
            current.p1, current.s1 = p0 + size, s0 + size
            current.matched += size
        else:
            current = Piece(p0, p0 + size, s0, s0 + size, size)
        longest[current.s0] = max(longest.get(current.s0, 0), size)
        if best is None or current.matched > best.matched:
            best = Piece(current.p0, current.p1, current.s0, current.s1, current.matched)
    # a piece holds three words at least, two of them in a row (not ``men ... the ... of``)
    if best is None or best.matched < min(3, b - a) or longest[best.s0] < min(2, b - a):
        return None
    return best


def _within_texts(blocks, limits: list[int]) -> Iterator[tuple[int, int, int]]:
    """Matching blocks (a, b, size) cut where a paragraph begins: the joined source's
    paragraphs need not be neighbours, so a run of words never runs on from one to the next."""
    for a, b, size in blocks:
        while size:
            cut = limits[bisect_right(limits, b)] if bisect_right(limits, b) < len(limits) \
                else b + size
            part = min(size, cut - b)
            yield a, b, part
            a, b, size = a + part, b + part, size - part


def _same_text(limits: list[int], s0: int, s1: int) -> bool:
    """Whether source words s0 and s1 stand in the same paragraph."""
    return not any(s0 < limit <= s1 for limit in limits)


def _widened(pieces: list[Piece], pasted: list[Word], source: list[Word], limits: list[int]
             ) -> list[Piece]:
    """Pieces grown over unmatched words at their edges that stand in for source words in the
    same sentence (``We must`` pasted for ``Our nations must``: a change, not an addition)."""
    for i, piece in enumerate(pieces):
        before = max(pieces[i - 1].p1 if i else 0, piece.p0 - MAX_WIDEN)
        while piece.p0 > before and piece.s0 > 0 and _same_text(limits, piece.s0 - 1, piece.s0) \
                and not source[piece.s0 - 1].ends_sentence and _free(pieces, piece.s0 - 1):
            piece.p0, piece.s0 = piece.p0 - 1, piece.s0 - 1
        after = min(pieces[i + 1].p0 if i + 1 < len(pieces) else len(pasted),
                    piece.p1 + MAX_WIDEN)
        while piece.p1 < after and piece.s1 < len(source) \
                and _same_text(limits, piece.s1 - 1, piece.s1) \
                and not source[piece.s1 - 1].ends_sentence and _free(pieces, piece.s1):
            piece.p1, piece.s1 = piece.p1 + 1, piece.s1 + 1
    return pieces


def _free(pieces: list[Piece], s: int) -> bool:
    """Whether source word ``s`` is in no piece yet (a word serves one piece only)."""
    return not any(p.s0 <= s < p.s1 for p in pieces)


def diff_ops(alignment: Alignment) -> list[dict]:
    """Word-level differences, in the paste's order, joined into runs of one op."""
    pasted, source = alignment.pasted, alignment.source
    ops: list[dict] = []
    at = 0
    previous: Piece | None = None
    for piece in alignment.pieces:
        if at < piece.p0:
            _add(ops, "added", pasted[at:piece.p0], [])
        if previous is not None:
            _gap(ops, previous, piece, alignment, piece.p0 in alignment.elided)
        keys_p = [w.key for w in pasted[piece.p0:piece.p1]]
        keys_s = [w.key for w in source[piece.s0:piece.s1]]
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, keys_p, keys_s,
                                                   autojunk=False).get_opcodes():
            p_words = pasted[piece.p0 + i1:piece.p0 + i2]
            s_words = source[piece.s0 + j1:piece.s0 + j2]
            if tag == "insert" and piece.p0 + i1 in alignment.elided:
                ops.append({"op": "gap", "words": len(s_words), "marked": True})
                continue
            op = {"equal": "same", "replace": "changed", "delete": "added",
                  "insert": "missing"}[tag]
            if op == "changed" and _joined(p_words) == _joined(s_words):
                op = "same"  # ``multipolar`` for ``multi-polar``: one word written apart
            _add(ops, op, p_words, s_words)
        at, previous = piece.p1, piece
    if at < len(pasted):
        _add(ops, "added", pasted[at:], [])
    return ops


def _joined(found: list[Word]) -> str:
    return "".join(w.key for w in found)


def _gap(ops: list[dict], before: Piece, after: Piece, alignment: Alignment, marked: bool
         ) -> None:
    """What stands in the source between two pieces: a few words of the same paragraph
    listed, more counted; another paragraph, or earlier words, a gap of no count."""
    between = after.s0 - before.s1
    near = between >= 0 and _same_text(alignment.limits, before.s1 - 1, after.s0)
    if near and between <= SHOWN_GAP and not marked:
        if between:
            _add(ops, "missing", [], alignment.source[before.s1:after.s0])
        return
    # an ellipsis may leave words out, never put the source's words in another order
    ops.append({"op": "gap", "words": between if near else None,
                "marked": marked and between >= 0})


def _add(ops: list[dict], op: str, p_words: list[Word], s_words: list[Word]) -> None:
    pasted = " ".join(w.text for w in p_words)
    source = " ".join(w.text for w in s_words)
    if ops and ops[-1]["op"] == op:
        last = ops[-1]
        last["pasted"] = " ".join(filter(None, (last["pasted"], pasted)))
        last["source"] = " ".join(filter(None, (last["source"], source)))
        return
    ops.append({"op": op, "pasted": pasted, "source": source})
