"""Text or Markdown with a YAML front matter block, and plain Markdown.

::

    ---
    title: Joint statement on ...
    date: 2022-01-07
    speakers: [{name: Antony Blinken, role: Secretary of State, country: United States}]
    ---
    First paragraph, possibly
    wrapped over lines.

    Second paragraph.

Keys are those of a JSON Lines record (see ``search.ingest.readers.jsonl``), read by
the same code; ``id`` defaults to the file stem.  Body paragraphs are
blank-line separated blocks, list items and headings (Markdown's rules).  A
leading ``# Heading`` is the title when there is no ``title`` key, and is
dropped when it repeats the title.  Markdown without front matter is read the
same way with no metadata.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from search.ingest.document import Document, Problem
from search.ingest.readers.records import document_from_record
from search.ingest.readers.text import Unreadable, blocks, normalize_newlines

_OPENING = re.compile(r"---[ \t]*\r?\n")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_HEADING = re.compile(r"#{1,6}\s+(.+?)\s*#*")


def has_front_matter(text: str) -> bool:
    """Whether the text opens with a ``---`` line, i.e. claims a front matter block."""
    return _OPENING.match(text) is not None


def read_front_matter(path: Path, shown: str, text: str) -> Iterator[Document | Problem]:
    """The one document of a front matter (or plain Markdown) file."""
    meta, body = _split(normalize_newlines(text))
    first, _, rest = body.strip().partition("\n")
    heading = _HEADING.fullmatch(first.strip())
    if heading:
        meta["title"] = meta.get("title") or heading.group(1)
        if str(meta["title"]).strip() == heading.group(1):
            body = rest
    paragraphs = blocks(body)
    if not paragraphs:
        raise Unreadable(1, "document has no body text")
    yield document_from_record(meta, paragraphs, path=shown, line=1, default_id=path.stem)


def _split(text: str) -> tuple[dict[str, Any], str]:
    """Front matter mapping and body; no block gives an empty mapping."""
    opening = _OPENING.match(text)
    if not opening:
        return {}, text
    closing = _CLOSING.search(text, opening.end())
    if not closing:
        raise Unreadable(1, "front matter opened by '---' on line 1 is never closed")
    return _parse(text[opening.end():closing.start()]), text[closing.end():]


def _parse(block: str) -> dict[str, Any]:
    try:
        meta = yaml.safe_load(block)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1  # +1 for the opening '---', +1 for 1-based
        reason = getattr(error, "problem", None) or str(error)
        raise Unreadable(line, f"front matter is not valid YAML: {reason}") from None
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise Unreadable(1, f"front matter is a YAML {type(meta).__name__}, not a mapping")
    return meta
