"""Quoted spans as quotes: direct when the span is the attributed utterance, partial when it
is a fragment woven into an attributed sentence, a continuation when it stands alone."""

from __future__ import annotations

import bisect
import re

from search.ingest.quotes.attribution import Attribution, cues
from search.ingest.quotes.marks import Span
from search.ingest.quotes.phrases import Mention, np_before
from search.ingest.quotes.quote import Draft
from search.ingest.quotes.sentences import QuotedText
from search.ingest.quotes.subjects import bare_end, subject
from search.ingest.quotes.vocabulary import BARE_QUOTE, FINDING
from search.ingest.quotes.words import strip_span

_REACH = 400  # how far from a quote an attribution may be
# Between a mid-quote attribution and the quote's second half: '"Q1," said X, a minister, "Q2."'
_RESUME = re.compile(r"[^\"“”«».!?\n]*,\s*")
# An attribution ending its paragraph with a colon: '... the Command said:\n"Q"'.
_COLON_BREAK = re.compile(r"[^\"“”«».!?\n]*:\s*\n\s*")
_THAT_WORD = re.compile(r"\bthat\b")
_THAT_BEFORE = re.compile(r"\bthat\s*$")  # 'X said that "q"': a fragment
_PUNCTUATION_BEFORE = re.compile(r"[:,]\s*$")  # 'X said: "Q"', 'X said, "Q"'
_CLOSING_MARKS = "\"”’'»"
# Between a cue and a quote it introduces bare: nothing, a colon, or other such quotes.
_QUOTES_BETWEEN = re.compile(r"\s*[:,]?\s*(?:[\"“][^\"“”\n]{1,200}[\"”]\s*(?:,|and|or)?\s*)*")
_COLON_HEAD = 160  # how long a speaker phrase before a colon may be
_ROUNDUP_WORDS = 8  # words between a roundup's name and its colon ("The Atlantic Review", "on X")
_ROUNDUP_PERSON_WORDS = 16  # after a person's name, a longer description ("former ambassador to ..., speaking to X")
# A past tense and its short object before a colon: "intervened:", "pressed him:", "shot back:".
_VERB_BEFORE_COLON = re.compile(r"\b(?:[a-z]+ed|shot|hit|struck|wrote)\b(?:\s+(?:him|her|them|back|in|out))?\s*:$")
# A cue's few words up to the quote it introduces: 'described as "', 'called it "', 'said: "'.
_LEADS_TO_QUOTE = re.compile(r"(?:\s*(?!and\b|but\b|or\b)[\w’'-]+){0,3}\s*:?\s*")
# Words of the sentence before an as-clause ('her sister is, as X puts it, "q"'): what follows
# completes that sentence, a fragment.
_AS_MID_SENTENCE = re.compile(r"\s*[^\W_][^.!?]*,\s*[Aa]s\s+$")  # not '"Peace", as X said, "will ..."'
_OPENING_MARKS = "\"“‘«„'"
_EXACT_EDGES = " \t\n,.;:—–-"  # trimmed off an attribution's content to compare it with a quote


def quoted(doc: QuotedText, attributions: list[Attribution]) -> list[Draft]:
    """Each quoted span as direct (it is the attributed utterance) or partial (embedded)."""
    drafts = []
    starts = [a.cue_start for a in attributions]
    for span in doc.spans:
        lo = bisect.bisect_left(starts, span.open - _REACH)
        hi = bisect.bisect_right(starts, span.close + _REACH)
        near = [a for a in attributions[lo:hi] if a.mention is not None]
        draft = _direct(doc, span, near) or _embedded(doc, span, near) or _standalone(doc, span)
        if draft is not None:
            drafts.append(draft)
    return drafts


def _direct(doc: QuotedText, span: Span, near: list[Attribution]) -> Draft | None:
    """The quote is what an attribution introduces or closes (``"Q," X said``, ``X said: "Q"``),
    resumes after one (``"Q1," he said, "Q2."``), follows a colon ending the previous paragraph,
    or follows a bare speaker and colon (``Duvall: "Q"``)."""
    text = doc.text
    s_start, _ = doc.sentences.bounds(span.open)
    head = text[s_start:span.open].rstrip()
    for att in near:
        if att.as_clause and _AS_MID_SENTENCE.match(text, s_start, att.mention.start):
            continue  # "her sister is, as Volkova puts it, "on another planet."": a fragment
        if att.before is not None and _exactly(text, att.before, span) or \
                att.after is not None and _exactly(text, att.after, span) and _introduces(text, att, span) or \
                _resumes(text, att, span) or not head and _introduces_paragraph(text, att, span) or \
                _utterance_after(text, att, span):
            return Draft(span.start, span.end, "direct", att.mention, att.cue)
    if head.endswith(":") and len(head) < _COLON_HEAD:
        speaker = _colon_speaker(text, s_start, s_start + len(head) - 1)
        if speaker is not None:
            return Draft(span.start, span.end, "direct", speaker, None)
    return None


def _utterance_after(text: str, att: Attribution, span: Span) -> bool:
    """``the crowd chanted "Dump him!"``, ``shouted "Truss!" and "Forty billion!"``: a whole
    utterance (a capital, a final stop inside the marks) right after a cue, more text after it."""
    return att.cue.split()[0] in BARE_QUOTE and att.cue_end <= span.open and \
        _QUOTES_BETWEEN.fullmatch(text, att.cue_end, span.open) is not None and \
        text[span.start].isupper() and text[span.end - 1] in ".!?"


def _colon_speaker(text: str, start: int, colon: int) -> Mention | None:
    """Who speaks a quote after a colon with no cue: ``Duvall: "Q"``; a roundup's ``Jonah
    Pressler, The Atlantic Review: "Q"`` or ``Sen. Y (R-S.C.), on X: "Q"`` (the phrase before the
    first comma); ``the Speaker intervened: "Q"``, ``Bash pressed him: "Q"`` (the verb's subject)."""
    np = np_before(text, start, colon, common=True)
    if np is not None and np.kind != "pronoun" and not text[start:np.start].strip():
        return np
    comma = text.find(",", start, colon)
    words = len(text[comma:colon].split())
    if comma > 0 and words <= _ROUNDUP_PERSON_WORDS:
        np = np_before(text, start, bare_end(text, start, comma))
        if np is not None and (np.kind == "person" or np.kind == "group" and words <= _ROUNDUP_WORDS) and \
                not text[start:np.start].strip():
            return np
    verb = _VERB_BEFORE_COLON.search(text, start, colon + 1)
    return subject(text, start, verb.start()) if verb else None


def _resumes(text: str, att: Attribution, span: Span) -> bool:
    """``"Q1," said X, the summit's president, "Q2."``: the second half of an interrupted quote."""
    if att.before is None or text[att.before[1] - 1] not in _CLOSING_MARKS:
        return False
    end = max(att.cue_end, att.mention.end)
    between = text[end:span.open]
    return 0 <= len(between) < 80 and _RESUME.fullmatch(between) is not None and \
        not _THAT_WORD.search(between) and not cues(between)


def _introduces_paragraph(text: str, att: Attribution, span: Span) -> bool:
    """``... the Eastern Theater Command said:`` closing a paragraph, the quote opening the next."""
    before = text[att.cue_end:span.open]
    return len(before) < 80 and _COLON_BREAK.fullmatch(before) is not None


def _introduces(text: str, att: Attribution, span: Span) -> bool:
    """``X said: "Q"`` / ``X said, "Q"`` / ``X said "Q..."`` introduce a direct quote;
    ``X said that "q"`` or ``X called it "q"`` weave a fragment into the sentence."""
    between = text[att.cue_end:span.open]
    if _THAT_BEFORE.search(between):
        return False
    if _PUNCTUATION_BEFORE.search(between):
        return True
    return att.cue.split()[0] in BARE_QUOTE and text[span.start].isupper()


def _exactly(text: str, content: tuple[int, int], span: Span) -> bool:
    """The content of an attribution is this quote and nothing else."""
    start, end = strip_span(text, *content, chars=_EXACT_EDGES)
    return start == span.open and end == span.close


def _embedded(doc: QuotedText, span: Span, near: list[Attribution]) -> Draft | None:
    """A quote inside an attributed clause, or in a sentence with a cue: partial. Of the cues
    before it, a finding reported by a speaker stays the speaker's ('X posted that the poll
    showed "q"': X), and a speech cue nearer the quote than the clause's own is the quote's
    ('the survey found that ..., a shift its authors described as "q"': the authors) if it leads
    straight to the quote (not 'X said Y welcomed the vote and would "q"': X)."""
    s_start, s_end = doc.sentences.bounds(span.open)
    holding = [a for a in near if any(c and c[0] <= span.start and span.end <= c[1] for c in (a.before, a.after))]
    same = [a for a in near if s_start <= a.cue_start < s_end and not _own_as_quote(doc, a, span, s_start)]
    for group in (holding, same):
        if group:
            before = [a for a in group if a.cue_start < span.open]
            att = before[-1] if before else group[0]
            speech = [a for a in before if a.cue.split()[0] not in FINDING]
            if speech and att.cue.split()[0] in FINDING:
                att = speech[-1]
            nearer = [a for a in same if att.cue_end <= a.cue_start < span.open and a.cue.split()[0] not in FINDING
                      and _LEADS_TO_QUOTE.fullmatch(doc.text, a.cue_end, span.open)]
            att = nearer[-1] if nearer else att
            return Draft(span.start, span.end, "partial", att.mention, att.cue)
    return None


def _own_as_quote(doc: QuotedText, att: Attribution, span: Span, s_start: int) -> bool:
    """An as-clause after a fragment that introduces a quote of its own ('lined with "dragon's
    teeth" and her sister is, as Volkova puts it, "on another planet."'): it credits that quote,
    not the earlier fragment ('"massive retaliation", as they say' keeps it)."""
    if not att.as_clause or att.cue_start < span.open or not doc.text[s_start:span.open].strip():
        return False
    after = att.after
    return after is not None and doc.overlaps_quote(*after) and doc.text[after[0]] in _OPENING_MARKS


def _standalone(doc: QuotedText, span: Span) -> Draft | None:
    """A quoted sentence with no attribution continues the previous speaker; an unattributed
    fragment mid-sentence is a title or scare quote, not a quotation."""
    s_start, s_end = doc.sentences.bounds(span.open)
    text = doc.text
    if text[s_start:span.open].strip() or text[span.close:s_end].strip(" \t\n.,;:!?)"):
        return None
    return Draft(span.start, span.end, "direct", continues=True)
