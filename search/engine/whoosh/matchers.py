"""Whoosh queries Whoosh lacks: exact phrases with stop-word gaps, and "most of these words".

Exact phrases
-------------

The analyzer drops stop words but keeps their positions, so ``Security
Council will be reformed`` indexes ``secur@0 council@1 reform@4``. Whoosh's
``Phrase`` only knows its words, not their distances, so it would either
miss ``"weapons of mass destruction"`` (``weapon@0 mass@2``) or, with the
gaps closed, match the wrong sentence. ``ExactPhrase`` carries each word's
offset from the first and matches only that exact layout.

Most of these words
-------------------
Whoosh's ``Or(minmatch=...)`` is documented as not implemented. ``MinMatch``
matches documents where at least ``k`` of its subqueries match, so a quote
remembered with one word wrong still finds its source while two unrelated
words do not flood the results.
"""

from __future__ import annotations

from whoosh.matching import ListMatcher, NullMatcher, UnionMatcher, WrappingMatcher
from whoosh.qparser import PhrasePlugin
from whoosh.qparser.syntax import attach
from whoosh.query import And, AndMaybe, AndNot, Every, Not, NullQuery, Or, Phrase, Term
from whoosh.util import make_binary_tree

from search.engine.whoosh.blocks import positioned


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
        ids, scores = phrase_matches([t.matcher(searcher, context) for t in terms],
                                     [self.offsets[i] for i in order])
        if not ids:
            return NullMatcher()
        return ListMatcher(ids, weights=[s * self.boost for s in scores])


def phrase_matches(leaves: list, offsets: list[int]) -> tuple[list[int], list[float]]:
    """Documents (and scores) where every word stands at its offset from a common start.

    Evaluated eagerly, word by word from the rarest: its postings give the
    candidates and where each phrase could start; every other word is read
    only in the blocks that hold a remaining candidate (``search.engine.whoosh.blocks``),
    and a candidate drops out at the first word not in its place. Whoosh's
    own phrase matchers spent most of a query's time on calls between matcher
    objects and on decoding blocks that held no candidate.
    """
    starts: dict[int, set[int]] | None = None
    scores: dict[int, float] = {}
    for leaf, offset in zip(leaves, offsets):
        found: dict[int, set[int]] = {}
        for doc in positioned(leaf, None if starts is None else sorted(starts)):
            at = {p - offset for p in leaf.value_as("positions")}
            if starts is not None:
                at &= starts[doc]
            if at:
                found[doc] = at
                scores[doc] = scores.get(doc, 0.0) + leaf.score()
        starts = found
        if not starts:
            return [], []
    ids = sorted(starts)
    return ids, [scores[d] for d in ids]


def within_unit(query, unit: str, own_fields: tuple[str, ...]):
    """The query limited to one kind of unit.

    A query that can only match text in the unit's own fields needs nothing
    more; one that names other fields (``speaker:...``), matches everything
    or can match by exclusion (``NOT foo``, ``foo OR NOT bar``) gets a unit term.
    """
    if _anchored(query, set(own_fields)):
        return query
    return And([Term("unit", unit, boost=0.0), query])


def _anchored(query, own: set[str]) -> bool:
    """Whether every match of ``query`` must hold one of its words in an ``own`` field."""
    if isinstance(query, (Every, Not)):
        return False
    if isinstance(query, (AndMaybe, AndNot)):
        return _anchored(query.a, own)
    if isinstance(query, And):
        return any(_anchored(q, own) for q in query.subqueries)
    if isinstance(query, Or):
        return bool(query.subqueries) and all(_anchored(q, own) for q in query.subqueries)
    fields = {name for name, _ in query.iter_all_terms()}
    return bool(fields) and fields <= own


class ExactPhrasePlugin(PhrasePlugin):
    """``"..."`` becomes an ExactPhrase; ``"..."~N`` stays Whoosh's sloppy Phrase."""

    class PhraseNode(PhrasePlugin.PhraseNode):
        def query(self, parser):
            fieldname = self.fieldname or parser.fieldname
            field = parser.schema[fieldname] if parser.schema and fieldname in parser.schema else None
            if field is None or field.analyzer is None or self.slop > 1:
                return super().query(parser)
            tokens = [(t.text, t.pos, t.startchar, t.endchar) for t in
                      field.tokenize(self.text, mode="query", positions=True, chars=True)]
            if not tokens:
                return super().query(parser)
            first = tokens[0][1]
            sc = self.textstartchar
            q = ExactPhrase(fieldname, [t[0] for t in tokens], [t[1] - first for t in tokens],
                            boost=self.boost,
                            char_ranges=[(sc + t[2], sc + t[3]) for t in tokens])
            return attach(q, self)

    class PhraseTagger(PhrasePlugin.PhraseTagger):
        def create(self, parser, match):
            slop = int(match.group("slop")) if match.group("slop") else 1
            return ExactPhrasePlugin.PhraseNode(match.group("text"), match.start("text"), slop)

    def taggers(self, parser):
        return [(self.PhraseTagger(self.expr), 0)]


def use_exact_phrases(parser):
    """Swap a Whoosh parser's phrase plugin for ours; returns the parser."""
    parser.remove_plugin_class(PhrasePlugin)
    parser.add_plugin(ExactPhrasePlugin())
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
