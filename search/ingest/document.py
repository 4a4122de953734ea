"""The one Document model every reader produces and the indexer consumes.

Readers differ in what they know (a UNGDC record has a year, a news scrape a
minute); the model keeps that difference explicit with ``date_precision`` so
that a year-only speech is never displayed as "1 January".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
import datetime as dt
from datetime import datetime, timedelta
from typing import Sequence

DOCUMENT_TYPES = (
    "speech",
    "statement",
    "joint statement",
    "press release",
    "press statement",
    "briefing",
    "communique",
    "article",
    "transcript",
    "interview",
    "letter",
    "other",
)

# What joins a document's paragraphs into its text.
PARAGRAPH_BREAK = "\n\n"


@dataclass
class Speaker:
    """A person (or collective source) credited with a document or a quote. ``kind`` says
    which (search.ingest.sources): a record's own speaker is a person; a quote's may be an
    office no one could be named for, a group or an institution."""

    name: str
    role: str | None = None
    country: str | None = None
    kind: str = "person"  # person, office, group or institution (search.fields.SPEAKER_KINDS)


@dataclass
class Document:
    """A statement, speech or article, ready for analysis and indexing.

    ``path`` and ``line`` say where it came from so that every later problem
    can be reported as ``file:line: reason``.
    """

    id: str
    title: str
    paragraphs: list[str]
    type: str = "article"
    source: str | None = None
    url: str | None = None
    date: datetime | None = None
    date_precision: str | None = None
    speakers: list[Speaker] = field(default_factory=list)
    country: str | None = None
    country_code: str | None = None
    language: str = "en"
    author: str | None = None
    section: str | None = None
    path: str = ""
    line: int = 1

    @property
    def text(self) -> str:
        """Paragraphs joined by blank lines: the offsets quotes refer to."""
        return PARAGRAPH_BREAK.join(self.paragraphs)

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None

    @property
    def period(self) -> tuple[dt.date | None, dt.date | None]:
        """The first and last day the date may mean: all of 1957 for a year-only date."""
        if self.date is None:
            return None, None
        first = self.date.date()
        if self.date_precision == "year":
            return first.replace(month=1, day=1), first.replace(month=12, day=31)
        if self.date_precision == "month":
            following = first.replace(day=28) + timedelta(days=4)
            return first.replace(day=1), following - timedelta(days=following.day)
        return first, first


@dataclass
class Problem:
    """Input that could not be read: reported as ``path:line: reason`` and skipped."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


def stable_id(*parts: str) -> str:
    """A short id that stays the same as long as its parts do (for sources without ids)."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:16]


def paragraph_starts(paragraphs: Sequence[str]) -> list[int]:
    """Where each paragraph starts in its document's ``text`` (the offsets quotes count):
    for the document page, verify's voices and the paragraph a quote stands in."""
    starts, at = [], 0
    for paragraph in paragraphs:
        starts.append(at)
        at += len(paragraph) + len(PARAGRAPH_BREAK)
    return starts
