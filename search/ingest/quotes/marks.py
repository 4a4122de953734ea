"""Quote marks: the quoted spans of a text, paired from straight, curly, low and angle marks.

Two-character marks (````Q''``, ``''Q''``) are first rewritten as one curly mark and a space,
and the marks around names (a show's ``"Meet the Press"``, a handle ``"@name"``) are blanked:
the later stages read this same-length text, the quotes keep the original's words."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from search.ingest.quotes.words import strip_span

# Double quote marks of every style.
_DOUBLE_MARKS = re.compile(r"[\"“”„«»]")
# A single mark that can open a quote: before a letter, at the start or after a space, bracket
# or dash (otherwise it is an apostrophe: "don't"). Both single-mark patterns open on the mark
# and look behind after it, so that the regex engine skips to the marks in C.
_SINGLE_OPEN = re.compile(r"[‘'](?:(?<=[ \t\n\r(\[—–-][‘'])|(?<=^[‘']))(?=[^\W\d_])")
# A single mark that can close one: after a non-space, before a space, punctuation or line end.
_SINGLE_CLOSE = re.compile(r"[’'](?<=[^\s‘'][’'])(?=[\s,.;:!?)\]—–-]|$)", re.M)
# Neighbours that make a double mark opening, or closing.
_BEFORE_OPEN = "([{—–-/"
_AFTER_CLOSE = ",.;:!?)]}—–-"
_SINGLE_CLOSE_WINDOW = 8  # closing single marks tried per opening one
# Double marks typed as two characters: ``Q'' (old wire copy, TeX) and ''Q''.
_TWO_CHARACTER_MARKS = re.compile(r"``|''")
# Short words a title leaves in lower case: "State of the Union", "Straight Talk with ...".
_TITLE_SMALL_WORDS = {"a", "an", "the", "of", "for", "and", "or", "to", "in", "on", "at", "by", "with", "from"}
_TITLE_MAX_WORDS = 10
# Words before a Title Case quote that make it a coined phrase someone used, not a name:
# 'an "Asian NATO"', 'called him "Senator Spreadsheet"', 'branded it as "Project Fear"'.
_PHRASE_BEFORE = re.compile(r"\b(?:an?|it|him|her|them|as)\s*$", re.I)
_SO_CALLED = re.compile(r"\bso[- ]called\s*$", re.I)  # a term named, no one quoted
# Words before a title that may keep a final comma inside its marks: 'on "Meet the Press,"'.
_TITLE_BEFORE = re.compile(r"(?:\b(?:on|in|of)|['’]s)\s*$")


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


def single_marks(text: str) -> str:
    """The text with each two-character double mark as one curly mark and a space, the space
    on the far side of the words: ``''Q,'' he`` -> `` “Q,”  he``; same length, same offsets."""
    if "''" not in text and "``" not in text:
        return text
    out = list(text)
    for m in _TWO_CHARACTER_MARKS.finditer(text):
        pos = m.start()
        before = text[pos - 1] if pos else " "
        after = text[pos + 2] if pos + 2 < len(text) else " "
        opening = m.group() == "``" or (before.isspace() or before in _BEFORE_OPEN) and not after.isspace()
        out[pos:pos + 2] = [" ", "“"] if opening else ["”", " "]
    return "".join(out)


def names_in_marks(text: str, spans: list[Span]) -> list[Span]:
    """Quoted spans that name something instead of quoting anyone: a title in Title Case with
    no sentence punctuation ("Meet the Press", "State of the Union"; a final comma only after
    'on', 'in', 'of' or a possessive: 'on "Morning Edition," she said'), a handle ("@name"), or a
    term after 'so-called' (the 'so-called "snapback" clause')."""
    return [s for s in spans if _handle(text[s.start:s.end]) or _title(text, s) or
            _SO_CALLED.search(text, max(0, s.open - 12), s.open)]


def _handle(words: str) -> bool:
    """'@harbourwatch', '#NoTolls'."""
    return words[:1] in "@#" and " " not in words


def _title(text: str, span: Span) -> bool:
    """Two to ten words in Title Case, no sentence punctuation, not a coined phrase."""
    if _PHRASE_BEFORE.search(text, max(0, span.open - 6), span.open):
        return False
    words = text[span.start:span.end]
    if words.endswith(",") and _TITLE_BEFORE.search(text, max(0, span.open - 6), span.open):
        words = words[:-1]
    parts = words.split()
    if not 2 <= len(parts) <= _TITLE_MAX_WORDS or any(c in words for c in ",.;:!?"):
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or w in _TITLE_SMALL_WORDS for w in parts) and \
        parts[0][:1].isupper()


def blank_marks(text: str, spans: list[Span]) -> str:
    """The text with the marks of ``spans`` replaced by spaces (same length)."""
    out = list(text)
    for span in spans:
        out[span.open] = " "
        out[span.close - 1] = " "
    return "".join(out)


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
    previous = -1
    n = len(text)
    for m in _DOUBLE_MARKS.finditer(text):
        pos = m.start()
        role = _mark_role(text, pos, n)
        # a line break since the last mark: the open quote may not run on unannounced
        pending_newline = opened is not None and text.find("\n", previous + 1, pos) >= 0
        previous = pos
        if pending_newline:
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
    opens = [m.start() for m in _SINGLE_OPEN.finditer(text)]
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
