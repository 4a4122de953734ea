"""Assembly: the stages in order, then speakers credited in text order."""

from __future__ import annotations

import bisect
import re

from search.ingest.quotes.attribution import CUE, Attribution, attribution
from search.ingest.quotes.marks import in_ranges, quote_spans
from search.ingest.quotes.phrases import sentence_subject
from search.ingest.quotes.quote import Draft, Quote
from search.ingest.quotes.quoted import quoted
from search.ingest.quotes.reported import reported
from search.ingest.quotes.resolve import Resolver
from search.ingest.quotes.sentences import QuotedText
from search.ingest.quotes.transcripts import turn_speaker, turns
from search.ingest.quotes.vocabulary import REPORTING
from search.ingest.speakers import SpeakerRegistry

_PARAGRAPH_BREAK = re.compile(r"\n\s*")
_QUOTE_REACH = 400  # as quoted._REACH: how far from a quote an attribution may be


def extract_quotes(text: str, registry: SpeakerRegistry | None = None,
                   document_speaker: str | None = None) -> list[Quote]:
    """Direct, partial and reported quotes of ``text`` in text order, each with its speaker.

    A text with no transcript label, quote mark or cue costs three regex passes and stops
    there: the indexer runs this over every speech."""
    found_turns = turns(text)
    skip = [(t.label_start, t.end) for t in found_turns]
    spans = quote_spans(text, skip)
    cues = [m for m in CUE.finditer(text) if not in_ranges(m.start(), skip)]
    if not found_turns and not spans and not cues:
        return []
    doc = QuotedText(text, spans)
    resolver = Resolver(doc, registry, document_speaker)
    attributions = [a for a in (attribution(doc, m) for m in cues if _may_attribute(doc, m))
                    if a is not None and not doc.quoted(a.cue_start)]
    _inherit_subjects(doc, attributions)
    drafts = [Draft(t.start, t.end, "direct", speaker=turn_speaker(t, resolver), fixed=True,
                    label=(t.label_start, t.label_end)) for t in found_turns]
    drafts += quoted(doc, attributions)
    drafts += reported(doc, attributions)
    drafts.sort(key=lambda d: d.start)
    return _credit(doc, resolver, drafts, speech=document_speaker is not None)


def _may_attribute(doc: QuotedText, m: re.Match) -> bool:
    """A cue that reports no clause ('called', 'urged', 'continued') only credits quoted words:
    without a quote within reach it attributes nothing, and costs a speaker search."""
    if m.group("prep") or m.group("noun") or m.group().split()[0] in REPORTING:
        return True
    i = bisect.bisect_left(doc.closes, m.start() - _QUOTE_REACH)
    return i < len(doc.spans) and doc.spans[i].open <= m.end() + _QUOTE_REACH


def _inherit_subjects(doc: QuotedText, attributions: list[Attribution]) -> None:
    """'..., adding that ...' speaks with the voice of the clause's subject."""
    for k, att in enumerate(attributions):
        if not att.inherits:
            continue
        s_start, _ = doc.sentences.bounds(att.cue_start)
        for prev in reversed(attributions[:k]):
            if prev.cue_start < s_start:
                break
            if prev.mention is not None:
                att.mention = prev.mention
                break
        else:
            att.mention = sentence_subject(doc.text, s_start, att.cue_start)


def _credit(doc: QuotedText, resolver: Resolver, drafts: list[Draft], speech: bool) -> list[Quote]:
    """Resolve speakers in text order, so pronouns and continuations see what came before."""
    text = doc.text
    quotes: list[Quote] = []
    for draft in drafts:
        speaker, where = _speaker_of(draft, resolver, quotes, text, speech)
        s_start = doc.sentences.bounds(draft.start)[0]
        s_end = doc.sentences.bounds(max(draft.start, draft.end - 1))[1]
        quotes.append(Quote(draft.start, draft.end, text[draft.start:draft.end], draft.kind, speaker,
                            where[0], where[1], draft.cue, text[s_start:s_end]))
    return quotes


def _speaker_of(draft: Draft, resolver: Resolver, quotes: list[Quote], text: str,
                speech: bool) -> tuple[str | None, tuple[int | None, int | None]]:
    """A turn's label, the draft's mention or, for a quoted sentence standing alone, the previous
    quote's speaker: in the same paragraph of a speech, at most one paragraph on in an article."""
    if draft.fixed:
        return draft.speaker, draft.label
    if draft.mention is not None:
        return resolver.resolve(draft.mention), (draft.mention.start, draft.mention.end)
    if draft.continues and quotes:
        prev = quotes[-1]
        breaks = len(_PARAGRAPH_BREAK.findall(text, prev.end, draft.start))
        if breaks <= (0 if speech else 1):
            return prev.speaker, (prev.speaker_start, prev.speaker_end)
    return None, (None, None)
