"""Reported speech: the unquoted clauses an attribution introduces (``Blinken said Tokyo and
Washington will ...``), split at coordinated 'that's, and kept only if they read as clauses."""

from __future__ import annotations

import bisect
import re

from search.ingest.quotes.attribution import Attribution, cues
from search.ingest.quotes.quote import Draft
from search.ingest.quotes.sentences import QuotedText
from search.ingest.quotes.vocabulary import FINDING, IRREGULAR_PAST, NON_CLAUSE_START, REPORTING
from search.ingest.quotes.words import strip_span

# A finite verb: an auxiliary, a past tense (regular or common irregular), a present tense
# -s form followed by a typical object or particle, or any word after a subject pronoun.
_AUXILIARY = r"is|are|was|were|will|would|could|should|can|may|might|must|has|have|had|did|does|do|shall|\w+n't|cannot"
_PAST = "|".join([r"\w{2,}ed", *sorted(IRREGULAR_PAST)])
_FINITE = re.compile(
    rf"\b(?:{_AUXILIARY}|{_PAST}|\w{{3,}}s\s+(?:the|a|an|to|that|it|its|their|his|her|no|not|more|in|on|"
    r"for|with|up|out|down|[A-Z]\w*))\b|\b(?:I|we|you|he|she|they)\s+[a-z]{2,}\b"
)
# A coordinated predicate: "... and found him", "... and would leave ..." (a claim: "would ...").
_PREDICATE = re.compile(rf"(?:{_AUXILIARY}|{_PAST})\b")
_CLAIM = re.compile(rf"(?:{_AUXILIARY})\b")
_PAST_START = re.compile(rf"(?:{_PAST})\b")
_PERSONAL_PRONOUNS = {"he", "she", "they", "it", "i", "we"}
# A quantity opening a clause ("at least 20 people died"), though its first word is a preposition.
_QUANTITY = re.compile(r"(?:at least|at most|about|around|over|nearly|almost|more than|less than|fewer than|"
                       r"up to)\s+(?:[\d$€£]|(?:one|two|three|four|five|six|seven|eight|nine|ten|a dozen|"
                       r"dozens|hundreds|thousands|half)\b)")
# "there" with its verb opens a clause ("insisted there will be no referendum"), not a place.
_EXISTENTIAL = re.compile(rf"[Tt]here\s+(?:{_AUXILIARY}|remains?|seems?|appears?|exists?)\b")
# Words opening a subordinate clause before the main one: "If the talks fail, the ministry will ...".
_SUBORDINATE_OPENERS = {"if", "unless", "once", "when", "while", "although", "though", "because", "since",
                        "after", "before", "until"}
# What links a coordinated cue to a reported clause: ", but conceded", " and said", ", adding", " to say".
_CUE_LINK = re.compile(r"(?:,\s*(?:(?:and|but)\s+)?|\s+(?:and|but|to)\s+)$")
_PREDICATE_WORDS = 7  # words of a coordinated predicate reported on its own
_COORDINATOR = re.compile(r",?\s+(?:and|but)\s+")  # between coordinated clauses or predicates
_THAT_END = re.compile(r"\bthat\s+$")
_SPLIT_THAT = re.compile(r",?\s+(?:and|but)\s+that\s+")  # "... that A, and that B"
_FIRST_WORDS = re.compile(r"(?:\S+\s+){0,9}\S+")  # a reported clause shows its verb early
# Words opening a subordinate clause after a mid-sentence attribution: no second reported half.
_SUBORDINATORS = _SUBORDINATE_OPENERS | {"as", "whereas", "which", "who", "and", "but", "so", "amid", "despite"}
_CLAUSE_EDGES = " \t\n.,;:!?"
_OPENING_CHARS = "\"“”‘’'«»("  # a clause opening with one of these is a quote or an aside
# A participle phrase opening the sentence: "Asked whether ...", "Speaking to reporters", "Pressed on".
_PARTICIPLE_OPENING = re.compile(r"[A-Z][a-z]+(?:ed|ing)\s+(?:by|about|whether|if|on|to|at|in|why|how|what|for)\b")
_FINAL_CHARS = ".!?\"”’')»…:"  # how a paragraph of prose ends
_HEADING_WORDS = 20
_RECENT_DRAFTS = 4  # clauses of the same sentence compared for overlap


def reported(doc: QuotedText, attributions: list[Attribution]) -> list[Draft]:
    """Reported clauses without quote marks; a clause holding a quoted fragment is left to the
    fragment; where two attributions claim overlapping clauses the earlier cue wins."""
    tail_ends = sorted(a.before[1] for a in attributions if a.before)
    drafts: list[Draft] = []
    for att in attributions:
        if not att.reports or att.as_clause or att.mention is None or _heading(doc, att.cue_start):
            continue
        for start, end in _report_pieces(doc, att, tail_ends):
            if not any(d.start < end and start < d.end for d in drafts[-_RECENT_DRAFTS:]):
                drafts.append(Draft(start, end, "reported", att.mention, att.cue))
    return drafts


def _report_pieces(doc: QuotedText, att: Attribution, tail_ends: list[int]) -> list[tuple[int, int]]:
    """The reported clauses of one attribution: what a forward cue introduces (split at 'and
    that'), what precedes a closing one, or both halves around a mid-sentence one ('The
    alternative, he says, is to watch ...'). Parts holding a quote are left to the quote."""
    text = doc.text
    before = strip_span(text, *att.before, _CLAUSE_EDGES) if att.before else None
    before = before if before and before[1] > before[0] and not doc.overlaps_quote(*before) else None
    after: list[tuple[int, int, bool]] = []
    for piece in _clauses(text, _cut_at_tail(att.after, tail_ends)) if att.after else []:
        after += _unquoted_parts(doc, *_without_apposition(text, *strip_span(text, *piece, _CLAUSE_EDGES)))
    if before and after and att.after[0] > att.cue_start > att.before[1]:
        first = text[after[0][0]:after[0][0] + 12].split()[0].lower()
        if _FINITE.search(text, before[0], after[0][1]) and text[after[0][0]].islower() and \
                first not in _SUBORDINATORS:
            return [before, after[0][:2]]
    according = att.cue.lower() == "according to"
    introduced = according or att.cue in FINDING or (  # "A poll found Brennick with 19% support"
        att.after is not None and _THAT_END.search(text, max(att.cue_end, att.after[0] - 120), att.after[0]))
    # A clause an attribution closes ("C, X said.") needs no verb test: the cue shows it is speech.
    valid = [before] if before and _valid_clause(text, *before, according or att.after is None) else []
    for k, (start, end, predicate) in enumerate(after):
        if _valid_predicate(text, start, end) if predicate else _valid_clause(text, start, end, introduced or k > 0):
            valid.append((start, end))
    return valid


def _heading(doc: QuotedText, pos: int) -> bool:
    """A short line with no final stop ('18:42 – Draft declaration agreed, diplomats say', 'Minister
    says talks will go on'): a headline or a live blog's heading, which reports nothing."""
    start, end = doc.sentences.block(pos)
    line = doc.text[start:end].rstrip()
    return bool(line) and line[-1] not in _FINAL_CHARS and len(line.split()) <= _HEADING_WORDS


def _without_apposition(text: str, start: int, end: int) -> tuple[int, int]:
    """A clause without the noun phrase in apposition that closes it: "only 24 percent are
    satisfied, the lowest figure for any coalition" -> "only 24 percent are satisfied"."""
    comma = text.rfind(",", start, end)
    tail = text[comma + 1:end].split() if comma > start else []
    if tail and tail[0].lower() in ("the", "a", "an") and not _FINITE.search(text, comma, end):
        return start, comma
    return start, end


def _unquoted_parts(doc: QuotedText, start: int, end: int) -> list[tuple[int, int, bool]]:
    """A reported clause up to a coordinated cue ('..., but conceded ...', '... to say ...');
    when it holds a quote, its coordinated clauses and predicates that hold none ('he had
    spoken to the governor' and found him "willing"), each marked True if a predicate."""
    text = doc.text
    end = _before_coordinated_cue(doc, start, end)
    if not doc.overlaps_quote(start, end):
        return [(start, _before_narrative(text, start, end), False)] if end > start else []
    parts, pos, predicate = [], start, False
    for m in _COORDINATOR.finditer(text, start, end):
        follows = m.end()
        opens_predicate = _PREDICATE.match(text, follows) is not None
        opens_clause = m.group().startswith(",") and _FINITE.search(text, follows, _word_end(text, follows, end))
        if doc.quoted(m.start()) or not (opens_predicate or opens_clause):
            continue
        parts.append((pos, m.start(), predicate))
        pos, predicate = follows, opens_predicate
    parts.append((pos, end, predicate))
    return [(a, b, p) for a, b, p in parts if b > a and not doc.overlaps_quote(a, b)]


def _before_narrative(text: str, start: int, end: int) -> int:
    """Where a clause whose subject is not the speaker ends at a past-tense predicate: in
    "said Ukraine's future was in the alliance but stopped short of ...", the leaders stopped;
    after "he would support the motion" a coordinated predicate may still be his words."""
    if text[start:start + 5].split(" ")[0].lower() in _PERSONAL_PRONOUNS:
        return end
    for m in _COORDINATOR.finditer(text, start, end):
        if _PAST_START.match(text, m.end()):
            return m.start()
    return end


def _before_coordinated_cue(doc: QuotedText, start: int, end: int) -> int:
    """Where a reported clause stops for a cue coordinated with its own ('... votes, but
    conceded', '... on Monday to say'): that cue reports the rest."""
    text = doc.text
    for m in cues(text, start, end):
        link = _CUE_LINK.search(text, max(start, m.start() - 8), m.start())
        if link is not None and m.group().split()[0] in REPORTING and not doc.quoted(m.start()):
            return link.start()
    return end


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
    it) a finite verb, so that 'we have added its presence to the group' is no report; a
    subordinate clause first ('If the talks fail, ...') if a clause follows its comma."""
    words = text[start:end].split()
    if len(words) < 3 or text[start] in _OPENING_CHARS:
        return False
    first = words[0].lower()
    if _PARTICIPLE_OPENING.match(text, start, end):
        return False  # "Asked by reporters whether ..., she laughed": a question, no report
    if first in _SUBORDINATE_OPENERS:
        comma = text.find(",", start, end)
        return comma > 0 and _valid_clause(text, *strip_span(text, comma + 1, end, _CLAUSE_EDGES), introduced)
    if first in NON_CLAUSE_START and not introduced and not _QUANTITY.match(text, start, end) and \
            not _EXISTENTIAL.match(text, start, end):
        return False
    return introduced or _FINITE.search(text, start, _word_end(text, start, end)) is not None


def _valid_predicate(text: str, start: int, end: int) -> bool:
    """A coordinated predicate that makes a claim of its own: an auxiliary first, and long enough
    ('would keep campaigning on health care costs'); an action ('and repeated the call for ...')
    is narrative, and a short claim after a quote ('... "illegitimate" and would hurt Europeans
    more') reads as the quote's tail, as the gold annotation has it."""
    return len(text[start:end].split()) >= _PREDICATE_WORDS and _CLAIM.match(text, start) is not None


def _word_end(text: str, start: int, end: int) -> int:
    """Where the first ten words after ``start`` end (at most ``end``): a reported clause shows
    its verb early."""
    m = _FIRST_WORDS.match(text, start, end)
    return m.end() if m else start
