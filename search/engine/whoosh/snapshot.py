"""One opened index version and how a search runs on it, fast, on Whoosh.

* One long-lived searcher per process, with its column arrays and filter
  sets cached (``search.engine.whoosh.engine`` replaces it only when a new
  version or commit is published). Opening a searcher costs 100-190 ms and
  throws the caches away.
* One scored pass collects every match under a time limit, a posting block
  at a time (``collect``); totals are exact by construction, and phrases
  are evaluated once. Facet filters are applied afterwards from cached
  docnum sets, which is what makes facets disjunctive at no extra search.
* Relevance is best evidence: BM25 weighed by the share of the query's
  words a match holds (of a few words, matches holding all come first),
  then the first candidates re-ranked by their best window, where the most
  of the query's words stand closest together (``proximity``). The right
  speech for a remembered sentence may lie deep in the BM25 order: the
  re-ranked depth grows as the query shortens, and a long pasted sentence
  adds the matches that hold its rarest common grams. The positions read
  also pick each document hit's best paragraph (``passages``).
"""

from __future__ import annotations

import heapq
import time
from collections import Counter
from functools import lru_cache
from typing import Iterable

from whoosh import query as wq

from search.engine.interface import (Export, Holdings, Limits, Match, Outcome, QueryWords, RequestError,
                                     SearchSpec, SegmentStats, Token)
from search.engine.whoosh.analysis import exact_filter
from search.engine.whoosh.collect import Decoded, scan, scores_of
from search.engine.whoosh.facets import FacetColumns, apply_filters, facet_counts, year_histogram
from search.engine.whoosh.holdings import read_holdings, segment_stats
from search.engine.whoosh.matchers import VerbatimPhrase, within_unit
from search.engine.whoosh.parsing import ParsedQuery, check_expansions, forgive_values, parse_query
from search.engine.whoosh.passages import best_paragraph, phrase_layouts, phrase_starts
from search.engine.whoosh.proximity import PositionReader, evidence_boosts
from search.engine.whoosh.schema import EXACT_FIELDS, SEARCH_FIELDS
from search.engine.whoosh.spelling import suggest

# The candidates re-ranked by their best evidence (proximity): the right one may lie deep in the
# BM25 order. Reading a word's positions in a document and weighing its windows costs ~7 us, so
# the depth is POSITIONS_READ / words, within [RERANK_DEPTH, MAX_RERANK_DEPTH].
RERANK_DEPTH = 100
MAX_RERANK_DEPTH = 1000
POSITIONS_READ = 3000
# A long pasted sentence (MIN_PROBE_WORDS words or more) also brings as candidates the
# GRAM_CANDIDATES units that hold most of its GRAM_PROBES rarest common grams (``of peoples``,
# see search.engine.whoosh.analysis): its word sequences, wherever BM25 puts the unit.
MIN_PROBE_WORDS = 6
FULL = 1 - 1e-9  # the coverage of a match holding every word (a sum of floats)
# Among the candidates, BM25 counts as its square root (scaled so that none drops below its own
# BM25): what a window holds matters more than how often a speech repeats a word.
BM25_SHARE = 0.5
GRAM_PROBES = 8
GRAM_SHARE = 0.05  # a gram in more units than this share is no probe (``of the``)
GRAM_CANDIDATES = 100
# The scan may use this share of the time limit; the rest is for filtering, counting and
# ranking what it found, which costs up to ~0.7 s for every unit of the UNGDC index at once
# on an idle machine, more under load.
SCAN_SHARE = 0.5
# A phrase word's posting costs about four times a term's (its positions are read too):
# measured on UNGDC, ~5 us against ~1.2 us.
PHRASE_WORD_COST = 4
# A query that matches every unit (``*``, ``NOT x``) costs more per unit than a term's posting:
# each match is scored, filtered, counted and ranked (``*`` over UNGDC passages: 1.4 s).
EVERY_UNIT_COST = 4
# Matching quotes shown under a document hit.
QUOTES_PER_HIT = 3


class WhooshSnapshot:
    """One published version: searcher, columns and cached filter sets (see module doc)."""

    def __init__(self, version: str, searcher, limits: Limits, *, passages: bool = True) -> None:
        self.version = version
        self.searcher = searcher
        self.limits = limits
        self.passages = passages  # whether documents were indexed with their passages
        self.columns = FacetColumns(searcher)
        self.analyzer = searcher.schema["text"].analyzer
        exact = EXACT_FIELDS["document"]
        self.exact = exact_filter(searcher.schema[exact].analyzer) \
            if exact in searcher.schema else None
        self.unit_docs = lru_cache(maxsize=8)(self._unit_docs)
        self.document_meta = lru_cache(maxsize=4096)(self._document_meta)

    # -- the Snapshot protocol -----------------------------------------------

    def search(self, spec: SearchSpec) -> Outcome:
        parsed = self._parse(spec.q, spec.unit, spec.phrase)
        decoded = Decoded()
        positions = PositionReader(self.searcher, parsed.field, parsed.terms, decoded)
        need = None if spec.after else spec.start + spec.count
        passing, all_but, ranked, partial = self._run(parsed, spec, positions, need, decoded)
        page, next_key = self._page(spec, ranked, len(passing))
        outcome = Outcome(
            total=len(passing), partial=partial, understood=str(parsed.query),
            warnings=list(parsed.warnings), words=parsed.words, next_key=next_key,
            matches=self._matches(parsed, spec, page, positions),
            facets=facet_counts(self.columns, spec.facets, spec.filters, passing, all_but,
                                spec.facet_size),
            histogram=year_histogram(self.columns, all_but.get("year", passing)))
        if spec.q and spec.suggest and len(passing) < 3:
            outcome.suggestion = suggest(self.searcher, spec.q, parsed)
        return outcome

    def export(self, spec: SearchSpec, cap: int) -> Export:
        parsed = self._parse(spec.q, spec.unit, spec.phrase)
        decoded = Decoded()
        positions = PositionReader(self.searcher, parsed.field, parsed.terms, decoded)
        passing, _, ranked, partial = self._run(parsed, spec, positions, cap, decoded)
        matches = (Match(self._record(docnum), score) for score, docnum in ranked[:cap])
        return Export(len(passing), partial, matches)

    def units_of(self, doc_id: str) -> list[dict]:
        return list(self.searcher.documents(doc_id=doc_id))

    def value_counts(self, facet: str, unit: str | None,
                     within: dict[str, list[str]] | None = None) -> Counter:
        kinds = [unit] if unit else ["document", "passage", "quote"]
        docs = sorted(d for kind in kinds for d in self.unit_docs(kind))
        if within:
            docs, _ = apply_filters(docs, self.columns.filter_tests(within))
        return self.columns.count(facet, docs)

    def unit_count(self, unit: str) -> int:
        return len(self.unit_docs(unit))

    def tokens(self, text: str) -> list[Token]:
        exact = self.exact.exact if self.exact else (lambda raw: "")
        return [Token(t.text, t.startchar, t.endchar, t.stopped,
                      exact(text[t.startchar:t.endchar]))
                for t in self.analyzer(text, positions=True, chars=True, removestops=False)]

    def query_words(self, q: str, unit: str, phrase: str = "exact") -> QueryWords:
        return parse_query(q, self.searcher.schema, self.limits, unit, phrase).words

    def frequencies(self, terms: Iterable[str], unit: str) -> dict[str, int]:
        reader, field = self.searcher.reader(), SEARCH_FIELDS[unit][0]
        return {term: reader.doc_frequency(field, term) for term in terms}

    def cost(self, q: str, unit: str, phrase: str = "exact") -> int:
        reader = self.searcher.reader()
        total = 0
        parsed = parse_query(q, self.searcher.schema, self.limits, unit, phrase)
        for leaf in parsed.query.leaves():
            if isinstance(leaf, VerbatimPhrase):  # its grams and words
                total += PHRASE_WORD_COST * sum(reader.doc_frequency(leaf.fieldname, t)
                                                for t, _ in leaf.plan)
            elif isinstance(leaf, wq.Phrase):
                total += PHRASE_WORD_COST * sum(reader.doc_frequency(leaf.fieldname, w)
                                                for w in leaf.words)
            elif isinstance(leaf, wq.Term):
                total += reader.doc_frequency(leaf.fieldname, leaf.text)
        if _unbounded(parsed.query):  # matches (and scores, counts, ranks) every unit of the kind
            total += EVERY_UNIT_COST * self.unit_count(unit)
        return total

    def holdings(self, *, units: bool = False) -> Holdings:
        return read_holdings(self.searcher, units=units, passages=self.passages)

    def storage(self) -> SegmentStats:
        return segment_stats(self.searcher.reader())

    # -- reading -------------------------------------------------------------

    def _document_meta(self, doc_id: str) -> dict:
        """Display metadata, stored once on the document unit (passages do not repeat it)."""
        fields = self.searcher.document(id=doc_id) or {}
        return fields.get("meta", {})

    def _record(self, docnum: int) -> dict:
        """A unit's stored record, with its document's metadata."""
        fields = self.searcher.stored_fields(docnum)
        if "meta" not in fields:
            fields["meta"] = self.document_meta(fields["doc_id"])
        return fields

    def _passage(self, docnum: int, doc_id: str, index: int) -> dict | None:
        """The stored fields of paragraph ``index`` of the document unit at ``docnum``.

        A document's units are indexed as one group (search.engine.whoosh.writer),
        so its passages follow it: one stored-fields read. An index written
        otherwise is still answered, by reading the document's units.
        """
        if docnum + 1 + index < self.searcher.doc_count_all():
            fields = self.searcher.stored_fields(docnum + 1 + index)
            if fields.get("doc_id") == doc_id and fields.get("position") == index \
                    and fields.get("unit") == "passage":
                return fields
        return next((f for f in self.searcher.documents(doc_id=doc_id)
                     if f.get("unit") == "passage" and f.get("position") == index), None)

    # Whoosh filters accept a set, not a frozenset: these cached sets are never mutated.
    def _unit_docs(self, unit: str) -> set[int]:
        return set(self.searcher.docs_for_query(wq.Term("unit", unit)))

    # -- matching and ranking ------------------------------------------------

    def _parse(self, q: str, unit: str, phrase: str = "exact") -> ParsedQuery:
        parsed = parse_query(q, self.searcher.schema, self.limits, unit, phrase)
        forgive_values(parsed, self.searcher.reader())
        check_expansions(parsed.query, self.searcher.reader(), self.limits.max_expansions)
        return parsed

    def _run(self, parsed: ParsedQuery, spec: SearchSpec, positions: PositionReader,
             need: int | None, decoded: Decoded
             ) -> tuple[list[int], dict, list[tuple[float, int]], bool]:
        """Matches passing the filters, per-facet match lists, the ranked matches, partial.

        One pass collects every match with its score, so totals are exact and
        phrases read positions once. Only the first ``need`` matches are put
        in order (all of them when None: a cursor or an export).
        """
        query = within_unit(parsed.query, spec.unit, SEARCH_FIELDS[spec.unit])
        deadline = time.monotonic() + self.limits.time_limit * SCAN_SHARE
        scores, partial = scan(self.searcher, query, deadline, decoded)
        tests = self.columns.filter_tests(spec.filters, spec.day_from, spec.day_to)
        passing, all_but = apply_filters(sorted(scores), tests)
        if spec.sort == "relevance" and spec.q:
            ranked = self._by_relevance(parsed, spec.unit, scores, decoded.coverage, passing,
                                        positions, need)
        else:
            ranked = self._by_date(spec.sort, passing, need)
        return passing, all_but, ranked, partial

    def _by_date(self, sort: str, docnums: list[int], need: int | None
                 ) -> list[tuple[float, int]]:
        dates = self.columns.days()
        sign = 1 if sort == "date" else -1
        return [(float(dates[d]), d)
                for d in self._first(docnums, lambda d: sign * dates[d], need)]

    def _by_relevance(self, parsed: ParsedQuery, unit: str, scores: dict[int, float],
                      coverage: dict[int, float], docnums: list[int], positions: PositionReader,
                      need: int | None) -> list[tuple[float, int]]:
        """Best evidence first (see the module doc).

        A match's base score is its BM25 times the share of the query's words it holds,
        squared; of a few words (under MIN_PROBE_WORDS), those holding every word come
        first. The first candidates, and those holding the rarest grams of a pasted
        sentence, are re-ranked by their best window (``evidence_boosts``, at least 1:
        the first candidates stay ahead of the rest).
        """
        if coverage:
            def base(d: int) -> float:
                return scores[d] * coverage.get(d, 1.0) ** 2
        else:
            base = scores.__getitem__
        strict = bool(coverage) and len(parsed.terms) < MIN_PROBE_WORDS

        def short(d: int) -> bool:  # misses a word of a few
            return strict and coverage.get(d, 1.0) < FULL
        tie = self.columns.numbers("ukey")

        def rank(match: tuple[float, int]) -> tuple:
            return short(match[1]), -match[0], tie[match[1]]

        rerank = bool(docnums) and len(parsed.terms) > 1 and bool(parsed.loose)
        depth = self._rerank_depth(parsed, unit)
        order = self._first(docnums, lambda d: (short(d), -base(d)),
                            max(need, depth) if need else None)
        head = order[:depth]
        extra = self._gram_candidates(parsed, unit, docnums, set(head)) if rerank else []
        head += extra
        top = [(base(d), d) for d in head]
        if rerank:  # a lone phrase is as close as it gets
            weights = [self.searcher.idf(parsed.field, t) for t in parsed.terms]
            boosts = evidence_boosts(positions.of(head), weights)
            most = max(score for score, _ in top) or 1.0
            top = [(most * (score / most) ** BM25_SHARE * boosts.get(d, 1.0), d)
                   for score, d in top]
        top.sort(key=rank)
        taken = set(extra)
        rest = [(base(d), d) for d in order[depth:] if d not in taken]
        if not extra:
            return top + rest
        return list(heapq.merge(top, rest, key=rank))

    def _rerank_depth(self, parsed: ParsedQuery, unit: str) -> int:
        """How many of the first matches are re-ranked: POSITIONS_READ / words; RERANK_DEPTH for
        a long pasted sentence, whose grams bring the deep candidates, and for passages,
        whose BM25 over a paragraph's length already favours words that stand together."""
        if unit == "passage" or len(parsed.terms) >= MIN_PROBE_WORDS:
            return RERANK_DEPTH
        return max(RERANK_DEPTH, min(MAX_RERANK_DEPTH, POSITIONS_READ // max(1, len(parsed.terms))))

    def _gram_candidates(self, parsed: ParsedQuery, unit: str, docnums: list[int],
                         seen: set[int]) -> list[int]:
        """Matches outside ``seen`` holding the most of a long query's rarest common grams."""
        field = EXACT_FIELDS[unit]
        if unit == "passage" or len(parsed.terms) < MIN_PROBE_WORDS \
                or field not in self.searcher.schema:
            return []
        reader = self.searcher.reader()
        grams = {t.text for t in self.searcher.schema[field].analyzer(parsed.text)
                 if " " in t.text}
        frequency = {g: reader.doc_frequency(field, g) for g in grams}
        common = GRAM_SHARE * self.unit_count(unit)
        probes = sorted((g for g in grams if 0 < frequency[g] <= common),
                        key=lambda g: (frequency[g], g))
        if len(probes) < 2:
            return []
        deadline = time.monotonic() + self.limits.time_limit * SCAN_SHARE
        query = wq.Or([wq.Term(field, g) for g in probes[:GRAM_PROBES]])
        found, _ = scan(self.searcher, query, deadline)
        passing = set(docnums)
        ranked = heapq.nlargest(GRAM_CANDIDATES + len(seen),
                                (d for d in found if d in passing), key=found.__getitem__)
        return [d for d in ranked if d not in seen][:GRAM_CANDIDATES]

    def _first(self, docnums: list[int], key, need: int | None) -> list[int]:
        """The first ``need`` of ``docnums`` by ``key`` (all when None), ties by unit key.

        Docnum order depends on the index's history, so ties are ordered by the
        units' key hashes (``ukey``): the same hits in the same order as a fresh
        rebuild. Only the tied group at the cut is scanned twice.
        """
        tie = self.columns.numbers("ukey")
        if need is None or need >= len(docnums):
            return sorted(docnums, key=lambda d: (key(d), tie[d]))
        chosen = heapq.nsmallest(need, docnums, key=key)
        edge = key(chosen[-1])
        inside = sorted((d for d in chosen if key(d) != edge), key=lambda d: (key(d), tie[d]))
        group = [d for d in docnums if key(d) == edge]
        return inside + heapq.nsmallest(need - len(inside), group, key=tie.__getitem__)

    def _page(self, spec: SearchSpec, ranked: list[tuple[float, int]], total: int
              ) -> tuple[list[tuple[float, int]], list | None]:
        """This page's matches, and the key of its last one when more follow."""
        if spec.after is not None:
            (_, docnum_version) = spec.after
            version, _, docnum = docnum_version.rpartition(":")
            if version != self.version or not docnum.isdecimal():
                raise RequestError("cursor_expired", "the index changed since this cursor was "
                                                     "given out: start again from page 1", "cursor")
            start = next((i + 1 for i, (_, d) in enumerate(ranked) if d == int(docnum)),
                         len(ranked))
        else:
            start = spec.start
        page = ranked[start:start + spec.count]
        if start + spec.count >= total or not page:
            return page, None
        score, docnum = page[-1]
        return page, [score, f"{self.version}:{docnum}"]

    # -- hits ----------------------------------------------------------------

    def _matches(self, parsed: ParsedQuery, spec: SearchSpec, page: list[tuple[float, int]],
                 positions: PositionReader) -> list[Match]:
        matches = [Match(self._record(d), score) for score, d in page]
        if spec.unit != "document" or not matches:
            return matches
        if spec.best_passages:
            best = self._best_passages(parsed, page, matches, positions)
            for match in matches:
                match.passage = best.get(match.record["doc_id"])
        quoting = [(d, m) for (_, d), m in zip(page, matches) if m.record["meta"].get("quotes")]
        if spec.quotes and spec.q and quoting:
            quotes = self._matching_quotes(spec.q, quoting, spec.phrase)
            for match in matches:
                match.quotes = quotes.get(match.record["doc_id"], [])
        return matches

    def _best_passages(self, parsed: ParsedQuery, page: list[tuple[float, int]],
                       matches: list[Match], positions: PositionReader) -> dict[str, dict]:
        """Per document hit, the stored fields of the paragraph that best matches the query:
        one that holds a quoted phrase letter for letter first."""
        verbatim = [v for v in parsed.verbatim if v.unit == "document"]
        if not parsed.terms and not verbatim:
            return {}
        docnums = [d for _, d in page]
        found = positions.of(docnums) if parsed.terms else {}
        exact = self._verbatim_starts(verbatim, docnums)
        weights = [self.searcher.idf("passage_text", t) for t in parsed.terms]
        layouts = phrase_layouts(parsed.query, parsed.field, parsed.terms)
        best = {}
        for (_, docnum), match in zip(page, matches):
            doc_id, meta = match.record["doc_id"], match.record["meta"]
            index = best_paragraph(found.get(docnum, []), meta.get("starts", []), weights, layouts,
                                   exact.get(docnum, ()))
            fields = self._passage(docnum, doc_id, index) if index is not None else None
            if fields:
                best[doc_id] = fields
        return best

    def _verbatim_starts(self, verbatim: list[VerbatimPhrase], docnums: list[int]
                         ) -> dict[int, list[int]]:
        """Where the verbatim phrases start in these documents (their exact field), read for
        these few documents only."""
        if not verbatim:
            return {}
        terms = list(dict.fromkeys(t for v in verbatim for t, _ in v.plan))
        index = {t: i for i, t in enumerate(terms)}
        layouts = [([index[t] for t, _ in v.plan], [o for _, o in v.plan]) for v in verbatim]
        found = PositionReader(self.searcher, verbatim[0].fieldname, terms).of(docnums)
        return {d: phrase_starts(f, layouts) for d, f in found.items()}

    def _matching_quotes(self, q: str, documents: list[tuple[int, Match]], phrase: str = "exact"
                         ) -> dict[str, list[dict]]:
        """Per document hit, up to three of its quotes that match the query themselves.

        A document's quotes are the units right after its passages (its units
        are consecutive), so only those are scored; each one read is checked
        to belong to the document.
        """
        parsed = parse_query(q, self.searcher.schema, self.limits, "quote", phrase)
        query = within_unit(parsed.query, "quote", SEARCH_FIELDS["quote"])
        owner = {d: m.record["doc_id"] for docnum, m in documents
                 for d in range(docnum + 1, docnum + 1 + m.record["meta"].get("paragraphs", 0)
                                + m.record["meta"]["quotes"])}
        for verbatim in parsed.verbatim:  # matched in these units, not over the whole index
            verbatim.within = sorted(owner)
        scores = scores_of(self.searcher, query, sorted(owner))
        best: dict[str, list[int]] = {}
        for d in sorted(scores, key=lambda d: (-scores[d], d)):
            if len(best.setdefault(owner[d], [])) < QUOTES_PER_HIT:
                best[owner[d]].append(d)
        found: dict[str, list[dict]] = {}
        for doc_id, docnums in best.items():
            for d in sorted(docnums):
                fields = self.searcher.stored_fields(d)
                if fields.get("doc_id") == doc_id and fields.get("unit") == "quote":
                    found.setdefault(doc_id, []).append(fields)
        return found


def _unbounded(query: wq.Query) -> bool:
    """Whether a query can match units that hold none of its words (``*``, ``NOT x``,
    ``a OR NOT b``); ``a NOT b`` is bounded by ``a``."""
    if isinstance(query, (wq.Every, wq.Not)):
        return True
    if isinstance(query, wq.And):
        return all(_unbounded(q) for q in query.subqueries)
    if isinstance(query, (wq.AndMaybe, wq.AndNot)):
        return _unbounded(query.a)
    return any(_unbounded(q) for q in query.children())
