"""Reported speech: the unquoted clauses an attribution introduces (``Blinken said Tokyo and
Washington will ...``), split at coordinated 'that's, and kept only if they read as clauses."""

from __future__ import annotations

import bisect
import re

from search.ingest.quotes.attribution import Attribution
from search.ingest.quotes.quote import Draft
from search.ingest.quotes.sentences import QuotedText
from search.ingest.quotes.vocabulary import NON_CLAUSE_START
from search.ingest.quotes.words import strip_span

# A finite verb: an auxiliary, a past tense (regular or common irregular), or a present
# tense -s form followed by a typical object or particle.
_FINITE = re.compile(
    r"\b(?:is|are|was|were|will|would|could|should|can|may|might|must|has|have|had|did|does|do|shall|"
    r"\w+n't|cannot|\w{2,}ed|fell|made|took|gave|got|came|went|saw|knew|thought|found|left|felt|kept|held|"
    r"brought|began|ran|won|lost|met|paid|sent|spent|built|stood|meant|led|rose|grew|drew|broke|spoke|chose|"
    r"became|sold|bought|fought|sought|struck|fled|withdrew|"
    r"\w{3,}s\s+(?:the|a|an|to|that|it|its|their|his|her|no|not|more|in|on|"
    r"for|with|up|out|down))\b"
)
# A quantity opening a clause ("at least 20 people died"), though its first word is a preposition.
_QUANTITY = re.compile(r"(?:at least|at most|about|around|over|nearly|almost|more than|less than|fewer than|"
                       r"up to)\s+[\d$€£]")
_THAT_END = re.compile(r"\bthat\s+$")
_SPLIT_THAT = re.compile(r",?\s+(?:and|but)\s+that\s+")  # "... that A, and that B"
_FIRST_WORDS = re.compile(r"(?:\S+\s+){0,9}\S+")  # a reported clause shows its verb early
# Words opening a subordinate clause after a mid-sentence attribution: no second reported half.
_SUBORDINATORS = {"as", "because", "since", "while", "although", "though", "when", "after", "before", "if",
                  "unless", "whereas", "which", "who", "and", "but", "so", "amid", "despite"}
_CLAUSE_EDGES = " \t\n.,;:!?"
_OPENING_CHARS = "\"“”‘’'«»("  # a clause opening with one of these is a quote or an aside
_RECENT_DRAFTS = 4  # clauses of the same sentence compared for overlap


def reported(doc: QuotedText, attributions: list[Attribution]) -> list[Draft]:
    """Reported clauses without quote marks; a clause holding a quoted fragment is left to the
    fragment; where two attributions claim overlapping clauses the earlier cue wins."""
    tail_ends = sorted(a.before[1] for a in attributions if a.before)
    drafts: list[Draft] = []
    for att in attributions:
        if not att.reports or att.as_clause or att.mention is None:
            continue
        for start, end in _report_pieces(doc, att, tail_ends):
            if not any(d.start < end and start < d.end for d in drafts[-_RECENT_DRAFTS:]):
                drafts.append(Draft(start, end, "indirect", att.mention, att.cue))
    return drafts


def _report_pieces(doc: QuotedText, att: Attribution, tail_ends: list[int]) -> list[tuple[int, int]]:
    """The reported clauses of one attribution: what a forward cue introduces (split at 'and
    that'), what precedes a closing one, or both halves around a mid-sentence one ('The
    alternative, he says, is to watch ...'). Pieces holding a quote are left to the quote."""
    text = doc.text
    before = strip_span(text, *att.before, _CLAUSE_EDGES) if att.before else None
    after = [strip_span(text, *piece, _CLAUSE_EDGES) for piece in _clauses(text, _cut_at_tail(att.after, tail_ends))] \
        if att.after else []
    before = before if before and before[1] > before[0] and not doc.overlaps_quote(*before) else None
    after = [p for p in after if p[1] > p[0] and not doc.overlaps_quote(*p)]
    if before and after and att.after[0] > att.cue_start > att.before[1]:
        first = text[after[0][0]:after[0][0] + 12].split()[0].lower()
        if _FINITE.search(text, before[0], after[0][1]) and text[after[0][0]].islower() and \
                first not in _SUBORDINATORS:
            return [before, after[0]]
    according = att.cue.lower() == "according to"
    introduced = according or (
        att.after is not None and _THAT_END.search(text, max(att.cue_end, att.after[0] - 120), att.after[0]))
    pieces = [(before, according)] if before else []
    pieces += [(p, bool(introduced) or k > 0) for k, p in enumerate(after)]
    return [p for p, intro in pieces if _valid_clause(text, *p, intro)]


def _cut_at_tail(content: tuple[int, int], tail_ends: list[int]) -> tuple[int, int]:
    """``X told Y that C, according to Z.``: the clause stops before the trailing attribution."""
    start, end = content
    i = bisect.bisect_right(tail_ends, start)
    if i < len(tail_ends) and tail_ends[i] < end:
        end = tail_ends[i]
    return start, end


def _clauses(text: str, content: tuple[int, int]) -> list[tuple[int, int]]:
    """Coordinated reported clauses: '... that A, but that B' -> A, B."""
    start, end = content
    pieces = []
    for m in _SPLIT_THAT.finditer(text, start, end):
        pieces.append((start, m.start()))
        start = m.end()
    pieces.append((start, end))
    return pieces


def _valid_clause(text: str, start: int, end: int, introduced: bool) -> bool:
    """Looks like a clause: three words, a plausible first word, and (unless 'that' introduced
    it) a finite verb, so that 'we have added its presence to the group' is no report."""
    words = text[start:end].split()
    if len(words) < 3 or text[start] in _OPENING_CHARS or \
            words[0].lower() in NON_CLAUSE_START and not _QUANTITY.match(text, start, end):
        return False
    return introduced or _FINITE.search(text, start, _word_end(text, start)) is not None


def _word_end(text: str, start: int) -> int:
    """Where the first ten words after ``start`` end: a reported clause shows its verb early."""
    m = _FIRST_WORDS.match(text, start)
    return m.end() if m else start
