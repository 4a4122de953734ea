"""JSON Lines corpora (``.jsonl``, ``.ndjson``, gzipped ``.jsonl.gz``): one record a line.

Record fields (all optional unless marked):

- ``text`` (required, non-empty; or ``paragraphs``, a list of strings):
  split into paragraphs by ``split_paragraphs``, which copes with one
  paragraph a line, blank-line blocks and hard-wrapped lines.
- ``id``: string or number; else ``stable_id(path, line)``.
- ``title``: else the start of the first paragraph.
- ``date``: ISO date or datetime, or partial ("2022", "2022-01"), or any form
  ``parse_date`` reads; else ``year`` (int or "1946"), read as year precision.
- ``speaker`` (string, may be null) with ``post`` or ``role`` and ``country``,
  or ``speakers``: a list of names or of {name, role (or post), country}.
- ``type`` (one of DOCUMENT_TYPES, else "other"; default "article"),
  ``source``, ``url``, ``country``, ``country_code``, ``language`` (default
  "en"), ``author``, ``section``.  Other keys (UNGDC's ``session``) are ignored.

The UNGDC file (``ungdc-1946-2024.jsonl.gz``) reads as is. Lines are read and
decoded one at a time, so a 200 M character file never sits in memory whole
and a bad line costs only itself (byte offsets in problems count the
decompressed bytes of a ``.gz`` file).
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from search.ingest.document import Document, Problem, stable_id
from search.ingest.readers.records import document_from_record
from search.ingest.readers.text import Unreadable, check_size, not_decodable, split_paragraphs


def read_jsonl(path: Path, shown: str, max_chars: int) -> Iterator[Document | Problem]:
    """Every record of a JSON Lines file, gzipped when its name ends in ``.gz``."""
    line = offset = 0
    filled = False
    try:
        with _open(path) as stream:
            for line, raw in enumerate(stream, 1):
                if not raw.isspace():
                    filled = True
                    yield _line_item(raw, line, offset, shown, max_chars)
                offset += len(raw)
    except (EOFError, zlib.error, gzip.BadGzipFile) as error:
        yield Problem(shown, line + 1, f"corrupt gzip file, reading stopped: {error}")
        return
    if not filled:
        yield Problem(shown, 1, "empty file")


def _open(path: Path) -> BinaryIO:
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else path.open("rb")


def _line_item(raw: bytes, line: int, offset: int, shown: str, max_chars: int) -> Document | Problem:
    """One non-blank line as a Document, or the Problem that keeps it out."""
    nul = raw.find(b"\0")
    if nul >= 0:
        raise Unreadable(line, f"binary data: NUL byte at byte offset {offset + nul}; reading stopped")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return Problem(shown, line, not_decodable(raw, error.start, offset))
    try:
        record = json.loads(text.strip().lstrip("\ufeff"))
    except json.JSONDecodeError as error:
        return Problem(shown, line, f"not JSON (column {error.colno}): {error.msg.removesuffix(' at')}")
    if not isinstance(record, dict):
        return Problem(shown, line, f"record is a JSON {_json_kind(record)}, not an object")
    try:
        paragraphs = _paragraphs(record, line, max_chars)
    except Unreadable as error:
        return Problem(shown, line, error.reason)
    return document_from_record(record, paragraphs, path=shown, line=line, default_id=stable_id(shown, str(line)))


def _paragraphs(record: dict[str, Any], line: int, max_chars: int) -> list[str]:
    text = record.get("text")
    if text is None and isinstance(record.get("paragraphs"), list):
        listed = record["paragraphs"]
        if not all(isinstance(item, str) for item in listed):
            raise Unreadable(line, "field 'paragraphs' must be a list of strings")
        check_size(sum(map(len, listed)), max_chars, line)
        paragraphs = [paragraph for paragraph in map(str.strip, listed) if paragraph]
    elif text is None:
        raise Unreadable(line, "record has no 'text'")
    elif not isinstance(text, str):
        raise Unreadable(line, f"field 'text' must be a string, not {_json_kind(text)}")
    else:
        check_size(len(text), max_chars, line)
        paragraphs = split_paragraphs(text)
    if not paragraphs:
        raise Unreadable(line, "record has an empty text")
    return paragraphs


def _json_kind(value: Any) -> str:
    kinds = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else kinds.get(type(value), type(value).__name__)
