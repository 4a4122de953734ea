"""The seam between the product and its search engine.

The service (search.service) and the indexer speak to an engine only through
the protocols here; only the engine's own package knows how the index is
stored and read (search.engine.whoosh today). A second engine, say one over
OpenSearch for corpora past one machine, implements these same protocols and
is checked by the same contract tests (tests/test_engine_contract.py).

What crosses the seam is plain data: a ``SearchSpec`` in, an ``Outcome`` of
stored unit records out. A unit record is the dict the ingest side prepared
for a unit (``key``, ``doc_id``, ``unit``, ``meta``, ``body``, ``position``),
as stored. The query text is the product's query language (words, "phrases",
AND/OR/NOT, field:value, prefix*), which each engine parses for itself.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, NamedTuple, Protocol

if TYPE_CHECKING:
    from search.ingest.units import Prepared


class IndexMissing(RuntimeError):
    """No published index: run ``dipsearch index`` first."""


class BuildInProgress(RuntimeError):
    """Another build holds the lock; only one may run at a time."""


class RequestError(ValueError):
    """A request that cannot be served as asked: ``400 {"error": {code, message, param}}``.

    Raised by the service's validation and by an engine refusing a query
    (too many terms, a wildcard that expands too far, an expired cursor).
    """

    def __init__(self, code: str, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.param = code, message, param


@dataclass(frozen=True)
class Limits:
    """What one request may cost; from the ``search`` section of config.yaml."""

    max_query_chars: int = 1000
    max_terms: int = 64
    max_expansions: int = 512
    max_per_page: int = 100
    time_limit: float = 2.0


@dataclass
class SearchSpec:
    """One search, in engine terms.

    ``day_from``/``day_to`` are ``search.fields.day_number`` values (0: open).
    ``need``: how many matches must come back ranked (None: all, for a cursor
    or an export); ``start``/``count`` the slice of them to return, or
    ``after`` the opaque key of the last hit already seen. ``phrase``: "exact"
    (a quoted phrase matches its words letter for letter, stop words included)
    or "loose" (any word endings, stop words skipped).
    """

    q: str = ""
    unit: str = "document"
    filters: dict[str, list[str]] = field(default_factory=dict)
    day_from: int = 0
    day_to: int = 0
    sort: str = "relevance"
    facets: list[str] = field(default_factory=list)
    facet_size: int = 10
    start: int = 0
    count: int = 10
    after: tuple | None = None
    best_passages: bool = True   # documents: the paragraph that best matches each hit
    quotes: bool = True          # documents: up to three of each hit's quotes that match
    phrase: str = "exact"        # quoted phrases: "exact" or "loose"
    suggest: bool = True         # a spelling suggestion when little matches


@dataclass
class Match:
    """A hit: its stored unit record and score, with a document's best passage and quotes."""

    record: dict
    score: float | None
    passage: dict | None = None
    quotes: list[dict] = field(default_factory=list)


@dataclass
class QueryWords:
    """The words of a query as the index holds them, for highlighting."""

    terms: list[str] = field(default_factory=list)    # positive words
    phrases: list[list[str]] = field(default_factory=list)  # loose phrases, as terms
    loose: list[str] = field(default_factory=list)    # words outside phrases
    exact: list[list[str]] = field(default_factory=list)    # exact phrases, as Token.exact


@dataclass
class Outcome:
    """What a search found."""

    total: int
    partial: bool
    understood: str
    warnings: list[str]
    matches: list[Match]
    facets: dict
    histogram: list[dict]
    words: QueryWords
    next_key: list | None = None
    suggestion: str | None = None


@dataclass
class Export:
    """An export's matches, and what tells whether they are all of them.

    ``total``: every match of the search; ``partial``: the search ran out of
    time, so even ``total`` is a lower bound. ``matches`` yields at most the cap.
    """

    total: int
    partial: bool
    matches: Iterator[Match]


class Token(NamedTuple):
    """A word of a text as the index analyses it, with its place in the text: ``text`` the
    term (stemmed), ``exact`` the form a phrase matches letter for letter."""

    text: str
    start: int
    end: int
    stopped: bool
    exact: str = ""


class Snapshot(Protocol):
    """One published index version, open for reading; answers are consistent within it."""

    version: str

    def search(self, spec: SearchSpec) -> Outcome: ...

    def export(self, spec: SearchSpec, cap: int) -> Export:
        """Every match in order, up to ``cap``, without passages or quotes."""

    def units_of(self, doc_id: str) -> list[dict]:
        """Every unit record of one document (none when unknown)."""

    def value_counts(self, facet: str, unit: str | None,
                     within: dict[str, list[str]] | None = None) -> Counter:
        """How many live units of a kind (None: any) hold each value of a facet, filtered."""

    def unit_count(self, unit: str) -> int: ...

    def tokens(self, text: str) -> list[Token]:
        """``text`` analysed as the index analyses it, stop words marked, for highlighting."""

    def query_words(self, q: str, unit: str, phrase: str = "exact") -> QueryWords: ...

    def frequencies(self, terms: Iterable[str], unit: str) -> dict[str, int]:
        """How many units of a kind hold each analysed term (``Token.text``): which words of
        a pasted quote are rare enough to find it by."""

    def holdings(self, *, units: bool = False) -> Holdings:
        """What this version holds; ``units``: also check every document's units."""

    def cost(self, q: str, unit: str, phrase: str = "exact") -> int:
        """Roughly how much reading a search would take (postings; a phrase word counts more),
        told from the term list alone, before any matcher is built."""

    def storage(self) -> SegmentStats: ...


class Writer(Protocol):
    """One build: deletions and additions of prepared documents, published in one step."""

    version: str
    units: int

    def holdings(self) -> "Holdings":
        """What the version being written held when the build began."""

    def storage(self) -> "SegmentStats":
        """After commit: how the written version is stored."""

    def delete(self, doc_ids: Iterable[str]) -> None: ...

    def add(self, prepared: "Prepared") -> None: ...

    def record_file(self, name: str, key: str, rejected: set[str]) -> None:
        """Record that a corpus file was read (replacing what was recorded of it): its key,
        and the ids it holds that an earlier file took, which the file must get back if that
        earlier file ever lets them go."""

    def forget_file(self, name: str) -> None:
        """The file left the corpus: drop what was recorded of it."""

    def commit(self) -> None:
        """Make everything written searchable at once (publishing a new version if any)."""

    def cancel(self) -> None:
        """Drop everything written; the live version stays as it was."""


@dataclass
class Holdings:
    """What a version holds, read from its live documents only (never from deleted ones).

    The indexer plans an incremental build from it, and ``dipsearch index
    --check`` compares it with the corpus.
    """

    file_keys: set[str] = field(default_factory=set)      # "<path>@<format>:<sha256>"
    docs_by_file: dict[str, set[str]] = field(default_factory=dict)
    speakers: list[str] = field(default_factory=list)     # facet values, first spelling wins
    # file -> ids it holds that an earlier file took first (see Writer.record_file)
    rejected_by_file: dict[str, set[str]] = field(default_factory=dict)
    copies: dict[str, int] = field(default_factory=dict)  # doc ids held more than once
    # doc id -> (units expected, units found), for documents missing units or holding extra
    # ones (filled only when asked for: it reads every document's units)
    incomplete: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass
class SegmentStats:
    """How a version is stored: its segments, and units deleted but not yet merged away."""

    segments: int
    units: int
    deleted: int

    @property
    def deleted_share(self) -> float:
        return self.deleted / self.units if self.units else 0.0

    def as_dict(self) -> dict:
        return {"segments": self.segments, "units": self.units, "deleted": self.deleted,
                "deleted_share": round(self.deleted_share, 4)}


class Engine(Protocol):
    """An index on disk: its live version for reading, builds for writing."""

    root: Path
    format: int  # what units hold: a change makes the next build re-read every file

    def live(self) -> Snapshot:
        """The published version, reopened when a newer one is published."""

    def build(self, *, rebuild: bool, procs: int) -> "BuildContext": ...

    def build_running(self) -> bool: ...


class BuildContext(Protocol):
    """``with engine.build(...) as writer``: holds the one build lock while it lasts."""

    def __enter__(self) -> Writer: ...

    def __exit__(self, *exc) -> None: ...

