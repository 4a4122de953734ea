"""What a quote's speaker is: a person, an office nobody could be named for, a group, or an
institution.

Speeches and articles credit words to people, but also to offices (``our President``), to
groups (``the ministers``, ``experts``) and to institutions and texts (``the Charter``, ``the
World Bank``, ``Kenya``, ``IMF``). Only people belong in the speaker facet and the speakers
list; institutions get a facet of their own; offices and groups stay what they are, shown as
such. The kind travels with the speaker (``Speaker.kind``) into every answer.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

import pycountry

from search.ingest.offices import COUNTRY_ALIASES, parse_role
from search.ingest.quotes.vocabulary import (
    BODY_HEADS, DETERMINERS, GEO, NP_NOUNS, ORG_HEADS, TEXT_HEADS, TITLES,
)
from search.ingest.quotes.words import bare

# person, office, group, institution: as search.fields.SPEAKER_KINDS names them
_INSTITUTION_HEADS = ORG_HEADS | TEXT_HEADS | BODY_HEADS | {
    "nations", "organisation", "organization", "programme", "program", "outlook", "panel", "report",
    "survey", "study", "poll", "newspaper", "daily", "magazine", "agency", "tribunal", "chamber"}
_OFFICE_WORDS = TITLES | {"majesty", "highness", "excellency", "late", "holiness", "pope", "king", "queen"}
_STATE_OF = re.compile(r"^(?:the\s+)?(?:government|kingdom|state|republic|people|sultanate|emirate|"
                       r"principality|federation|commonwealth)\s+of\s+", re.IGNORECASE)
_FUNCTION_WORDS = {"of", "on", "for", "and"}
_ACRONYM = re.compile(r"^[A-Z][A-Z&.-]{1,7}$")  # IMF, UNESCO, WHO, EU


def source_kind(name: str, is_country: Callable[[str], bool]) -> str:
    """``person``, ``office``, ``group`` or ``institution`` for a settled speaker name; a
    capitalised name nothing else explains is a person. ``is_country`` knows the corpus's
    countries (the registry's)."""
    if parse_role(name) is not None:
        return "office"
    words = name.split()
    core = words[1:] if len(words) > 1 and bare(words[0]) in DETERMINERS else words
    heads = [bare(word) for word in core]
    if _institution(" ".join(core), core, heads, is_country):
        return "institution"
    if heads[-1] in NP_NOUNS and heads[-1].endswith("s"):
        return "group"  # "Experts say", "Critics warned": capitalised only to open a sentence
    if all(head in _OFFICE_WORDS for head in heads):
        plural = heads[-1].endswith("s") and heads[-1][:-1] in _OFFICE_WORDS  # Finance ministers
        return "office" if core[0][:1].isupper() and not plural else "group"
    return "person" if core[0][:1].isupper() and words[0][:1].isupper() else "group"


def institution_name(name: str) -> str:
    """An institution as its facet shows it: without a leading article (``the Charter``)."""
    words = name.split()
    return " ".join(words[1:]) if len(words) > 1 and words[0].casefold() == "the" else name


def _institution(text: str, core: list[str], heads: list[str], is_country: Callable[[str], bool]) -> bool:
    if not core[0][:1].isupper():  # "the statement"; "a member of the Olympic Committee" is a person
        return _head(core[0], heads[0])
    named = len(core) > 2 and any(head in _FUNCTION_WORDS for head in heads)  # Panel on Climate Change
    return (_head(core[-1], heads[-1]) or named and any(map(_head, core, heads)) or
            _STATE_OF.match(text) is not None or
            len(core) == 1 and _ACRONYM.match(core[0]) is not None or
            text.casefold() in COUNTRY_ALIASES or is_country(text) or _iso_country(text) or
            all(head in GEO for head in heads))


def _head(word: str, head: str) -> bool:
    """An institution's head word; a short one (UN, EU, WHO, AP) only in capitals: Kim Jong Un."""
    return head in _INSTITUTION_HEADS and (len(head) > 3 or word.isupper())


@lru_cache(maxsize=4096)
def _iso_country(text: str) -> bool:
    """A country by any ISO 3166 name or code (``Kenya``, ``Bolivia``, ``South Korea``): the
    corpus may never have named it in a record."""
    try:
        pycountry.countries.lookup(text)
    except LookupError:
        return False
    return True
