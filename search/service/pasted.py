"""A quote as pasted: the words to check, and the attribution that came with it.

Journalists paste quotes as they found them: in any quote marks, with an
attribution (``— Gromyko, 1961``, ``(Indira Gandhi, 1983)``, ``Kaunda said:
"..."``). The attribution is a hint, never part of the words checked: the
words inside the quote marks are the quote when there are any; otherwise a
trailing dash or parenthesis that names someone or a year is the hint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from search.engine.interface import RequestError
from search.service.align import Word, elisions, fold, words
from search.service.request import normalise

MAX_PASTE_CHARS = 5000
MAX_PASTE_WORDS = 400
# Quoted stretches: double quotes of any shape (made straight first), or single curly ones.
_QUOTED = re.compile(r'"([^"]+)"|‘([^’]+)’(?!\w)')
# A trailing attribution: `` — Name, 1961``, `` - President of Ghana (1975)``, ``(Name, 1983)``.
_DASHED = re.compile(r"\s[-–—―]{1,2}\s*([^-–—―\n]{2,80})$")
_BRACKETED = re.compile(r"\(([^()]{2,80})\)\s*$")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
# Words of an attribution that name no one.
_NOT_NAMES = frozenset(
    "said says told wrote added asked according to in at on of the a an and by his her their "
    "speech statement address remarks interview general debate assembly session un united "
    "nations mr mrs ms dr h e his excellency president prime minister foreign secretary "
    "king queen chancellor ambassador delegate representative".split())
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Pasted:
    """A paste read: ``quote`` the words checked, ``hint`` the attribution, if any."""

    text: str
    quote: str
    hint: str | None = None
    words: list[Word] = field(default_factory=list)
    elided: set[int] = field(default_factory=set)

    @property
    def hint_year(self) -> int | None:
        found = _YEAR.search(self.hint or "")
        return int(found.group()) if found else None

    @property
    def hint_names(self) -> set[str]:
        """The attribution's words that may name a person or a country (folded)."""
        return {w.key for w in words(_YEAR.sub(" ", self.hint or ""))
                if w.key not in _NOT_NAMES and len(w.key) > 1}

    def names_agree(self, name: str, country: str | None) -> bool:
        """Whether the attribution names this speaker or country (any of its words)."""
        named = {w.key for w in words(f"{name} {country or ''}")}
        return bool(self.hint_names & named)

    def hint_matches(self, name: str, country: str | None, year: str) -> int:
        """0-2: how much of the attribution a source agrees with (name or country, year)."""
        if not self.hint:
            return 0
        agrees = bool(self.hint_names) and self.names_agree(name, country)
        return int(agrees) + int(bool(self.hint_year) and str(self.hint_year) == year)

    def as_dict(self) -> dict:
        return {"text": self.text, "quote": self.quote, "words": len(self.words),
                "hint": None if not self.hint else {
                    "text": self.hint, "year": self.hint_year,
                    "names": sorted(self.hint_names)}}


def read_paste(text: str | None) -> Pasted:
    """The quote and its attribution; RequestError (400) for nothing, too much or not text."""
    if text is None or not text.strip():
        raise RequestError("missing_parameter", "paste a quote to verify (parameter q)", "q")
    if _CONTROL.search(text) or "\ufffd" in text:
        raise RequestError("not_text", "the quote holds control characters or bytes that are "
                                       "not text: paste it as plain text", "q")
    if len(text) > MAX_PASTE_CHARS:
        raise RequestError("quote_too_long", f"the quote has {len(text)} characters; the limit "
                                             f"is {MAX_PASTE_CHARS}", "q")
    flat = " ".join(normalise(text).split())
    quote, hint = _split(flat)
    found = words(quote)
    if not found:
        raise RequestError("no_words", "the quote holds no words to look for", "q")
    if len(found) > MAX_PASTE_WORDS:
        raise RequestError("quote_too_long", f"the quote has {len(found)} words; the limit is "
                                             f"{MAX_PASTE_WORDS}", "q")
    return Pasted(flat, quote, hint, found, elisions(quote))


def _split(text: str) -> tuple[str, str | None]:
    """(the quote, the attribution) of a paste."""
    quoted = [a or b for a, b in _QUOTED.findall(text)]
    outside = _QUOTED.sub(" ", text)
    if quoted and len(words(" ".join(quoted))) >= 3:
        return " ".join(q.strip() for q in quoted), _hint(outside)
    for pattern in (_DASHED, _BRACKETED):
        found = pattern.search(text)
        if found and _names_someone(found.group(1)) and len(words(text[:found.start()])) >= 3:
            return text[:found.start()].strip(), found.group(1).strip(" ,.;")
    return text.strip(" \"'"), None


def _hint(rest: str) -> str | None:
    rest = " ".join(rest.split()).strip(" ,.:;-–—()")
    return rest if words(rest) else None


def _names_someone(text: str) -> bool:
    """A year, or a capitalised word that is no common attribution word: ``Gromyko, 1961``,
    ``President of Ghana``; not the tail of a sentence (``- and the world agreed``)."""
    if len(words(text)) > 10:
        return False
    return bool(_YEAR.search(text)) or any(
        w.text[:1].isupper() and fold(w.text) not in _NOT_NAMES for w in words(text))
