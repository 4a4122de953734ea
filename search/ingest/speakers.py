"""Speaker names: one facet value per person, however the records spell them.

Raw strings come as ``Mr. GROMYKO``, ``SHEVARDNADZE`` or ``H.E. Mr. Antony J.
Blinken``. ``name_key`` reduces a string to what identifies the person
(honorifics, case, accents-preserving punctuation removed); the registry maps
keys of known aliases to the canonical name from ``corpus/speakers.yaml`` and
gives every other key exactly one display form, so two facet values can never
differ only by case, honorific or punctuation. A record's own speaker (a
speech's) goes further: ``learn`` reads every record's speaker, country and
year first and joins the spellings of one person (search.ingest.people).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from search.config import ConfigError
from search.ingest.names import display_form, name_key, name_words
from search.ingest.offices import RoleMention, office_key
from search.ingest.people import Learned, Record, fold_words, learn, record_key, same_country

@dataclass
class Role:
    title: str
    country: str | None = None
    start: date | None = None
    end: date | None = None

    def covers(self, first: date | None, last: date | None = None) -> bool:
        """Whether the role was held on a date, or at some time in a period (a year-only
        date is the whole year: a 1957 speech may postdate a February appointment)."""
        if first is None:
            return True
        last = last or first
        return (self.start is None or self.start <= last) and (self.end is None or first <= self.end)


@dataclass
class Person:
    name: str
    country: str | None = None
    aliases: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)

    def role_on(self, first: date | None, last: date | None = None) -> Role | None:
        """The role held on a date, or in a period: a quote from 2022 gets the 2022 title."""
        for role in self.roles:
            if role.covers(first, last):
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
        self._by_words: dict[tuple[str, ...], str] = {}  # a known name's words in any order
        self._surnames: dict[str, set[str]] = {}
        self._learned: dict[tuple[str, str | None, int | None], str] = {}
        self._people: Learned | None = None
        self._offices: dict[str, list[tuple[Role, str]]] = {}  # office -> (role, holder)
        self._held: dict[str, list[Role]] = {}  # holder -> roles the records' posts give
        self._countries: set[str] = set()  # country names the records and speakers.yaml give
        self._country_of: dict[str, bool] = {}  # names looked up: is_country's answers
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
            self._by_words.setdefault(tuple(sorted(fold_words(alias))), person.name)
        for role in person.roles:
            role.country = role.country or person.country
            if role.country:
                self._countries.add(role.country)
            self._offices.setdefault(office_key(role.title), []).append((role, person.name))
        words = name_words(person.name)
        if words:
            self._surnames.setdefault(name_key(words[-1]), set()).add(person.name)

    def learn(self, records: list[Record], prefer: list[str] = ()) -> Learned:
        """Join the spellings of each person the records name (search.ingest.people); names
        in ``prefer`` (the live index's facet values) stay where they still name a person.
        Returns what was learned (bench/people_bench.py samples its joins)."""
        known = [(person.name, country, spans) for person in self.people.values()
                 for country, spans in _role_years(person).items()]
        self._people = learn(records, known, prefer)
        self._learned = self._people.names
        self._country_of.clear()
        for record in records:
            if record.country:
                self._countries.add(record.country)
            name = self._learned.get((record_key(record.raw), record.place, record.year))
            if record.post and record.year and name:
                role = Role(record.post, record.country, date(record.year, 1, 1), date(record.year, 12, 31))
                self._offices.setdefault(office_key(record.post), []).append((role, name))
                self._held.setdefault(name, []).append(role)
        return self._people

    def role_on(self, name: str, first: date | None, last: date | None = None) -> Role | None:
        """The role a person held in a period: from speakers.yaml, else from the records' posts."""
        person = self.known(name)
        role = person.role_on(first, last) if person is not None else None
        if role is None and first is not None:
            role = next((held for held in self._held.get(name, []) if held.covers(first, last)), None)
        return role

    def is_country(self, text: str) -> bool:
        """Whether a name is one of the countries the records and speakers.yaml name."""
        found = self._country_of.get(text)
        if found is None:
            found = self._country_of[text] = any(same_country(text, c) for c in self._countries)
        return found

    def holder(self, role: RoleMention, country: str | None, first: date | None,
               last: date | None = None) -> str | None:
        """Who held the office a mention names (``the Foreign Minister of the Soviet Union``,
        ``our President``: of ``country``, the document's) at some time in the period, when
        exactly one known person did; None when nobody or several did."""
        where = role.country or (country if role.own else None)
        if role.own and where is None:
            return None
        names = {name for held, name in self._offices.get(role.office, [])
                 if held.covers(first, last) and (where is None or same_country(held.country, where))}
        return names.pop() if len(names) == 1 else None

    def canonical(self, raw: str, place: str | None = None, year: int | None = None) -> str | None:
        """The single facet value for a raw speaker string (None for an empty one); with the
        ``place`` (country code or name) and ``year`` of a record, the person ``learn`` found."""
        learned = self._learned.get((record_key(raw), place, year)) if self._learned else None
        if learned is not None:
            return learned
        key = name_key(raw)
        if not key:
            return None
        known = self._by_key.get(key) or self._by_words.get(tuple(sorted(fold_words(raw))))
        if known is None:
            known = self._by_key[key] = display_form(raw)
        return known

    def mentioned(self, raw: str, year: int | None) -> str | None:
        """The facet value for a person named in running text in ``year``: a known person,
        else the one person of the records it can be (``Krushchev`` in a 1961 speech is the
        Khrushchev who spoke in 1960), else its own canonical form."""
        if self.known(raw) is None and self._people is not None:
            found = self._people.find(raw, year)
            if found is not None:
                return found
        return self.canonical(raw)

    def known(self, raw: str) -> Person | None:
        """A person from speakers.yaml by full name, alias (words in any order) or unambiguous
        surname."""
        key = name_key(raw)
        name = self._by_key.get(key) or self._by_words.get(tuple(sorted(fold_words(raw))))
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


def _role_years(person: Person) -> dict[str | None, list[tuple[int, int]]]:
    """The years a known person held office, per country (every year where no role says)."""
    spans: dict[str | None, list[tuple[int, int]]] = {person.country: []}
    for role in person.roles:
        spans.setdefault(role.country or person.country, []).append(
            (role.start.year if role.start else 0, role.end.year if role.end else 9999))
    return spans


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
