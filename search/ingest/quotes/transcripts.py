"""Transcripts: speaker-labelled turns (``SECRETARY BLINKEN: ...``, ``QUESTION: ...``), each
turn a direct quote of its label's speaker."""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.ingest.quotes.phrases import name_and_title
from search.ingest.quotes.resolve import Resolver
from search.ingest.quotes.words import strip_span

REPORTER = "Reporter"  # the speaker of a journalist's question

# A label opening a line: Q, QUESTION, or up to five capitalised words, then a colon.
_LABEL = re.compile(r"^[ \t]*(?P<label>Q|QUESTION|[A-Z][A-Z.'’-]*(?: [A-Z][A-Z.'’-]*){0,4})[ \t]*:[ \t]*",
                    re.M)
# Capitalised line openers that are no speaker.
_NOT_LABELS = {"NOTE", "UPDATE", "EDITOR'S NOTE", "CORRECTION", "WATCH", "READ MORE", "RELATED", "PHOTO",
               "VIDEO", "SOURCE", "SOURCES", "END", "TOPICS", "TAGS", "ALSO READ"}
# Labels of the press side of a briefing.
_QUESTION_LABELS = {"Q", "QUESTION", "QUESTIONER", "REPORTER", "JOURNALIST", "AUDIENCE MEMBER"}


@dataclass
class Turn:
    """One turn: its label ``[label_start, label_end)`` and its words ``[start, end)``."""

    label_start: int
    label_end: int
    start: int
    end: int
    label: str


def turns(text: str) -> list[Turn]:
    """Speaker-labelled turns when at least two labels are present (one is a heading)."""
    labels = [m for m in _LABEL.finditer(text) if m.group("label") not in _NOT_LABELS]
    if len(labels) < 2:
        return []
    found = []
    for k, m in enumerate(labels):
        stop = labels[k + 1].start() if k + 1 < len(labels) else len(text)
        start, end = strip_span(text, m.end(), stop)
        if end > start:
            found.append(Turn(m.start("label"), m.end("label"), start, end, m.group("label")))
    return found


def turn_speaker(turn: Turn, resolver: Resolver) -> str:
    """QUESTION/Q is the press; a name label is resolved like any other name."""
    if turn.label in _QUESTION_LABELS:
        return REPORTER
    words = [w.capitalize() if w.isupper() else w for w in turn.label.split()]
    name, _ = name_and_title(words)
    if name:
        return resolver.person(" ".join(name), turn.label_start)
    titled = resolver.titled_person(" ".join(w for w in words if w.lower() != "the"), turn.label_start)
    return titled or " ".join(words)
