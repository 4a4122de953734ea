"""A quote as found (``Draft``, its speaker still a mention) and as returned (``Quote``)."""

from __future__ import annotations

from dataclasses import dataclass

from search.ingest.quotes.phrases import Mention


@dataclass
class Quote:
    """One quotation or reported clause; ``text == source[start:end]``."""

    start: int
    end: int
    text: str
    kind: str  # "direct" | "partial" | "reported" (search.fields.KINDS)
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue: str | None = None
    context: str = ""

    def to_dict(self) -> dict:
        """The JSON interface: everything but the display-only context."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind,
            "speaker": self.speaker,
            "speaker_start": self.speaker_start,
            "speaker_end": self.speaker_end,
            "cue": self.cue,
        }


@dataclass
class Draft:
    """A quote found but not yet credited: speakers are resolved in text order afterwards, so
    that pronouns and continuations see who spoke before."""

    start: int
    end: int
    kind: str
    mention: Mention | None = None
    cue: str | None = None
    speaker: str | None = None  # fixed in advance (transcript turns)
    fixed: bool = False
    continues: bool = False  # an unattributed quoted sentence: the previous speaker's
    label: tuple[int, int] | None = None  # a transcript turn's speaker label
