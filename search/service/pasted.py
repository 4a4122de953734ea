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
# Quoted stretches, once quote marks are made straight: double quotes, or single ones at the
# edges of words (an apostrophe inside or at the end of a word, ``nations'``, opens none).
_QUOTED = re.compile(r'"([^"]+)"|(?<![\w\'])\'(?=\w)([^\']+?[\w.,!?])\'(?!\w)')
# A trailing attribution: after the last spaced dash (`` — Name, 1961``, `` - President of
# Ghana, 1975``), or in a closing bracket (``(Name, 1983)``).
_DASHED = re.compile(r"\s[-–—―]{1,2}\s*")
_BRACKETED = re.compile(r"\(([^()]{2,80})\)\s*$")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
# Words of an attribution that name no one.
_NOT_NAMES = frozenset(
    "said says told wrote added asked according to in at on of the a an and by her their "
    "speech statement address remarks interview general debate assembly session un united "
    "nations mr mrs ms dr h e his excellency president prime minister foreign secretary "
    "king queen chancellor ambassador delegate representative he she they we i it you him "
    "them us our its this that then also later".split())
# Words that join the parts of a name or an office (``President of Ghana``, ``Ban Ki-moon``).
_CONNECTORS = frozenset("of the de del della di da van von der al el bin ibn la le y and".split())
# Capitalised words that open sentences, not names (``— Never again``, ``— Not now``).
_OPENERS = frozenset("never not no now never again yes we our let this there here today "
                     "tomorrow all every only so but and for if when".split())
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
    """(the quote, the attribution) of a paste. Quoted stretches are the quote when they
    hold at least as many words as the text around them (``Gromyko said: "..."``); a short
    scare quote inside a sentence is not (``They called it a "special operation" in ...``);
    two stretches or more always are (a quote split by its attribution)."""
    found = list(_QUOTED.finditer(text))
    quoted = [m.group(1) or m.group(2) for m in found]
    inside = len(words(" ".join(quoted)))
    if found and inside >= 3 and (len(found) > 1 or inside >= len(words(_QUOTED.sub(" ", text)))):
        # the attribution: before the first stretch, after the last, or a short aside between
        # two (``"A," Gromyko said, "B."``), never a sentence of the writer's between them
        between = [text[a.end():b.start()] for a, b in zip(found, found[1:])]
        around = [text[:found[0].start()], *(t for t in between if len(words(t)) <= 6),
                  text[found[-1].end():]]
        return " ".join(q.strip() for q in quoted), _hint(" ".join(around))
    dashes = list(_DASHED.finditer(text))
    tails = [(dashes[-1].start(), text[dashes[-1].end():])] if dashes else []
    bracket = _BRACKETED.search(text)
    tails += [(bracket.start(), bracket.group(1))] if bracket else []
    for start, tail in tails:
        if len(tail) <= 80 and _names_someone(tail) and len(words(text[:start])) >= 3:
            return text[:start].strip(), tail.strip(" ,.;")
    return text.strip(" \"'"), None


def _hint(rest: str) -> str | None:
    """The text around the quoted words, tidied; None when it holds no word."""
    rest = " ".join(rest.split()).strip(" ,.:;-–—()")
    return rest if words(rest) else None


def _names_someone(text: str) -> bool:
    """Whether a dash's or a bracket's tail reads as an attribution: a name or an office in
    capitals (joined by ``of``, ``de``, ...), with or without a year, and nothing else:
    ``Gromyko, 1961``, ``President of Ghana, 1975``; not the end of the sentence (``- for
    all the peoples of Africa``, ``— Never Again``, ``- not now, not in 2030``)."""
    tokens = [t.strip(",.;:()'\"") for t in _YEAR.sub(" ", text).split()]
    tokens = [t for t in tokens if t and not t.isdigit()]
    if not tokens or len(tokens) > 6 or fold(tokens[0]) in _OPENERS:
        return False
    return any(t[:1].isupper() for t in tokens) and \
        all(t[:1].isupper() or fold(t) in _CONNECTORS for t in tokens)
