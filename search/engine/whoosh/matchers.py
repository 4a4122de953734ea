"""Whoosh queries Whoosh lacks: phrases letter for letter, loose phrases with stop-word gaps,
and "most of these words".

Phrases letter for letter
-------------------------

A phrase in quotes is matched on an exact-phrase field
(``search.engine.whoosh.schema``) by ``VerbatimPhrase``: every word as
written (up to case, accents, the apostrophe's style and punctuation), stop
words included, read as the common grams and words of
``ExactFilter.plan`` (``"to be or not to be"``: ``to be@0 be or@1 or not@2
not to@3 to be@4``). A passage's phrases are read on its document's field and
rolled down to the paragraphs that hold them (``rolled_down``): a document
has a few dozen postings where its passages have hundreds.

Loose phrases
-------------

With ``phrase=loose`` (and for ``"..."~N``), phrases are read on the stemmed
field. The analyzer drops stop words but keeps their positions, so ``Security
Council will be reformed`` indexes ``secur@0 council@1 reform@4``. Whoosh's
``Phrase`` only knows its words, not their distances, so it would either
miss ``"weapons of mass destruction"`` (``weapon@0 mass@2``) or, with the
gaps closed, match the wrong sentence. ``ExactPhrase`` carries each word's
offset from the first and matches only that layout: any word endings, any
stop words in the gaps.

Most of these words
-------------------
Whoosh's ``Or(minmatch=...)`` is documented as not implemented. ``MinMatch``
matches documents where at least ``k`` of its subqueries match, so a quote
remembered with one word wrong still finds its source while two unrelated
words do not flood the results.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right

from whoosh.matching import ListMatcher, NullMatcher, UnionMatcher, WrappingMatcher
from whoosh.qparser import PhrasePlugin
from whoosh.qparser.syntax import attach
from whoosh.query import And, AndMaybe, AndNot, Every, Not, NullQuery, Or, Phrase, Query, Term
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25FScorer
from whoosh.util import make_binary_tree

from search.engine.whoosh.analysis import ExactFilter, exact_filter
from search.engine.whoosh.blocks import positioned, unwrap
from search.engine.whoosh.postings import PARAGRAPH_GAP
from search.engine.whoosh.scoring import field_lengths, live_average_length

K1, B = 1.2, 0.75  # BM25's, as Whoosh's BM25F has them


class ExactPhrase(Phrase):
    """A phrase whose words must stand at the given offsets from the first word."""

    def __init__(self, fieldname: str, words: list[str], offsets: list[int] | None = None,
                 boost: float = 1.0, char_ranges: list | None = None) -> None:
        super().__init__(fieldname, words, slop=1, boost=boost, char_ranges=char_ranges)
        self.offsets = offsets if offsets is not None else list(range(len(words)))

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other) and self.offsets == other.offsets

    __hash__ = Phrase.__hash__

    def normalize(self):
        if len(self.words) > 1:
            return self
        return super().normalize()

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        field = searcher.schema[self.fieldname] if self.fieldname in searcher.schema else None
        if field is None:
            return NullMatcher()
        for word in self.words:
            if (self.fieldname, field.to_bytes(word)) not in reader:
                return NullMatcher()
        # Rarest word first: its positions are the fewest candidates to check.
        order = sorted(range(len(self.words)),
                       key=lambda i: reader.doc_frequency(self.fieldname, self.words[i]))
        terms = [Term(self.fieldname, self.words[i]) for i in order]
        leaves = [t.matcher(searcher, context) for t in terms]
        ids, scores = phrase_matches(leaves, [self.offsets[i] for i in order],
                                     shifted=getattr(field.format, "shifted", None),
                                     scorers=[bm25_of(searcher, self.fieldname, leaf)
                                              for leaf in leaves])
        if not ids:
            return NullMatcher()
        return ListMatcher(ids, weights=[s * self.boost for s in scores])


class VerbatimPhrase(Query):
    """A quoted phrase matched letter for letter, stop words included (see the module doc).

    ``fieldname``: the exact field read (``text_exact``, ``quote_exact``); ``unit``: the
    kind of unit it matches: a passage's phrases are read on its document and rolled down
    to the paragraphs that hold them. ``words``: the phrase's exact forms (highlighting);
    ``plan``: the (term, offset) pairs read (``ExactFilter.plan``); ``shadow``: the loose
    ``ExactPhrase`` of the same text on the stemmed field (None when it has only stop
    words), whose words count for proximity and the best passage.
    """

    def __init__(self, fieldname: str, words: list[str], plan: list[tuple[str, int]], *,
                 unit: str = "document", shadow: "ExactPhrase | None" = None,
                 boost: float = 1.0, char_ranges: list | None = None) -> None:
        self.fieldname = fieldname
        self.words = words
        self.plan = plan
        self.unit = unit
        self.shadow = shadow
        self.boost = boost
        self.char_ranges = char_ranges
        # only these (global) docnums need matching: set when a few units are scored
        self.within: list[int] | None = None

    def __eq__(self, other: object) -> bool:
        return (type(other) is type(self) and self.fieldname == other.fieldname
                and self.words == other.words and self.unit == other.unit
                and self.boost == other.boost)

    def __hash__(self) -> int:
        return hash((self.fieldname, tuple(self.words), self.unit, self.boost))

    def __unicode__(self) -> str:
        return f'{self.fieldname}:"{" ".join(self.words)}"'

    __str__ = __unicode__

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.fieldname!r}, {self.words!r}, unit={self.unit!r})"

    def has_terms(self) -> bool:
        return True

    def terms(self, phrases: bool = False):
        if phrases:
            for term, _ in self.plan:
                yield self.fieldname, term

    def estimate_size(self, ixreader) -> int:
        return min((ixreader.doc_frequency(self.fieldname, t) for t, _ in self.plan), default=0)

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        if self.fieldname not in searcher.schema or not self.plan:
            return NullMatcher()
        for term, _ in self.plan:
            if (self.fieldname, term) not in reader:
                return NullMatcher()
        order = sorted(range(len(self.plan)),
                       key=lambda i: reader.doc_frequency(self.fieldname, self.plan[i][0]))
        leaves = [Term(self.fieldname, self.plan[i][0]).matcher(searcher, context)
                  for i in order]
        offsets = [self.plan[i][1] for i in order]
        shifted = getattr(searcher.schema[self.fieldname].format, "shifted", None)
        wanted = None
        if self.within is not None and self.unit != "passage":
            offset, size = leaf_offset(searcher), reader.doc_count_all()
            wanted = [d - offset for d in self.within if offset <= d < offset + size]
        if self.unit == "passage":  # passages are scored on their own (rolled_down)
            ids, scores = rolled_down(searcher, *phrase_matches(
                leaves, offsets, with_starts=True, shifted=shifted,
                scorers=[_unscored] * len(leaves)),
                idf=sum(searcher.idf(self.fieldname, t) for t, _ in self.plan))
        elif len(leaves) == 1:  # one word: its postings, no positions to read
            leaf, ids, scores = leaves[0], [], []
            for doc in positioned(leaf, wanted):
                ids.append(doc)
                scores.append(leaf.score())
        else:
            ids, scores = phrase_matches(
                leaves, offsets, shifted=shifted, wanted=wanted,
                scorers=[bm25_of(searcher, self.fieldname, leaf) for leaf in leaves])
        if not ids:
            return NullMatcher()
        return ListMatcher(ids, weights=[s * self.boost for s in scores])


def adjacent_pair(searcher, query: Phrase, context=None):
    """The matcher of Whoosh's own ``Phrase`` of two words with slop 1 (a hyphenated word,
    ``set-up``: the second word right after the first), with Whoosh's matches and scores
    (the sum of the two words' own scores), found by ``phrase_matches``.

    Whoosh matches it with span matchers, one posting and one position list at a time:
    over whole speeches, most of a long pasted sentence's time when it holds such a word.
    """
    reader = searcher.reader()
    field = searcher.schema[query.fieldname] if query.fieldname in searcher.schema else None
    if field is None:
        return NullMatcher()
    if not field.format or not field.format.supports("positions"):
        return query.matcher(searcher, context)  # Whoosh's error
    words = query.words
    try:
        if any((query.fieldname, field.to_bytes(word)) not in reader for word in words):
            return NullMatcher()
    except ValueError:
        return NullMatcher()
    order = sorted(range(2), key=lambda i: reader.doc_frequency(query.fieldname, words[i]))
    leaves = [Term(query.fieldname, words[i]).matcher(searcher, context) for i in order]
    # scorers None: each word's own score, summed from 0.0 (a + b, exactly as Whoosh's)
    ids, scores = phrase_matches(leaves, order, shifted=getattr(field.format, "shifted", None))
    if not ids:
        return NullMatcher()
    return ListMatcher(ids, weights=[s * query.boost for s in scores])


def is_adjacent_pair(query: Query) -> bool:
    """Whether ``query`` is a Whoosh ``Phrase`` that ``adjacent_pair`` evaluates."""
    return type(query) is Phrase and len(query.words) == 2 and query.slop == 1


def _unscored(doc: int, weight: float) -> float:
    return 0.0


def bm25_of(searcher, fieldname: str, matcher):
    """A term matcher's BM25 as a function of (document, weight), its constants folded as
    ``search.engine.whoosh.collect`` folds them (equal to Whoosh's BM25F score); None when
    the matcher is not scored so."""
    leaf, _ = unwrap(matcher)
    scorer = getattr(leaf, "scorer", None)
    lengths = field_lengths(searcher.reader(), fieldname)
    if not isinstance(scorer, BM25FScorer) or lengths is None:
        return None
    a = scorer.idf * (scorer.K1 + 1)
    c = scorer.K1 * (1 - scorer.B)
    e = scorer.K1 * scorer.B / scorer.avgfl
    return lambda doc, w: a * w / (w + c + e * (lengths[doc] or 1))


def leaf_offset(searcher) -> int:
    """Where a segment's searcher starts in its parent's docnums."""
    parent = searcher.get_parent()
    return next((offset for sub, offset in parent.leaf_searchers() if sub is searcher), 0)


def rolled_down(searcher, ids: list[int], scores: list[float], starts: dict[int, set[int]],
                idf: float) -> tuple[list[int], list[float]]:
    """Document matches of a phrase -> the passages that hold it, scored with BM25 on the
    phrase's occurrences in each paragraph (``idf``: the phrase's) over its length.

    A document's passages are the units right after it, in order; ``starts`` (positions
    where the phrase begins, by document) fall into paragraphs by the document's
    ``starts`` column. A document indexed without passages has none to give.
    """
    reader = searcher.reader()
    paragraph_starts = column(reader, "starts")
    passages = unit_numbers(reader, "passage")
    if paragraph_starts is None or not passages:
        return [], []
    average = live_average_length(searcher.get_parent().reader(), "passage_text") or 1.0
    found: dict[int, float] = {}
    for doc in ids:
        bounds = array("I", paragraph_starts[doc] or b"")
        counts: dict[int, int] = {}
        for start in starts[doc]:
            paragraph = bisect_right(bounds, start) - 1
            if 0 <= paragraph < len(bounds) - 1:
                counts[paragraph] = counts.get(paragraph, 0) + 1
        for paragraph, n in counts.items():
            passage = doc + 1 + paragraph
            at = bisect_left(passages, passage)
            if at == len(passages) or passages[at] != passage:
                continue
            length = max(1, bounds[paragraph + 1] - bounds[paragraph] - PARAGRAPH_GAP)
            found[passage] = idf * n * (K1 + 1) / (n + K1 * (1 - B + B * length / average))
    ids = sorted(found)
    return ids, [found[p] for p in ids]


def unit_numbers(reader, unit: str) -> array:
    """The sorted docnums of a segment's live units of a kind (cached on the reader)."""
    cache = reader.__dict__.setdefault("_dipsearch_units", {})
    if unit not in cache:
        try:
            cache[unit] = array("I", sorted(reader.postings("unit", unit).all_ids()))
        except TermNotFound:
            cache[unit] = array("I")
    return cache[unit]


def column(reader, name: str):
    """A segment's column reader (cached on the reader); None when it has no such column."""
    cache = reader.__dict__.setdefault("_dipsearch_columns", {})
    if name not in cache:
        cache[name] = reader.column_reader(name) if reader.has_column(name) else None
    return cache[name]


def phrase_matches(leaves: list, offsets: list[int], with_starts: bool = False,
                   shifted=None, wanted: list[int] | None = None, scorers: list | None = None):
    """Documents (and scores) where every word stands at its offset from a common start;
    ``with_starts``: also those starts, by document. ``shifted``: the field format's
    ``shifted`` (a posting's positions less an offset, decoded in C; a start below 0,
    which it may give, never survives the word at offset 0, which every phrase has).
    ``wanted``: only these (sorted) documents. ``scorers``: per leaf, its BM25 as a
    function of (document, weight) (``bm25_of``), or None for the leaf's own ``score``.

    Evaluated eagerly, word by word from the rarest: its postings give the
    candidates and where each phrase could start; every other word is read
    only in the blocks that hold a remaining candidate (``search.engine.whoosh.blocks``),
    and a candidate drops out at the first word not in its place. Whoosh's
    own phrase matchers spent most of a query's time on calls between matcher
    objects and on decoding blocks that held no candidate.
    """
    starts: dict[int, set[int]] | None = None
    scores: dict[int, float] = {}
    for leaf, offset, scorer in zip(leaves, offsets, scorers or [None] * len(leaves)):
        found: dict[int, set[int]] = {}
        for doc in positioned(leaf, wanted if starts is None else sorted(starts)):
            if shifted is None:
                at = {p - offset for p in leaf.value_as("positions")}
                if starts is not None:
                    at &= starts[doc]
            elif starts is None:
                at = set(shifted(leaf.value(), offset))
            else:
                at = starts[doc].intersection(shifted(leaf.value(), offset))
            if at:
                found[doc] = at
                scores[doc] = scores.get(doc, 0.0) + (
                    scorer(doc, leaf.weight()) if scorer else leaf.score())
        starts = found
        if not starts:
            break
    ids = sorted(starts or ())
    if with_starts:
        return ids, [scores[d] for d in ids], starts or {}
    return ids, [scores[d] for d in ids]


def within_unit(query, unit: str, own_fields: tuple[str, ...]):
    """The query limited to one kind of unit.

    A query that can only match text in the unit's own fields needs nothing
    more; one that names other fields (``speaker:...``), matches everything
    or can match by exclusion (``NOT foo``, ``foo OR NOT bar``) gets a unit term. A
    verbatim phrase matches units of its own ``unit`` only.
    """
    if _anchored(query, set(own_fields), unit):
        return query
    return And([Term("unit", unit, boost=0.0), query])


def _anchored(query, own: set[str], unit: str) -> bool:
    """Whether every match of ``query`` must hold one of its words in an ``own`` field."""
    if isinstance(query, (Every, Not)):
        return False
    if isinstance(query, VerbatimPhrase):
        return query.unit == unit
    if isinstance(query, (AndMaybe, AndNot)):
        return _anchored(query.a, own, unit)
    if isinstance(query, And):
        return any(_anchored(q, own, unit) for q in query.subqueries)
    if isinstance(query, Or):
        return bool(query.subqueries) and all(_anchored(q, own, unit) for q in query.subqueries)
    fields = {name for name, _ in query.iter_all_terms()}
    return bool(fields) and fields <= own


class ExactPhrasePlugin(PhrasePlugin):
    """``"..."`` becomes a VerbatimPhrase on a field routed in ``exact`` (``{stemmed field:
    (exact field, unit it matches)}``, read with the exact fields' ``analyzer``), else an
    ExactPhrase on the stemmed field (loose); ``"..."~N`` stays Whoosh's sloppy Phrase."""

    def __init__(self, exact: dict[str, tuple[str, str]] | None = None,
                 analyzer=None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.exact = exact or {}
        self.analyzer = analyzer
        self.exact_filter: ExactFilter | None = exact_filter(analyzer) if analyzer else None

    class PhraseNode(PhrasePlugin.PhraseNode):
        def query(self, parser):
            fieldname = self.fieldname or parser.fieldname
            field = parser.schema[fieldname] if parser.schema and fieldname in parser.schema else None
            if field is None or field.analyzer is None or self.slop > 1:
                return super().query(parser)
            loose = self._loose(fieldname, field)
            plugin = self.plugin
            if plugin.exact_filter is None or fieldname not in plugin.exact:
                return attach(loose, self) if loose is not None else super().query(parser)
            target, unit = plugin.exact[fieldname]
            raw = [(t.text, t.startchar, t.endchar) for t in
                   plugin.analyzer(self.text, chars=True, mode="query")]
            if not raw:
                return super().query(parser)
            words = [text for text, _, _ in raw]
            sc = self.textstartchar
            q = VerbatimPhrase(target, words, plugin.exact_filter.plan(words), unit=unit,
                               shadow=loose, boost=self.boost,
                               char_ranges=[(sc + a, sc + b) for _, a, b in raw])
            return attach(q, self)

        def _loose(self, fieldname: str, field) -> "ExactPhrase | None":
            tokens = [(t.text, t.pos, t.startchar, t.endchar) for t in
                      field.tokenize(self.text, mode="query", positions=True, chars=True)]
            if not tokens:
                return None
            first = tokens[0][1]
            sc = self.textstartchar
            return ExactPhrase(fieldname, [t[0] for t in tokens], [t[1] - first for t in tokens],
                               boost=self.boost,
                               char_ranges=[(sc + t[2], sc + t[3]) for t in tokens])

    class PhraseTagger(PhrasePlugin.PhraseTagger):
        def __init__(self, plugin: "ExactPhrasePlugin", expr: str) -> None:
            super().__init__(expr)
            self.plugin = plugin

        def create(self, parser, match):
            slop = int(match.group("slop")) if match.group("slop") else 1
            node = ExactPhrasePlugin.PhraseNode(match.group("text"), match.start("text"), slop)
            node.plugin = self.plugin
            return node

    def taggers(self, parser):
        return [(self.PhraseTagger(self, self.expr), 0)]


def use_exact_phrases(parser, exact: dict[str, tuple[str, str]] | None = None,
                      analyzer=None):
    """Swap a Whoosh parser's phrase plugin for ours; returns the parser. With ``exact``
    (and the exact fields' ``analyzer``), quoted phrases on those fields are matched
    letter for letter; without, loosely."""
    parser.remove_plugin_class(PhrasePlugin)
    parser.add_plugin(ExactPhrasePlugin(exact, analyzer))
    return parser


class MinMatch(Or):
    """Documents matching at least ``k`` of the subqueries, scored as their sum."""

    def __init__(self, subqueries: list, k: int, boost: float = 1.0) -> None:
        super().__init__(subqueries, boost=boost)
        self.k = k

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other) and self.k == other.k

    __hash__ = Or.__hash__

    def __unicode__(self) -> str:
        return f"({' '.join(str(q) for q in self.subqueries)})>={self.k}"

    __str__ = __unicode__

    def apply(self, fn):
        return self.__class__([fn(q) for q in self.subqueries], self.k, boost=self.boost)

    def normalize(self):
        subs = [q.normalize() for q in self.subqueries]
        subs = [q for q in subs if q is not NullQuery]
        if len(subs) < self.k:
            return NullQuery
        if self.k <= 1:
            return Or(subs, boost=self.boost).normalize()
        return self.__class__(subs, self.k, boost=self.boost)

    def matcher(self, searcher, context=None):
        ms = [q.matcher(searcher, context) for q in self.subqueries]
        ms = [m for m in ms if m.is_active()]
        if len(ms) < self.k:
            return NullMatcher()
        return MinMatchMatcher(ms, self.k)


class MinMatchMatcher(WrappingMatcher):
    """A union that stops only on documents at least ``k`` children share."""

    def __init__(self, matchers: list, k: int) -> None:
        self.ms = matchers
        self.k = k
        super().__init__(make_binary_tree(UnionMatcher, matchers))
        self._settle()

    def _settle(self) -> None:
        child = self.child
        while child.is_active():
            doc = child.id()
            if sum(1 for m in self.ms if m.is_active() and m.id() == doc) >= self.k:
                return
            child.next()

    def copy(self):
        return self.__class__([m.copy() for m in self.ms], self.k)

    def replace(self, minquality=0):
        return self if self.is_active() else NullMatcher()

    def supports_block_quality(self) -> bool:
        return False

    def next(self):
        self.child.next()
        self._settle()

    def skip_to(self, id):
        self.child.skip_to(id)
        self._settle()

    def all_ids(self):
        while self.is_active():
            yield self.id()
            self.next()
