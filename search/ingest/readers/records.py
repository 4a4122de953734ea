"""A mapping of metadata (a JSON Lines record, a front matter block) to a Document.

JSON Lines and front matter carry the same keys, so they share one mapping
and one set of checks: a field of the wrong kind or a date that does not
parse skips the record with a Problem saying which value is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from search.ingest.document import DOCUMENT_TYPES, Document, Problem, Speaker
from search.ingest.readers.dates import parse_date

_TITLE_CHARS = 100
_STRING_FIELDS = (
    "id", "title", "type", "source", "url", "country", "country_code", "language",
    "author", "section", "speaker", "role", "post",
)


class BadRecord(ValueError):
    """A record whose fields cannot be used as they are."""


def document_type(value: str | None, default: str, unknown: str) -> str:
    """One of DOCUMENT_TYPES: ``default`` when unset, ``unknown`` when not a known type."""
    if not value:
        return default
    key = " ".join(value.casefold().replace("_", " ").replace("-", " ").split())
    return key if key in DOCUMENT_TYPES else unknown


def fallback_title(paragraphs: list[str]) -> str:
    """A title for an untitled document: the start of its first paragraph."""
    first = paragraphs[0] if paragraphs else ""
    if len(first) <= _TITLE_CHARS:
        return first
    return first[:_TITLE_CHARS].rsplit(" ", 1)[0] + "…"


def document_from_record(
    record: Mapping[str, Any],
    paragraphs: list[str],
    *,
    path: str,
    line: int,
    default_id: str,
) -> Document | Problem:
    """The Document a record describes, or the Problem that keeps it out."""
    try:
        fields = {key: _string(record, key) for key in _STRING_FIELDS}
        speakers = _speakers(record, fields)
        when, precision = _date(record)
    except BadRecord as error:
        return Problem(path, line, str(error))
    return Document(
        id=fields["id"] or default_id,
        title=fields["title"] or fallback_title(paragraphs),
        paragraphs=paragraphs,
        type=document_type(fields["type"], default="article", unknown="other"),
        source=fields["source"],
        url=fields["url"],
        date=when,
        date_precision=precision,
        speakers=speakers,
        country=fields["country"],
        country_code=fields["country_code"],
        language=fields["language"] or "en",
        author=fields["author"],
        section=fields["section"],
        path=path,
        line=line,
    )


def _date(record: Mapping[str, Any]) -> tuple[datetime | None, str | None]:
    """``date``, else ``year``; a value that does not parse is the record's fault."""
    raw = record.get("date") if record.get("date") is not None else record.get("year")
    if raw is None:
        return None, None
    try:
        return parse_date(raw)
    except ValueError:
        raise BadRecord(f"unparseable date {_shown(raw)}") from None


def _shown(value: Any) -> str:
    return repr(value.isoformat() if isinstance(value, date | datetime) else value)


def _string(record: Mapping[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise BadRecord(f"field {key!r} must be a string, not {type(value).__name__}")


def _speakers(record: Mapping[str, Any], fields: dict[str, str | None]) -> list[Speaker]:
    """``speakers`` (names or {name, role, country} objects), else ``speaker`` with role/post."""
    listed = record.get("speakers")
    if listed is None:
        name = fields["speaker"]
        role = fields["role"] or fields["post"]
        return [Speaker(name, role, fields["country"])] if name else []
    if not isinstance(listed, list):
        raise BadRecord(f"field 'speakers' must be a list, not {type(listed).__name__}")
    return [speaker for speaker in map(_speaker, listed) if speaker]


def _speaker(entry: Any) -> Speaker | None:
    if isinstance(entry, str):
        return Speaker(entry.strip()) if entry.strip() else None
    if not isinstance(entry, Mapping):
        raise BadRecord(f"a speakers entry must be a string or an object, not {type(entry).__name__}")
    name = _string(entry, "name")
    if not name:
        raise BadRecord("a speakers entry has no name")
    return Speaker(name, _string(entry, "role") or _string(entry, "post"), _string(entry, "country"))
