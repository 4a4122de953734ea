"""People from the records themselves: which spellings of a corpus's speakers are one person.

A record says who spoke, for which country, in which year (a UN speech: ``Mr. R. SCHUMAN``,
France, 1950). One person is written many ways across records: with and without given names
or initials (``Robert SCHUMAN``, ``R. Schuman``, ``SCHUMAN``), family name first (``Hayashi
Yoshimasa``), with a letter slipped (``Kisilev``, ``Pumas`` for Dumas) or transliterated
otherwise (``Kiselyov``). Two people can also share a name: the Schuman of 1950 is not the
Schumann of 1970, nor a Mr. Smith of one country the Mr. Smith of another.

So spellings are joined only where the evidence allows it, and never across countries:

- the same full name (two words or more) is one person, whatever the years between;
- two full names join when their family names agree (exactly, or by a slip between records
  at most ``SLIP_YEARS`` apart) and no given name or initial disagrees, for every pair of
  spellings the join would bring together;
- a bare family name (``Mr. GROMYKO``, 1962) joins the one person of that name seen within
  ``BARE_YEARS`` of that year; where two are, it stays alone, as it does when none is and then
  joins bare spellings of its own (the same word within ``BARE_YEARS``, a slip within
  ``SLIP_YEARS``).

The people of speakers.yaml take part with the years of their roles, so a known person's
canonical name wins. Each person gets one display name, the fullest spelling; a bare name
shared by people of different countries or times says whose it is (``David (Haiti)``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from search.ingest.names import NAME_PARTICLES, display_form, name_words, one_edit, strip_accents

BARE_YEARS = 8    # a bare family name joins a person seen within this many years
SLIP_YEARS = 3    # a slipped letter is believed only between records this close in time
MIN_SLIP = 5      # letters: shorter names are never taken for a slip of another
MIN_SKELETON = 4  # consonants: Traore and Toure (both ``tr``) are two names
MIN_FOUND = 6     # letters: a shorter bare name in running text (Davis, Smith) finds nobody
_VOWELS = re.compile(r"(?<=.)[aeiouy]")
_DOUBLE = re.compile(r"(.)\1+")


@dataclass(frozen=True)
class Record:
    """What one document's metadata says of its speaker."""

    raw: str
    country: str | None
    year: int | None
    post: str | None = None
    code: str | None = None  # the country's code, steadier than its name (Bostwana, Botswana)

    @property
    def place(self) -> str | None:
        return self.code or self.country


@dataclass
class Spelling:
    """One way a person is written in one country: its records' years and raw forms."""

    words: tuple[str, ...]             # folded name words, hyphens split
    place: str | None                  # the country (code) of its records
    years: list[int] = field(default_factory=list)
    raws: Counter = field(default_factory=Counter)
    countries: Counter = field(default_factory=Counter)  # the country names its records give
    bare: bool = False                 # a family name alone (Mr. GROMYKO, LLOREDA-CAICEDO)
    known: str | None = None           # the speakers.yaml name it stands for
    spans: list[tuple[int, int]] = field(default_factory=list)  # a known person's role years

    @property
    def surname(self) -> str:
        return self.words[-1]

    @property
    def given(self) -> list[str]:
        return [w for w in self.words[:-1] if w not in NAME_PARTICLES]

    def distance(self, years: Iterable[int]) -> int:
        """Years between this spelling's records (or role spans) and the nearest of ``years``."""
        best = 10_000
        for year in years:
            for start, end in self.spans or [(y, y) for y in self.years]:
                best = min(best, max(start - year, year - end, 0))
        return best if self.years or self.spans else 0


@dataclass
class Learned:
    """The outcome: the display name of every (spelling, country, year), and the merges made."""

    names: dict[tuple[str, str | None, int | None], str]
    people: list[list[Spelling]]   # each person's spellings, for reports and measurement
    _surnames: dict[str, list[tuple[str, Spelling]]] = field(default_factory=dict)

    def find(self, raw: str, year: int | None) -> str | None:
        """The one person a name in running text (``Krushchev``, ``Nikita Khrushchev``) is,
        among the records' people: family names agree (a slip allowed), given names do not
        disagree (a given name the records never wrote is not taken on trust: Sergei is not
        Nikita Khrushchev), and the records are within ``BARE_YEARS`` of ``year``. A bare family name
        needs ``MIN_FOUND`` letters; none or several such people: None, the name stays as
        written. Nobody is found for a text with no date."""
        words = fold_words(raw)
        if not words or year is None or len(words) == 1 and len(words[0]) < MIN_FOUND:
            return None
        mention = Spelling(words, None, years=[year])
        found = {name for key in _block_keys(mention.surname) for name, spelling in self._surnames.get(key, [])
                 if _surname_match(spelling.surname, mention.surname, exact=False) and
                 spelling.distance([year]) <= BARE_YEARS and _given_agree(spelling, mention) and
                 (spelling.given or not mention.given)}
        return found.pop() if len(found) == 1 else None


def fold_words(raw: str) -> tuple[str, ...]:
    """A name's words as compared: no honorific, case, accent or apostrophe; hyphens split."""
    folded = strip_accents(" ".join(name_words(raw))).casefold()
    return tuple(re.sub(r"['’.]", "", folded).replace("-", " ").split())


def record_key(raw: str) -> str:
    """The look-up key of a raw speaker string in ``Learned.names``."""
    return " ".join(fold_words(raw))


def learn(records: Iterable[Record], known: Iterable[tuple[str, str | None, list[tuple[int, int]]]] = (),
          prefer: Iterable[str] = ()) -> Learned:
    """Cluster the records' spellings into people, country by country.

    ``known``: (name, country, role year spans) of the speakers.yaml people. ``prefer``: names
    already shown as facet values (the live index), kept where they name a person still."""
    by_place: dict[str | None, list[Record]] = defaultdict(list)
    for record in records:
        if fold_words(record.raw):
            by_place[record.place].append(record)
    known = list(known)
    preferred = set(prefer)
    people: list[list[Spelling]] = []
    for place, rows in by_place.items():
        names = {r.country for r in rows} | {place}
        people += _cluster(rows, [k for k in known if any(same_country(k[1], n) for n in names)], place)
    names = _display_names(people, preferred)
    table: dict[tuple[str, str | None, int | None], str] = {}
    for person, name in zip(people, names):
        for spelling in person:
            for year in spelling.years or [None]:
                table[(" ".join(spelling.words), spelling.place, year)] = name
    surnames: dict[str, list[tuple[str, Spelling]]] = defaultdict(list)
    for person, name in zip(people, names):
        for spelling in person:
            if spelling.years:
                for key in _block_keys(spelling.surname):
                    surnames[key].append((name, spelling))
    return Learned(table, [p for p in people if any(s.years for s in p)], dict(surnames))


def same_country(a: str | None, b: str | None) -> bool:
    """``United States`` is ``United States of America``: the same words, or two words or more
    opening the other's (``Republic of Korea`` is not ``Democratic People's Republic of Korea``,
    nor ``Guinea`` ``Guinea-Bissau``)."""
    if not a or not b:
        return False
    x, y = sorted((re.findall(r"[\w'’-]+", n.casefold()) for n in (a, b)), key=len)
    return x == y or len(x) >= 2 and y[:len(x)] == x


def _cluster(rows: list[Record], known: list, place: str | None) -> list[list[Spelling]]:
    full: dict[tuple[str, ...], Spelling] = {}
    bare: list[Spelling] = []
    for name, _, spans in known:
        words = fold_words(name)
        full[words] = Spelling(words, place, known=name, spans=spans or [(0, 9999)])
    for record in rows:
        words = fold_words(record.raw)
        if len(name_words(record.raw)) > 1:
            spelling = full.setdefault(words, Spelling(words, place))
        else:
            spelling = Spelling(words, place, bare=True)  # one per record, joined below
            bare.append(spelling)
        if record.year is not None:
            spelling.years.append(record.year)
        spelling.raws[record.raw] += 1
        spelling.countries[record.country] += 1
    groups = _Groups(list(full.values()))
    _join_full_names(groups)
    leftover = [s for s in bare if not _attach_bare(groups, s)]
    groups.add_all(leftover)
    _join_bare_names(groups, leftover)
    return groups.members()


def _join_full_names(groups: "_Groups") -> None:
    for a, b in _pairs(groups.spellings):
        if _same_order(a, b) or _surnames_agree(a, b) and _given_agree(a, b):
            groups.union(a, b)


def _attach_bare(groups: "_Groups", spelling: Spelling) -> bool:
    """Join a bare family name to the one person it can be; False when none or several."""
    for exact in (True, False):
        found = {id(root): root for root in (groups.find(s) for s in groups.spellings
                 if not s.bare and _surname_match(s.surname, spelling.surname, exact) and
                 s.distance(spelling.years) <= (BARE_YEARS if exact else SLIP_YEARS))}
        if len(found) == 1:
            groups.adopt(spelling, next(iter(found.values())))
            return True
        if found:
            return False
    return False


def _join_bare_names(groups: "_Groups", bare: list[Spelling]) -> None:
    for a, b in _pairs(bare):
        exact = a.words == b.words
        if (exact or _surname_match("".join(a.words), "".join(b.words), exact=False)) and \
                a.distance(b.years) <= (BARE_YEARS if exact else SLIP_YEARS):
            groups.union(a, b)


def _pairs(spellings: list[Spelling]) -> Iterable[tuple[Spelling, Spelling]]:
    """Pairs that may share a family name: those with a key in common (the name, its skeleton,
    the name less one letter), so a country's thousand names are not all compared."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, spelling in enumerate(spellings):
        for key in _block_keys(spelling.surname) | _block_keys(spelling.words[0]):
            blocks[key].append(i)
    seen: set[tuple[int, int]] = set()
    for members in blocks.values():
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                if i != j and (i, j) not in seen:
                    seen.add((i, j))
                    yield spellings[i], spellings[j]


def _block_keys(word: str) -> set[str]:
    keys = {word, "~" + _skeleton(word)}
    if len(word) >= MIN_SLIP:
        keys |= {word[:k] + word[k + 1:] for k in range(len(word))}
    return keys


def _skeleton(word: str) -> str:
    """Consonants in order, doubles once: Kiselev, Kiselyov and Kisilev are all ``kslv``."""
    return _DOUBLE.sub(r"\1", _VOWELS.sub("", word))


def _surname_match(a: str, b: str, exact: bool) -> bool:
    if exact or a == b:
        return a == b
    if min(len(a), len(b)) < MIN_SLIP:
        return False
    return one_edit(a, b) or len(_skeleton(a)) >= MIN_SKELETON and _skeleton(a) == _skeleton(b)


def _surnames_agree(a: Spelling, b: Spelling) -> bool:
    """The same family name, or a slip of it between records a few years apart; given names
    written differently (``George Bush``, ``George W. Bush``) only within ``BARE_YEARS``."""
    gap = min(a.distance(b.years), b.distance(a.years))
    if a.given != b.given and gap > BARE_YEARS:
        return False
    return a.surname == b.surname or gap <= SLIP_YEARS and _surname_match(a.surname, b.surname, exact=False)


def _same_order(a: Spelling, b: Spelling) -> bool:
    """``Hayashi Yoshimasa`` and ``Yoshimasa Hayashi``: the same words in another order."""
    return len(a.words) > 1 and sorted(a.words) == sorted(b.words)


def _given_agree(a: Spelling, b: Spelling) -> bool:
    """No given name or initial of one contradicts the other's: ``R`` fits ``Robert``, a middle
    name may be missing, ``Sergei`` is ``Sergey``; ``Robert`` is not ``Maurice``."""
    short, long = sorted((a.given, b.given), key=len)
    if not short:
        return True
    if not _given_match(short[0], long[0]):
        return False
    rest = iter(long[1:])
    return all(any(_given_match(word, other) for other in rest) for word in short[1:])


def _given_match(a: str, b: str) -> bool:
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return a == b or min(len(a), len(b)) >= 4 and one_edit(a, b)


class _Groups:
    """Union-find over spellings that refuses a join bringing two contradicting names together."""

    def __init__(self, spellings: list[Spelling]) -> None:
        self.spellings = spellings
        self._parent: dict[int, Spelling] = {id(s): s for s in spellings}
        self._members: dict[int, list[Spelling]] = {id(s): [s] for s in spellings}

    def add_all(self, spellings: list[Spelling]) -> None:
        for s in spellings:
            self.spellings.append(s)
            self._parent[id(s)] = s
            self._members[id(s)] = [s]

    def find(self, s: Spelling) -> Spelling:
        while self._parent[id(s)] is not s:
            s = self._parent[id(s)]
        return s

    def compatible(self, a: Spelling, b: Spelling) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra is rb:
            return False
        left, right = self._members[id(ra)], self._members[id(rb)]
        knowns = {s.known for s in left + right if s.known}
        return len(knowns) <= 1 and all(_same_order(x, y) or _given_agree(x, y)
                                        for x in left for y in right)

    def union(self, a: Spelling, b: Spelling) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra is not rb and self.compatible(ra, rb):
            self._parent[id(rb)] = ra
            self._members[id(ra)] += self._members.pop(id(rb))

    def adopt(self, spelling: Spelling, root: Spelling) -> None:
        """A bare spelling joins a group without becoming a union-find node of its own."""
        self._members[id(root)].append(spelling)

    def members(self) -> list[list[Spelling]]:
        return list(self._members.values())


def _display_names(people: list[list[Spelling]], preferred: set[str]) -> list[str]:
    """Each person's name: the speakers.yaml name, else a name already shown, else the fullest
    spelling (most name words, then letters, then records, then the earliest); a bare name that two people of
    different countries or times would share says whose it is."""
    names = [_display_name(person, preferred) for person in people]
    owners: dict[str, list[int]] = defaultdict(list)
    for i, name in enumerate(names):
        owners[name].append(i)
    for name, held in owners.items():
        if len(held) < 2 or " " in name or any(s.known for i in held for s in people[i]):
            continue
        countries = {people[i][0].place for i in held}
        for i in held:
            years = sorted(y for s in people[i] for y in s.years)
            named = sum((s.countries for s in people[i]), Counter()).most_common(1)
            country = (named[0][0] if named else None) or "unknown country"
            where = country if len(countries) == len(held) or not years else f"{country}, {years[0]}"
            names[i] = f"{name} ({where})"
    return names


def _display_name(person: list[Spelling], preferred: set[str]) -> str:
    known = next((s.known for s in person if s.known), None)
    if known:
        return known
    shown = [display_form(raw) for s in person for raw in s.raws]
    kept = [name for name in shown if name in preferred]
    if kept:
        return kept[0]
    best = max(person, key=lambda s: (len(s.words), sum(map(len, s.words)), sum(s.raws.values()),
                                      -min(s.years, default=0), s.words))
    raw = max(best.raws, key=lambda r: (best.raws[r], not r.isupper(), r))
    return display_form(raw)
