"""Speaker phrases: the noun phrase before or after a cue, classified as a person (a name
survives title stripping), a role, a group, a pronoun or the first person."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from search.ingest.names import ADDRESS_FORMS, PROSE_PARTICLES
from search.ingest.quotes.content import DATELINE
from search.ingest.quotes.vocabulary import (
    ADVERBS, CAP_STOP, CONNECTORS, DETERMINERS, FEMALE_NAMES, FEMININE, FINDINGS, FIRST_PERSON, GEO,
    IRREGULAR_PARTICIPLES, IRREGULAR_PAST, MALE_NAMES, MASCULINE, MONTHS_DAYS, NON_CLAUSE_START, NP_MODS,
    NP_NOUNS, OCCASIONS, ORG_HEADS, PREPOSITIONS, PRONOUNS, SINGULAR_ROLES, SURNAME_TITLES, TITLES,
)
from search.ingest.quotes.words import TOKEN, bare, is_cap, possessive

# A time phrase between speaker and cue: "X on Thursday said", "X earlier this week told".
TIME_BEFORE = re.compile(
    r"(?:\s*,)?\s+(?:(?:late |early |earlier |later )?on\s+(?:[A-Z][a-z]+day|[A-Z][a-z]+\.? \d{1,2})|"
    r"(?:earlier |later )?(?:last|this) (?:week|month|year|weekend|morning|afternoon|evening|night)|yesterday|"
    r"today|tonight)\s*,?\s*$"
)
# What may precede a sentence's subject: a dateline, a discourse word, an opening participle clause
# ("Speaking in Tokyo, ..."), an opening prepositional phrase ("Outside the chamber, ...") or
# an adverb and its comma ("Earlier, ...").
_SUBJECT_LEAD = re.compile(
    r"(?:(?:But|And|Yet|So|Meanwhile|However|Still|When|While|After|Before|As|Since|Although|Though|"
    r"If|Once)\s*,?\s+|[A-Z][a-z]+(?:ing|ed)\s[^,.;\n]{0,80},\s+|"
    rf"(?:{'|'.join(p.capitalize() for p in sorted(PREPOSITIONS))})\s[^,.;\n]{{0,60}},\s+|"
    rf"(?:[A-Z][a-z]+ly|{'|'.join(w.capitalize() for w in sorted(CAP_STOP) if w.isalpha())}),\s+)?"
)
_COMMA = re.compile(r",\s*")
_DEMONSTRATIVE = re.compile(r"(?:That|This)\s+(?=[a-z])")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")
# Lowercase words that never qualify a speaker noun: function words, pronouns, cue words.
_NOT_MODIFIERS = CONNECTORS | DETERMINERS | ADVERBS | NON_CLAUSE_START | CAP_STOP | set(PRONOUNS) | \
    IRREGULAR_PAST | {"said", "says", "told", "added", "also", "just", "even", "very", "really", "its", "who"}
_OBJECT_PRONOUNS = ("him", "them", "her")  # never the subject of a cue
_NUMERALS = {"two", "three", "four"}  # determiners a definite article may precede
_DEFINITES = {"the", "its", "his", "her", "their", "our", "my", "these", "those"}
_JOINS = {"of", "for"}  # "Minister of Defense", "Secretary for Foreign Affairs"
_BACK = 160  # how far a speaker phrase may reach
_COMMON_NOUN = re.compile(r"[a-z][a-z-]+[a-z]|\d+-year-old")  # "the 45-year-old" too
# Endings of abstract nouns, which head no speaker phrase: "the correctness", "the timing".
_ABSTRACT = ("tion", "sion", "ment", "ness", "ity", "ance", "ence", "ing", "ism", "ship", "ure")
_COMMON_REACH = 6  # words from a determiner to its common noun: "The Chicago Ledger editorial board"
# A preposition joining a description to its complement: "a spokesperson for ...", "a source
# close to ...", "one senior official in ...", "people familiar with ...".
_POSTMODIFYING = (r"(?:of|for|in|at|by|from|near|close to|with|on|within|among|across|inside|outside|"
                  r"familiar with|briefed on|knowledgeable about|involved in|aware of)")
_POSTMODIFIER_BEFORE = re.compile(rf"\b{_POSTMODIFYING}\s+$")
_POSTMODIFIER_AFTER = re.compile(rf"\s+{_POSTMODIFYING}\s+")
# The names listed before the last one: "Spain, Italy and " (Portugal).
_LISTED = r"[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*)*"
_LIST_BEFORE = re.compile(rf"(?:(?:{_LISTED}, )+(?:{_LISTED},? (?:and|or) )?|{_LISTED},? (?:and|or) )$")
_LIST_WORDS = re.compile(r"[A-Z][\w.'’-]*")
_LIST_END = re.compile(r"\s(?:and|or)\s")  # a list ends "... and Portugal"
# A participle and its agent after a finding: "published on Wednesday by ", ", conducted by ".
_AUTHORED = re.compile(rf"\s*,?\s*(?:[a-z]+ed|{'|'.join(sorted(IRREGULAR_PARTICIPLES))})\b"
                       r"[^,;:\"“”()]{0,60}?\bby\s+")
# Where an agent ends: punctuation, or a time ("in late May", "on Wednesday", "last week").
_AUTHOR_END = re.compile(rf"\s*(?:[,;:.!?)]|$)|\s+(?:in|on|during)\s+(?:(?:late|early|mid)[\s-]+)?"
                         rf"(?:{'|'.join(sorted(w.capitalize() for w in MONTHS_DAYS))})\b|\s+(?:last|this)\s+"
                         r"(?:week|month|year)\b")
# Titles of a person, not of an institution: "Minister", not "House" or "Press".
_PERSONAL_TITLES = TITLES - ORG_HEADS


@dataclass
class Mention:
    """Who a cue points at, as written: a name, a role, a group, a pronoun or the first person."""

    text: str
    start: int
    end: int
    kind: str  # person | role | group | pronoun | self
    name: str = ""  # person: the name words; role/group: the head noun
    gender: str | None = None  # "m" | "f" | "it" | "pl"
    lead: int | None = None  # where the whole speaker phrase starts, appositives before the name included


def joined(head: Mention, end: int, text: str) -> Mention:
    """``head`` widened to ``end``: a description with its postmodifiers keeps its head's kind."""
    return Mention(text[head.start:end], head.start, end, head.kind, head.name, head.gender)


def np_before(text: str, lo: int, hi: int, common: bool = False) -> Mention | None:
    """The noun phrase ending at ``hi`` (adverbs like 'also' skipped), at most ~160 chars back;
    ``common`` also takes a determiner and any common noun ('the crowd', 'a heckler')."""
    base = max(lo, hi - _BACK)
    time = TIME_BEFORE.search(text, base, hi)
    if time is not None:
        hi = time.start()
    toks = list(TOKEN.finditer(text, base, hi))
    i = len(toks) - 1
    while i >= 0 and toks[i].group().lower() in ADVERBS:
        i -= 1
    if i < 0:
        return None
    word = toks[i].group().lower()
    if word in PRONOUNS and word not in _OBJECT_PRONOUNS or word in FIRST_PERSON:
        return mention_at(text, toks[i].start(), toks[i].end())
    first = _walk_back(text, toks, i)
    if first is None:
        first = _common_back(toks, i) if common else None
        if first is None:
            return None
    return mention_at(text, toks[first].start(), toks[i].end(), common)


def _common_back(toks: list[re.Match], i: int) -> int | None:
    """``the CNN host``, ``another pal``, ``29 percent``: a common noun after a determiner and a
    few modifiers; a plural needs none ('Local fishermen')."""
    head = toks[i].group()
    if not _common_noun(head):
        return None
    first = i
    for j in range(i - 1, max(-1, i - _COMMON_REACH), -1):
        word = toks[j].group()
        if bare(word) in DETERMINERS or word.isdigit():
            return j
        if not (_modifier(word) or _np_word(word) or _COMMON_NOUN.fullmatch(word) and word not in _NOT_MODIFIERS):
            break  # "a related lawsuit", "the CNN host"
        first = j
    return first if head.endswith(("s", "men")) else None


def _common_noun(word: str) -> bool:
    """A lower-case word that may head a noun phrase: not a function word, adverb or participle."""
    return _COMMON_NOUN.fullmatch(word) is not None and word not in _NOT_MODIFIERS and \
        word not in IRREGULAR_PARTICIPLES and not word.endswith(("ly", "ed"))


def abstract(mention: Mention) -> bool:
    """A description headed by an abstract noun, which speaks for nobody ('The timing of the
    statement suggests', 'a violation of ...'), unless a known source ('a filing', 'the
    administration')."""
    head = mention.name
    return mention.kind in ("role", "group") and head.endswith(_ABSTRACT) and head.islower() and \
        head in mention.text and head not in NP_NOUNS and head not in FINDINGS and head not in ORG_HEADS


def _walk_back(text: str, toks: list[re.Match], i: int) -> int | None:
    """Index of the first token of the noun phrase whose head is token ``i`` (within one line)."""
    if not _head_word(toks[i].group()):
        return None
    first = i
    modifiers = 0
    j = i - 1
    while j >= 0:
        word = toks[j].group()
        low = bare(word)
        if "\n" in text[toks[j].end():toks[j + 1].start()]:
            break
        if low == "the" and j > 0 and bare(toks[j - 1].group()) in _JOINS:
            pass
        elif low in DETERMINERS:
            first = j
            if low in _NUMERALS and j > 0 and bare(toks[j - 1].group()) in _DEFINITES:
                first = j - 1  # "the two countries"
            break
        if low[:1].isdigit() and j and bare(toks[j - 1].group()) == "no":
            first = j - 1  # "a No 10 source", "the No. 2 Democrat"
            j -= 2
            continue
        if _np_word(word) or low in PROSE_PARTICLES or word in "/&" and j and is_cap(toks[j - 1].group()):
            first = j  # "Register/Mediacom", "Procter & Gamble"
        elif _modifier(word) and modifiers < 2 and (low[0].isdigit() or not is_cap(toks[first].group())):
            first = j
            modifiers += 1
        elif low not in CONNECTORS:
            break
        j -= 1
    return first


def _modifier(word: str) -> bool:
    """A lowercase word that may qualify a speaker noun: 'developing nations', '7th Fleet'; not an
    adverb, nor a past tense ('Vieira expressed appreciation') unless a known modifier."""
    low = word.lower()
    if _ORDINAL.fullmatch(low) or low in NP_MODS:
        return True
    return word.isalpha() and word.islower() and len(word) > 2 and not low.endswith(("ly", "ed")) and \
        low not in _NOT_MODIFIERS


def _np_word(word: str) -> bool:
    low = bare(word)
    return is_cap(word) or low in NP_NOUNS or low in NP_MODS


def _head_word(word: str) -> bool:
    """A word that can end a speaker phrase: a name or a noun, not a bare modifier."""
    return is_cap(word) or bare(word) in NP_NOUNS


def np_after(text: str, pos: int, hi: int, common: bool = False) -> Mention | None:
    """The noun phrase starting at ``pos`` (``said Richard Rossow, a ...`` -> Richard Rossow);
    ``common`` also takes a determiner and any common noun ('a draft')."""
    toks = list(TOKEN.finditer(text, pos, min(hi, pos + _BACK)))
    if not toks:
        return None
    word = toks[0].group()
    possessive_her = word.lower() == "her" and len(toks) > 1 and toks[1].group()[0].isalpha()
    if (word.lower() in PRONOUNS or word.lower() in FIRST_PERSON) and not possessive_her:
        return mention_at(text, toks[0].start(), toks[0].end())  # not "Her predecessor, ..."
    last = None
    for k, tok in enumerate(toks):
        w = tok.group()
        low = bare(w)
        if k and ("\n" in text[toks[k - 1].end():tok.start()] or
                  w[-1] == "s" and w.islower() and _verb_after_name(toks[k - 1].group(), w)):
            break
        if _head_word(w) or common and k and bare(toks[0].group()) in DETERMINERS and _common_noun(w):
            last = k
        elif _np_word(w) or low in PROSE_PARTICLES or (k == 0 and low in DETERMINERS) or _modifier(w):
            continue
        elif low in CONNECTORS and low != "and" and last is not None and k + 1 < len(toks) and \
                (_np_word(toks[k + 1].group()) or low != "the" and toks[k + 1].group() == "the"):
            continue
        else:
            break
    if last is None:
        return None
    return mention_at(text, toks[0].start(), toks[last].end(), common)


def _verb_after_name(prev: str, word: str) -> bool:
    """``Jordan Pike chairs the panel``: a lower-case -s word right after a name is its verb,
    not a modifier (after an institution it may be one: 'White House communications director')."""
    low = prev.lower()
    return word.islower() and word.endswith("s") and not word.endswith(("ss", "us")) and \
        word not in NP_MODS and word not in NP_NOUNS and is_cap(prev) and not prev.isupper() and \
        not possessive(prev) and bare(prev) not in ORG_HEADS and bare(prev) not in TITLES and not _place(low)


def postmodified_before(text: str, lo: int, np: Mention) -> Mention:
    """The description ``np`` completes, if any: ``a spokesperson for`` + ``Gov. Laura Kelly``,
    ``her critics in`` + ``the party leadership``; a person stays themselves."""
    while True:
        np = _with_list(text, lo, np)
        prep = _POSTMODIFIER_BEFORE.search(text, max(lo, np.start - 24), np.start)
        head = np_before(text, lo, prep.start(), common=True) if prep else None
        if head is None or head.kind not in ("role", "group") or text[head.end:prep.start()].strip():
            return np
        np = joined(head, np.end, text)


def _with_list(text: str, lo: int, np: Mention) -> Mention:
    """A name with the names listed before it: "Spain, Italy and " + "Portugal"."""
    listed = _LIST_BEFORE.search(text, max(lo, np.start - 80), np.start) if is_cap(np.text.split()[0]) else None
    if listed is None or not all(is_cap(w) for w in _LIST_WORDS.findall(listed.group())) or \
            not _LIST_END.search(f"{listed.group()} {np.text}"):
        return np
    return Mention(text[listed.start():np.end], listed.start(), np.end, np.kind, np.name, "pl")


def finding_author(text: str, np: Mention, hi: int) -> Mention | None:
    """The author of a study or poll named after a participle, who is its source: 'a survey
    published on Wednesday by the European Council on Foreign Relations' -> the Council, 'the poll,
    conducted by YouGov in May,' -> YouGov."""
    if np.kind not in ("role", "group") or np.name not in FINDINGS:
        return None
    by = _AUTHORED.match(text, np.end, hi)
    if by is None:
        return None
    stop = _AUTHOR_END.search(text, by.end(), hi)
    end = stop.start() if stop else hi
    words = text[by.end():end].split()
    if not words or not is_cap(words[-1]) and bare(words[-1]) not in NP_NOUNS:
        return None
    return Mention(text[by.end():end], by.end(), end, "group", bare(words[-1]), "it")


def postmodified_after(text: str, np: Mention, hi: int) -> Mention:
    """``one senior official`` + ``in the chancellor's office``: a description with the
    prepositional phrases that follow it (a name takes none)."""
    while np.kind in ("role", "group"):
        prep = _POSTMODIFIER_AFTER.match(text, np.end, hi)
        tail = np_after(text, prep.end(), hi, common=True) if prep else None
        if tail is None or tail.kind in ("pronoun", "self") or tail.name in OCCASIONS:
            return np
        np = joined(np, tail.end, text)
    return np


def mention_at(text: str, start: int, end: int, common: bool = False) -> Mention | None:
    """Classify a phrase: person (a name survives title stripping), role, group or pronoun;
    ``common`` classifies a phrase headed by any common noun as a role or a group."""
    phrase = text[start:end]
    low = phrase.lower()
    if low in PRONOUNS:
        return Mention(phrase, start, end, "pronoun", gender=PRONOUNS[low])
    if low in FIRST_PERSON:
        return Mention(phrase, start, end, "self")
    words = phrase.split()
    while words and bare(words[-1]) in CONNECTORS:
        words.pop()
    if not words or not (_head_word(words[-1]) or common and _common_noun(words[-1])):
        return None
    if len(words) == 2 and bare(words[0]) in ADDRESS_FORMS and bare(words[1]) in TITLES:
        return None  # "Mr. President": the person addressed
    joint = next((k for k, w in enumerate(words[1:], 1) if w in _JOINS), None)
    described = joint is not None and words[joint - 1].islower()  # "a spokesperson for Gov. Ida Lund"
    name, title = ([], []) if described else name_and_title(words)
    if name and not (bare(words[0]) == "the" and not title):  # "the Greens", "the Jusos": a group
        return Mention(phrase, start, end, "person", " ".join(name),
                       _gender(words[:len(words) - len(name) + 1], named=len(name) > 1))
    head = bare(words[joint - 1] if joint else words[-1])
    plural = (head.endswith("s") and not head.endswith("ss") or head.endswith(("men", "people"))) and \
        head not in ORG_HEADS and head not in GEO
    # an unknown common noun is a person described ("the mum-of-three", "a heckler"), not a study
    unknown = common and _common_noun(words[-1]) and head not in NP_NOUNS and head not in FINDINGS
    if not plural and (head in SINGULAR_ROLES or head in _PERSONAL_TITLES or unknown):
        return Mention(phrase, start, end, "role", head, _gender(words))
    return Mention(phrase, start, end, "group", head, "pl" if plural else "it")


def name_and_title(words: list[str]) -> tuple[list[str], list[str]]:
    """Split ``Japan's Minister of Defense Kishi`` into (['Kishi'], ['Minister', 'of', 'Defense']);
    ``Bonnie Glaser of the German Marshall Fund`` is Bonnie Glaser."""
    words = _before_affiliation(words)
    run = _capitalised_run(words)
    cut = _title_end(run)
    name, title = run[cut:], run[:cut]
    while len(name) > 3 and bare(name[0]) in _JOINS:  # "Minister of State for Ports Ravi Das"
        title, name = title + name[:2], name[2:]
    if "of" in name:
        name = name[:name.index("of")]
    # "Sen. Tom Banks", "Mr. Major", "Commission Vice-President Henrik Aalto"
    personal = any(bare(w) in _PERSONAL_TITLES or "-" in w and _title_word(bare(w)) for w in title)
    if any(bare(w) in ORG_HEADS or not personal and (bare(w) in NP_NOUNS or bare(w) in NP_MODS) for w in name):
        return [], title
    if not name or all(_place(bare(w)) or w.isupper() and len(w) <= 5 for w in name):
        return [], title
    if any(bare(w) in ORG_HEADS and not possessive(w) for w in title) and not personal:  # not "CNN's Jake Tapper"
        return [], title
    return name, title


def _place(low: str) -> bool:
    """A place or its people: 'Japan', 'European', 'Europeans'."""
    return low in GEO or low.endswith("s") and low[:-1] in GEO


def _before_affiliation(words: list[str]) -> list[str]:
    """``Bonnie Glaser of the German Marshall Fund`` -> ``Bonnie Glaser`` (not after a title, and
    only before 'the' or a place: 'Chamber of Commerce' is one name)."""
    for k, word in enumerate(words[1:-1], 1):
        prev = bare(words[k - 1])
        if word == "of" and is_cap(words[k - 1]) and prev not in TITLES and prev not in ORG_HEADS and \
                (words[k + 1] == "the" or bare(words[k + 1]) in GEO):
            return words[:k]
    return words


def _capitalised_run(words: list[str]) -> list[str]:
    """The capitalised words (with particles and inner of/for) that end the phrase."""
    run: list[str] = []
    for word in reversed(words):
        low = bare(word)
        if is_cap(word) or low in PROSE_PARTICLES or (run and low in _JOINS):
            run.insert(0, word)
        else:
            break
    while run and bare(run[0]) in _JOINS:
        run.pop(0)
    return run


def _title_end(run: list[str]) -> int:
    """Where the title part of a capitalised run ends (after its last title, institution or
    possessive word; a title word after a name is a surname: 'John Major')."""
    cut = 0
    for k, word in enumerate(run):
        low = bare(word)
        surname = low in SURNAME_TITLES and k and is_cap(run[k - 1]) and bare(run[k - 1]) not in TITLES
        if (_title_word(low) or low in ORG_HEADS or possessive(word)) and not surname:
            cut = k + 1
    return cut


def _title_word(low: str) -> bool:
    """A title, or a compound of titles ('vice-president'), or a family description before a
    name ('dad-of-three', 'mother-of-two')."""
    if low in TITLES:
        return True
    parts = low.split("-")
    return len(parts) > 1 and (all(part in TITLES for part in parts) or parts[1] == "of" and len(parts) == 3)


def _gender(words: list[str], named: bool = False) -> str | None:
    """'f' or 'm' from a gendered title, or (``named``: the last word is the given name of a
    name of two words or more; a lone word is a surname, ``Dorsey``) from that name; else
    unknown."""
    lows = {bare(w) for w in words}
    if lows & FEMININE:
        return "f"
    if lows & MASCULINE:
        return "m"
    return given_name_gender(bare(words[-1])) if named and words else None


# gender-guesser's answers taken (its "mostly_" ones, such as Robin, Sasha or Kim, are not)
_GUESSED = {"female": "f", "male": "m"}


@lru_cache(maxsize=8192)
def given_name_gender(name: str) -> str | None:
    """'f' or 'm' for a given name gender-guesser or our own list holds one way (a name
    given to both, such as Andrea or Jean, gives None)."""
    if name in FEMALE_NAMES:
        return "f"
    if name in MALE_NAMES:
        return "m"
    return _GUESSED.get(_given_names().get_gender(name))


@lru_cache(maxsize=1)
def _given_names():
    """gender-guesser's detector, loaded once a process (about a second: its table is read
    only when a quote's speaker is named without a title)."""
    from gender_guesser.detector import Detector
    return Detector(case_sensitive=False)


def sentence_subject(text: str, start: int, limit: int) -> Mention | None:
    """The noun phrase opening a sentence (after a discourse word), if it ends before ``limit``."""
    dateline = DATELINE.match(text, start, limit)
    m = _SUBJECT_LEAD.match(text, dateline.end() if dateline else start)
    m = _DEMONSTRATIVE.match(text, m.end()) or m  # "That doctor, Harold Bixby, laughs"
    np = np_after(text, m.end(), min(limit, m.end() + 100), common=True)
    if np is None or np.end >= limit:
        return None
    appos = _COMMA.match(text, np.end)
    if np.kind != "person" and appos:  # "The EU's climate commissioner, Wopke Hoekstra, ..."
        named = np_after(text, appos.end(), min(limit, appos.end() + 60))
        if named is not None and named.kind == "person" and text.startswith(",", named.end):
            return named
    # a description of nobody in particular ("The bill") is no antecedent
    return np if np.kind in ("person", "pronoun") or np.name in NP_NOUNS or np.name in ORG_HEADS or \
        not _common_noun(np.text.split()[-1]) else None
