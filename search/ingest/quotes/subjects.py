"""The speaker named before a cue: the subject of its clause, past appositives
(``Austin, who participated virtually, said``), party tags (``Sen. Y (D-Mo.) said``),
prepositional phrases and participle phrases of a description (``a spokesperson for the
developer``, ``A survey published this week found``)."""

from __future__ import annotations

import re

from search.ingest.quotes.phrases import (
    TIME_BEFORE, Mention, finding_author, joined, np_before, postmodified_before,
)
from search.ingest.quotes.vocabulary import ADVERBS, IRREGULAR_PARTICIPLES, NP_NOUNS, TITLES
from search.ingest.quotes.words import bare, possessive

# A speaker phrase right after a preposition is its object, not the subject ("told by the minister").
_PREPOSITION_END = re.compile(
    r"\b(?:at|in|to|from|with|by|for|of|on|about|into|over|under|between|among|against|towards?|"
    r"than|like|via|through|during|after|before|since|until)\s+$"
)
# Only a discourse word before the subject ("But, ", "Meanwhile "), and a quantity's adverb
# ("But only 29 percent said").
_DISCOURSE_ONLY = re.compile(r"\s*(?:(?:But|And|Yet|So|Still|Meanwhile|However|Now|Then)\s*,?\s*)?"
                             r"(?:(?:[Oo]nly|[Jj]ust|[Nn]early|[Aa]lmost|[Aa]bout|[Rr]oughly|[Aa]round)\s+)?")
# A clause opening just before the subject: "what", "which", "that", a subordinator ("where
# the Conservatives have said"), a comma or semicolon, or a coordinating or concessive conjunction.
_CLAUSE_OPENING = re.compile(
    r"(?:\b(?:what|which|that|where|when|because|since|after|before|if|unless|once|until)\s+|"
    r"[,;:]\s*(?:(?:but|and|while|as|although|though|whereas|yet)\s+)?|"
    r"(?:^|\W)(?:[Bb]ut|[Aa]nd|[Ww]hile|[Aa]lthough|[Tt]hough|[Ww]hereas)\s+)$"
)
_ARTICLE_MODIFIER = re.compile(r"\s*(?:[Tt]he|[Aa]n?|[A-Z][\w.]*['’]s)\s+(?:[a-z-]+\s+){1,2}")
_PARTICIPLE = re.compile(r"\w+(?:ed|ing)$")  # "asked about it", "speaking in Tokyo"
# A participle phrase ending a description: "published this week", "brought by 140 families".
_PARTICIPLE_PHRASE = re.compile(
    rf"\s(?:[a-z]+ed|{'|'.join(sorted(IRREGULAR_PARTICIPLES))})\b[^,;:\"“”()]{{0,80}}$")  # not "Mohamed"
_RELATIVE = re.compile(r",\s*who\s+(?:\w+\s+){0,2}$")  # "..., who noted", ", who had earlier said"
_SEGMENT_MARKS = re.compile(r"[(),]")
_COPULA = re.compile(r"\b(?:was|were|is|are)\s")  # "Also testifying was Adm. X"
_AS_OPENING = re.compile(r"\s*as\s")  # a segment "as X" names the subject of an as-clause
_AGENT = re.compile(r"\bby\s")  # "released in June by the Kansas Hospital Association"
_PARTY_TAG = re.compile(r"\s*\([^()]{1,40}\)\s*$")  # "Sen. Y (D-Minn.)", "Gordon Baird (Lab, Falkirk)"
_LAST_WORD = re.compile(r"\s*\b(\w+)\s*$")
# A party tag set off by commas: "Sen. Carl Webb, R-Texas, said", "Rep. Ann Lo, D-N.Y., said".
_PARTY_SEGMENT = re.compile(r"\s*(?:[DRI]|Dem|Rep|Ind)-[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?\s*")
# First words of a segment between commas that describes the subject ("who ...", "a former
# diplomat", "speaking in Tokyo") instead of being it.
_APPOSITIVE_OPENERS = {"who", "which", "whose", "for", "in", "however", "meanwhile", "too", "though",
                       "also", "then", "speaking", "asked", "a", "an", "the", "one", "now", "until",
                       "like", "as", "at", "on"}


def subject(text: str, left: int, cue_start: int) -> Mention | None:
    """The speaker named before a cue, in the clause starting at ``left``; a chain of phrases
    closed by a comma ('X, speaking to Yle late on Tuesday, said') even when a time ends it."""
    end = bare_end(text, left, cue_start)
    raw_end = cue_start
    while raw_end > left and text[raw_end - 1].isspace():
        raw_end -= 1
    if end > left and (text[end - 1] == "," or raw_end > end and text[raw_end - 1] == ","):
        relative = _RELATIVE.search(text, max(left, cue_start - 40), cue_start) is not None
        close = end - 1 if text[end - 1] == "," else raw_end - 1
        return _chain_subject(text, left, close, closed=True, relative=relative)
    np = np_before(text, left, end, common=True)
    np = postmodified_before(text, left, np) if np is not None else None
    governed = np is not None and np.kind != "pronoun" and \
        _PREPOSITION_END.search(text, max(left, np.start - 12), np.start) is not None
    if np is not None and not governed and (np.kind in ("pronoun", "self", "person") or
                                            _clause_initial(text, left, np.start)):
        return np
    described = _participial(text, left, end)  # "A report released in June by the X Association"
    if described is not None or np is None:
        return described or _chain_subject(text, left, end, closed=False)
    who = text.rfind(", who", left, np.start) if governed else -1  # "Pope Paul VI, who in Milan observed"
    return np_before(text, left, who) if who >= 0 else None


def bare_end(text: str, left: int, end: int) -> int:
    """Where the speaker phrase before ``end`` ends: before adverbs ('later', 'has'), a time
    ('on Thursday') and a party tag ('(D-Mo.)')."""
    while end > left:
        tail = TIME_BEFORE.search(text, left, end) or _PARTY_TAG.search(text, left, end)
        word = _LAST_WORD.search(text, left, end)
        if tail is not None:
            end = tail.start()
        elif word is not None and word.group(1).lower() in ADVERBS:
            end = word.start()
        else:
            return len(text[:end].rstrip())
    return end


def _participial(text: str, left: int, end: int) -> Mention | None:
    """``A Forsa survey published this week``: a description before a participle phrase, which
    stays in the speaker's words only when it names an agent ('a filing in a lawsuit brought by
    X'); a study's or poll's author is the source ('A report released in June by X found')."""
    m = _PARTICIPLE_PHRASE.search(text, left, end)
    while m is not None:  # "A court filing in a related lawsuit | brought by 140 families"
        head = np_before(text, left, m.start(), common=True)
        if head is not None and not text[head.end:m.start()].strip():
            np = postmodified_before(text, left, head)
            if _clause_initial(text, left, np.start):
                author = finding_author(text, head, end)  # "A report released in June by X": X
                return author or (joined(np, end, text) if _AGENT.search(text, m.start(), end) else np)
        m = _PARTICIPLE_PHRASE.search(text, m.start() + 1, end)
    return None


def _chain_subject(text: str, left: int, end: int, closed: bool, relative: bool = False) -> Mention | None:
    """The subject among comma-separated phrases before a cue: ``Austin, who participated
    virtually, said`` -> Austin; ``Japan's minister, Nobuo Kishi, said`` -> Nobuo Kishi;
    ``Jean Lindqvist, 67, who farms near Ames, said`` -> Jean Lindqvist; ``The governor,
    speaking at a news conference, said`` -> the governor. A named person wins over a
    description; ``lead`` is where the whole chain starts. After a relative 'who' the chain may
    end in an object: ``..., said Clara Montague, a trade analyst, who noted`` -> Clara Montague."""
    bounds = _segments(text, left, end)
    if not closed:
        seg_start, seg_end = bounds.pop()
        if len(bounds) == 0 or not _appositive(text[seg_start:seg_end]):
            return None
    person = description = None
    lead = None
    for seg_start, seg_end in reversed(bounds):
        if _PARTY_SEGMENT.fullmatch(text, seg_start, seg_end):
            continue  # "Sen. Carl Webb, R-Texas, said": the tag names no one
        np = _segment_np(text, seg_start, seg_end)
        if np is None:
            # after a relative 'who' the chain may end in an object: "Also testifying was Adm. X, ..."
            named = np_before(text, seg_start, bare_end(text, seg_start, seg_end)) if relative else None
            appositive = _appositive(text[seg_start:seg_end])
            if named is not None and named.kind == "person" and person is None and \
                    (not appositive or _COPULA.search(text, seg_start, named.start)):
                person, lead = named, named.start
                break
            if not appositive:
                break
        lead = np.start if np is not None else seg_start
        if np is not None and np.kind == "person" and person is None and \
                bare(np.text.split()[0]) not in ("a", "an"):  # "a Minnesota Democrat" describes
            person = np
            if _AS_OPENING.match(text, seg_start):
                break  # "the results, as Mr. Molotov, the minister, has noted, confirmed"
        elif np is not None and np.kind != "pronoun":
            description = np
    found = person or description
    if found is not None and person is None:
        found = finding_author(text, found, end) or found  # "The report, published by the World Bank, found"
    if found is not None:
        found.lead = lead
    return found


def _segments(text: str, left: int, end: int) -> list[tuple[int, int]]:
    """``[left, end)`` split at its commas, commas inside parentheses ('(Lab, Falkirk)') kept."""
    bounds, start, depth = [], left, 0
    for m in _SEGMENT_MARKS.finditer(text, left, end):  # the regex skips to them in C
        char, pos = m.group(), m.start()
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif not depth and not (text[pos - 1:pos].isdigit() and text[pos + 1:pos + 2].isdigit()):
            bounds.append((start, pos))  # not the comma of "16,000"
            start = pos + 1
    bounds.append((start, end))
    return bounds


def _segment_np(text: str, start: int, end: int) -> Mention | None:
    """The noun phrase that is a whole segment (a party tag after it allowed), or None."""
    end = bare_end(text, start, end)
    if not text[start:end].strip():
        return None
    np = np_before(text, start, end, common=True) or _participial(text, start, end)
    if np is None:
        return None
    np = postmodified_before(text, start, np)
    opening = start - 1 if start and text[start - 1] == "," else start  # ", as Mr. Molotov"
    return np if _clause_initial(text, opening, np.start) and np.kind != "self" else None


def _clause_initial(text: str, left: int, pos: int) -> bool:
    """Only a discourse word, or a relative 'what/which', stands before ``pos`` in the clause,
    or an article or a possessor and a modifier before a name ('The conservative Border First
    Coalition', "China's state-run Global Times")."""
    head = text[left:pos]
    return _DISCOURSE_ONLY.fullmatch(head) is not None or _CLAUSE_OPENING.search(head) is not None or \
        _ARTICLE_MODIFIER.fullmatch(head) is not None


def _appositive(segment: str) -> bool:
    """A segment between commas that describes the subject rather than being it: 'who ...', 'a
    former diplomat', 'speaking in Tokyo', an age ('67')."""
    words = segment.split()
    if not words:
        return False
    first = words[0].lower()
    return first in _APPOSITIVE_OPENERS or bool(_PARTICIPLE.match(first)) or first[0].isdigit() or \
        bare(first) in NP_NOUNS or bare(first) in TITLES or possessive(first)
