"""Snippets as safe HTML: the words of the query marked, a matched phrase as one span.

Highlighting re-analyses only the short text that matched (a passage or a
quote), never a whole speech: cheap, and it sees every word, whereas Whoosh's
highlighter stops at the first 32,768 characters of a field. Everything that
is not a ``<mark>`` is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Callable

from search.engine.interface import Token


class Highlighter:
    """Marks query terms and phrases in text analysed like the index.

    ``tokens`` is the engine's analysis of a text (``Snapshot.tokens``), so a
    highlighted word is exactly a word the index would match.
    """

    def __init__(self, tokens: Callable[[str], list[Token]]) -> None:
        self.tokens = tokens

    def spans(self, text: str, terms: set[str], phrases: list[list[str]]) -> list[tuple[int, int]]:
        """Character spans to mark, merged so that a phrase is one span."""
        words = [t for t in self.tokens(text) if not t.stopped]
        marked: list[tuple[int, int]] = []
        for phrase in phrases:
            n = len(phrase)
            for i in range(len(words) - n + 1):
                if [w.text for w in words[i:i + n]] == phrase:
                    marked.append((words[i].start, words[i + n - 1].end))
        inside = lambda start: any(a <= start < b for a, b in marked)
        marked += [(w.start, w.end) for w in words if w.text in terms and not inside(w.start)]
        return sorted(marked)

    def snippet(self, text: str, terms: set[str], phrases: list[list[str]],
                width: int = 320) -> tuple[str, int]:
        """HTML of the part of ``text`` around the first marks, and how many marks it holds."""
        spans = self.spans(text, terms, phrases)
        start, end = _window(text, spans, width)
        out, cursor, shown = [], start, 0
        for a, b in spans:
            if a < start or b > end:
                continue
            out.append(escape(text[cursor:a]))
            out.append(f"<mark>{escape(text[a:b])}</mark>")
            cursor, shown = b, shown + 1
        out.append(escape(text[cursor:end]))
        prefix = "… " if start > 0 else ""
        suffix = " …" if end < len(text) else ""
        return prefix + "".join(out).strip() + suffix, shown


def _window(text: str, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """A window of about ``width`` characters around the densest run of marks, on word edges."""
    if len(text) <= width:
        return 0, len(text)
    best, best_count = 0, 0
    for i, (a, _) in enumerate(spans):
        count = sum(1 for s, e in spans[i:] if e <= a + width)
        if count > best_count:
            best, best_count = a, count
    start = max(0, best - width // 4)
    end = min(len(text), start + width)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < best else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return start, end

