"""The shape of a hit, defined once: the service builds it, OpenAPI describes it, exports list it.

A hit is one unit (document, passage or quote) with its document's metadata.
``FIELDS`` says, for every field every hit has, its JSON schema; the rest
(``snippets``, ``passage``, ``quotes``, ``quote``, ``context``) depend on the
unit and are added by the service.
"""

from __future__ import annotations

from search.service.highlight import Highlighter

_STR_OR_NULL = {"type": ["string", "null"]}
SPEAKER_SCHEMA = {"type": "object", "required": ["name"],
                  "properties": {"name": {"type": "string"}, "role": _STR_OR_NULL,
                                 "country": _STR_OR_NULL}}

# Fields every hit has, in the order exports list them, with their JSON schema.
FIELDS: dict[str, dict] = {
    "id": {"type": "string"},
    "doc_id": {"type": "string"},
    "unit": {"type": "string", "enum": ["document", "passage", "quote"]},
    "title": {"type": "string"},
    "date": _STR_OR_NULL,
    "date_precision": {"type": ["string", "null"], "enum": ["year", "month", "day", "minute", None]},
    "type": _STR_OR_NULL,
    "source": _STR_OR_NULL,
    "url": _STR_OR_NULL,
    "country": _STR_OR_NULL,
    "speakers": {"type": "array", "items": SPEAKER_SCHEMA},
    "score": {"type": ["number", "null"]},
}
# Fields that depend on the unit.
UNIT_FIELDS: dict[str, dict] = {
    "snippets": {"type": "array", "items": {"type": "string"},
                 "description": "Safe HTML: escaped text with <mark> around matches."},
    "quotes": {"type": "array", "items": {"type": "object"}},
    "quote": {"type": ["object", "null"]},
    "context": _STR_OR_NULL,
    "passage": _STR_OR_NULL,
}
HIT_SCHEMA = {
    "type": "object",
    "required": [name for name in FIELDS if name != "country"] + ["snippets"],
    "properties": {**FIELDS, **UNIT_FIELDS},
}
# Exports: every hit field, and the unit's own text for passages and quotes.
EXPORT_COLUMNS = (*FIELDS, "text")


def hit(record: dict, score: float | None) -> dict:
    """The fields every hit has, from a unit's stored record and its document's metadata."""
    meta = record.get("meta", {})
    return {
        "id": record["key"],
        "doc_id": record["doc_id"],
        "unit": record["unit"],
        "title": meta.get("title", ""),
        "date": meta.get("date"),
        "date_precision": meta.get("date_precision"),
        "type": meta.get("type"),
        "source": meta.get("source"),
        "url": meta.get("url"),
        "country": meta.get("country"),
        "speakers": meta.get("speakers", []),
        "score": score,
    }


def export_row(record: dict, score: float | None, unit: str) -> dict:
    """A hit as exported: no snippets; a passage's or quote's own text; a quote's details."""
    row = hit(record, score)
    if unit != "documents":
        row["text"] = record.get("body")
    if unit == "quotes":
        row["quote"] = record.get("meta", {}).get("quote")
    return row


def snippet_of(highlighter: Highlighter, text: str, terms: set[str], phrases) -> list[str]:
    """The ``snippets`` of a hit: one highlighted window of ``text``, none for no text."""
    return [highlighter.snippet(text, terms, phrases)[0]] if text else []


def quote_hit(record: dict, highlighter: Highlighter, terms: set[str], phrases) -> dict:
    """One of a document hit's matching quotes."""
    meta = record["meta"]
    quote = meta.get("quote", {})
    return {
        "id": record["key"],
        "text": quote.get("text"),
        "html": highlighter.snippet(quote.get("text", ""), terms, phrases, width=600)[0],
        "kind": quote.get("kind"),
        "speaker": quote.get("speaker"),
        "speakers": meta.get("speakers", []),
        "context": meta.get("context"),
    }
