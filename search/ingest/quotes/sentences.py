"""Sentences that respect quotes, and ``QuotedText``: the text as the later stages see it."""

from __future__ import annotations

import bisect
import re

from search.ingest.names import UPPERCASE
from search.ingest.quotes.marks import Span
from search.ingest.quotes.vocabulary import ABBREVIATED_TITLES
from search.ingest.quotes.words import strip_span

# Abbreviations whose full stop ends no sentence: titles, "No. 10", months, companies.
_ABBREVIATIONS = (*ABBREVIATED_TITLES, "No", "Jan", "Feb", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
                  "Inc", "Corp", "Co", "vs", r"H\.E", "[A-Z]")
# A sentence end: . ! or ? (not after an abbreviation or initial), closing marks, space, and
# a capital, digit or opening mark next.
_SENTENCE_BOUNDARY = re.compile(
    "[.!?]" + "".join(rf"(?<!\b{abbreviation}\.)" for abbreviation in _ABBREVIATIONS) +
    r"[\"”’')\]]*\s+(?=[\"“‘'(\[]?[0-9" + UPPERCASE + r"])"
)
# Characters before a line break that mark it as a soft wrap when a lowercase word follows.
_WRAP_BEFORE = set("abcdefghijklmnopqrstuvwxyz,;-")


def _soft_wrap(text: str, newline: int) -> bool:
    """A line break inside a sentence (hard-wrapped source text): a lowercase word follows a
    word or comma."""
    return 0 < newline < len(text) - 1 and text[newline - 1] in _WRAP_BEFORE and text[newline + 1].islower()


class Sentences:
    """Sentence bounds, split per paragraph on first use (most paragraphs of a speech hold no
    quote and no cue); a paragraph that a quote runs over joins the next one, and no sentence
    ends inside a quoted span."""

    def __init__(self, text: str, spans: list[Span]) -> None:
        self.text = text
        self.spans = spans
        self.opens = [s.open for s in spans]
        self._starts: dict[int, list[int]] = {}

    def _crossing(self, pos: int) -> Span | None:
        i = bisect.bisect_right(self.opens, pos - 1) - 1
        return self.spans[i] if i >= 0 and self.spans[i].close > pos else None

    def block(self, pos: int) -> tuple[int, int]:
        """The paragraph holding ``pos``, widened over quotes that cross its edges."""
        text = self.text
        start = text.rfind("\n", 0, pos) + 1
        while start and ((span := self._crossing(start)) is not None and span.open < start or
                         _soft_wrap(text, start - 1)):
            start = text.rfind("\n", 0, span.open if span is not None and span.open < start else start - 1) + 1
        end = text.find("\n", pos)
        while end >= 0 and ((span := self._crossing(end)) is not None or _soft_wrap(text, end)):
            end = text.find("\n", span.close if span is not None else end + 1)
        return start, len(text) if end < 0 else end

    def starts(self, block: tuple[int, int]) -> list[int]:
        """Sentence starts within a paragraph, computed once per paragraph."""
        cached = self._starts.get(block[0])
        if cached is None:
            cached = [block[0]]
            for m in _SENTENCE_BOUNDARY.finditer(self.text, *block):
                gap = m.start() + len(m.group().rstrip())
                if self._crossing(gap) is None:
                    cached.append(m.end())
            self._starts[block[0]] = cached
        return cached

    def bounds(self, pos: int) -> tuple[int, int]:
        """[start, end) of the sentence holding ``pos``, surrounding whitespace excluded."""
        block = self.block(pos)
        starts = self.starts(block)
        i = bisect.bisect_right(starts, pos) - 1
        end = starts[i + 1] if i + 1 < len(starts) else block[1]
        return strip_span(self.text, starts[i], end)

    def previous_starts(self, pos: int, count: int) -> list[int]:
        """Starts of the sentence holding ``pos`` and of up to ``count`` sentences before it."""
        found: list[int] = []
        while len(found) <= count and pos >= 0:
            block = self.block(pos)
            starts = self.starts(block)
            found += [s for s in reversed(starts) if s <= pos][:count + 1 - len(found)]
            pos = block[0] - 1
        return found


class QuotedText:
    """The text with its quoted spans and sentences, and the questions later stages ask of both."""

    def __init__(self, text: str, spans: list[Span]) -> None:
        self.text = text
        self.spans = spans
        self.closes = [s.close for s in spans]
        self.sentences = Sentences(text, spans)

    def quoted(self, pos: int) -> bool:
        """Inside a quoted span: the quoted speaker's own words, no attribution of ours."""
        i = bisect.bisect_right(self.closes, pos)
        return i < len(self.spans) and self.spans[i].open <= pos

    def last_close(self, lo: int, pos: int) -> int:
        """End of the last quoted span closing in [lo, pos], or lo."""
        i = bisect.bisect_right(self.closes, pos) - 1
        return self.closes[i] if i >= 0 and self.closes[i] >= lo else lo

    def overlaps_quote(self, start: int, end: int) -> bool:
        """A quoted span overlaps ``[start, end)``: that clause is left to the quote."""
        i = bisect.bisect_right(self.closes, start)
        return i < len(self.spans) and self.spans[i].open < end
