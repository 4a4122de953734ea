"""Speaker resolution: a mention becomes a speaker name, the fullest the document or the
registry knows; pronouns and descriptions (``the chancellor``, ``the ministers``) go to the
most recent compatible speaker, person or body named before."""

from __future__ import annotations

import bisect
import re
from typing import Callable

from search.ingest.names import CAPITALISED_WORD, PROSE_PARTICLES
from search.ingest.quotes.phrases import Mention, np_after, np_before, sentence_subject
from search.ingest.quotes.sentences import QuotedText
from search.ingest.quotes.vocabulary import (
    BODY_HEADS, BODY_REFERENTS, CITED_IN_SPEECHES, DETERMINERS, NP_NOUNS, ORG_HEADS, PRONOUNS, TEXT_HEADS,
    TITLE_ABBREVIATIONS, TITLES,
)
from search.ingest.quotes.words import bare, is_cap, possessive, trie
from search.ingest.speakers import SpeakerRegistry

_RECENT = 40  # speakers remembered as antecedents
# A body that met: "convened the U.S.-Japan Security Consultative Committee", "a meeting of the Quad".
_CONVENING = ("convened convene convenes convening held holds hosted hosts chaired chairs opened".split() +
              ["meeting of", "session of", "met as", "meet as", "gathered for"])
_BODY = re.compile(  # after a space or a line break: a small class the regex engine skips to in C
    rf"[ \t\n\r(—–](?P<cue>{trie(_CONVENING)})\s+(?:the\s+|a\s+|an\s+)?"
    rf"(?P<body>{CAPITALISED_WORD}(?:\s+(?:(?:of|for|on|and|the)\s+)*{CAPITALISED_WORD})*)"
)
_DOTTED_ABBREVIATION = re.compile(r"\b((?:[A-Z]\.){2,})")  # "U.S.", "U.K."
_NAME_AFTER = re.compile(rf"[ \t]+(?={CAPITALISED_WORD})")  # a title's name follows on its line
_OF_AFTER = re.compile(r"[ \t]+(?:of|for)[ \t]+[A-Z]")  # a title's complement: "Minister of State"
_MID_SENTENCE = re.compile(r"[\w,;] ")  # before a word that does not open a sentence
_WORD_BEFORE = re.compile(r"(\S+)[ \t]+$")
_APPOSED = re.compile(r",\s+(?=[A-Z])")  # "her deputy, Tom Reyes, ..."
_INTRODUCTION = re.compile(r",\s+(?:who|whose|an?)\s")  # "Tamika Harris, whose family ..."
_FRONTED_REACH = 120  # how long a fronted description's relative clause may be
_PRONOUN_SUBJECT = re.compile(r"\s*(?:he|she|they)\b")
_AFTER_CONTENT = re.compile(r"[,\"”’']\s*$")  # a pronoun closing what it said: '..., he says


class Resolver:
    """Turns mentions into speaker names, remembering earlier speakers for pronouns."""

    def __init__(self, doc: QuotedText, registry: SpeakerRegistry | None, document_speaker: str | None) -> None:
        self.doc = doc
        self.text = doc.text
        self.registry = registry
        self.document_speaker = document_speaker
        self.history: list[tuple[int, str, str, str | None]] = []  # (pos, name, kind, gender)
        self.genders: dict[str, str] = {}
        self.people: set[str] = set()
        self.kinds: dict[str, str] = {}  # speaker name -> person | role | group
        self._bodies: list[tuple[int, str]] | None = None
        self._cache: dict[tuple[str, str], list[tuple[int, str]]] = {}
        self._lower: str | None = None

    def resolve(self, mention: Mention, continuing: bool = False) -> str | None:
        """The speaker a mention stands for, and remember it as an antecedent; in a speech a
        cited text or assembly ('the Charter says', 'it stated') is no speaker (None).
        ``continuing``: the cue goes on with the last speaker ('..., the minister added')."""
        kind, gender = mention.kind, mention.gender
        if kind == "pronoun":
            found = self._antecedent(mention)
            if found is None or found[1] == "text":
                return None
            name, kind, gender = found
        elif kind == "self":
            return self.document_speaker
        elif _cited(mention, self.document_speaker is not None):
            self.history.append((mention.start, mention.text, "text", mention.gender))
            return None
        elif kind == "person":
            if not self._plausible(mention) and self._occurrences(
                    "lower", mention.text.lower(), lambda w: [(s, w) for s in _whole_words(self.text, w)]):
                return None  # "Rest assured that", "Even if ... confirms that": a word, not a name
            name = self.person(mention.name, mention.start)
        elif kind == "role":
            name = self._role(mention, continuing)
            kind = "person" if self._is_person(name) else "role"
        else:
            name = self._group(mention)
        if kind == "person":
            self.people.add(name)
            if gender in ("m", "f"):
                self.genders.setdefault(name, gender)
        self.history.append((mention.start, name, kind, gender))
        self.kinds[name] = kind
        return name

    def learn_gender(self, name: str, pronoun: str) -> None:
        """``Kai Brenner said he opposed the bill``: a reported clause opening with he/she
        usually has its speaker as subject, so a later 'she' skips him. What the text says
        wins over a guess from the given name."""
        gender = PRONOUNS.get(pronoun.lower())
        if self.kinds.get(name) == "person" and gender in ("m", "f"):
            self.genders[name] = gender

    def _is_person(self, name: str) -> bool:
        return name in self.people or name[:1].isupper() and not name.lower().startswith(("the ", "a ", "an "))

    # -- people

    def person(self, name: str, pos: int) -> str:
        """The fullest form of a name: from the document (``Austin`` -> ``Lloyd Austin``), then
        the registry's canonical name."""
        full = self._full_name(name, pos)
        if self.registry is not None:
            known = self.registry.known(full) or (self.registry.known(name) if full == name else None)
            if known is not None:
                return known.name
        return full

    def _full_name(self, name: str, pos: int) -> str:
        if len([w for w in name.split() if w.lower() not in PROSE_PARTICLES]) > 1:
            return name
        found = self._occurrences("name", name, self._full_names)
        i = bisect.bisect_left(found, (pos,))
        if i:
            return found[i - 1][1]
        return found[0][1] if found else name

    def _occurrences(self, kind: str, key: str, scan: Callable[[str], list[tuple[int, str]]]) -> list[tuple[int, str]]:
        """(position, value) pairs of one look-up over the whole text, computed once per key:
        a long speech names the same people hundreds of times."""
        cached = self._cache.get((kind, key))
        if cached is None:
            cached = self._cache[(kind, key)] = scan(key)
        return cached

    def _nearest_before(self, found: list[tuple[int, str]], pos: int) -> str | None:
        i = bisect.bisect_left(found, (pos,))
        return found[i - 1][1] if i else None

    def _full_names(self, name: str) -> list[tuple[int, str]]:
        found = []
        for start in _whole_words(self.text, name):
            full = self._longer_name(name, start)
            if full is not None:
                found.append((start, full))
        return found

    def _longer_name(self, name: str, start: int) -> str | None:
        """The full name written around one occurrence of a surname (or a family-name-first name)."""
        text = self.text
        np = np_before(text, max(0, start - 120), start + len(name))
        if np is not None and np.kind == "person" and np.name.endswith(name) and len(np.name) > len(name):
            return np.name
        np = np_after(text, start, start + 80)
        if np is not None and np.kind == "person" and np.name.startswith(name + " "):
            return np.name
        return None

    def _role(self, mention: Mention, continuing: bool = False) -> str:
        """``the chancellor`` -> the person the document introduced with that title (``the
        Republican governor`` -> Gov. Tom Rakestraw, ``the CNN host`` -> CNN's Dana Bash), else the
        speaker last quoted under the same description (``the official``), else for an epithet
        (``the mum-of-three``, ``the Texas Republican``) the person last named, else as written."""
        words = mention.text.split()
        if bare(words[0]) == "the" and len(words) > 1:
            titled = self._titled_description(words[1:], mention.start, continuing)
            if titled is not None:
                return titled
            for _, name, kind, _ in reversed(self.history):
                if kind == "role" and mention.name in name.lower().split():
                    return name
            if _epithet(words[-1]):
                person = next((name for _, name, kind, _ in self._candidates(mention.start) if kind == "person"), None)
                if person is not None:
                    return person
        return _display(mention.text)

    def _titled_description(self, words: list[str], pos: int, continuing: bool = False) -> str | None:
        """The person introduced with a description's title, or a shorter one ending in its
        head ('Republican governor', 'governor', 'Gov.'), or with its outlet ('CNN's')."""
        titles = [" ".join(words[k:]) for k in range(len(words))]
        titles += [TITLE_ABBREVIATIONS[bare(words[-1])]] if bare(words[-1]) in TITLE_ABBREVIATIONS else []
        titles += [f"{word}{mark}s" for word in words[:-1] if is_cap(word) for mark in "'’"]
        return next((found for title in titles if (found := self.titled_person(title, pos, continuing)) is not None),
                    None)

    def titled_person(self, title: str, pos: int, continuing: bool = False) -> str | None:
        """The person last introduced as ``title`` before ``pos`` ('Chancellor Olaf Scholz'); for a
        continuing cue the last speaker, if introduced so: in 'Minister of State Rajeev Menon ...
        Foreign Minister Ahmed Zahir ... Menon said ... "Q," the minister added', Menon."""
        found = self._occurrences("title", title.lower(), self._titled)
        titled = [self.person(name, start) for start, name in found[:bisect.bisect_left(found, (pos,))]]
        if not titled:
            return None
        last = next((name for start, name, kind, _ in reversed(self.history) if kind == "person" and start < pos),
                    None)
        return last if continuing and last in titled else titled[-1]

    def _titled(self, title: str) -> list[tuple[int, str]]:
        """Where ``title`` precedes a name; searched in lower case, a literal search being fast."""
        if self._lower is None:
            self._lower = self.text.lower()
        found = []
        for start in _whole_words(self._lower, title):
            name = _NAME_AFTER.match(self.text, start + len(title))
            np = np_after(self.text, name.end(), name.end() + 80) if name else None
            if np is None and _OF_AFTER.match(self.text, start + len(title)):  # "Minister of State X Y"
                np = np_after(self.text, start, start + 120)
            if np is not None and np.kind == "person":
                found.append((start, np.name))
        return found

    # -- groups and bodies

    def _group(self, mention: Mention) -> str:
        """Collective sources stay collective; a definite ``the ministry`` is the ministry last
        named; ``the ministers``/``the statement`` are the body that met, if one was named."""
        head = mention.name
        words = mention.text.split()
        definite = bare(words[0]) == "the"
        if head in BODY_REFERENTS:
            body = self._body_before(mention.start)
            if body is not None:
                return body
        if definite and len(words) <= 3 and all(w[:1].islower() or w.lower() == "the" for w in words[1:]):
            org = self._org_before(head, mention.start)
            if org is not None:
                return org
        return _display(mention.text)

    def _org_before(self, head: str, pos: int) -> str | None:
        return self._nearest_before(self._occurrences("org", head, self._orgs), pos)

    def _orgs(self, head: str) -> list[tuple[int, str]]:
        found = []
        word = head.capitalize()
        for start in _whole_words(self.text, word):
            np = np_before(self.text, max(0, start - 100), start + len(word))
            if np is not None and np.kind == "group" and len(np.text.split()) > 1:
                found.append((start, _display(np.text, drop_article=True)))
        return found

    def _body_before(self, pos: int) -> str | None:
        if self._bodies is None:
            self._bodies = [(m.start("cue"), _normalise_body(m.group("body"))) for m in _BODY.finditer(self.text)
                            if bare(m.group("body").split()[-1]) in BODY_HEADS]
        found = [name for start, name in self._bodies if start < pos]
        return found[-1] if found else None

    # -- pronouns

    def _antecedent(self, mention: Mention) -> tuple[str, str, str | None] | None:
        """The most recent compatible earlier speaker or sentence subject."""
        want = mention.gender
        if want in ("it", "pl"):
            body = self._body_before(mention.start)
            for _, name, kind, gender in self._candidates(mention.start):
                if kind in ("group", "text") and (gender == want or body and name == body):
                    return name, kind, gender
            return (body, "group", want) if body else None
        fallback = None
        for _, name, kind, gender in self._candidates(mention.start):
            known = self.genders.get(name, gender)
            if kind not in ("person", "role") or known not in (None, want):
                continue
            if known == want or not self._bare_word(name, kind):
                return name, kind, want
            fallback = fallback or (name, kind, want)
        return fallback or self._apposed(mention.start, want)

    def _apposed(self, pos: int, want: str) -> tuple[str, str, str | None] | None:
        """Failing all else, a person of the pronoun's gender named in apposition in the two
        sentences before ('Maria Lopez and her deputy, Tom Reyes, met reporters.' ... 'he added')."""
        starts = self.doc.sentences.previous_starts(pos, 2)
        for m in reversed(list(_APPOSED.finditer(self.text, starts[-1], pos))):
            np = np_after(self.text, m.end(), pos)
            if np is not None and np.kind == "person" and self.text.startswith(",", np.end) and \
                    not self.doc.quoted(np.start):
                name = self.person(np.name, np.start)
                if self.genders.get(name, np.gender) == want:
                    return name, "person", want
        return None

    def _bare_word(self, name: str, kind: str) -> bool:
        """A lone capitalised word never quoted, never written after a title or a first name
        ('Jersey gets 95 per cent of its power ...', not 'Admiral Carney'): a pronoun takes it
        only if nobody of the pronoun's gender came before."""
        if kind != "person" or " " in name or name in self.people:
            return False
        return not self._occurrences("after-name", name, self._after_names)

    def _after_names(self, word: str) -> list[tuple[int, str]]:
        """Where ``word`` follows a capitalised word of a name or a title ('Admiral Carney', 'Ida
        Carney', 'Mr. Carney')."""
        found = []
        for start in _whole_words(self.text, word):
            before = _WORD_BEFORE.search(self.text, max(0, start - 40), start)
            if before is not None and (is_cap(before.group(1)) or bare(before.group(1)) in TITLES) and \
                    not possessive(before.group(1)):
                found.append((start, word))
        return found

    def _candidates(self, pos: int) -> list[tuple[int, str, str, str | None]]:
        """Earlier speakers, sentence subjects, and people the previous sentence introduced
        ('the panel heard from Tamika Harris, whose family ...'), the latest first."""
        found = [entry for entry in self.history[-_RECENT:] if entry[0] < pos]
        closing = _AFTER_CONTENT.search(self.text, max(0, pos - 3), pos) is not None
        starts = self.doc.sentences.previous_starts(pos, 6)
        for k, start in enumerate(starts):
            if not k and closing:
                continue  # "Medicaid, he says, pays ...": the clause's subject is what was said
            subject = sentence_subject(self.text, start, pos)
            if subject is not None and subject.kind in ("person", "role", "group") and self._plausible(subject) \
                    and not self._fronted(subject):
                kind = "text" if _cited(subject, self.document_speaker is not None) else subject.kind
                found.append((subject.start, self._peek(subject), kind, subject.gender))
        if len(starts) > 1:
            found += self._introduced(starts[1], starts[0])
        return sorted(found, key=lambda entry: entry[0], reverse=True)

    def turned_to(self, lo: int, pos: int) -> Mention | None:
        """The person a story turns to in the sentence just before an unattributed quote, after the
        last quote ('Council member Rita Vos disagreed.' then '"They cut the wrong things."'): a
        named person as its subject, in a sentence without quotes."""
        starts = [s for s in self.doc.sentences.previous_starts(pos, 3) if not self.text[s:s + 1].isspace()]
        if len(starts) < 2 or starts[1] < lo or self.doc.overlaps_quote(starts[1], starts[0]):
            return None  # (a blank line between paragraphs is a paragraph of no sentence)
        subject = sentence_subject(self.text, starts[1], starts[0])
        return subject if subject is not None and subject.kind == "person" and self._plausible(subject) else None

    def _fronted(self, subject: Mention) -> bool:
        """'A former trade lawyer who studied in Bucharest, she has ...': an indefinite description
        fronted before the pronoun that is the subject describes that pronoun's person; it is no
        antecedent of its own (unlike 'A red-faced minister was forced to say sorry')."""
        if subject.kind != "role" or bare(subject.text.split()[0]) not in ("a", "an"):
            return False
        comma = self.text.find(",", subject.end, subject.end + _FRONTED_REACH)
        return comma >= 0 and _PRONOUN_SUBJECT.match(self.text, comma + 1) is not None

    def _introduced(self, start: int, end: int) -> list[tuple[int, str, str, str | None]]:
        """People a sentence introduces with a description: 'X, who ...', 'X, whose ...', 'X, a ...'."""
        found = []
        for m in _INTRODUCTION.finditer(self.text, start, end):
            np = np_before(self.text, start, m.start())
            if np is not None and np.kind == "person" and not self.doc.quoted(np.start):
                found.append((np.start, self.person(np.name, np.start), "person", np.gender))
        return found

    def _plausible(self, subject: Mention) -> bool:
        """A lone capitalised word opening a sentence ('Hundreds of ...') is a name only if the
        text also capitalises it mid-sentence or the registry knows it."""
        if subject.kind != "person" or " " in subject.text:
            return True
        word = subject.text
        if self.registry is not None and self.registry.known(word) is not None or \
                _MID_SENTENCE.match(self.text, max(0, subject.start - 2), subject.start):
            return True  # "Asked whether she would resign, Dunn laughed": capitalised mid-sentence
        mid = self._occurrences("mid", word, lambda w: [
            (start, w) for start in _whole_words(self.text, w)
            if _MID_SENTENCE.match(self.text, max(0, start - 2), start)])
        return any(start != subject.start for start, _ in mid)

    def _peek(self, mention: Mention) -> str:
        """A name for a candidate antecedent, without recording it as a speaker."""
        if mention.kind == "person":
            return self.person(mention.name, mention.start)
        return self._role(mention) if mention.kind == "role" else self._group(mention)


def _epithet(word: str) -> bool:
    """A head that describes a person already named: 'mum-of-three', '52-year-old', 'Republican'
    (not a title: 'Secretary-General', 'Chancellor')."""
    low = bare(word)
    return "-" in low and word.islower() or word[:1].isupper() and low not in TITLES and low not in NP_NOUNS \
        and low not in ORG_HEADS


def _whole_words(haystack: str, word: str) -> list[int]:
    """Where ``word`` stands as a whole word (not inside 'Kishida' or 'anti-Kishi'): a plain
    string search, far cheaper than a regex per name compiled for each speech."""
    found, pos = [], haystack.find(word)
    while pos >= 0:
        end = pos + len(word)
        if not (pos and (haystack[pos - 1].isalnum() or haystack[pos - 1] == "-")) and \
                not (end < len(haystack) and (haystack[end].isalnum() or haystack[end] in "-_")):
            found.append(pos)
        pos = haystack.find(word, pos + 1)
    return found


def _cited(mention: Mention, speech: bool) -> bool:
    """A text ('the Preamble of the Charter', 'our Constitution') or, in a speech, a report or
    assembly ('World Report', 'the General Assembly'): cited, never speaking."""
    heads = CITED_IN_SPEECHES if speech else TEXT_HEADS
    if mention.kind == "role":
        return mention.name in heads  # "our national motto"; not "the President of the Assembly"
    return mention.kind in ("group", "person") and any(bare(w) in heads for w in mention.text.split())


def _display(phrase: str, drop_article: bool = False) -> str:
    """A collective phrase as a facet value: 'The ministers' -> 'the ministers'."""
    words = phrase.split()
    if drop_article and len(words) > 1 and words[0].lower() == "the":
        words = words[1:]
    elif bare(words[0]) in DETERMINERS:
        words[0] = words[0].lower()
    return " ".join(words)


def _normalise_body(name: str) -> str:
    """'U.S.-Japan Security Consultative Committee' -> 'US-Japan Security Consultative Committee'."""
    return _DOTTED_ABBREVIATION.sub(lambda m: m.group(1).replace(".", ""), name)
