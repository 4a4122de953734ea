"""What a cue attributes: the content before an attribution (``C, X said``) or after a cue
(``X told reporters on Thursday that C``)."""

from __future__ import annotations

import re

from search.ingest.names import UPPERCASE
from search.ingest.quotes.vocabulary import ADDRESSEE, DETERMINERS, MONTHS_DAYS, NP_NOUNS
from search.ingest.quotes.words import TOKEN, bare, is_cap, strip_span

# A news dateline opening the first sentence: "KYIV, Ukraine (AP) — ", "CAIRO, Feb 27 (Reuters) - ".
DATELINE = re.compile(
    rf"[{UPPERCASE}][{UPPERCASE} .'-]+(?:,[^()\n—–-]{{1,30}})?\s*(?:\([\w .]{{1,30}}\))?\s*[—–-]+\s+"
)
# Up to a complementiser "that" within the clause: "told reporters on Thursday that ".
_THAT = re.compile(r"([^,;:\"“”‘’.?!]{0,100}?)\bthat\s+")
# A short lead-in ending in a colon or comma before a quote: "told a news conference: "Q"".
_INTRODUCED = re.compile(r"[^\"“”‘’:.;!?]{1,60}?[:,]\s*(?=[\"“‘'«])")
# An adverbial between a forward cue and its clause: "on Thursday", "in a statement",
# "at a news conference", "to reporters".
LEAD_PP = re.compile(
    r"\s*(?:(?:on|last|this|late on|early on|earlier on|late|early)\s+(?:[A-Z]\w+|week|night|month|year)|"
    r"in an? (?:joint |separate |written |brief )?(?:statement|interview|speech|letter|post|tweet|video|"
    r"address|email|op-ed|briefing)|at an? [\w\s’'-]{0,40}?(?:conference|briefing|summit|meeting|"
    r"event|rally|forum|hearing)|to (?:reporters|journalists|the press)|in [A-Z][\w’'-]+(?=\s+[a-z]))\s*,?\s*"
)
_MANNER = re.compile(r"[a-z]{3,}ly")  # "said flatly that C"
# An addressee and what the warning or telling was about: "federal officials about defects".
_OBJECT_PP = re.compile(r"\s*(?:[\w'’-]+\s+){0,3}(?:about|of|against|over|to)\b")
_ADVERBIAL_WORDS = 8
_OPENING_MARKS = ("\"", "“", "‘", "'", "«")
_CONTENT_EDGES = " \t\n,—–-"  # trimmed off content before an attribution
# First words of what stands between a cue and "that" when it is an adverbial.
_ADVERBIAL_OPENERS = {"on", "in", "at", "during", "after", "before", "late", "earlier", "last", "this",
                      "yesterday", "today", "tonight", "again", "also", "repeatedly", "publicly",
                      "privately", "recently", "previously", "separately", "later", "then", "to", "from",
                      "via", "through", "while", "when"}
# Words of the addressee of "told": "told reporters", "told the BBC", "told state radio".
_ADDRESSEE_WORDS = {"us", "him", "her", "them", "me", "you", "reporters", "journalists", "radio",
                    "television", "tv", "broadcasters", "lawmakers", "parliament", "supporters", "state",
                    "local", "news", "agency", "audience"}


def content_before(text: str, s_start: int, end: int) -> tuple[int, int]:
    """The sentence up to ``end``, after any dateline."""
    dateline = DATELINE.match(text, s_start, end)
    return strip_span(text, dateline.end() if dateline else s_start, end, _CONTENT_EDGES)


def content_after(text: str, pos: int, s_end: int, verb: str, needs_that: bool) -> tuple[int, int] | None:
    """What a forward cue introduces: past an object ('told reporters'), an adverbial
    ('on Thursday', 'in a statement') and a complementiser 'that'."""
    rest = text[pos:s_end]
    lead = len(rest) - len(rest.lstrip(" \t\n:,"))
    if rest[lead:lead + 1] in _OPENING_MARKS:
        return strip_span(text, pos + lead, s_end)
    introduced = _INTRODUCED.match(rest)
    if introduced:
        return strip_span(text, pos + introduced.end(), s_end)
    m = _THAT.match(rest)
    if m and (not m.group(1).strip() or verb in ADDRESSEE or _adverbial(m.group(1))):
        return strip_span(text, pos + m.end(), s_end)
    if needs_that:
        return None
    skip = lead
    if verb in ADDRESSEE:
        skip = skip_addressee(text, pos + lead, s_end) - pos
        if _OBJECT_PP.match(text, pos + skip, s_end):
            return None  # "warned federal officials about defects": what about, not what was said
    pp = LEAD_PP.match(text, pos + skip)
    if pp:
        skip = pp.end() - pos
    return strip_span(text, pos + skip, s_end)


def _adverbial(mid: str) -> bool:
    """'on Thursday in a statement', 'Monday': a short adverbial, not a clause ('at least three more ... and')."""
    words = mid.split()
    return 0 < len(words) <= _ADVERBIAL_WORDS and "and" not in words and \
        (words[0].lower() in _ADVERBIAL_OPENERS or words[0].lower() in MONTHS_DAYS or  # "said Monday that"
         _MANNER.fullmatch(words[0]) is not None)


def skip_addressee(text: str, pos: int, hi: int) -> int:
    """Past the addressee of 'told': 'reporters', 'the BBC', 'state radio', 'colleagues', 'the
    committee' (a determiner or a common noun only first: in 'told reporters the bridge ...' the
    clause has begun)."""
    opened = False  # only a determiner so far: "told the committee"
    for k, tok in enumerate(TOKEN.finditer(text, pos, hi)):
        word = tok.group()
        low = bare(word)
        if not k and low in DETERMINERS or low in _ADDRESSEE_WORDS or (is_cap(word) and low not in MONTHS_DAYS):
            pos = tok.end()
            opened = not k and low in DETERMINERS
        elif (not k or opened) and word.islower() and low in NP_NOUNS:  # "told colleagues the report was late"
            pos = tok.end()
            break
        else:
            break
    return pos
