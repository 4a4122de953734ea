"""Speaker phrases: the noun phrase before or after a cue, classified as a person (a name
survives title stripping), a role, a group, a pronoun or the first person."""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.ingest.names import ADDRESS_FORMS, PROSE_PARTICLES
from search.ingest.quotes.vocabulary import (
    ADVERBS, CAP_STOP, CONNECTORS, DETERMINERS, FEMALE_NAMES, FEMININE, FIRST_PERSON, GEO, MASCULINE,
    NON_CLAUSE_START, NP_MODS, NP_NOUNS, ORG_HEADS, PRONOUNS, SINGULAR_ROLES, SURNAME_TITLES, TITLES,
)
from search.ingest.quotes.words import TOKEN, bare, is_cap, possessive

# A time phrase between speaker and cue: "X on Thursday said", "X earlier this week told".
_TIME_BEFORE = re.compile(
    r"(?:\s*,)?\s+(?:(?:late |early |earlier |later )?on\s+(?:[A-Z][a-z]+day|[A-Z][a-z]+\.? \d{1,2})|"
    r"(?:earlier |later )?(?:last|this) (?:week|month|year|weekend)|yesterday|today|tonight)\s*,?\s*$"
)
# What may precede a sentence's subject: a discourse word, or an opening participle clause
# ("Speaking in Tokyo, ...").
_SUBJECT_LEAD = re.compile(
    r"(?:(?:But|And|Yet|So|Meanwhile|However|Still|When|While|After|Before|As|Since|Although|Though|"
    r"If|Once)\s*,?\s+|[A-Z][a-z]+(?:ing|ed)\s[^,.;\n]{0,80},\s+)?"
)
_COMMA = re.compile(r",\s*")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")
# Lowercase words that never qualify a speaker noun: function words, pronouns, cue words.
_NOT_MODIFIERS = CONNECTORS | DETERMINERS | ADVERBS | NON_CLAUSE_START | CAP_STOP | set(PRONOUNS) | \
    {"said", "says", "told", "added", "also", "just", "even", "very", "really", "its", "who"}
_OBJECT_PRONOUNS = ("him", "them", "her")  # never the subject of a cue
_NUMERALS = {"two", "three", "four"}  # determiners a definite article may precede
_DEFINITES = {"the", "its", "his", "her", "their", "our", "my", "these", "those"}
_JOINS = {"of", "for"}  # "Minister of Defense", "Secretary for Foreign Affairs"
_BACK = 160  # how far a speaker phrase may reach
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


def np_before(text: str, lo: int, hi: int) -> Mention | None:
    """The noun phrase ending at ``hi`` (adverbs like 'also' skipped), at most ~160 chars back."""
    base = max(lo, hi - _BACK)
    time = _TIME_BEFORE.search(text, base, hi)
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
        return None
    return mention_at(text, toks[first].start(), toks[i].end())


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
        if _np_word(word) or low in PROSE_PARTICLES:
            first = j
        elif _modifier(word) and modifiers < 2 and (low[0].isdigit() or not is_cap(toks[first].group())):
            first = j
            modifiers += 1
        elif low not in CONNECTORS:
            break
        j -= 1
    return first


def _modifier(word: str) -> bool:
    """A lowercase word that may qualify a speaker noun: 'developing nations', '7th Fleet'."""
    low = word.lower()
    if _ORDINAL.fullmatch(low):
        return True
    return word.isalpha() and word.islower() and len(word) > 2 and not low.endswith("ly") and \
        low not in _NOT_MODIFIERS


def _np_word(word: str) -> bool:
    low = bare(word)
    return is_cap(word) or low in NP_NOUNS or low in NP_MODS


def _head_word(word: str) -> bool:
    """A word that can end a speaker phrase: a name or a noun, not a bare modifier."""
    return is_cap(word) or bare(word) in NP_NOUNS


def np_after(text: str, pos: int, hi: int) -> Mention | None:
    """The noun phrase starting at ``pos`` (``said Richard Rossow, a ...`` -> Richard Rossow)."""
    toks = list(TOKEN.finditer(text, pos, min(hi, pos + _BACK)))
    if not toks:
        return None
    word = toks[0].group()
    if word.lower() in PRONOUNS or word.lower() in FIRST_PERSON:
        return mention_at(text, toks[0].start(), toks[0].end())
    last = None
    for k, tok in enumerate(toks):
        w = tok.group()
        low = bare(w)
        if k and "\n" in text[toks[k - 1].end():tok.start()]:
            break
        if _head_word(w):
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
    return mention_at(text, toks[0].start(), toks[last].end())


def mention_at(text: str, start: int, end: int) -> Mention | None:
    """Classify a phrase: person (a name survives title stripping), role, group or pronoun."""
    phrase = text[start:end]
    low = phrase.lower()
    if low in PRONOUNS:
        return Mention(phrase, start, end, "pronoun", gender=PRONOUNS[low])
    if low in FIRST_PERSON:
        return Mention(phrase, start, end, "self")
    words = phrase.split()
    while words and bare(words[-1]) in CONNECTORS:
        words.pop()
    if not words or not _head_word(words[-1]):
        return None
    if len(words) == 2 and bare(words[0]) in ADDRESS_FORMS and bare(words[1]) in TITLES:
        return None  # "Mr. President": the person addressed
    name, title = name_and_title(words)
    if name:
        return Mention(phrase, start, end, "person", " ".join(name), _gender(title + name[:1]))
    joint = next((k for k, w in enumerate(words[1:], 1) if w in _JOINS), None)
    head = bare(words[joint - 1] if joint else words[-1])
    plural = head.endswith("s") and head not in ORG_HEADS and head not in GEO
    if not plural and (head in SINGULAR_ROLES or head in _PERSONAL_TITLES):
        return Mention(phrase, start, end, "role", head, _gender(words))
    return Mention(phrase, start, end, "group", head, "pl" if plural else "it")


def name_and_title(words: list[str]) -> tuple[list[str], list[str]]:
    """Split ``Japan's Minister of Defense Kishi`` into (['Kishi'], ['Minister', 'of', 'Defense']);
    ``Bonnie Glaser of the German Marshall Fund`` is Bonnie Glaser."""
    words = _before_affiliation(words)
    run = _capitalised_run(words)
    cut = _title_end(run)
    name, title = run[cut:], run[:cut]
    if "of" in name:
        name = name[:name.index("of")]
    if any(bare(w) in ORG_HEADS or bare(w) in NP_NOUNS or bare(w) in NP_MODS for w in name):
        return [], title
    if not name or all(bare(w) in GEO or w.isupper() and len(w) <= 5 for w in name):
        return [], title
    if any(bare(w) in ORG_HEADS for w in title) and not any(bare(w) in _PERSONAL_TITLES for w in title):
        return [], title
    return name, title


def _before_affiliation(words: list[str]) -> list[str]:
    """``Bonnie Glaser of the German Marshall Fund`` -> ``Bonnie Glaser`` (not after a title)."""
    for k, word in enumerate(words[1:], 1):
        prev = bare(words[k - 1])
        if word == "of" and is_cap(words[k - 1]) and prev not in TITLES and prev not in ORG_HEADS:
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
        if (low in TITLES or low in ORG_HEADS or possessive(word)) and not surname:
            cut = k + 1
    return cut


def _gender(words: list[str]) -> str | None:
    """'f' or 'm' from a gendered title or a woman's given name, else unknown."""
    lows = {bare(w) for w in words}
    if lows & FEMININE or lows & FEMALE_NAMES:
        return "f"
    if lows & MASCULINE:
        return "m"
    return None


def sentence_subject(text: str, start: int, limit: int) -> Mention | None:
    """The noun phrase opening a sentence (after a discourse word), if it ends before ``limit``."""
    m = _SUBJECT_LEAD.match(text, start)
    np = np_after(text, m.end(), min(limit, m.end() + 100))
    if np is None or np.end >= limit:
        return None
    appos = _COMMA.match(text, np.end)
    if np.kind != "person" and appos:  # "The EU's climate commissioner, Wopke Hoekstra, ..."
        named = np_after(text, appos.end(), min(limit, appos.end() + 60))
        if named is not None and named.kind == "person" and text.startswith(",", named.end):
            return named
    return np
