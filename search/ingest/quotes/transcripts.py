"""Transcripts: speaker-labelled turns (``SECRETARY BLINKEN: ...``, ``QUESTION: ...``), each
turn a direct quote of its label's speaker."""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.ingest.quotes.phrases import name_and_title
from search.ingest.quotes.resolve import Resolver
from search.ingest.quotes.vocabulary import TITLES
from search.ingest.quotes.words import bare, strip_span

REPORTER = "Reporter"  # the speaker of a journalist's question

# A label opening a line: Q, QUESTION, or up to five capitalised words, then a colon; a
# questioner's outlet may follow in brackets ("Q (Reuters):"). Searched after a line break (a
# literal the regex engine skips to, several times faster than a multiline "^"), and at the start.
_LABEL = re.compile(r"[ \t]*(?P<label>[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,4})(?:[ \t]+\([^()\n]{1,40}\))?"
                    r"[ \t]*:[ \t]*")
_LINE_LABEL = re.compile(r"\n" + _LABEL.pattern)
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
    """Speaker-labelled turns when at least two labels are present (one is a heading). A label in
    upper case (``SECRETARY BLINKEN:``) is one wherever it stands; one in mixed case
    (``Moraru:``, ``Global Affairs Weekly:``) only if some mixed-case label opens two lines, as
    an interview's do: once, it is a roundup's speaker or a heading ('Note:', 'Gov. Ann Hale:')."""
    first = _LABEL.match(text)
    found = [m for m in ([first] if first else []) + list(_LINE_LABEL.finditer(text))
             if m.group("label") not in _NOT_LABELS]
    mixed = [m.group("label") for m in found if not m.group("label").isupper()]
    interview = len(mixed) > len(set(mixed))
    labels = [m for m in found if m.group("label").isupper() or interview and not _address(m.group("label"))]
    if len(labels) < 2:
        return []
    found = []
    for k, m in enumerate(labels):
        stop = labels[k + 1].start() if k + 1 < len(labels) else len(text)
        start, end = strip_span(text, m.end(), stop)
        if end > start:
            found.append(Turn(m.start("label"), m.end("label"), start, end, m.group("label")))
    return found


def _address(label: str) -> bool:
    """'Mr. President', 'Madam Chair': a form of address, no speaker."""
    return all(bare(word) in TITLES for word in label.split())


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
