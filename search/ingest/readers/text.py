"""Bytes to text and text to paragraphs: the rules every reader shares.

Bad bytes are reported, never repaired: a file that is not UTF-8 or holds NUL
bytes raises ``Unreadable`` with the line to blame, and the dispatcher turns
that into a ``Problem``.  Paragraph splitting has to cope with three layouts
found in real corpora (one paragraph a line; blank-line separated blocks;
text hard-wrapped at ~60 columns, with or without blank lines between
paragraphs), so it looks at the line lengths before it decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path


class Unreadable(Exception):
    """Input that cannot be read at all; ``line`` is where the trouble starts."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def read_text(path: Path, max_chars: int) -> str:
    """The whole file as text, for formats holding one document per file."""
    text = decode(path.read_bytes())
    check_size(len(text), max_chars, line=1)
    return text


def decode(data: bytes, encoding: str = "utf-8") -> str:
    """Decode a whole file, rejecting empty, binary and wrongly encoded input."""
    if not data.strip():
        raise Unreadable(1, "empty file")
    nul = data.find(b"\0")
    if nul >= 0:
        raise Unreadable(line_at(data, nul), f"binary file: NUL byte at byte offset {nul}")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise Unreadable(line_at(data, error.start), not_decodable(data, error.start, 0, encoding)) from None
    return text.lstrip("\ufeff")


def line_at(data: bytes, offset: int) -> int:
    """The 1-based line holding byte ``offset``."""
    return data.count(b"\n", 0, offset) + 1


def not_decodable(data: bytes, start: int, base: int, encoding: str = "utf-8") -> str:
    """Reason text for a decoding error at ``start`` of ``data`` (which begins at file offset ``base``)."""
    return f"not {encoding.upper()}: byte 0x{data[start]:02x} at byte offset {base + start}"


def check_size(chars: int, max_chars: int, line: int) -> None:
    """Refuse documents too large to index and show sensibly (often several glued together)."""
    if chars > max_chars:
        raise Unreadable(line, f"document has {chars:,} characters, over the limit of {max_chars:,}")


_NEWLINE = re.compile(r"\r\n?|\n\r")
_BLANK_LINE = re.compile(r"\n\s*\n")
# Markdown list items and headings are paragraphs of their own even without blank lines.
_MARKDOWN_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]")
_MARKDOWN_HEADING = re.compile(r"[ \t]*#{1,6}[ \t]")
_HYPHEN_BREAK = re.compile(r"-(?<=\w-)[ \t]*\n\s*(?=\w)")
_TERMINAL = re.compile(r"[.!?:;\"'”’…)\]]$")
_NUMBERED = re.compile(r"\d{1,3}\.\s")
# Hard-wrapped text: nearly every line is at most this long...
_WRAP_MAX = 120
# ...and few lines end a sentence (about 1 in 6 in wrapped UNGDC speeches).
_WRAP_MAX_TERMINAL_SHARE = 0.5
# Blank lines separate paragraphs when blocks average at most this many lines;
# longer blocks mean the blank lines are page breaks, not paragraph ends.
_MAX_PARAGRAPH_LINES = 20
# A wrapped line this much shorter than the typical line ends its paragraph.
_SHORT_LINE = 0.8
# When most lines of a block end in a space, that space marks a soft wrap and
# a line without one ends its paragraph (some UN records are typed that way).
_SOFT_WRAP_SHARE = 0.6


def normalize_newlines(text: str) -> str:
    """Unify CRLF, lone CR and the LF-CR pairs some UNGDC records use."""
    text = text.lstrip("\ufeff")
    return _NEWLINE.sub("\n", text) if "\r" in text else text


def unwrap(block: str) -> str:
    """Join the lines of one paragraph; a line-end hyphen stays, without a space."""
    block = _HYPHEN_BREAK.sub("-", block.strip())
    return " ".join([line for line in map(str.strip, block.split("\n")) if line])


def blocks(text: str) -> list[str]:
    """Markdown paragraphs: blank-line separated blocks, list items and headings, each unwrapped."""
    pieces = _markdown_pieces(normalize_newlines(text).split("\n"))
    return [paragraph for paragraph in map(unwrap, pieces) if paragraph]


def _markdown_pieces(lines: list[str]) -> Iterator[str]:
    piece: list[str] = []
    for line in lines:
        if piece and (not line.strip() or _MARKDOWN_ITEM.match(line) or _MARKDOWN_HEADING.match(line)):
            yield "\n".join(piece)
            piece = []
        piece.append(line)
        if _MARKDOWN_HEADING.match(line):
            yield "\n".join(piece)
            piece = []
    yield "\n".join(piece)


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a text whose layout is not known in advance (see module docstring)."""
    text = normalize_newlines(text)
    lines = text.split("\n")
    width = _wrap_width(text, lines)
    if width is None:
        return [stripped for stripped in map(str.strip, lines) if stripped]
    chunks = [chunk.strip() for chunk in _BLANK_LINE.split(text) if chunk.strip()]
    if len(chunks) > 1 and len(lines) <= _MAX_PARAGRAPH_LINES * len(chunks):
        return [unwrap(chunk) for chunk in chunks]
    return [paragraph for chunk in chunks for paragraph in _rewrap(chunk.split("\n"), width)]


def _wrap_width(text: str, lines: list[str]) -> int | None:
    """The typical line length if the text is hard-wrapped, else None."""
    if len(text) > 2 * _WRAP_MAX * len(lines):
        return None
    filled = [line for line in map(str.rstrip, lines) if line]
    if len(filled) < 5:
        return None
    lengths = sorted(map(len, filled))
    if lengths[len(lengths) * 9 // 10] > _WRAP_MAX:
        return None
    terminal = sum(map(bool, map(_TERMINAL.search, filled)))
    if terminal > _WRAP_MAX_TERMINAL_SHARE * len(filled):
        return None
    return lengths[len(lengths) // 2]


def _rewrap(lines: list[str], width: int) -> list[str]:
    """Recover the paragraphs of wrapped lines that have no blank lines between them.

    A paragraph ends on a line that ends a sentence well short of the wrap
    width, on a line without the trailing space that marks soft wraps (where
    the text uses them), or before a numbered paragraph ("103. ...", the UN
    record style).
    """
    short = _SHORT_LINE * width
    soft = sum(line[-1:] in " \t" for line in lines) > _SOFT_WRAP_SHARE * len(lines)
    paragraphs: list[str] = []
    start = 0
    for index in range(len(lines) - 1):
        if _ends_paragraph(lines[index], lines[index + 1], short, soft):
            paragraphs.append(unwrap("\n".join(lines[start:index + 1])))
            start = index + 1
    paragraphs.append(unwrap("\n".join(lines[start:])))
    return [paragraph for paragraph in paragraphs if paragraph]


def _ends_paragraph(line: str, following: str, short: float, soft: bool) -> bool:
    end = line.rstrip()
    if soft and end == line:
        return True
    if len(end) < short and _TERMINAL.search(end):
        return True
    return following[:1].isdigit() and _NUMBERED.match(following) is not None
