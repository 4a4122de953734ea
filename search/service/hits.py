"""The shape of a hit, defined once: the service builds it, OpenAPI describes it, exports list it.

A hit is one unit (document, passage or quote) with its document's metadata.
``FIELDS`` says, for every field every hit has, its JSON schema; the rest
(``snippets``, ``passage``, ``quotes``, ``quote``, ``context``) depend on the
unit and are added by the service.
"""

from __future__ import annotations

from search.fields import KINDS, SPEAKER_KINDS
from search.service.highlight import Highlighter

_STR_OR_NULL = {"type": ["string", "null"]}
SPEAKER_SCHEMA = {"type": "object", "required": ["name"],
                  "properties": {"name": {"type": "string"}, "role": _STR_OR_NULL,
                                 "country": _STR_OR_NULL,
                                 "kind": {"type": "string", "enum": list(SPEAKER_KINDS),
                                          "description": "person; office (no one could be named "
                                                         "for it); group; institution"}}}

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
    "speakers": {"type": "array", "items": SPEAKER_SCHEMA,
                 "description": "A quote: its speaker. A speech or statement: the speakers its "
                                "record names. An article: the known people it quotes."},
    "author": _STR_OR_NULL,
    "voice": {"type": "string", "enum": ["speaker", "outlet"],
              "description": "Whose words the document's text is: its recorded speakers', or "
                             "the outlet's (a news article's narrative is never a speaker's)."},
    "score": {"type": ["number", "null"]},
    "permalink": {"type": "string", "description": "The unit on its document page, under "
                                                   "server.public_url (relative without one)."},
    "citation": {"type": "string", "description": "Plain-text citation; CSL-JSON and BibTeX "
                                                  "at /api/citation?id=..."},
}
QUOTE_SCHEMA = {
    "type": "object", "required": ["id", "text", "kind", "kind_label", "speakers"],
    "properties": {
        "id": {"type": "string"}, "text": {"type": "string"},
        "kind": {"type": "string", "enum": list(KINDS),
                 "description": "direct: the speaker's words in quotation marks; partial: a "
                                "quoted fragment inside the reporter's sentence; reported: the "
                                "reporter's paraphrase, not a quotation."},
        "kind_label": {"type": "string"},
        "speaker": {**_STR_OR_NULL, "description": "The speaker as the text names them"},
        "speakers": {"type": "array", "items": SPEAKER_SCHEMA,
                     "description": "The speaker resolved to a person; empty when unknown"},
        "cue": _STR_OR_NULL,
        "context": {**_STR_OR_NULL, "description": "The sentence that carries the quote"},
        "start": {"type": ["integer", "null"]}, "end": {"type": ["integer", "null"]},
        "html": {"type": "string", "description": "Safe HTML of text, matches marked"},
    },
}
# Fields that depend on the unit.
UNIT_FIELDS: dict[str, dict] = {
    "snippets": {"type": "array", "items": {"type": "string"},
                 "description": "Safe HTML: escaped text with <mark> around matches."},
    "quotes": {"type": "array", "items": QUOTE_SCHEMA},
    "quote": {"oneOf": [QUOTE_SCHEMA, {"type": "null"}]},
    "context": _STR_OR_NULL,
    "passage": _STR_OR_NULL,
}
HIT_SCHEMA = {
    "type": "object",
    "required": [name for name in FIELDS if name not in ("country", "author")] + ["snippets"],
    "properties": {**FIELDS, **UNIT_FIELDS},
}
# Exports: every hit field, the unit's own text, and what a quote is: the columns the page shows.
EXPORT_COLUMNS = (*FIELDS, "roles", "text", "kind", "cue", "speaker_as_written", "context")


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
        "author": meta.get("author"),
        "voice": meta.get("voice", "outlet"),
        "score": score,
    }


def export_row(record: dict, score: float | None, unit: str) -> dict:
    """A hit as exported: no snippets; a passage's or quote's own text; a quote's kind, cue,
    speaker as written and sentence, so a reported quote never reads as a direct one."""
    row = hit(record, score)
    row["roles"] = "; ".join(s.get("role") or "" for s in row["speakers"]).strip("; ") or None
    if unit != "documents":
        row["text"] = record.get("body")
    if unit == "quotes":
        quote = quote_of(record)
        row.update(kind=quote["kind"], cue=quote["cue"], speaker_as_written=quote["speaker"],
                   context=quote["context"], quote=quote)
    return row


def quote_of(record: dict) -> dict:
    """A quote unit as every answer shows it (``QUOTE_SCHEMA``): its words, kind, speaker."""
    meta = record.get("meta", {})
    quote = meta.get("quote", {})
    kind = quote.get("kind")
    return {"id": record["key"], "text": quote.get("text") or record.get("body") or "",
            "kind": kind, "kind_label": KINDS.get(kind, kind or ""),
            "speaker": quote.get("speaker"), "speakers": meta.get("speakers", []),
            "cue": quote.get("cue"), "context": meta.get("context") or None,
            "start": quote.get("start"), "end": quote.get("end"),
            "speaker_start": quote.get("speaker_start"), "speaker_end": quote.get("speaker_end")}


def snippet_of(highlighter: Highlighter, text: str, terms: set[str], phrases) -> list[str]:
    """The ``snippets`` of a hit: one highlighted window of ``text``, none for no text."""
    return [highlighter.snippet(text, terms, phrases)[0]] if text else []


def quote_hit(record: dict, highlighter: Highlighter, terms: set[str], phrases) -> dict:
    """A quote with its words highlighted: a document hit's matching quotes, a quote hit's own."""
    quote = quote_of(record)
    quote["html"] = highlighter.snippet(quote["text"], terms, phrases, width=600)[0]
    return quote
