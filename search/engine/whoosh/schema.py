"""The Whoosh schema: one index holding three kinds of searchable unit.

Every Whoosh document is a *unit*: a whole ``document``, one ``passage``
(paragraph) of it, or one ``quote`` extracted from it. Units of one document
share ``doc_id`` and its metadata, so a search can be restricted to a kind of
unit with a single term and a hit always knows where it belongs.

Facet fields (speaker, country, type, source) are indexed as exact terms for
filtering *and* kept in a per-document column for counting: counting from a
column avoids Whoosh's slow ``groupedby`` path (which also ignores ``limit``).
A unit may have several speakers, so a facet value is a ``\\x1f``-joined list.

Fields that only some units need (title, date, year) are indexed on the
document unit alone: every posting costs indexing time, and a passage's date
filter and sort use the ``day`` column, which every unit has.

Each kind of unit has its own full-text field (``text``, ``passage_text``,
``quote_text``): a document search then reads document postings only, as
fast as an index of documents alone, instead of wading through the passages'
postings of the same words and discarding them.

A phrase in quotes is matched letter for letter, stop words included, on
``text_exact`` (document units) and ``quote_exact`` (quotes), which hold exact
word forms and common grams (``search.engine.whoosh.analysis``). A passage's
exact phrases are read from its document's field: no phrase crosses a
paragraph, and the document's ``starts`` column (where each paragraph starts)
says which paragraph an occurrence is in. A field per passage would double
the cost (the stemmed fields pay it to score passages on their own words).

Full text is indexed with positions but without character offsets (they slow
phrase queries); snippets come from re-analysing the one passage that
matched, which is short. Only passages store their text: the document text is
their concatenation, so storing it twice would double the index.
"""

from __future__ import annotations

from whoosh import columns, fields, formats
from whoosh.analysis import RegexTokenizer

from search.engine.whoosh.analysis import make_analyzer, make_exact_analyzer
from search.engine.whoosh.postings import CompactPositions, ReusablePositions
from search.fields import VALUE_FACETS

# What units hold, as a number: changing it makes the next ``dipsearch index`` re-read
# every file (2: paragraph starts on documents; a document's units are consecutive;
# 3: a document unit stores its file_key, so what the index holds is read from live
# documents, never from the term list, which keeps deleted documents' terms; 4: one ``file``
# unit per corpus file read, with its key and the ids an earlier file took from it;
# 5: a ``kind`` facet on every unit, reported speech named ``reported``;
# exact-phrase fields ``text_exact`` and ``quote_exact`` (exact word forms and common grams,
# so a quoted phrase matches letter for letter, stop words included) and a ``starts`` column;
# 6: speaker values are people learned from every record (search.ingest.people), quoted
# offices the people who held them; 7: frequent words open common grams in the exact fields;
# 8: posting blocks pickled with protocol 5, see search.engine.whoosh.writer).
INDEX_FORMAT = 8
# The fields a query searches, by unit: documents by text and title, the others by their text.
SEARCH_FIELDS = {"document": ("text", "title"), "passage": ("passage_text",),
                 "quote": ("quote_text",)}
# The field a quoted phrase is matched on letter for letter, by unit: a passage's phrases are
# read on its document (see the module doc).
EXACT_FIELDS = {"document": "text_exact", "passage": "text_exact", "quote": "quote_exact"}


def with_lengths(field: fields.FieldType) -> fields.FieldType:
    """Give a filter-only field a length column, only to keep indexing fast.

    When Whoosh's W3 codec writes a posting it asks for the document's field
    length; for a field without a length column (any non-scorable field) it
    answers with a filesystem ``exists`` call, uncached, for every posting:
    a quarter of the indexing time here. A one-byte length column per
    document makes that a cached read. Nothing scores these fields.
    """
    field.scorable = True
    return field


class FacetField(fields.FieldType):
    """Exact-value terms for filters plus a column of the joined values for counting."""

    def __init__(self, stored: bool = False) -> None:
        self.format = formats.Existence()
        self.analyzer = RegexTokenizer(r"[^\x1f]+")
        self.scorable = True  # see with_lengths
        self.stored = stored
        self.unique = False
        self.vector = None
        self.column_type = columns.VarBytesColumn()

    def to_column_value(self, value: str) -> bytes:
        return value.encode("utf-8")

    def from_column_value(self, value: bytes) -> str:
        return value.decode("utf-8")


def _text(analyzer, positions=ReusablePositions) -> fields.TEXT:
    """A full-text field that also takes precomputed postings (see search.engine.whoosh.postings)."""
    field = fields.TEXT(analyzer=analyzer, phrase=True, multitoken_query="phrase")
    field.format = positions(field_boost=field.format.field_boost)
    return field


def build_schema(analysis: dict) -> fields.Schema:
    """The schema for an index built with these analysis options (config's ``analysis``)."""
    analyzer = make_analyzer(analysis["stemmer"], analysis["stop_words"], analysis["fold_accents"])
    exact = make_exact_analyzer(analysis["stop_words"], analysis["fold_accents"])
    return fields.Schema(
        # every unit; a filter field per value facet of the registry (search.fields)
        key=fields.STORED(),
        unit=with_lengths(fields.ID(stored=True)),
        doc_id=with_lengths(fields.ID(stored=True)),
        **{name: FacetField() for name in VALUE_FACETS},
        day=fields.COLUMN(columns.NumericColumn("q", default=0)),
        # a hash of the key, to order ties the same in any index history (engine/whoosh/units.py)
        ukey=fields.COLUMN(columns.NumericColumn("q", default=0)),
        body=fields.STORED(),
        position=fields.STORED(),
        meta=fields.STORED(),
        # one full-text field per kind of unit, so a search reads only its own postings
        text=_text(analyzer),
        passage_text=_text(analyzer),
        quote_text=_text(analyzer),
        # exact phrases (letter for letter, stop words kept): a field per kind of unit
        text_exact=_text(exact, CompactPositions),
        quote_exact=_text(exact, CompactPositions),
        # where each paragraph starts in ``text`` and ``text_exact``: uint32s (document units)
        starts=fields.COLUMN(columns.VarBytesColumn()),
        # document units only: lookups, incremental indexing, query syntax
        id=with_lengths(fields.ID(unique=True)),
        file=with_lengths(fields.ID(stored=True)),
        file_key=with_lengths(fields.ID(stored=True)),
        title=fields.TEXT(analyzer=analyzer, multitoken_query="phrase"),
        date=with_lengths(fields.DATETIME()),
        year=with_lengths(fields.NUMERIC(int, bits=32)),
        country_code=with_lengths(fields.ID()),
    )
