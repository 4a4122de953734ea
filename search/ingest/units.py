"""Document -> index units: the whole document, its passages and its quotes.

This is the step between reading and indexing: speaker names are normalised
here (so the facet holds one value per person) and quotes are extracted here,
so the engine only writes what it is given (search.engine.whoosh.units).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable

from search.fields import FACETS, VALUE_FACETS, day_number, joined
from search.ingest.document import Document, Speaker
from search.ingest.quotes import Quote, extract_quotes
from search.ingest.speakers import SpeakerRegistry

QuoteExtractor = Callable[[Document, SpeakerRegistry], list]


def resolve_speakers(raw: list[Speaker], doc: Document, registry: SpeakerRegistry) -> list[Speaker]:
    """Canonical names, once each, with role and country from speakers.yaml when missing."""
    resolved: dict[str, Speaker] = {}
    for speaker in raw:
        name = registry.canonical(speaker.name)
        if name and name not in resolved:
            known = describe(name, doc, registry)
            resolved[name] = Speaker(name, speaker.role or known.role,
                                     speaker.country or known.country or doc.country)
    return list(resolved.values())


def describe(name: str, doc: Document, registry: SpeakerRegistry) -> Speaker:
    """A speaker's role and country on the document's date, as far as speakers.yaml knows."""
    person = registry.known(name)
    if person is None:
        return Speaker(name)
    role = person.role_on(doc.date.date() if doc.date else None)
    return Speaker(name, role.title if role else None,
                   (role.country if role else None) or person.country)


def _common(doc: Document, speakers: list[Speaker]) -> dict:
    """Fields every unit of a document carries, for filters and facets (search.fields)."""
    values = {name: joined(FACETS[name].values(doc, speakers)) for name in VALUE_FACETS}
    return {"doc_id": doc.id, "day": day_number(doc.date), **values}


def _meta(doc: Document, speakers: list[Speaker]) -> dict:
    return {
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
    common: dict
    meta: dict
    quotes: list[tuple[Quote, str | None, Speaker | None]]
    file: str = ""  # the corpus file, as the indexer names it (unique across corpus paths)


def prepare(doc: Document, registry: SpeakerRegistry, quotes: QuoteExtractor | None = None,
            *, file: str = "") -> Prepared:
    """Speakers, facet fields, display metadata and quotes (with their speakers) of a document.

    An article has no speaker of its own: the known people it quotes become its
    speakers, so "who spoke in this article" is answered by its quotes (a
    speech keeps its own speaker: quoting Truman does not make it his).
    """
    quote_list = quotes(doc, registry) if quotes else []
    quoted = [Speaker(q.speaker) for q in quote_list if q.speaker and registry.known(q.speaker)]
    speakers = resolve_speakers(doc.speakers or quoted, doc, registry)
    own = {s.name: s for s in speakers}  # a speech's speaker, with the record's role and country
    settled = []
    for quote in quote_list:
        name = registry.canonical(quote.speaker) if quote.speaker else None
        settled.append((quote, name,
                        (own.get(name) or describe(name, doc, registry)) if name else None))
    return Prepared(doc, _common(doc, speakers), _meta(doc, speakers), settled, file or doc.path)


def extract_document_quotes(doc: Document, registry: SpeakerRegistry) -> list:
    """Quotes of a document; a speech's own speaker owns its unattributed words."""
    own = registry.canonical(doc.speakers[0].name) if len(doc.speakers) == 1 else None
    return extract_quotes(doc.text, registry, document_speaker=own)
