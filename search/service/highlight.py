"""Snippets as safe HTML: the words of the query marked, a matched phrase as one span.

Highlighting re-analyses only the short text that matched (a passage or a
quote), never a whole speech: cheap, and it sees every word, whereas Whoosh's
highlighter stops at the first 32,768 characters of a field. Everything that
is not a ``<mark>`` is escaped.

A phrase matched letter for letter (``QueryWords.exact``) is marked only where
its words stand as written, stop words included (``Token.exact``): the search
for "right of self-determination" marks that, never "right to
self-determination". A loose phrase is marked wherever its stems stand in a
row, stop words skipped, as it matched.
"""

from __future__ import annotations

from html import escape
from typing import Callable, Sequence

from search.engine.interface import Token


class Highlighter:
    """Marks query terms and phrases in text analysed like the index.

    ``tokens`` is the engine's analysis of a text (``Snapshot.tokens``), so a
    highlighted word is exactly a word the index would match. ``exact``: the
    query's phrases matched letter for letter (``QueryWords.exact``), marked in
    every text this highlighter sees.
    """

    def __init__(self, tokens: Callable[[str], list[Token]],
                 exact: Sequence[Sequence[str]] = ()) -> None:
        self.tokens = tokens
        self.exact = [list(phrase) for phrase in exact if phrase]

    def spans(self, text: str, terms: set[str], phrases: list[list[str]]) -> list[tuple[int, int]]:
        """Character spans to mark, merged so that a phrase is one span."""
        tokens = self.tokens(text)
        words = [t for t in tokens if not t.stopped]
        marked = _runs(tokens, self.exact, lambda t: t.exact) + \
            _runs(words, phrases, lambda t: t.text)
        inside = lambda start: any(a <= start < b for a, b in marked)
        marked += [(w.start, w.end) for w in words if w.text in terms and not inside(w.start)]
        return _merged(sorted(marked))

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


def _runs(tokens: list[Token], phrases: Sequence[Sequence[str]], key
          ) -> list[tuple[int, int]]:
    """Character spans where the ``key`` of consecutive tokens spells a phrase."""
    marked = []
    keys = [key(t) for t in tokens]
    for phrase in phrases:
        n = len(phrase)
        for i in range(len(tokens) - n + 1):
            if keys[i] == phrase[0] and keys[i:i + n] == list(phrase):
                marked.append((tokens[i].start, tokens[i + n - 1].end))
    return marked


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with overlapping ones joined (two phrases sharing a word are one mark)."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


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

