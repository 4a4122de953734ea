"""Assembly: the stages in order, then speakers credited in text order."""

from __future__ import annotations

import bisect
import re

from search.ingest.quotes.attribution import Attribution, attribution, cue_sort, cues
from search.ingest.quotes.marks import blank_marks, in_ranges, names_in_marks, quote_spans, single_marks
from search.ingest.quotes.phrases import sentence_subject
from search.ingest.quotes.quote import Draft, Quote
from search.ingest.quotes.quoted import quoted
from search.ingest.quotes.reported import reported
from search.ingest.quotes.resolve import Resolver
from search.ingest.quotes.sentences import QuotedText
from search.ingest.quotes.transcripts import turn_speaker, turns
from search.ingest.quotes.vocabulary import (
    ANONYMOUS, BARE_CLAUSE, BARE_PARTICIPLES, CONTINUING, FINDING, FINDINGS, QUIPPING, REPORTING,
)
from search.ingest.quotes.words import bare
from search.ingest.speakers import SpeakerRegistry

_PARAGRAPH_BREAK = re.compile(r"\n\s*")
_NAMED_WITHIN = 2  # paragraphs from a described speaker to their name
_ONE = {"a", "an", "the", "one"}  # a description of one person: "a red-faced roads minister"
_QUOTE_REACH = 400  # as quoted._REACH: how far from a quote an attribution may be
_QUIP_REACH = 60  # '"Q," the mayor quips.': how far after its quote a noun-like -s cue may be
_FINDING_REACH = 120  # "A survey published this week found": how far back its noun may be
_THAT_AHEAD = re.compile(r"[^.;:!?\"“”\n]{0,100}?\bthat\b")
_POSSESSIVE = re.compile(r"['’]s?\s")
_FINDING_BEFORE = re.compile(rf"\b(?:{'|'.join(sorted(FINDINGS))})\b")


def extract_quotes(text: str, registry: SpeakerRegistry | None = None,
                   document_speaker: str | None = None) -> list[Quote]:
    """Direct, partial and reported quotes of ``text`` in text order, each with its speaker.

    A text with no transcript label, quote mark or cue costs three regex passes and stops
    there: the indexer runs this over every speech."""
    source, text = text, single_marks(text)
    found_turns = turns(text)
    skip = [(t.label_start, t.end) for t in found_turns]
    spans = quote_spans(text, skip)
    names = names_in_marks(text, spans)
    if names:
        text = blank_marks(text, names)
        spans = [s for s in spans if s not in names]
    found_cues = [m for m in cues(text) if not in_ranges(m.start(), skip)]
    if not found_turns and not spans and not found_cues:
        return []
    doc = QuotedText(text, spans)
    resolver = Resolver(doc, registry, document_speaker)
    attributions = [a for a in (attribution(doc, m) for m in found_cues if _may_attribute(doc, m))
                    if a is not None and not doc.quoted(a.cue_start)]
    _inherit_subjects(doc, attributions)
    drafts = [Draft(t.start, t.end, "direct", speaker=turn_speaker(t, resolver), fixed=True,
                    label=(t.label_start, t.label_end)) for t in found_turns]
    drafts += quoted(doc, attributions)
    drafts += reported(doc, attributions)
    drafts.sort(key=lambda d: d.start)
    return _credit(doc, resolver, drafts, source, speech=document_speaker is not None)


def _may_attribute(doc: QuotedText, m: re.Match) -> bool:
    """Whether a cue is worth a speaker search: one that reports a bare clause ('said'), one
    with a 'that' ahead ('agreed that'), 'found' after a study or poll; any other only credits
    quoted words, so it needs a quote within reach ('called', 'urged', 'he jokes')."""
    verb = m.group().split()[0]
    if cue_sort(doc.text, m) in ("prep", "noun") or verb in BARE_CLAUSE and verb not in FINDING or \
            verb in BARE_PARTICIPLES:
        return True
    text = doc.text
    if verb in FINDING:
        return _FINDING_BEFORE.search(text, max(0, m.start() - _FINDING_REACH), m.start()) is not None
    if verb in REPORTING and _THAT_AHEAD.match(text, m.end()):
        return True
    reach = _QUIP_REACH if verb in QUIPPING else _QUOTE_REACH
    i = bisect.bisect_left(doc.closes, m.start() - reach)
    return i < len(doc.spans) and doc.spans[i].open <= m.end() + (0 if verb in QUIPPING else reach)


def _inherit_subjects(doc: QuotedText, attributions: list[Attribution]) -> None:
    """'..., adding that ...' speaks with the voice of the clause's subject (not of a possessor in
    it: 'He dismissed X's claim that ..., saying ...' is his)."""
    for k, att in enumerate(attributions):
        if not att.inherits or att.mention is not None:
            continue
        s_start, _ = doc.sentences.bounds(att.cue_start)
        same = [prev for prev in attributions[:k] if prev.cue_start >= s_start and prev.mention is not None
                and not _POSSESSIVE.match(doc.text, prev.mention.end)]  # not "dismissed X's claim that"
        att.mention = same[-1].mention if same else sentence_subject(doc.text, s_start, att.cue_start)


def _credit(doc: QuotedText, resolver: Resolver, drafts: list[Draft], source: str, speech: bool) -> list[Quote]:
    """Resolve speakers in text order, so pronouns and continuations see what came before; the
    quotes show the ``source`` text's own marks."""
    quotes: list[Quote] = []
    for draft in drafts:
        speaker, where = _speaker_of(draft, resolver, quotes, doc.text, speech)
        if speech and speaker is None and draft.kind == "reported":
            continue  # a speech's unattributed clause, or one its texts say ('the Charter says')
        if draft.kind == "reported" and speaker is not None:
            resolver.learn_gender(speaker, doc.text[draft.start:draft.start + 4].split(" ")[0])
        s_start, s_end = _context(doc, source, draft)
        quotes.append(Quote(draft.start, draft.end, source[draft.start:draft.end], draft.kind, speaker,
                            where[0], where[1], draft.cue, source[s_start:s_end]))
    _named_later(doc.text, quotes, resolver.kinds)
    return quotes


def _context(doc: QuotedText, source: str, draft: Draft) -> tuple[int, int]:
    """The sentences holding a draft, widened over the halves of the source's two-character
    marks that the analysed text turned into spaces."""
    text = doc.text
    start = doc.sentences.bounds(draft.start)[0]
    end = doc.sentences.bounds(max(draft.start, draft.end - 1))[1]
    while start and source[start - 1] != text[start - 1]:
        start -= 1
    while end < len(text) and source[end] != text[end]:
        end += 1
    return start, end


def _named_later(text: str, quotes: list[Quote], kinds: dict[str, str]) -> None:
    """A story may open on a description and name its speaker after ('A red-faced roads
    minister joked that ...', then 'Julian Stroud, 52, made the crack'): quotes credited to a
    description of one person before anyone is named go to the first person quoted, if within
    two paragraphs. Anonymous sources ('a senior official') stay so."""
    described: list[Quote] = []
    for quote in quotes:
        kind = kinds.get(quote.speaker or "")
        if kind == "person":
            if described and len(_PARAGRAPH_BREAK.findall(text, described[0].end, quote.start)) <= _NAMED_WITHIN:
                for early in described:
                    early.speaker, early.speaker_start, early.speaker_end = \
                        quote.speaker, quote.speaker_start, quote.speaker_end
            return
        words = (quote.speaker or "").split()
        if kind != "role" or len(words) < 2 or words[0].lower() not in _ONE or bare(words[-1]) in ANONYMOUS or \
                words[-1].endswith("s"):
            return
        described.append(quote)


def _speaker_of(draft: Draft, resolver: Resolver, quotes: list[Quote], text: str,
                speech: bool) -> tuple[str | None, tuple[int | None, int | None]]:
    """A turn's label, the draft's mention or, for a quoted sentence standing alone, the previous
    quote's speaker: in the same paragraph of a speech, at most one paragraph on in an article,
    unless the sentence just before it turns to another person ('Rita Vos disagreed.')."""
    if draft.fixed:
        return draft.speaker, draft.label
    if draft.mention is not None:
        continuing = draft.cue is not None and draft.cue.split()[0] in CONTINUING
        return resolver.resolve(draft.mention, continuing), (draft.mention.start, draft.mention.end)
    if draft.continues and quotes:
        prev = quotes[-1]
        breaks = len(_PARAGRAPH_BREAK.findall(text, prev.end, draft.start))
        if breaks <= (0 if speech else 1):
            turned = None if speech else resolver.turned_to(prev.end, draft.start)
            if turned is not None:
                return resolver.resolve(turned), (turned.start, turned.end)
            return prev.speaker, (prev.speaker_start, prev.speaker_end)
    return None, (None, None)
