"""Quote marks: the quoted spans of a text, paired from straight, curly, low and angle marks."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from search.ingest.quotes.words import strip_span

# Double quote marks of every style, and line breaks (a quote may not run on unannounced).
_DOUBLE_MARKS = re.compile(r"[\"“”„«»]|\n")
# A single mark that can open a quote: before a letter.
_SINGLE_OPEN = re.compile(r"[‘'](?=[^\W\d_])")
# A single mark that can close one: after a non-space, before a space, punctuation or line end.
_SINGLE_CLOSE = re.compile(r"(?<=[^\s‘'])[’'](?=[\s,.;:!?)\]—–-]|$)", re.M)
# What may stand before an opening single mark (otherwise it is an apostrophe: "don't").
_BEFORE_SINGLE_OPEN = " \t\n\r([—–-"
# Neighbours that make a double mark opening, or closing.
_BEFORE_OPEN = "([{—–-/"
_AFTER_CLOSE = ",.;:!?)]}—–-"
_SINGLE_CLOSE_WINDOW = 8  # closing single marks tried per opening one


@dataclass
class Span:
    """A quoted span: marks at ``open`` and ``close - 1``; the words are ``[start, end)``."""

    open: int
    close: int
    start: int
    end: int


def quote_spans(text: str, skip: list[tuple[int, int]]) -> list[Span]:
    """Top-level quoted spans outside ``skip``: double quotes, or single quotes where the text
    uses them for quoting (more single-quoted than double-quoted spans); nested marks stay
    inside."""
    doubles = [s for s in _double_spans(text) if not in_ranges(s.open, skip)]
    if "‘" not in text and "'" not in text:
        return doubles
    singles = [s for s in _single_spans(text, doubles) if not in_ranges(s.open, skip)]
    if len(singles) <= len(doubles):
        return doubles
    inner = [d for d in doubles if not _inside(d.open, singles)]
    return sorted(singles + inner, key=lambda s: s.open)


def in_ranges(pos: int, ranges: list[tuple[int, int]]) -> bool:
    """``pos`` falls in one of the ``[start, end)`` ranges."""
    return any(a <= pos < b for a, b in ranges)


def _inside(pos: int, spans: list[Span]) -> bool:
    return any(s.open <= pos < s.close for s in spans)


def _double_spans(text: str) -> list[Span]:
    """Pair double quote marks; a quote left open at a paragraph end continues only if the next
    paragraph opens with a quote mark (the multi-paragraph convention), otherwise it is dropped."""
    spans: list[Span] = []
    opened: int | None = None
    pending_newline = False
    n = len(text)
    for m in _DOUBLE_MARKS.finditer(text):
        pos = m.start()
        if m.group() == "\n":
            pending_newline = opened is not None
            continue
        role = _mark_role(text, pos, n)
        if opened is not None and pending_newline:
            pending_newline = False
            if role != "close" and text[text.rfind("\n", 0, pos) + 1:pos].strip() == "":
                continue  # the paragraph-opening mark of a continued quote
            opened = None
        if opened is None:
            if role != "close":
                opened = pos
        elif role == "open":
            opened = pos  # an unclosed mark before: start again here
        else:
            start, end = strip_span(text, opened + 1, pos)
            if end > start:
                spans.append(Span(opened, pos + 1, start, end))
            opened = None
    return spans


def _mark_role(text: str, pos: int, n: int) -> str:
    """Whether a double mark opens, closes, or could do either, from its neighbours and glyph."""
    before = text[pos - 1] if pos else " "
    after = text[pos + 1] if pos + 1 < n else " "
    open_ctx = before.isspace() or before in _BEFORE_OPEN
    close_ctx = after.isspace() or after in _AFTER_CLOSE
    if open_ctx and not close_ctx:
        return "open"
    if close_ctx and not open_ctx:
        return "close"
    glyph = text[pos]
    if glyph in "“„«":
        return "open"
    if glyph in "”»":
        return "close"
    return "either"


def _single_spans(text: str, outside: list[Span]) -> list[Span]:
    """British-style single quotes: an opening mark before a letter, the first plausible closing
    mark after it in the same paragraph (a plural possessive like ``ministers' meeting`` is
    skipped when a later closing mark exists)."""
    opens = [m.start() for m in _SINGLE_OPEN.finditer(text)
             if not m.start() or text[m.start() - 1] in _BEFORE_SINGLE_OPEN]
    if not opens:
        return []
    closes = [m.start() for m in _SINGLE_CLOSE.finditer(text)]
    spans: list[Span] = []
    last_end = -1
    for pos in opens:
        if pos < last_end or _inside(pos, outside):
            continue
        para_end = text.find("\n", pos)
        para_end = len(text) if para_end < 0 else para_end
        i = bisect.bisect_right(closes, pos)
        candidates = [c for c in closes[i:i + _SINGLE_CLOSE_WINDOW] if c < para_end and c - pos > 2]
        close = _pick_single_close(text, candidates)
        if close is None:
            continue
        start, end = strip_span(text, pos + 1, close)
        spans.append(Span(pos, close + 1, start, end))
        last_end = close + 1
    return spans


def _pick_single_close(text: str, candidates: list[int]) -> int | None:
    """The first candidate that is no plural possessive (``ministers' meeting``), else the last."""
    for k, c in enumerate(candidates):
        possessive = text[c - 1] == "s" and c + 2 < len(text) and text[c + 1] == " " and text[c + 2].islower()
        if not possessive or k == len(candidates) - 1:
            return c
    return None
