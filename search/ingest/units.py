"""Document -> index units: the whole document, its passages and its quotes.

This is the step between reading and indexing: speaker names are normalised
here (so the facet holds one value per person) and quotes are extracted here,
so the engine only writes what it is given (search.engine.whoosh.units).
"""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field
from typing import Callable

from search.fields import FACETS, VALUE_FACETS, Subject, day_number, joined
from search.ingest.document import Document, Speaker, paragraph_starts
from search.ingest.quotes import Quote, extract_quotes
from search.ingest.offices import parse_role
from search.ingest.people import Record
from search.ingest.sources import institution_name, source_kind
from search.ingest.speakers import SpeakerRegistry

QuoteExtractor = Callable[[Document, SpeakerRegistry], list]


def resolve_speakers(raw: list[Speaker], doc: Document, registry: SpeakerRegistry) -> list[Speaker]:
    """Canonical names, once each, with role and country from speakers.yaml when missing."""
    resolved: dict[str, Speaker] = {}
    for speaker in raw:
        record = speaker_record(speaker, doc)
        name = registry.canonical(speaker.name, record.place, record.year)
        if name and name not in resolved:
            known = describe(name, doc, registry)
            resolved[name] = Speaker(name, speaker.role or known.role,
                                     speaker.country or known.country or doc.country)
    return list(resolved.values())


def speaker_record(speaker: Speaker, doc: Document) -> Record:
    """What a document's metadata says of one of its speakers: what ``SpeakerRegistry.learn``
    reads, and where and when ``canonical`` looks the speaker up."""
    return Record(speaker.name, speaker.country or doc.country, doc.year, speaker.role, doc.country_code)


def speaker_records(doc: Document) -> list[Record]:
    """The records of a document's own speakers, for ``SpeakerRegistry.learn``."""
    return [speaker_record(s, doc) for s in doc.speakers]


def quote_speaker(raw: str, doc: Document, registry: SpeakerRegistry) -> Speaker:
    """A quote's speaker, settled. An office (``the Foreign Minister of the Soviet Union``,
    ``our President``) is the person who held it for that country on the document's date, if
    the registry knows exactly one; else it stays the office as written, never made to look
    like a name. Groups and institutions keep their own kind (search.ingest.sources)."""
    kind = "person" if registry.known(raw) else source_kind(raw, registry.is_country)
    if kind == "person":
        return describe(registry.mentioned(raw, doc.year), doc, registry)
    role = parse_role(raw) if kind == "office" else None
    held = registry.holder(role, doc.country, *doc.period) if role is not None else None
    if held is not None:
        return describe(held, doc, registry)
    return Speaker(institution_name(raw) if kind == "institution" else raw, kind=kind)


def describe(name: str, doc: Document, registry: SpeakerRegistry) -> Speaker:
    """A speaker's role and country on the document's date, as far as the registry knows
    (speakers.yaml, the records' posts)."""
    person = registry.known(name)
    role = registry.role_on(name, *doc.period)
    return Speaker(name, role.title if role else None,
                   (role.country if role else None) or (person.country if person else None))


def _filters(subject: Subject) -> dict:
    """The fields a unit carries for filters and facets (search.fields): each facet's values."""
    doc = subject.doc
    values = {name: joined(FACETS[name].values(subject)) for name in VALUE_FACETS}
    return {"doc_id": doc.id, "day": day_number(doc.date), **values}


def _paragraph_of(doc: Document) -> Callable[[int], int]:
    """The paragraph an offset of ``doc.text`` falls in."""
    starts = paragraph_starts(doc.paragraphs)
    return lambda offset: max(bisect.bisect_right(starts, offset) - 1, 0)


def _meta(doc: Document, speakers: list[Speaker]) -> dict:
    """What a hit shows of its document. ``voice`` says whose words its text is: a record that
    names its speakers (a speech, a statement) holds theirs; any other (a news article) the
    outlet's, whoever it quotes."""
    return {
        "voice": "speaker" if doc.speakers else "outlet",
        "title": doc.title,
        "date": doc.date.isoformat() if doc.date else None,
        "date_precision": doc.date_precision,
        "speakers": [asdict(s) for s in speakers],
        "url": doc.url,
        "source": doc.source,
        "type": doc.type,
        "country": doc.country,
        "author": doc.author,
        "section": doc.section,
        "language": doc.language,
        "path": doc.path,
        "line": doc.line,
    }


@dataclass
class Prepared:
    """A document with its speakers and quotes settled, ready to be analysed anywhere.

    Settling needs the one speaker registry of the build (the first spelling
    seen of a name becomes its facet value), so it happens in the process
    that reads the corpus, in corpus order; analysis, the expensive part,
    may then run in any worker process.
    """
    doc: Document
    common: dict  # the document unit's filter fields
    meta: dict
    quotes: list[tuple[Quote, str | None, Speaker | None]]
    file: str = ""  # the corpus file, as the indexer names it (unique across corpus paths)
    passage_filters: list[dict] = field(default_factory=list)  # each paragraph's filter fields
    quote_filters: list[dict] = field(default_factory=list)    # each quote's filter fields


def prepare(doc: Document, registry: SpeakerRegistry, quotes: QuoteExtractor | None = None,
            *, file: str = "") -> Prepared:
    """Speakers, facet fields, display metadata and quotes (with their speakers) of a document.

    An article has no speaker of its own: the known people it quotes become its
    speakers, so "who spoke in this article" is answered by its quotes (a
    speech keeps its own speaker: quoting Truman does not make it his).
    """
    quote_list = quotes(doc, registry) if quotes else []
    credited = [quote_speaker(q.speaker, doc, registry) if q.speaker else None for q in quote_list]
    quoted = [Speaker(s.name) for s in credited if s and s.kind == "person" and registry.known(s.name)]
    speakers = resolve_speakers(doc.speakers or quoted, doc, registry)
    own = {s.name: s for s in speakers}  # a speech's speaker, with the record's role and country
    settled = [(quote, speaker and speaker.name, speaker and own.get(speaker.name, speaker))
               for quote, speaker in zip(quote_list, credited)]
    paragraph_of = _paragraph_of(doc)
    in_paragraph: list[list[Quote]] = [[] for _ in doc.paragraphs]
    for quote in quote_list:
        in_paragraph[paragraph_of(quote.start)].append(quote)
    return Prepared(
        doc, _filters(Subject("document", doc, speakers, quote_list)), _meta(doc, speakers),
        settled, file or doc.path,
        [_filters(Subject("passage", doc, speakers, quotes)) for quotes in in_paragraph],
        [_filters(Subject("quote", doc, [speaker] if speaker else [], [quote]))
         for quote, _, speaker in settled])


def extract_document_quotes(doc: Document, registry: SpeakerRegistry) -> list:
    """Quotes of a document; a speech's own speaker owns its unattributed words."""
    if len(doc.speakers) != 1:
        return extract_quotes(doc.text, registry)
    record = speaker_record(doc.speakers[0], doc)
    own = registry.canonical(record.raw, record.place, record.year)
    return extract_quotes(doc.text, registry, document_speaker=own)
