"""The speaker named before a cue: the subject of its clause, past appositives
(``Austin, who participated virtually, said``) and prepositional phrases."""

from __future__ import annotations

import re

from search.ingest.quotes.phrases import Mention, np_before
from search.ingest.quotes.vocabulary import NP_NOUNS, TITLES
from search.ingest.quotes.words import bare, possessive

# A speaker phrase right after a preposition is its object, not the subject ("told by the minister").
_PREPOSITION_END = re.compile(
    r"\b(?:at|in|to|from|with|by|for|of|on|about|into|over|under|between|among|against|towards?|"
    r"than|like|via|through|during)\s+$"
)
# Only a discourse word before the subject: "But, ", "Meanwhile ".
_DISCOURSE_ONLY = re.compile(r"\s*(?:(?:But|And|Yet|So|Still|Meanwhile|However|Now|Then)\s*,?\s*)?")
# A clause opening just before the subject: "what", "which", "that", a comma or semicolon, or
# a coordinating or concessive conjunction.
_CLAUSE_OPENING = re.compile(
    r"(?:\b(?:what|which|that)\s+|[,;:]\s*(?:(?:but|and|while|as|although|though|whereas|yet)\s+)?|"
    r"(?:^|\W)(?:[Bb]ut|[Aa]nd|[Ww]hile|[Aa]lthough|[Tt]hough|[Ww]hereas)\s+)$"
)
_PARTICIPLE = re.compile(r"\w+(?:ed|ing)$")  # "asked about it", "speaking in Tokyo"
# First words of a segment between commas that describes the subject ("who ...", "a former
# diplomat", "speaking in Tokyo") instead of being it.
_APPOSITIVE_OPENERS = {"who", "which", "whose", "for", "in", "however", "meanwhile", "too", "though",
                       "also", "then", "speaking", "asked", "a", "an", "the", "one", "now", "until",
                       "like", "as", "at"}


def subject(text: str, left: int, cue_start: int) -> Mention | None:
    """The speaker named before a cue, in the clause starting at ``left``."""
    segment = text[left:cue_start].rstrip()
    end = left + len(segment)
    if segment.endswith(","):
        return _appositive_subject(text, left, end - 1, closed=True)
    np = np_before(text, left, end)
    if np is None:
        return _appositive_subject(text, left, end, closed=False)
    if _PREPOSITION_END.search(text, max(left, np.start - 12), np.start):
        who = text.rfind(", who", left, np.start)  # "Pope Paul VI, who in Milan observed"
        return np_before(text, left, who) if who >= 0 else None
    if np.kind in ("pronoun", "self", "person") or _clause_initial(text, left, np.start):
        return np
    return None


def _appositive_subject(text: str, left: int, end: int, closed: bool) -> Mention | None:
    """``Austin, who participated virtually, said`` -> Austin; ``Japan's minister, Nobuo Kishi,
    said`` -> Nobuo Kishi; ``Pelosi, asked about it, said`` -> Pelosi."""
    comma = text.rfind(",", left, end)
    seg_start = comma + 1 if comma >= 0 else left
    last = np_before(text, seg_start, end)
    whole = last is not None and _clause_initial(text, seg_start, last.start)
    if whole and (last.kind == "person" or comma < 0):
        return last if closed or last.kind == "person" else None
    if comma < 0 or not _appositive(text[seg_start:end], whole):
        return None
    prior_left = max(left, text.rfind(",", left, comma) + 1)
    prior = np_before(text, prior_left, comma)
    if prior is not None and (prior.kind != "group" or _clause_initial(text, prior_left, prior.start)):
        return prior
    return last if whole else None


def _clause_initial(text: str, left: int, pos: int) -> bool:
    """Only a discourse word, or a relative 'what/which', stands before ``pos`` in the clause."""
    head = text[left:pos]
    return _DISCOURSE_ONLY.fullmatch(head) is not None or _CLAUSE_OPENING.search(head) is not None


def _appositive(segment: str, whole_np: bool) -> bool:
    """A segment between commas that describes the subject rather than being it."""
    words = segment.split()
    if not words:
        return False
    first = words[0].lower()
    return whole_np or first in _APPOSITIVE_OPENERS or bool(_PARTICIPLE.match(first)) or \
        bare(first) in NP_NOUNS or bare(first) in TITLES or possessive(first)
