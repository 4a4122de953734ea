"""Raw article text as newsroom scrapers save it.

Layout (``corpus/us-japan-defence-cooperation-2022-01-07.txt``)::

    US, Japan pledge more defence cooperation to counter Chinese threat
    - In Reports
    - 06:02 PM, Jan 07, 2022
    - Myind Staff
    Secretary of State Blinken, ...          <- body, one paragraph a line
    Image credit: Reuters                    <- page furniture, dropped
    Comments

Metadata lines are unlabelled, so each is classified by what it is: a URL,
a ``Key: value`` line (source, author/by, section, date/published, url), a
date, a section ("In Reports", or a known section word), else part of the
author.  Only the first date counts (later ones are "updated" stamps).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from search.ingest.document import Document, Problem
from search.ingest.readers.dates import is_date, parse_date
from search.ingest.readers.text import Unreadable, normalize_newlines, split_paragraphs

_SECTION_WORDS = {
    "analysis", "asia", "blog", "business", "commentary", "defence", "defense", "diplomacy",
    "economy", "editorial", "explainer", "feature", "features", "india", "international",
    "interview", "interviews", "national", "news", "opinion", "politics", "report", "reports",
    "world",
}
_LABELLED = re.compile(r"(source|author|by|section|date|published|url)\s*:\s*(.+)", re.IGNORECASE)
_LABEL_FIELD = {"by": "author", "published": "date"}
_SECTION = re.compile(r"In\s+[A-Z]")
_URL = re.compile(r"https?://\S+")
_BY = re.compile(r"By\s+(.+)")
# Whole lines that belong to the page around the article, not to the article.
_FURNITURE = re.compile(
    r"""(?:(?:file|representational|representative|featured|cover|top)\s+)?
        (?:image|photo|picture|pic|video|graphic|illustration)s?\s*
        (?:credits?|courtesy|source)?\s*[:|].*
      | \(\s*(?:image|photo|picture)s?\s+(?:credits?|courtesy)\b.*\)
      | comments?(?:\s*\(\d+\))?
      | share(?:\s+(?:this|on)\b.*)?
      | advertisement | sponsored
      | (?:read\s+more|also\s+read|read\s+also|see\s+also|related|recommended)\s*[:|-].*
      | follow\s+us\b.* | subscribe\s+(?:now|to\b).* | click\s+here\b.*
    """,
    re.IGNORECASE | re.VERBOSE,
)
_FURNITURE_MAX = 100  # furniture lines are short; a long line is prose
_GLUED_COMMENTS = re.compile(r"(?<=\S)Comments\s*\Z")


@dataclass
class _Meta:
    date: str | None = None
    date_line: int = 1
    section: str | None = None
    source: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)


def read_article(path: Path, shown: str, text: str) -> Iterator[Document | Problem]:
    """The one article of a raw text file."""
    lines = normalize_newlines(text).split("\n")
    start = next(index for index, line in enumerate(lines) if line.strip())
    title = lines[start].strip()
    meta_lines, body_start = _metadata_lines(lines, start + 1)
    meta = _classify(meta_lines)
    paragraphs = split_paragraphs(_body(lines[body_start:]))
    if not paragraphs:
        raise Unreadable(1, "article has a title but no body text")
    when, precision = _date(meta)
    yield Document(
        id=path.stem,
        title=title,
        paragraphs=paragraphs,
        type="article",
        source=meta.source,
        url=meta.url,
        date=when,
        date_precision=precision,
        author=", ".join(meta.authors) or None,
        section=meta.section,
        path=shown,
        line=1,
    )


def _date(meta: _Meta) -> tuple[datetime | None, str | None]:
    """Only a labelled ``Date:`` line can fail here: unlabelled lines are dates because they parse."""
    if meta.date is None:
        return None, None
    try:
        return parse_date(meta.date)
    except ValueError:
        raise Unreadable(meta.date_line, f"unparseable date {meta.date!r}") from None


def _metadata_lines(lines: list[str], index: int) -> tuple[list[tuple[int, str]], int]:
    """The ``- `` lines right after the title (with 1-based line numbers), and where the body starts."""
    found = []
    while index < len(lines) and (lines[index].startswith("- ") or not lines[index].strip()):
        if lines[index][2:].strip():
            found.append((index + 1, lines[index][2:].strip()))
        index += 1
    return found, index


def _classify(values: list[tuple[int, str]]) -> _Meta:
    meta = _Meta()
    for line, value in values:
        labelled = _LABELLED.fullmatch(value)
        if labelled:
            key = labelled.group(1).lower()
            _assign(meta, _LABEL_FIELD.get(key, key), labelled.group(2).strip(), line)
        elif _URL.fullmatch(value):
            _assign(meta, "url", value, line)
        elif is_date(value):
            _assign(meta, "date", value, line)
        elif _SECTION.match(value) or value.casefold() in _SECTION_WORDS:
            _assign(meta, "section", value, line)
        else:
            by = _BY.fullmatch(value)
            meta.authors.append(by.group(1) if by else value)
    return meta


def _assign(meta: _Meta, name: str, value: str, line: int) -> None:
    if name == "author":
        meta.authors.append(value)
    elif getattr(meta, name) is None:
        setattr(meta, name, value)
        if name == "date":
            meta.date_line = line


def _body(lines: list[str]) -> str:
    """The body text without page furniture."""
    text = _GLUED_COMMENTS.sub("", "\n".join(lines))
    kept = [line for line in text.split("\n") if not _is_furniture(line.strip())]
    return "\n".join(kept)


def _is_furniture(line: str) -> bool:
    return len(line) <= _FURNITURE_MAX and _FURNITURE.fullmatch(line) is not None
