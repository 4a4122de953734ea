"""Offices and the countries they belong to, as records and reporters write them.

A record's post says ``Minister for Foreign Affairs`` (or ``Minister for Foregn Affairs``); a
speech says ``the Foreign Minister of the Soviet Union``, ``the Soviet Foreign Minister`` or
``my Prime Minister``. ``office_key`` gives every way of writing one office the same key, and
``parse_role`` reads a role mention into office, country and whether it is the speaker's own
(``my``, ``our``), so the registry can say who held that office on the document's date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# office -> how it is written (lower case, a regex matching the whole title)
_OFFICES = {
    "foreign minister": r"(?:foreign|external affairs) minister|foreign secretary"
                        r"|minister (?:for|of) (?:fore?i?g?n|external) affairs(?: and .+)?"
                        r"|secretary of state for foreign(?: and commonwealth)? affairs",
    "prime minister": r"prime minister|premier|head of government",
    "deputy prime minister": r"deputy prime minister|vice[- ]premier",
    "vice president": r"vice[- ]president",
    "president": r"president(?: of the republic)?",
    "secretary of state": r"secretary of state",
    "chancellor": r"(?:federal )?chancellor",
    "permanent representative": r"(?:un |permanent )?representative(?: to the united nations)?"
                                r"|ambassador to the united nations",
}
_OFFICE = [(key, re.compile(rf"(?:{pattern})")) for key, pattern in _OFFICES.items()]

# Short names and adjectives of countries that records write in full.
COUNTRY_ALIASES = {
    "soviet union": "Union of Soviet Socialist Republics", "ussr": "Union of Soviet Socialist Republics",
    "soviet": "Union of Soviet Socialist Republics", "united states": "United States of America",
    "us": "United States of America", "u.s.": "United States of America", "usa": "United States of America",
    "american": "United States of America", "america": "United States of America",
    "britain": "United Kingdom", "british": "United Kingdom", "uk": "United Kingdom",
    "russia": "Russian Federation", "russian": "Russian Federation", "french": "France",
    "chinese": "China", "japanese": "Japan", "german": "Germany", "indian": "India",
    "israeli": "Israel", "iranian": "Iran", "turkish": "Turkey", "ukrainian": "Ukraine",
    "italian": "Italy", "spanish": "Spain", "canadian": "Canada", "australian": "Australia",
}

_DETERMINER = re.compile(r"^(?P<det>the|my|our|his|her|their)\s+", re.IGNORECASE)
_OF = re.compile(r"\s+of\s+(?:the\s+)?(?P<country>.+)$", re.IGNORECASE)
_OWN = {"my", "our"}


@dataclass(frozen=True)
class RoleMention:
    """``the Foreign Minister of the Soviet Union``: an office, its country if said, and
    whether the speaker called it their own (``our President``)."""

    office: str
    country: str | None
    own: bool


def office_key(title: str) -> str:
    """One key per office, however written: ``Minister for Foregn Affairs`` is the foreign
    minister; a title this table does not know is its own key (lower case, single spaces)."""
    text = " ".join(title.casefold().replace("-", " ").split())
    return next((key for key, pattern in _OFFICE if pattern.fullmatch(text)), text)


def parse_role(text: str) -> RoleMention | None:
    """A speaker written as an office (``the Secretary of State``, ``our President``, ``the
    Soviet Foreign Minister``), or None for anything else (a name, a group)."""
    opened = _DETERMINER.match(text)
    if opened is None:
        return None
    rest, country = text[opened.end():], None
    of = _OF.search(rest)
    if of and office_key(rest[:of.start()]) in _OFFICES:
        rest, country = rest[:of.start()], of.group("country")
    words = rest.split()
    if country is None and len(words) > 1 and words[0].casefold() in COUNTRY_ALIASES:
        country, rest = words[0], " ".join(words[1:])
    office = office_key(rest)
    if office not in _OFFICES:
        return None
    if country is not None:
        country = COUNTRY_ALIASES.get(country.casefold(), country)
    return RoleMention(office, country, opened.group("det").casefold() in _OWN)
