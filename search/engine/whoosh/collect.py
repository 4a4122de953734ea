"""Every match of a query with its BM25 score, read a block of postings at a time.

Whoosh scores a search one match at a time through a chain of objects
(collector, union or intersection matcher, leaf matcher, scorer, length
lookup): about 2.5 microseconds a match, most of a search's time on this
corpus. Its postings are stored in blocks of up to 128 document numbers and
weights, so a term is read here a block at a time and a block is scored in
one comprehension, with BM25's constants folded; the query tree (terms,
AND, OR, AND MAYBE, AND NOT, "most of these words") is combined with dict
operations. Any other kind of query (phrases, ranges, wildcards) runs
through its own Whoosh matcher inside the tree, so its matches and scores
are Whoosh's own; the scores of the bulk terms equal Whoosh's BM25F.

A segment is read in ``WINDOWS`` consecutive ranges of document numbers, so
the time limit has a granularity: when it passes, the ranges already done are
the (partial) result, never nothing.
"""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.collectors import TimeLimit
from whoosh.scoring import BM25FScorer

from search.engine.whoosh.blocks import LazyValues, read_ids_and_weights, unwrap
from search.engine.whoosh.matchers import MinMatch, adjacent_pair, is_adjacent_pair
from search.engine.whoosh.scoring import field_lengths

WINDOWS = 8
Scores = dict[int, float]


def scan(searcher, query: wq.Query, deadline: float, decoded: "Decoded | None" = None
         ) -> tuple[Scores, bool]:
    """Every match as docnum -> score, and whether the deadline cut the scan short.

    ``decoded``, if given, keeps the blocks read, for ``PositionReader``.
    """
    found: Scores = {}
    context = searcher.context()
    leaves = searcher.leaf_searchers()
    for n, (sub, offset) in enumerate(leaves):
        node = _plan(sub, query, context, _Run(deadline, offset, decoded))
        size = sub.doc_count_all()
        step = max(1, -(-size // WINDOWS))
        for hi in range(step, size + step, step):
            try:
                part = node.take(min(hi, size))
            except TimeLimit:
                return found, True
            found.update(((d + offset, s) for d, s in part.items()) if offset else part)
            more = hi < size or n < len(leaves) - 1
            if more and time.monotonic() > deadline:
                return found, True
    return found, False


def scores_of(searcher, query: wq.Query, docnums: list[int]) -> Scores:
    """The scores of those of ``docnums`` that match ``query``, reading nothing else:
    every term skips the blocks that hold none of them."""
    found: Scores = {}
    context = searcher.context()
    for sub, offset in searcher.leaf_searchers():
        size = sub.doc_count_all()
        local = {d - offset: 0.0 for d in docnums if offset <= d < offset + size}
        if local:
            part = _plan(sub, query, context, _Run(float("inf"), offset)).take(size, local)
            found.update((d + offset, s) for d, s in part.items())
    return found


class Decoded:
    """The posting blocks a scan decoded, kept for the rest of one request.

    Whoosh stores positions in the same block as document numbers: the scan
    keeps each block it read, its positions still packed (``LazyValues``), and
    ``value`` unpacks them for the blocks that hold the top documents, which
    proximity re-ranking and the best passage read, instead of reading those
    blocks a second time (or unpacking the positions of every block).

    It also keeps how much of a "most of these words" query each of its matches
    holds (``coverage``: the share of the words' idf weight, 0-1), which BM25's
    sum hides: ranking uses it so that a document holding every word is not
    outranked by one missing a word but repeating the others.
    """

    def __init__(self) -> None:
        self.blocks: dict[tuple[str, bytes], list[tuple[int, int, int, tuple, LazyValues]]] = {}
        self.coverage: Scores = {}

    def value(self, fieldname: str, text: bytes, docnum: int):
        """The posting's value bytes; None if the term is not in the document; ``UNKNOWN``."""
        blocks = self.blocks.get((fieldname, text), ())
        at = bisect_left(blocks, docnum, key=lambda block: block[1])
        if at == len(blocks) or blocks[at][0] > docnum:
            return UNKNOWN
        _, _, offset, ids, values = blocks[at]
        i = bisect_left(ids, docnum - offset)
        return values[i] if i < len(ids) and ids[i] == docnum - offset else None


UNKNOWN = object()


@dataclass
class _Run:
    """What every node of one segment's plan shares."""
    deadline: float
    offset: int
    decoded: Decoded | None = None

    def coverage(self) -> Scores | None:
        """Where a "most of these words" node records its matches' coverage (None: nowhere)."""
        return None if self.decoded is None else self.decoded.coverage

    def keep(self, key: tuple[str, bytes]):
        """Where a term's node records the blocks it decodes (None: nowhere)."""
        if self.decoded is None:
            return None
        offset = self.offset
        return lambda ids, values: self.decoded.blocks.setdefault(key, []).append(
            (ids[0] + offset, ids[-1] + offset, offset, ids, values))


def _plan(searcher, query: wq.Query, context, run: _Run):
    """The node that evaluates ``query`` on one segment."""
    kind = type(query)
    if kind is wq.Term:
        return _term(searcher, query, context, run)
    subs = getattr(query, "subqueries", None)
    if kind in (wq.And, wq.Or) and subs and len(subs) == 1:
        return _plan(searcher, subs[0], context, run)  # Whoosh ignores the boost here too
    if kind is wq.And and subs:
        return _and(searcher, query, context, run)
    if kind is MinMatch and subs:
        return _most_of(searcher, query, context, run)
    if kind is wq.Or and not query.scale and subs:
        return _AnyOf([_plan(searcher, q, context, run) for q in subs], query.boost)
    if kind in (wq.AndMaybe, wq.AndNot):
        a = _plan(searcher, query.a, context, run)
        b = _plan(searcher, query.b, context, run)
        return _AndMaybe(a, b) if kind is wq.AndMaybe else _AndNot(a, b)
    matcher = adjacent_pair(searcher, query, context) if is_adjacent_pair(query) \
        else query.matcher(searcher, context)
    return _Whoosh(matcher, run.deadline, _weight(searcher, query, context))


def _weight(searcher, query: wq.Query, context) -> float:
    """The idf weight of a query that is not a bare term (a phrase: the sum of its words')."""
    total = 0.0
    for field, text in query.iter_all_terms():
        try:
            total += context.weighting.idf(searcher, field, text)
        except (KeyError, TypeError, ValueError):
            continue
    return total or 1.0


def _and(searcher, query: wq.And, context, run: "_Run"):
    """Rarest child first (the others then read only its documents' blocks); a NOT child
    removes its matches and, as in Whoosh, adds 1.0 to the score."""
    reader = searcher.reader()
    wanted = sorted((q for q in query.subqueries if not isinstance(q, wq.Not)),
                    key=lambda q: q.estimate_size(reader))
    unwanted = [q.query for q in query.subqueries if isinstance(q, wq.Not)]
    if not wanted:
        return _Whoosh(query.matcher(searcher, context), run.deadline, 1.0)
    node = _And([_plan(searcher, q, context, run) for q in wanted], query.boost)
    if not unwanted:
        return node
    excluded = _AnyOf([_plan(searcher, q, context, run) for q in unwanted], 1.0)
    return _AndNot(node, excluded, bonus=len(unwanted) * query.boost)


def _most_of(searcher, query: MinMatch, context, run: "_Run") -> "_MostOf":
    """"At least k of" the children, read rarest first (see ``_MostOf``); its own matcher,
    like Whoosh's, leaves its boost out."""
    reader = searcher.reader()
    children = [_plan(searcher, q, context, run) for q in query.subqueries]
    sizes = [_estimate(q, reader) for q in query.subqueries]
    order = sorted(range(len(children)), key=sizes.__getitem__)
    return _MostOf(children, order, query.k, run.coverage(), run.offset)


def _estimate(query: wq.Query, reader) -> int:
    """How many units ``query`` may match (only orders the reading: any guess is safe)."""
    try:
        return query.estimate_size(reader)
    except (NotImplementedError, KeyError, TypeError, ValueError):
        return reader.doc_count_all()


def _term(searcher, query: wq.Term, context, run: "_Run"):
    field = searcher.schema[query.fieldname] if query.fieldname in searcher.schema else None
    if field is None:
        return _Nothing()
    try:
        text = field.to_bytes(query.text)
    except ValueError:
        return _Nothing()
    reader = searcher.reader()
    if (query.fieldname, text) not in reader:
        return _Nothing()
    scorer = context.weighting.scorer(searcher, query.fieldname, text)
    matcher, deleted = unwrap(reader.postings(query.fieldname, text, scorer=scorer))
    lengths = field_lengths(reader, query.fieldname)
    if (isinstance(matcher, W3LeafMatcher) and isinstance(scorer, BM25FScorer)
            and lengths is not None):
        return _Postings(matcher, scorer, query.boost, lengths, deleted,
                         run.keep((query.fieldname, text)))
    return _Whoosh(query.matcher(searcher, context), run.deadline, scorer.idf)


# Every node has a ``weight``: what holding its words is worth (idf), for coverage.

class _Nothing:
    weight = 0.0

    def take(self, hi: int, only: Scores | None = None) -> Scores:
        return {}


class _Postings:
    """One term's postings, a block at a time, scored with BM25F as Whoosh would."""

    def __init__(self, matcher: W3LeafMatcher, scorer: BM25FScorer, boost: float,
                 lengths, deleted, keep) -> None:
        self.m = matcher
        self.keep = keep
        self.weight = scorer.idf
        k1, b = scorer.K1, scorer.B
        self.a = scorer.idf * (k1 + 1) * boost   # idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl))
        self.c = k1 * (1 - b)
        self.e = k1 * b / scorer.avgfl
        self.lengths = lengths
        self.deleted = deleted

    def take(self, hi: int, only: Scores | None = None) -> Scores:
        """Scores of the postings below ``hi`` (only of ``only``'s documents if given).

        With ``only``, a block holding none of those documents is skipped
        from its header, without decoding its data.
        """
        m, out = self.m, {}
        a, c, e, lengths = self.a, self.c, self.e, self.lengths
        wanted = sorted(only) if only is not None else None
        next_wanted = 0
        # Whoosh 2.7.5 private: W3LeafMatcher._next_block, _read_weights and block state
        # _ids, _i, _weights (blocks.read_ids_and_weights reads the rest)
        while m.is_active():
            if wanted is not None:
                top = m.block_max_id()
                if top < hi and (next_wanted == len(wanted) or wanted[next_wanted] > top):
                    m._next_block()
                    continue
                next_wanted = bisect_right(wanted, top, next_wanted)
            if m._ids is None:
                values = read_ids_and_weights(m, self.keep is not None)
                if values is not None:  # a format with values (positions)
                    self.keep(m._ids, values)
            if m._weights is None:
                m._read_weights()
            ids, start = m._ids, m._i
            if ids[start] >= hi:
                break
            end = bisect_left(ids, hi, start)
            pairs = zip(ids[start:end], m._weights[start:end])
            if only is not None:
                pairs = [(d, w) for d, w in pairs if d in only]
            elif self.deleted:
                pairs = [(d, w) for d, w in pairs if d not in self.deleted]
            out.update((d, a * w / (w + c + e * (lengths[d] or 1))) for d, w in pairs)
            if end < len(ids):
                m._i = end
                break
            m._next_block()
        return out


class _Whoosh:
    """Any query through its Whoosh matcher, one match at a time."""

    def __init__(self, matcher, deadline: float, weight: float) -> None:
        self.m = matcher
        self.deadline = deadline
        self.weight = weight

    def take(self, hi: int, only: Scores | None = None) -> Scores:
        m, out = self.m, {}
        n = 0
        while m.is_active():
            d = m.id()
            if d >= hi:
                break
            if only is None or d in only:
                out[d] = m.score()
            m.next()
            n += 1
            if not n & 255 and time.monotonic() > self.deadline:
                raise TimeLimit()
        return out


class _And:
    def __init__(self, children: list, boost: float) -> None:
        self.children = children
        self.boost = boost
        self.weight = sum(child.weight for child in children)

    def take(self, hi: int, only: Scores | None = None) -> Scores:
        out = self.children[0].take(hi, only)
        for child in self.children[1:]:
            if not out:  # the others catch up in a later window, reading only block headers
                return out
            part = child.take(hi, out)
            out = {d: s + part[d] for d, s in out.items() if d in part}
        return _boosted(out, self.boost)


class _AnyOf:
    """OR of alternatives (a word in the text or the title): scores summed over the
    children that match, worth its best child."""

    def __init__(self, children: list, boost: float) -> None:
        self.children = children
        self.boost = boost
        self.weight = max((child.weight for child in children), default=0.0)

    def take(self, hi: int, only: Scores | None = None) -> Scores:
        parts = sorted((child.take(hi, only) for child in self.children), key=len, reverse=True)
        out = dict(parts[0]) if parts else {}
        for part in parts[1:]:
            for d, s in part.items():
                out[d] = out.get(d, 0.0) + s
        return _boosted(out, self.boost)


class _MostOf:
    """"At least k of" the children: scores summed over the children that match, worth all
    its children; records into ``coverage`` the share of that worth each match holds.

    The children are read rarest first (``order``), and a unit that can no longer reach
    k (it misses more children than k allows, counting those still unread as held)
    drops out: once the n - k + 1 rarest are read, every later child is read only for
    the units still in the running, skipping the posting blocks that hold none of them
    (a long pasted sentence's common words are most of its postings). Every match is
    in the running to the end, so matches, scores (summed in the children's own order)
    and coverage are those of reading everything.
    """

    def __init__(self, children: list, order: list[int], k: int,
                 coverage: Scores | None = None, offset: int = 0) -> None:
        self.children = children
        self.order = order
        self.k = k
        self.weights = [child.weight for child in children]
        self.weight = sum(self.weights)
        self.coverage, self.offset = coverage, offset

    def take(self, hi: int, only: Scores | None = None) -> Scores:
        parts, counts = self._read(hi, only)
        out: Scores = {}
        held: Scores = {}
        k, weights = self.k, self.weights
        for d, n in counts.items():
            if n < k:
                continue
            score = weight = 0.0
            for part, w in zip(parts, weights):
                s = part.get(d)
                if s is not None:
                    score += s
                    weight += w
            out[d] = score
            held[d] = weight
        if self.coverage is not None:
            whole, offset = self.weight or 1.0, self.offset
            self.coverage.update((d + offset, w / whole) for d, w in held.items())
        return out

    def _read(self, hi: int, only: Scores | None) -> tuple[list[Scores], Counter]:
        """Each child's scores below ``hi``, in the children's order, for the units that can
        still reach k, and how many children each unit read holds (nothing when none can)."""
        n, k = len(self.children), self.k
        parts: list[Scores] = [{}] * n
        counts: Counter = Counter()
        for step, i in enumerate(self.order):
            need = k - (n - step)  # children a unit must hold already to reach k
            wanted = only if need <= 0 else counts if need == 1 else \
                {d: 0.0 for d, c in counts.items() if c >= need}
            if not wanted and wanted is not None:
                return [], Counter()  # the unread catch up in a later window (block headers)
            parts[i] = self.children[i].take(hi, wanted)
            counts.update(parts[i].keys())
        return parts, counts


class _AndMaybe:
    def __init__(self, a, b) -> None:
        self.a, self.b = a, b
        self.weight = a.weight

    def take(self, hi: int, only: Scores | None = None) -> Scores:
        out = self.a.take(hi, only)
        bonus = self.b.take(hi, out)
        return {d: s + bonus.get(d, 0.0) for d, s in out.items()}


class _AndNot:
    def __init__(self, a, b, bonus: float = 0.0) -> None:
        self.a, self.b = a, b
        self.bonus = bonus
        self.weight = a.weight

    def take(self, hi: int, only: Scores | None = None) -> Scores:
        out = self.a.take(hi, only)
        excluded = self.b.take(hi, out)
        return {d: s + self.bonus for d, s in out.items() if d not in excluded}


def _boosted(scores: Scores, boost: float) -> Scores:
    return scores if boost == 1.0 else {d: s * boost for d, s in scores.items()}
