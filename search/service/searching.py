"""The query service: the one search path behind the CLI, the JSON API and the pages.

It validates requests (search.service.request), asks the engine through its
interface (search.engine.interface) and shapes the answer: hits as
search.service.hits defines them, highlighted snippets, facets, paging.
Matching, ranking and counting are the engine's.
"""

from __future__ import annotations

import json
import logging
import re
import time
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

from search.config import Config
from search.engine import configured_limits, open_engine
from search.engine.interface import (Engine, IndexMissing, Limits, Match, RequestError,
                                     SearchSpec, Snapshot)
from search.fields import UNITS, day_number
from search.service.highlight import Highlighter
from search.service import citing
from search.service.hits import export_row, hit, quote_hit, quote_of, snippet_of
from search.service.indexing import CHECK_FILE
from search.service.cost import EXPENSIVE_COST, is_expensive
from search.service.request import (SearchRequest, encode_cursor, filter_names, normalise,
                                    parse_request)
from search.service import usage, verify as verifying
from search.service.pasted import read_paste


logger = logging.getLogger(__name__)
# A passage's or quote's id: its document's id and its place there (``doc#p3``, ``doc#q0``).
_UNIT_SUFFIX = re.compile(r"#[pq]\d+$")


class SearchService:
    """Searches the live index version, one request at a time per process.

    Whoosh readers share file positions, so a searcher must not serve two
    threads at once: gunicorn runs sync workers (web/gunicorn_conf.py).
    """

    def __init__(self, config: Config, limits: Limits | None = None,
                 engine: Engine | None = None) -> None:
        self.config = config
        self.limits = limits or configured_limits(config)
        self.engine = engine or open_engine(config, self.limits)
        # The facets this server offers (facets.fields): counted, filterable, on the pages.
        self.facets: tuple[str, ...] = tuple(config.get("facets", "fields"))
        # Permalinks and citations point here, never at a request's Host header.
        self.public_url: str | None = config.get("server", "public_url")

    @property
    def index_root(self) -> Path:
        """The index folder (builds, versions and their status files live there)."""
        return self.engine.root

    def build_running(self) -> bool:
        """Whether a build holds the build lock now."""
        return self.engine.build_running()

    def live(self) -> Snapshot:
        """The live index version (IndexMissing when there is none)."""
        return self.engine.live()

    def is_expensive(self, path: str, args: Mapping[str, Sequence[str]]) -> bool:
        """Whether a request will be expensive: from its parameters (search.service.cost), and
        for a search, from the engine's estimate of what its query reads."""
        if is_expensive(path, args):
            return True
        if not (path in ("/", "/api/search") and args.get("q")):
            return False
        unit = UNITS.get((args.get("unit") or ["documents"])[-1], "document")
        phrase = (args.get("phrase") or ["exact"])[-1].strip()
        try:
            return self.live().cost(normalise(args["q"][-1])[:self.limits.max_query_chars],
                                    unit, phrase) > EXPENSIVE_COST
        except (RequestError, IndexMissing):
            return False  # refused or unanswerable: the request itself will say so, fast
        except Exception:  # an estimate must never fail a request: run it as expensive
            logger.exception("cost estimate failed for %r", args["q"][-1][:200])
            return True

    def parse(self, args: Mapping[str, Sequence[str]]) -> SearchRequest:
        """A request from query-string parameters, validated (RequestError naming the bad one)."""
        return parse_request(args, self.limits, self.facets)

    # -- search --------------------------------------------------------------

    def search(self, request: SearchRequest) -> dict:
        """A full response: total, hits, facets, histogram, suggestion, paging."""
        started = time.perf_counter()
        live = self.live()
        outcome = live.search(self._spec(request))
        response = {
            "total": outcome.total,
            "partial": outcome.partial,
            "query": {"q": request.q, "understood": outcome.understood, "unit": request.unit,
                      "sort": request.sort, "phrase": request.phrase,
                      "filters": request.filters,
                      "date_from": _iso(request.date_from), "date_to": _iso(request.date_to)},
            "warnings": outcome.warnings + (["the search ran out of time: results are partial"]
                                            if outcome.partial else []),
            "hits": self._hits(live, request, outcome.matches, outcome.words),
            "facets": outcome.facets,
            "histogram": outcome.histogram,
            "suggestion": outcome.suggestion,
            "next_cursor": encode_cursor(outcome.next_key) if outcome.next_key else None,
            "index_version": live.version,
        }
        response["took_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return response

    def _spec(self, request: SearchRequest) -> SearchSpec:
        return SearchSpec(
            q=request.q, unit=UNITS[request.unit], filters=request.filters,
            day_from=day_number(request.date_from), day_to=day_number(request.date_to),
            sort=request.sort, facets=request.facets, facet_size=request.facet_size,
            start=(request.page - 1) * request.per_page, count=request.per_page,
            after=request.cursor, best_passages=request.highlight, phrase=request.phrase)

    def _hits(self, live: Snapshot, request: SearchRequest, matches: list[Match], words
              ) -> list[dict]:
        highlighter = Highlighter(live.tokens, words.exact)
        terms, phrases = set(words.loose), words.phrases
        hits = []
        for match in matches:
            shown = hit(match.record, match.score)
            quote = None
            if request.unit == "documents":
                source = match.passage["body"] if match.passage else ""
                shown["passage"] = match.passage["key"] if match.passage else None
                shown["snippets"] = snippet_of(highlighter, source, terms, phrases)
                shown["quotes"] = [self._quote_cited(shown, quote_hit(q, highlighter, terms,
                                                                     phrases))
                                   for q in match.quotes]
            else:
                body = match.record.get("body") or ""
                shown["snippets"] = snippet_of(highlighter, body, terms, phrases) \
                    if request.highlight else []
                if request.unit == "quotes":
                    quote = shown["quote"] = quote_hit(match.record, highlighter, terms, phrases)
                    shown["context"] = quote["context"]
            hits.append(self._cited(shown, match.record.get("body") or "", quote))
        return hits

    def _cited(self, shown: dict, words: str, quote: dict | None) -> dict:
        """A hit, quote or document with its permalink and plain-text citation."""
        cited = self.citable(shown, words, quote)
        shown["permalink"], shown["citation"] = cited.link, citing.text(cited)
        return shown

    def _quote_cited(self, doc: dict, quote: dict) -> dict:
        """A quote of a document with its own permalink and citation."""
        cited = self.citable(doc, "", quote)
        return dict(quote, permalink=cited.link, citation=citing.text(cited))

    def citable(self, doc: dict, words: str = "", quote: dict | None = None) -> citing.Cited:
        """What a citation of a unit is made from (``doc``: a hit's fields)."""
        unit_id = quote["id"] if quote else doc["id"]
        unit = "quote" if quote else doc.get("unit", "document")
        return citing.Cited(unit, unit_id, doc,
                            citing.permalink(self.public_url, doc["doc_id"], unit_id),
                            words if unit == "passage" else "", quote)

    def citation(self, unit_id: str, fmt: str) -> str | list | None:
        """One unit's citation in a format of ``citing.RENDERERS``; None for no such unit."""
        doc_id = unit_id.rpartition("#")[0] if _UNIT_SUFFIX.search(unit_id) else unit_id
        units = {u["key"]: u for u in self.live().units_of(doc_id)}
        record = units.get(unit_id)
        if record is None:
            return None
        shown = hit(record, None)
        quote = quote_of(record) if record["unit"] == "quote" else None
        return citing.RENDERERS[fmt](self.citable(shown, record.get("body") or "", quote))

    def highlighter_for(self, q: str, phrase: str = "exact"
                        ) -> Callable[[str], list[tuple[int, int]]]:
        """Character spans to mark in any text for the words of ``q`` (document pages),
        parsed exactly as the search parses them (``phrase``: exact or loose)."""
        if not q:
            return lambda text: []
        live = self.live()
        words = live.query_words(q, "document", phrase)
        highlighter = Highlighter(live.tokens, words.exact)
        return lambda text: highlighter.spans(text, set(words.loose), words.phrases)

    # -- verify, phrase history, concordance ----------------------------------

    def verify(self, args: Mapping[str, Sequence[str]]) -> dict:
        """Is a pasted quote (``q``) real, who said it, when, in which words, who first
        (search.service.verify); facet filters narrow where its source is looked for."""
        pasted = read_paste((args.get("q") or [None])[-1])
        request = self.parse({k: v for k, v in args.items() if k in filter_names(self.facets)})
        return verifying.verify(self.live(), pasted, request.filters, self._cite_source)

    def _cite_source(self, shown: dict) -> None:
        """A verify match's permalink and citation: of its quote when it stands in one,
        else of the paragraph's words."""
        self._cited(shown, shown.get("source_text") or "", shown.get("quote"))

    def phrase_history(self, request: SearchRequest) -> dict:
        """A query's first use, uses per year and its most frequent speakers and countries,
        counted over paragraphs (search.service.usage)."""
        if not request.q.strip():
            raise RequestError("missing_parameter", "q is required: a phrase in quotes, or "
                                                    "words", "q")
        started = time.perf_counter()
        told, _ = usage.history(self.live(), request.q, request.filters, request.phrase)
        if told["first"]:
            self._cited(told["first"], told["first"]["text"], None)
        told["took_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return told

    def concordance(self, request: SearchRequest, width: int, order: str) -> dict:
        """One line per occurrence of ``request.q``, page by page (search.service.usage)."""
        if not request.q.strip():
            raise RequestError("missing_parameter", "q is required: a word or a phrase", "q")
        started = time.perf_counter()
        live = self.live()
        marked = live.query_words(request.q, "passage", request.phrase)
        if not (marked.loose or marked.phrases or marked.exact):
            raise RequestError("nothing_to_show", "a concordance shows words or phrases in "
                                                  "context: wildcards, fields and ranges alone "
                                                  "have no words to centre", "q")
        spec = self._spec(request)
        spec.facets = request.facets or list(usage.USE_FACETS)
        answer = usage.concordance(live, spec, width=width, order=order,
                                   start=(request.page - 1) * request.per_page,
                                   count=request.per_page, time_limit=self.limits.time_limit)
        for line in answer["lines"]:
            line["permalink"] = citing.permalink(self.public_url, line["doc_id"], line["id"])
        answer["took_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return answer

    # -- documents, speakers, stats ------------------------------------------

    def document(self, doc_id: str) -> dict | None:
        """A document with its full text (from its passages) and its quotes; None if unknown."""
        units = self.live().units_of(doc_id)
        doc = next((u for u in units if u["unit"] == "document"), None)
        if doc is None:
            return None
        passages = sorted((u for u in units if u["unit"] == "passage"), key=lambda u: u["position"])
        quotes = sorted((u for u in units if u["unit"] == "quote"), key=lambda u: u["position"])
        out = self._cited(hit(doc, None), "", None)
        out["paragraphs"] = [p["body"] for p in passages]
        out["quotes"] = [self._quote_cited(out, quote_of(record)) for record in quotes]
        return out

    def speakers(self, prefix: str = "", country: str | None = None, limit: int = 100) -> list[dict]:
        """Speakers with document and quote counts, most quoted first."""
        live = self.live()
        doc_counts = live.value_counts("speaker", "document")
        quote_counts = live.value_counts("speaker", "quote")
        names = set(doc_counts) | set(quote_counts)
        if prefix:
            folded = prefix.casefold()
            names = {n for n in names if n.casefold().startswith(folded)
                     or any(w.casefold().startswith(folded) for w in n.split())}
        if country:
            names &= set(live.value_counts("speaker", None, {"country": [country]}))
        rows = [{"name": n, "documents": doc_counts.get(n, 0), "quotes": quote_counts.get(n, 0)}
                for n in names]
        rows.sort(key=lambda r: (-(r["documents"] + r["quotes"]), r["name"]))
        return rows[:limit]

    def stats(self) -> dict:
        live = self.live()
        return {
            "index_version": live.version,
            "documents": live.unit_count("document"),
            "passages": live.unit_count("passage"),
            "quotes": live.unit_count("quote"),
            "speakers": len(live.value_counts("speaker", "document")),
        }

    def storage(self) -> dict:
        """Segments, units and the share of deleted units not yet merged away."""
        return self.live().storage().as_dict()

    def last_check(self) -> dict | None:
        """The result of the last ``dipsearch index --check``, if one ran."""
        try:
            return json.loads((self.index_root / CHECK_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def export(self, request: SearchRequest, cap: int) -> tuple[dict, Iterator[dict]]:
        """Every hit of a search (up to ``cap``), without snippets, for CSV and JSON Lines.

        Returns what the rows are first (``total``, ``rows``, ``cap``, ``partial``,
        ``complete``, ``timed_out``), so that a cut or partial export can say so; the
        summary is final once the rows are exhausted (writing them is time-limited too).
        """
        deadline = time.monotonic() + self.limits.time_limit
        found = self.live().export(self._spec(request), cap)
        rows = min(found.total, cap)
        summary = {"total": found.total, "rows": rows, "cap": cap, "partial": found.partial,
                   "complete": rows == found.total and not found.partial, "timed_out": False}
        return summary, self._rows(found.matches, request.unit, summary, deadline)

    def _rows(self, matches: Iterator[Match], unit: str, summary: dict, deadline: float
              ) -> Iterator[dict]:
        """Export rows until the time limit; a cut export says so in ``summary``.

        Writing 50,000 rows takes seconds: past the limit the export stops, and
        ``summary`` (read again once the rows are sent) records how many went out.
        """
        for sent, match in enumerate(matches):
            if sent and not sent % 256 and time.monotonic() > deadline:
                summary.update(rows=sent, complete=False, timed_out=True)
                return
            record = match.record
            quote = quote_of(record) if record["unit"] == "quote" else None
            yield self._cited(export_row(record, match.score, unit), record.get("body") or "",
                              quote)


def _iso(value) -> str | None:
    return value.isoformat() if value else None
