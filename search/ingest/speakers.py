"""Speaker names: one facet value per person, however the records spell them.

Raw strings come as ``Mr. GROMYKO``, ``SHEVARDNADZE`` or ``H.E. Mr. Antony J.
Blinken``. ``name_key`` reduces a string to what identifies the person
(honorifics, case, accents-preserving punctuation removed); the registry maps
keys of known aliases to the canonical name from ``corpus/speakers.yaml`` and
gives every other key exactly one display form, so two facet values can never
differ only by case, honorific or punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from search.config import ConfigError
from search.ingest.names import HONORIFICS, LEADING_ONLY_HONORIFICS, NAME_PARTICLES, strip_accents

_HIS_EXCELLENCY = re.compile(r"\bH\.\s?E\.", re.IGNORECASE)
# A name word: letters and digits, joined by apostrophes or hyphens (O'Neill, Al-Jamali).
_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def name_words(raw: str) -> list[str]:
    """The words of a name, with leading honorifics and titles removed."""
    text = _HIS_EXCELLENCY.sub(" ", unicodedata.normalize("NFKC", raw or ""))
    words = _TOKEN.findall(text)
    start = 0
    while start < len(words) - 1 and words[start].casefold().rstrip(".") in HONORIFICS:
        start += 1
    rest = words[start:]
    while rest and len(rest) > 1 and rest[0].casefold() in LEADING_ONLY_HONORIFICS:
        rest = rest[1:]
    return rest


def name_key(raw: str) -> str:
    """What two spellings of one name have in common: no case, accent, honorific or punctuation."""
    words = name_words(raw)
    folded = strip_accents(" ".join(words)).casefold()
    return re.sub(r"['’-]", "", folded)


def display_form(raw: str) -> str:
    """A readable form: honorifics dropped, ALL-CAPS words title-cased, particles lowercased."""
    out = []
    for i, word in enumerate(name_words(raw)):
        if _shouting(word):
            word = "-".join(_title_part(p) for p in word.split("-"))
            if i > 0 and word.casefold() in NAME_PARTICLES:
                word = word.casefold()
        out.append(word)
    return " ".join(out)


def _shouting(word: str) -> bool:
    """ALL CAPS, allowing a mixed-case prefix such as McDONALD."""
    letters = [c for c in word if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return len(letters) > 1 and (upper == len(letters) or (upper >= 3 and upper / len(letters) > 0.6))


def _title_part(part: str) -> str:
    lower = part.casefold()
    if lower.startswith("mc") and len(lower) > 2:
        return "Mc" + lower[2:].capitalize()
    if "'" in lower or "’" in lower:
        return re.sub(r"(^|['’])(\w)", lambda m: m.group(1) + m.group(2).upper(), lower)
    return lower.capitalize()


@dataclass
class Role:
    title: str
    country: str | None = None
    start: date | None = None
    end: date | None = None

    def covers(self, when: date | None) -> bool:
        if when is None:
            return True
        return (self.start is None or self.start <= when) and (self.end is None or when <= self.end)


@dataclass
class Person:
    name: str
    country: str | None = None
    aliases: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)

    def role_on(self, when: date | None) -> Role | None:
        """The role held on a date: a quote from 2022 gets the 2022 title."""
        for role in self.roles:
            if role.covers(when):
                return role
        return None


class SpeakerRegistry:
    """Known people from ``speakers.yaml`` plus one display form per unknown key.

    The indexer feeds it every raw speaker string; the first display form seen
    for a key wins for the life of the registry (and the indexer seeds it with
    the values already in the index), so facet values stay unique.
    """

    def __init__(self, people: list[Person] | None = None) -> None:
        self.people: dict[str, Person] = {}
        self._by_key: dict[str, str] = {}
        self._surnames: dict[str, set[str]] = {}
        for person in people or []:
            self.add_person(person)

    @classmethod
    def load(cls, path: str | Path | None) -> "SpeakerRegistry":
        """The people of a speakers.yaml; SpeakersError naming ``file:line`` for a bad one."""
        if path is None or not Path(path).exists():
            return cls()
        name = Path(path).name
        text = Path(path).read_text(encoding="utf-8")
        try:
            data, lines = yaml.safe_load(text) or {}, _entry_lines(yaml.compose(text))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise SpeakersError(f"{name}:{mark.line + 1 if mark else 1}: not valid YAML: "
                                f"{getattr(exc, 'problem', None) or exc}") from None
        entries = data.get("speakers", []) if isinstance(data, dict) else data
        if not isinstance(entries, list):
            raise SpeakersError(f"{name}:1: expected a list of speakers (or speakers: [...])")
        people = []
        for entry, line in zip(entries, lines):
            try:
                people.append(_person_from_yaml(entry))
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                reason = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
                raise SpeakersError(f"{name}:{line}: {reason}") from None
        return cls(people)

    def add_person(self, person: Person) -> None:
        self.people[person.name] = person
        for alias in [person.name, *person.aliases]:
            self._by_key.setdefault(name_key(alias), person.name)
        words = name_words(person.name)
        if words:
            self._surnames.setdefault(name_key(words[-1]), set()).add(person.name)

    def canonical(self, raw: str) -> str | None:
        """The single facet value for a raw speaker string (None for an empty one)."""
        key = name_key(raw)
        if not key:
            return None
        known = self._by_key.get(key)
        if known is None:
            known = self._by_key[key] = display_form(raw)
        return known

    def known(self, raw: str) -> Person | None:
        """A person from speakers.yaml by full name, alias or unambiguous surname."""
        key = name_key(raw)
        name = self._by_key.get(key)
        if name in self.people:
            return self.people[name]
        candidates = self._surnames.get(key, set())
        if len(candidates) == 1:
            return self.people[next(iter(candidates))]
        return None

    def seed(self, display_names: list[str]) -> None:
        """Adopt display forms already in the index so an incremental run keeps them."""
        for name in display_names:
            self._by_key.setdefault(name_key(name), name)


class SpeakersError(ConfigError):
    """A speakers.yaml that cannot be used: ``speakers.yaml:LINE: reason``."""


def _entry_lines(root) -> list[int]:
    """The line of each speaker entry, from the YAML node tree (data loses them)."""
    if isinstance(root, yaml.MappingNode):
        root = next((v for k, v in root.value if getattr(k, "value", None) == "speakers"), None)
    if not isinstance(root, yaml.SequenceNode):
        return []
    return [node.start_mark.line + 1 for node in root.value]


def _person_from_yaml(entry: dict) -> Person:
    if not isinstance(entry, dict) or not entry.get("name"):
        raise ValueError(f"every speaker needs a 'name' (got {entry!r})")
    roles = [
        Role(
            title=r["title"],
            country=r.get("country", entry.get("country")),
            start=_as_date(r.get("from")),
            end=_as_date(r.get("to")),
        )
        for r in entry.get("roles", [])
    ]
    return Person(
        name=entry["name"],
        country=entry.get("country"),
        aliases=list(entry.get("aliases", [])),
        roles=roles,
    )


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"a role date must look like 1957-02-15 (got {value!r})") from None
