"""The query service: the one search path behind the CLI, the JSON API and the pages.

How a search runs, and why it is fast on Whoosh:

* One long-lived searcher per process (``Live``), with its column arrays and
  filter sets cached; it is replaced only when a new index version or commit
  is published (checked at most once a second). Opening a searcher costs
  100-190 ms and throws the caches away.
* One scored pass collects every match under a time limit, a posting block
  at a time (``collect``); totals are exact by construction, and phrases
  are evaluated once. Facet filters are applied afterwards from cached
  docnum sets, which is what makes facets disjunctive at no extra search.
* Relevance is BM25, then the top documents are re-ranked by how close
  together the query's words stand (``proximity``); the positions read for
  that also pick each document hit's best paragraph (``passages``).
* Only the page's hits are highlighted, each from its best passage.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from whoosh import query as wq

from search.engine.whoosh.collect import Decoded, scan, scores_of
from search.config import Config
from search.engine.whoosh.facets import FacetColumns, apply_filters, facet_counts, year_histogram
from search.service.highlight import Highlighter
from search.engine.whoosh.matchers import within_unit
from search.engine.whoosh.passages import best_paragraph, phrase_layouts
from search.engine.whoosh.proximity import PositionReader, proximity_boosts
from search.service.request import (UNITS, Limits, ParsedQuery, RequestError, SearchRequest, check_expansions,
                    encode_cursor, parse_query)
from search.engine.whoosh.spelling import suggest
from search.engine.whoosh.schema import SEARCH_FIELDS, day_number
from search.engine.whoosh.scoring import FastBM25F
from search.engine.whoosh.store import IndexMissing, IndexStore

logger = logging.getLogger(__name__)
RERANK_DEPTH = 30  # the first three pages: reading positions costs ~0.2 ms a document


def configured_limits(config: Config) -> Limits:
    """The ``search`` section of config as query limits."""
    section = config.values["search"]
    return Limits(max_query_chars=section["max_query_chars"], max_terms=section["max_terms"],
                  max_expansions=section["max_expansions"],
                  max_per_page=section["max_per_page"],
                  time_limit=section["time_limit_ms"] / 1000)


class Live:
    """One opened index version: searcher, columns, highlighter and cached filter sets."""

    def __init__(self, version: str, searcher) -> None:
        self.version = version
        self.searcher = searcher
        self.columns = FacetColumns(searcher)
        self.highlighter = Highlighter(searcher.schema["text"].analyzer)
        self.unit_docs = lru_cache(maxsize=8)(self._unit_docs)
        self.document_meta = lru_cache(maxsize=4096)(self._document_meta)

    def _document_meta(self, doc_id: str) -> dict:
        """Display metadata, stored once on the document unit (passages do not repeat it)."""
        fields = self.searcher.document(id=doc_id) or {}
        return fields.get("meta", {})

    def hit(self, docnum: int, score: float | None) -> dict:
        """The JSON form of one unit, with its document's metadata."""
        fields = self.searcher.stored_fields(docnum)
        if "meta" not in fields:
            fields["meta"] = self.document_meta(fields["doc_id"])
        return _hit(fields, score)

    def passage(self, docnum: int, doc_id: str, index: int) -> dict | None:
        """The stored fields of paragraph ``index`` of the document unit at ``docnum``.

        A document's units are indexed as one group (search.service.indexing), so its
        passages follow it: one stored-fields read. An index written
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



@dataclass
class _Match:
    score: float
    docnum: int


class SearchService:
    """Searches the live index version, one request at a time per process.

    Whoosh readers share file positions, so a searcher must not serve two
    threads at once: gunicorn runs sync workers (web/gunicorn_conf.py).
    """

    def __init__(self, config: Config, limits: Limits | None = None) -> None:
        self.config = config
        self.limits = limits or configured_limits(config)
        self.store = IndexStore(config.index_dir)
        self._lock = threading.Lock()
        self._live: Live | None = None
        self._checked = 0.0

    # -- the live searcher ---------------------------------------------------

    def live(self) -> Live:
        """The current version, reopened when a new version or commit is published."""
        with self._lock:
            now = time.monotonic()
            live = self._live
            if live is not None and now - self._checked < 1.0:
                return live
            self._checked = now
            try:
                self._reopen(live)
            except Exception as exc:
                if live is None:
                    if isinstance(exc, IndexMissing):
                        raise
                    raise IndexMissing(f"the index cannot be opened ({type(exc).__name__}: "
                                       f"{exc}): rebuild it with 'dipsearch index --rebuild'"
                                       ) from exc
                logger.warning("index did not open, still answering from %s: %s",
                               live.version, exc)
            return self._live

    def _reopen(self, live: Live | None) -> None:
        """Open the published version if it is not the one in use.

        A fresh searcher, not Searcher.refresh(): refresh marks the old searcher
        closed under any request still reading from it. A damaged index fails
        in Whoosh with IndexError, TypeError, EOFError or OSError, some only
        when the searcher is made; ``live()`` then keeps the version it has
        (its segment files stay readable even once deleted).
        """
        name = self.store.current_name()
        if live is None or name != live.version or not live.searcher.up_to_date():
            _, ix = self.store.open()
            self._swap(Live(name, ix.searcher(weighting=FastBM25F())))

    def _swap(self, live: Live) -> None:
        # The old searcher is left to the garbage collector: a request in
        # flight on another thread may still be reading from it.
        self._live = live

    # -- search --------------------------------------------------------------

    def search(self, request: SearchRequest) -> dict:
        """A full response: total, hits, facets, histogram, suggestion, paging."""
        started = time.perf_counter()
        live = self.live()
        parsed = self._parse(live, request)
        decoded = Decoded()
        positions = PositionReader(live.searcher, parsed.field, parsed.terms, decoded)
        need = None if request.cursor else request.page * request.per_page
        passing, all_but, ranked, partial = self._run(live, parsed, request, positions, need,
                                                      decoded)
        page, next_key = self._page(live, request, ranked, len(passing))
        response = {
            "total": len(passing),
            "partial": partial,
            "query": {"q": request.q, "understood": str(parsed.query), "unit": request.unit,
                      "sort": request.sort, "filters": request.filters,
                      "date_from": _iso(request.date_from), "date_to": _iso(request.date_to)},
            "warnings": parsed.warnings + (["the search ran out of time: results are partial"]
                                           if partial else []),
            "hits": self._hits(live, parsed, request, page, positions),
            "facets": facet_counts(live.columns, request.facets, request.filters, passing,
                                   all_but, request.facet_size),
            "histogram": year_histogram(live.columns, all_but.get("year", passing)),
            "suggestion": None,
            "next_cursor": encode_cursor(next_key) if next_key else None,
            "index_version": live.version,
        }
        if request.q and len(passing) < 3:
            response["suggestion"] = suggest(live.searcher, request.q, parsed)
        response["took_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return response

    def _parse(self, live: Live, request: SearchRequest) -> ParsedQuery:
        parsed = parse_query(request.q, live.searcher.schema, self.limits, UNITS[request.unit])
        check_expansions(parsed.query, live.searcher.reader(), self.limits.max_expansions)
        return parsed

    def _run(self, live: Live, parsed: ParsedQuery, request: SearchRequest,
             positions: PositionReader, need: int | None, decoded: Decoded | None = None
             ) -> tuple[list[int], dict, list[_Match], bool]:
        """Matches passing the filters, per-facet match lists, the ranked matches, partial.

        One pass collects every match with its score, so totals are exact and
        phrases read positions once. Only the first ``need`` matches are put
        in order (all of them when None: a cursor or an export).
        """
        unit = UNITS[request.unit]
        query = within_unit(parsed.query, unit, SEARCH_FIELDS[unit])
        scores, partial = scan(live.searcher, query, time.monotonic() + self.limits.time_limit,
                               decoded)
        passing, all_but = apply_filters(sorted(scores), _filter_tests(live, request))
        if request.sort == "relevance" and request.q:
            ranked = self._by_relevance(parsed, scores, passing, positions, need)
        else:
            ranked = self._by_date(live, request, passing, need)
        return passing, all_but, ranked, partial

    @staticmethod
    def _by_date(live: Live, request: SearchRequest, docnums: list[int], need: int | None
                 ) -> list[_Match]:
        dates = live.columns.days()
        sign = 1 if request.sort == "date" else -1
        return [_Match(float(dates[d]), d)
                for d in _first(docnums, lambda d: (sign * dates[d], d), need)]

    @staticmethod
    def _by_relevance(parsed: ParsedQuery, scores: dict[int, float], docnums: list[int],
                      positions: PositionReader, need: int | None) -> list[_Match]:
        """BM25 order, the top re-ranked by the proximity of the query's words.

        ``docnums`` ascend, and ordering is stable, so equal scores keep
        document order.
        """
        order = _first(docnums, lambda d: -scores[d], max(need, RERANK_DEPTH) if need else None)
        top = [_Match(scores[d], d) for d in order[:RERANK_DEPTH]]
        if len(parsed.terms) > 1 and parsed.loose:  # a lone phrase is as close as it gets
            boosts = proximity_boosts(positions.of([m.docnum for m in top]), len(parsed.terms))
            for m in top:
                m.score *= boosts.get(m.docnum, 1.0)
        top.sort(key=lambda m: (-m.score, m.docnum))
        return top + [_Match(scores[d], d) for d in order[RERANK_DEPTH:]]

    def _page(self, live: Live, request: SearchRequest, ranked: list[_Match], total: int
              ) -> tuple[list[_Match], list | None]:
        """This page's matches, and the cursor key of its last one when more follow."""
        if request.cursor is not None:
            (value, docnum_version) = request.cursor
            version, _, docnum = docnum_version.rpartition(":")
            if version != live.version:
                raise RequestError("cursor_expired", "the index changed since this cursor was "
                                                     "given out: start again from page 1", "cursor")
            start = next((i + 1 for i, m in enumerate(ranked) if m.docnum == int(docnum)),
                         len(ranked))
        else:
            start = (request.page - 1) * request.per_page
        page = ranked[start:start + request.per_page]
        if start + request.per_page >= total or not page:
            return page, None
        last = page[-1]
        return page, [last.score, f"{live.version}:{last.docnum}"]

    # -- hits ----------------------------------------------------------------

    def _hits(self, live: Live, parsed: ParsedQuery, request: SearchRequest,
              page: list[_Match], positions: PositionReader) -> list[dict]:
        hits = [live.hit(m.docnum, m.score) for m in page]
        bodies = [hit.pop("body") or "" for hit in hits]
        if not hits:
            return hits
        terms, phrases = set(parsed.loose), parsed.phrases
        if request.unit == "documents":
            best = self._best_passages(live, parsed, page, hits, positions) \
                if request.highlight else {}
            quoting = [(m.docnum, h) for m, h in zip(page, hits) if h["meta"].get("quotes")]
            quotes = self._matching_quotes(live, request, quoting) if request.q and quoting else {}
            for hit in hits:
                passage = best.get(hit["id"])
                hit["passage"] = passage["key"] if passage else None
                source = passage["body"] if passage else ""
                hit["snippets"] = [live.highlighter.snippet(source, terms, phrases)[0]] \
                    if source else []
                hit["quotes"] = [_quote(q, live.highlighter, terms, phrases)
                                 for q in quotes.get(hit["id"], [])]
        else:
            for hit, body in zip(hits, bodies):
                hit["snippets"] = [live.highlighter.snippet(body, terms, phrases)[0]] \
                    if request.highlight and body else []
                if request.unit == "quotes":
                    hit["quote"] = hit["meta"].get("quote")
                    hit["context"] = hit["meta"].get("context")
        for hit in hits:
            hit.pop("meta", None)
        return hits

    @staticmethod
    def _best_passages(live: Live, parsed: ParsedQuery, page: list[_Match], hits: list[dict],
                       positions: PositionReader) -> dict[str, dict]:
        """Per document hit, the stored fields of the paragraph that best matches the query."""
        if not parsed.terms:
            return {}
        found = positions.of([m.docnum for m in page])
        weights = [live.searcher.idf("passage_text", t) for t in parsed.terms]
        layouts = phrase_layouts(parsed.query, parsed.field, parsed.terms)
        best = {}
        for m, hit in zip(page, hits):
            index = best_paragraph(found.get(m.docnum, []), hit["meta"].get("starts", []),
                                   weights, layouts)
            fields = live.passage(m.docnum, hit["id"], index) if index is not None else None
            if fields:
                best[hit["id"]] = fields
        return best

    def _matching_quotes(self, live: Live, request: SearchRequest,
                         documents: list[tuple[int, dict]]) -> dict[str, list[dict]]:
        """Per document hit, up to three of its quotes that match the query themselves.

        A document's quotes are the units right after its passages (its units
        are consecutive), so only those are scored; each one read is checked
        to belong to the document.
        """
        parsed = parse_query(request.q, live.searcher.schema, self.limits, "quote")
        query = within_unit(parsed.query, "quote", SEARCH_FIELDS["quote"])
        owner = {d: hit["id"] for docnum, hit in documents
                 for d in range(docnum + 1, docnum + 1 + hit["meta"].get("paragraphs", 0)
                                + hit["meta"]["quotes"])}
        scores = scores_of(live.searcher, query, sorted(owner))
        best: dict[str, list[int]] = {}
        for d in sorted(scores, key=lambda d: (-scores[d], d)):
            if len(best.setdefault(owner[d], [])) < 3:
                best[owner[d]].append(d)
        found: dict[str, list[dict]] = {}
        for doc_id, docnums in best.items():
            for d in sorted(docnums):
                fields = live.searcher.stored_fields(d)
                if fields.get("doc_id") == doc_id and fields.get("unit") == "quote":
                    found.setdefault(doc_id, []).append(fields)
        return found

    # -- documents, speakers, stats ------------------------------------------

    def document(self, doc_id: str) -> dict | None:
        """A document with its full text (from its passages) and its quotes; None if unknown."""
        searcher = self.live().searcher
        units = list(searcher.documents(doc_id=doc_id))
        doc = next((u for u in units if u["unit"] == "document"), None)
        if doc is None:
            return None
        passages = sorted((u for u in units if u["unit"] == "passage"), key=lambda u: u["position"])
        quotes = sorted((u for u in units if u["unit"] == "quote"), key=lambda u: u["position"])
        out = _hit(doc, None)
        del out["meta"], out["body"]
        out["paragraphs"] = [p["body"] for p in passages]
        out["quotes"] = [dict(q["meta"]["quote"], id=q["key"], context=q["meta"].get("context"),
                              speakers=q["meta"].get("speakers", [])) for q in quotes]
        return out

    def speakers(self, prefix: str = "", country: str | None = None, limit: int = 100) -> list[dict]:
        """Speakers with document and quote counts, most quoted first."""
        live = self.live()
        columns = live.columns
        docs = sorted(live.unit_docs("document"))
        quote_docs = sorted(live.unit_docs("quote"))
        doc_counts = columns.count("speaker", docs)
        quote_counts = columns.count("speaker", quote_docs)
        names = set(doc_counts) | set(quote_counts)
        if prefix:
            folded = prefix.casefold()
            names = {n for n in names if n.casefold().startswith(folded)
                     or any(w.casefold().startswith(folded) for w in n.split())}
        rows = [{"name": n, "documents": doc_counts.get(n, 0), "quotes": quote_counts.get(n, 0)}
                for n in names]
        if country:
            allowed = columns.allowed("country", (country,))
            per_doc, sets = columns.value_sets("speaker")
            in_country = {v for d in allowed for v in sets[per_doc[d]]}
            rows = [r for r in rows if r["name"] in in_country]
        rows.sort(key=lambda r: (-(r["documents"] + r["quotes"]), r["name"]))
        return rows[:limit]

    def stats(self) -> dict:
        live = self.live()
        return {
            "index_version": live.version,
            "documents": len(live.unit_docs("document")),
            "passages": len(live.unit_docs("passage")),
            "quotes": len(live.unit_docs("quote")),
            "speakers": len(live.columns.count("speaker", live.unit_docs("document"))),
        }

    def export(self, request: SearchRequest, cap: int) -> Iterator[dict]:
        """Every hit of a search (up to ``cap``), without snippets, for CSV and JSON Lines."""
        live = self.live()
        parsed = self._parse(live, request)
        positions = PositionReader(live.searcher, parsed.field, parsed.terms)
        _, _, ranked, _ = self._run(live, parsed, request, positions, cap)
        for m in ranked[:cap]:
            hit = live.hit(m.docnum, m.score)
            meta, body = hit.pop("meta"), hit.pop("body")
            if request.unit != "documents":
                hit["text"] = body
            if request.unit == "quotes":
                hit["quote"] = meta.get("quote")
            yield hit


def _first(docnums: list[int], key, need: int | None) -> list[int]:
    """The first ``need`` of ``docnums`` by ``key`` (all when None), in a stable order."""
    if need is None or need >= len(docnums):
        return sorted(docnums, key=key)
    return heapq.nsmallest(need, docnums, key=key)


def _filter_tests(live: Live, request: SearchRequest) -> dict:
    return live.columns.filter_tests(request.filters, day_number(request.date_from),
                                     day_number(request.date_to))


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _hit(fields: dict, score: float | None) -> dict:
    meta = fields.get("meta", {})
    return {
        "id": fields["key"],
        "doc_id": fields["doc_id"],
        "unit": fields["unit"],
        "title": meta.get("title", ""),
        "date": meta.get("date"),
        "date_precision": meta.get("date_precision"),
        "type": meta.get("type"),
        "source": meta.get("source"),
        "url": meta.get("url"),
        "country": meta.get("country"),
        "speakers": meta.get("speakers", []),
        "score": score,
        "meta": meta,         # internal: popped before a hit leaves the service
        "body": fields.get("body"),  # internal too: a passage's or quote's text
    }


def _quote(fields: dict, highlighter: Highlighter, terms: set[str], phrases) -> dict:
    meta = fields["meta"]
    quote = meta.get("quote", {})
    return {
        "id": fields["key"],
        "text": quote.get("text"),
        "html": highlighter.snippet(quote.get("text", ""), terms, phrases, width=600)[0],
        "kind": quote.get("kind"),
        "speaker": quote.get("speaker"),
        "speakers": meta.get("speakers", []),
        "context": meta.get("context"),
    }
