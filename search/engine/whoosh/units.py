"""Prepared documents -> Whoosh units: the fields of the document, its passages, its quotes.

Text is analysed here, in whichever process writes the segment, once per
paragraph for the document and its passages (search.engine.whoosh.postings).
"""

from __future__ import annotations

from array import array
from dataclasses import asdict
from hashlib import blake2b
from typing import Iterator

from search.engine.whoosh.postings import analyse, analyse_paragraphs, postings
from search.ingest.units import Prepared


def document_units(prepared: Prepared, text_field, *, passages: bool = True,
                   exact_field=None) -> Iterator[dict]:
    """Every unit of one document, as keyword arguments for ``writer.add_document``.

    Each carries a 64-bit hash of its key as a column (``ukey``): equal scores
    and dates are ordered by it, so hits come in the same order whatever the
    index's history (docnums depend on it), at the cost of one array read per
    searcher rather than a stored-field read per tie.
    """
    for unit in _units(prepared, text_field, passages, exact_field):
        unit["ukey"] = tie_key(unit["key"])
        yield unit


def tie_key(key: str) -> int:
    """A unit's key as a signed 64-bit number, the same in every build."""
    return int.from_bytes(blake2b(key.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def _units(prepared: Prepared, text_field, passages: bool, exact_field) -> Iterator[dict]:
    """The units' fields; text is analysed once per paragraph for the document and passages,
    for the stemmed and the exact-phrase fields at once (``exact_field``: one of the
    ``*_exact`` fields, None for an index written before them)."""
    doc, common, meta = prepared.doc, prepared.common, prepared.meta
    analyzer, fmt = text_field.analyzer, text_field.format
    exact = exact_field.analyzer if exact_field is not None else None
    per_paragraph, whole, starts, whole_exact = analyse_paragraphs(analyzer, doc.paragraphs,
                                                                   exact)
    # exact phrases of documents and of their passages (a phrase never crosses a paragraph:
    # ``starts`` says which paragraph an occurrence is in)
    yield dict(common, key=doc.id, id=doc.id, unit="document", text=postings(fmt, whole),
               text_exact=postings(exact_field.format, whole_exact) if exact is not None else None,
               starts=array("I", starts).tobytes() if exact is not None else None,
               title=doc.title, file=prepared.file, date=doc.date,
               year=doc.year, country_code=doc.country_code,
               meta=dict(meta, paragraphs=len(doc.paragraphs), starts=starts,
                         quotes=len(prepared.quotes)))
    if passages:
        for n, paragraph in enumerate(doc.paragraphs):
            yield dict(prepared.passage_filters[n], key=f"{doc.id}#p{n}", unit="passage",
                       position=n,
                       passage_text=postings(fmt, per_paragraph[n]), body=paragraph)
    for n, (quote, _, speaker) in enumerate(prepared.quotes):
        positions, _, exact_positions = analyse(analyzer, quote.text, exact)
        yield dict(
            prepared.quote_filters[n],
            key=f"{doc.id}#q{n}",
            unit="quote",
            position=n,
            quote_text=postings(fmt, positions),
            quote_exact=postings(exact_field.format, exact_positions) if exact is not None
            else None,
            body=quote.text,
            meta=dict(meta, speakers=[asdict(speaker)] if speaker else [],
                      quote=quote.to_dict(), context=quote.context),
        )
