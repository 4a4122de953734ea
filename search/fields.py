"""The one registry of units and facets: what a hit can be, and what a search can count.

Every layer reads this table instead of writing its own list: the ingest
side takes each facet's values from a document here, the engine's schema
makes one filter field per value facet, config validation, request parsing
and the OpenAPI description take the names from here, and the pages their
labels. ``facets.fields`` in config.yaml chooses which of these facets a
server offers (counts, filters, sidebar); the index always holds them all,
so switching one on or off needs no re-index.

Adding a facet whose value a document already has (say ``language``) is one
``Facet`` line here, with ``INDEX_FORMAT`` of the engine raised so that the
next ``dipsearch index`` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from search.ingest.document import Document, Speaker
    from search.ingest.quotes import Quote

# Several values of one facet on one unit (two speakers) are kept joined by this character.
SEPARATOR = "\x1f"

# What a hit is, as the API names it -> the unit kind the index stores.
UNITS = {"documents": "document", "passages": "passage", "quotes": "quote"}

# The kinds of quote, as every layer names them, with the words the pages and citations use.
# Only a direct quote is the speaker's words between quotation marks; a partial quote is a
# fragment of them inside the reporter's sentence; reported speech is the reporter's paraphrase.
KINDS = {"direct": "direct quote", "partial": "partial quote", "reported": "reported speech"}

# What a speaker is (search.ingest.sources): only people (and the offices and groups a quote
# names, shown as such) are speakers; institutions and texts have a facet of their own.
SPEAKER_KINDS = ("person", "office", "group", "institution")


@dataclass(frozen=True)
class Subject:
    """What a unit's facet values are read from: its document, the speakers whose words it
    holds (a quote: its own speaker) and the quotes inside it (a quote: itself)."""

    unit: str
    doc: "Document"
    speakers: list["Speaker"]
    quotes: list["Quote"]


@dataclass(frozen=True)
class Facet:
    """A facet: filterable by exact value, counted over a result set."""

    name: str
    label: str
    description: str
    # The unit's values; None for ``year``, which is read from the date every unit carries
    # (``day``).
    values: Callable[[Subject], list[str | None]] | None


def _countries(u: Subject) -> list[str | None]:
    """A quote is its speaker's country's, when known; any other unit is its document's and
    its speakers'."""
    own = [s.country for s in u.speakers if s.country]
    if u.unit == "quote" and own:
        return own
    return [u.doc.country, *own]


FACETS: dict[str, Facet] = {f.name: f for f in (
    Facet("speaker", "Speaker", "Speaker (canonical name; a quote's may be an office or group "
                                "it names, never an institution)",
          lambda u: [s.name for s in u.speakers if s.kind != "institution"]),
    Facet("institution", "Institution", "Institution, country or text a quote is credited to "
                                        "(the Charter, the World Bank, Kenya)",
          lambda u: [s.name for s in u.speakers if s.kind == "institution"]),
    Facet("country", "Country", "Country of the document or its speakers (a quote: of its "
                                "speaker when known)", _countries),
    Facet("type", "Type", "Document type (speech, statement, article ...)",
          lambda u: [u.doc.type]),
    Facet("source", "Source", "Source or outlet",
          lambda u: [u.doc.source]),
    Facet("kind", "Quote kind", "Kind of quote: direct, partial or reported (a document or "
                                "passage: the kinds of the quotes in it)",
          lambda u: [q.kind for q in u.quotes]),
    Facet("year", "Year", "Year of the document's date", None),
)}
# Facets held as exact-value terms and a column of joined values (all but ``year``).
VALUE_FACETS = tuple(name for name, facet in FACETS.items() if facet.values is not None)


def joined(values: list[str | None]) -> str | None:
    """A unit's facet values as one column value: each once, in order, blanks dropped."""
    kept = [v for v in dict.fromkeys(values) if v]
    return SEPARATOR.join(kept) if kept else None


def day_number(when: datetime | None) -> int:
    """A date as the sortable integer YYYYMMDDHHMM every unit keeps (0: unknown)."""
    return int(when.strftime("%Y%m%d%H%M")) if when else 0
