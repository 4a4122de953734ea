"""Prepared documents -> Whoosh units: the fields of the document, its passages, its quotes.

Text is analysed here, in whichever process writes the segment, once per
paragraph for the document and its passages (search.engine.whoosh.postings).
"""

from __future__ import annotations

from dataclasses import asdict
from hashlib import blake2b
from typing import Iterator

from search.engine.whoosh.postings import analyse, analyse_paragraphs, postings
from search.ingest.units import Prepared


def document_units(prepared: Prepared, text_field, *, passages: bool = True) -> Iterator[dict]:
    """Every unit of one document, as keyword arguments for ``writer.add_document``.

    Each carries a 64-bit hash of its key as a column (``ukey``): equal scores
    and dates are ordered by it, so hits come in the same order whatever the
    index's history (docnums depend on it), at the cost of one array read per
    searcher rather than a stored-field read per tie.
    """
    for unit in _units(prepared, text_field, passages):
        unit["ukey"] = tie_key(unit["key"])
        yield unit


def tie_key(key: str) -> int:
    """A unit's key as a signed 64-bit number, the same in every build."""
    return int.from_bytes(blake2b(key.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def _units(prepared: Prepared, text_field, passages: bool) -> Iterator[dict]:
    """The units' fields; text is analysed once per paragraph for the document and passages."""
    doc, common, meta = prepared.doc, prepared.common, prepared.meta
    analyzer, fmt = text_field.analyzer, text_field.format
    per_paragraph, whole, starts = analyse_paragraphs(analyzer, doc.paragraphs)
    yield dict(common, key=doc.id, id=doc.id, unit="document", text=postings(fmt, whole),
               title=doc.title, file=prepared.file, date=doc.date,
               year=doc.year, country_code=doc.country_code,
               meta=dict(meta, paragraphs=len(doc.paragraphs), starts=starts,
                         quotes=len(prepared.quotes)))
    if passages:
        for n, paragraph in enumerate(doc.paragraphs):
            yield dict(common, key=f"{doc.id}#p{n}", unit="passage", position=n,
                       passage_text=postings(fmt, per_paragraph[n]), body=paragraph)
    for n, (quote, name, speaker) in enumerate(prepared.quotes):
        yield dict(
            common,
            key=f"{doc.id}#q{n}",
            unit="quote",
            position=n,
            quote_text=postings(fmt, analyse(analyzer, quote.text)[0]),
            body=quote.text,
            kind=quote.kind,
            speaker=name,
            country=(speaker and speaker.country) or common["country"],
            meta=dict(meta, speakers=[asdict(speaker)] if speaker else [],
                      quote=quote.to_dict(), context=quote.context),
        )
