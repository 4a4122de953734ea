"""HTML pages for journalists: search, documents and speakers, over the one SearchService.

No search logic lives here. Every page validates its parameters with
``parse_request`` and asks the same ``SearchService`` as the JSON API, then
shapes the answer for reading: dates at their precision, citations, charts
drawn as SVG on the server, and links in which every state of a page is its
URL (a permalink, with the same parameter names as the API).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any, Callable
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from search.fields import FACETS, KINDS
from search.ingest.document import paragraph_starts
from search.service.citing import UNKNOWN_SPEAKER, display_date
from search.service.request import filter_names, holds_phrase
from search.service import (MAX_RESULT_WINDOW, IndexMissing, RequestError, SearchRequest,
                            SearchService)

pages = Blueprint("pages", __name__)

MORE_FACET_VALUES = 50
SPEAKER_FILTER_LIMIT = 1000
SPEAKER_PAGE_QUOTES = 50
SPEAKER_INDEX_LIMIT = 500


def service() -> SearchService:
    """The app's one query service, shared with the JSON API."""
    return current_app.extensions["search_service"]


# -- errors --------------------------------------------------------------------

@pages.errorhandler(RequestError)
def bad_request(exc: RequestError) -> tuple[str, int]:
    """A parameter the service refuses: say which and why, keep the search box filled."""
    return render_template("error.html", heading="That search could not be run",
                           message=exc.message, q=request.args.get("q", ""),
                           json_url=url_for("api.search") + _query(
                               list(request.args.items(multi=True)))), 400


@pages.errorhandler(IndexMissing)
def no_index(exc: IndexMissing) -> tuple[str, int]:
    """Before the first build: a page that says so, not a stack trace."""
    return render_template("error.html", heading="The index is not ready",
                           message=str(exc), q=""), 503


def render_error(exc: HTTPException) -> tuple[str, int]:
    """An error page for the browser (the API answers JSON instead)."""
    heading = "Page not found" if exc.code == 404 else f"{exc.code} {exc.name}"
    return render_template("error.html", heading=heading,
                           message=exc.description, q=request.args.get("q", "")), exc.code


# -- display helpers -----------------------------------------------------------

pages.add_app_template_filter(display_date, "display_date")


@pages.app_template_filter("value_label")
def value_label(value: str, facet: str) -> str:
    """A facet value as the page names it: a quote kind in words."""
    return KINDS.get(value, value).capitalize() if facet == "kind" else value


@pages.app_template_filter("machine_date")
def machine_date(value: str | None, precision: str | None = None) -> str:
    """The ``<time datetime>`` value at the same precision as the display."""
    if not value:
        return ""
    return value[:{"year": 4, "month": 7, "minute": 16}.get(precision or "", 10)]


def web_url(url: str | None) -> str | None:
    """A document's original URL, only when it is http(s): never a ``javascript:`` link."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def anchor(unit_id: str) -> str:
    """The HTML id of a passage or quote on its document page (``doc#q3`` -> ``q3``)."""
    return unit_id.rpartition("#")[2]


def document_url(doc_id: str, q: str = "", unit_id: str | None = None) -> str:
    """A document page, scrolled to the passage or quote that matched, with the query lit."""
    return url_for("pages.document_page", doc_id=doc_id, q=q or None,
                   _anchor=anchor(unit_id) if unit_id and "#" in unit_id else None)


# How the pages name a speaker that is not a person (Speaker.kind).
KIND_NOTES = {"office": "office, holder not identified", "group": "group", "institution": "institution"}


def speaker_links(speakers: list[dict]) -> list[dict]:
    """Speakers as the service gives them, each with its speaker page (an institution: its
    quotes), and a note saying what a speaker that is not a person is."""
    return [dict(s, note=KIND_NOTES.get(s.get("kind", "person")),
                 href=url_for("pages.search_page", unit="quotes", institution=s["name"])
                 if s.get("kind") == "institution" else url_for("pages.speaker_page", name=s["name"]))
            for s in speakers]


# -- search page -------------------------------------------------------------------

class Links:
    """URLs for the states of the search page: this request with some parameters changed."""

    def __init__(self, req: SearchRequest, extra: list[tuple[str, str]]) -> None:
        self.req = req
        self.extra = extra  # page-only state kept across links (facet_size, speaker_filter)

    def search(self, **changes: Any) -> str:
        """This search changed; anything but a page change goes back to page 1."""
        changes.setdefault("page", 1)
        kept = [(k, v) for k, v in self.extra if k not in changes]
        return url_for("pages.search_page") + _query(self.req.params(**changes) + kept)

    def toggle(self, name: str, value: str) -> str:
        """Add a facet value to the filter, or remove it when it is already there."""
        values = self.req.filters.get(name, [])
        changed = [v for v in values if v != value] if value in values else [*values, value]
        return self.search(**{name: changed})

    def years(self, first: int, last: int) -> str:
        return self.search(date_from=str(first), date_to=str(last))

    def cursor(self, cursor: str) -> str:
        return url_for("pages.search_page") + _query(
            self.req.params(page=1) + self.extra + [("cursor", cursor)])

    def hidden(self, *leave_out: str) -> list[tuple[str, str]]:
        """The state as hidden form fields, without the fields the form itself asks for."""
        return [(k, v) for k, v in self.req.params(page=1) + self.extra if k not in leave_out]

    def api(self, cursor: str | None = None) -> str:
        """The JSON twin: exactly this search, with the facets the page shows."""
        params = self.req.params(facets=",".join(sidebar_facets()))
        params += [("facet_size", v) for k, v in self.extra if k == "facet_size"]
        params += [("cursor", cursor)] if cursor else []
        return url_for("api.search") + _query(params)

    def export(self, fmt: str) -> str:
        """The whole result set as CSV or JSON Lines (the API ignores paging there)."""
        return url_for("api.export", fmt=fmt) + _query(self.req.params(page=1, per_page=10))


def _query(params: list[tuple[str, str]]) -> str:
    """A query string, or nothing at all for the plain page."""
    return "?" + urlencode(params) if params else ""


def sidebar_facets() -> list[str]:
    """The facets of the sidebar: every value facet the server offers (the year is the timeline)."""
    return filter_names(service().facets)


@pages.get("/")
def search_page() -> str:
    """The journalist's search: results, facets, timeline, paging, citations, exports."""
    req = service().parse(request.args.to_dict(flat=False))
    speaker_filter = request.args.get("speaker_filter", "").strip()
    extra = [("facet_size", str(req.facet_size))] if req.facet_size != 10 else []
    extra += [("speaker_filter", speaker_filter)] if speaker_filter else []
    sidebar = sidebar_facets()
    result = service().search(replace(req, facets=sidebar))
    if speaker_filter and "speaker" in sidebar:
        result["facets"]["speaker"] = filtered_speakers(req, speaker_filter)
    links = Links(req, extra)
    told = service().phrase_history(req) if holds_phrase(req.q) and req.page == 1 \
        and not req.cursor else None
    return render_template(
        "search.html", req=req, result=result, links=links, q=req.q,
        history=history_view(told),
        hits=[hit_view(h, req) for h in result["hits"]],
        facets=[(name, FACETS[name].label, result["facets"][name]) for name in sidebar],
        speaker_filter=speaker_filter, more_values=req.facet_size < MORE_FACET_VALUES,
        more_values_size=MORE_FACET_VALUES, chips=filter_chips(req, links),
        timeline=timeline(result["histogram"], req, links),
        paging=paging(req, result, links),
        json_url=links.api(request.args.get("cursor")),
        export_cap=current_app.config["DIPSEARCH"].get("search", "export_cap"))


def filtered_speakers(req: SearchRequest, prefix: str) -> dict:
    """The speaker facet narrowed to names the service's speaker lookup matches for a prefix.

    Counts still come from this search (a wide speaker facet); the lookup only
    says which names match the filter typed into the facet.
    """
    names = {row["name"] for row in service().speakers(prefix=prefix, limit=SPEAKER_FILTER_LIMIT)}
    wide = service().search(replace(req, facets=["speaker"], facet_size=SPEAKER_FILTER_LIMIT,
                                    page=1, per_page=1, cursor=None, highlight=False))
    values = [v for v in wide["facets"]["speaker"]["values"]
              if v["value"] in names or v["selected"]]
    return {"values": values, "truncated": False}


def hit_view(hit: dict, req: SearchRequest) -> dict:
    """One result: headed by whose words the document is (never by someone it quotes), leading
    with the quote that matched when there is one, drawn as its kind is."""
    quotes = [quote_view(q) for q in hit.get("quotes") or []]
    lead = quote_view(hit["quote"]) if hit.get("quote") else (quotes[0] if quotes else None)
    unit_id = lead["id"] if lead else (hit.get("passage") or hit["id"])
    own = hit["voice"] == "speaker" and hit["unit"] != "quote"
    return {
        **hit,
        "lead": lead,
        "snippet": None if lead else (hit["snippets"][0] if hit.get("snippets") else ""),
        "who": speaker_links(hit["speakers"]) if own else [],
        "quoted_people": speaker_links(hit["speakers"])
        if hit["voice"] == "outlet" and hit["unit"] != "quote" else [],
        "more_quotes": quotes[1:],
        "href": document_url(hit["doc_id"], req.q, unit_id),
        "original": web_url(hit.get("url")),
    }


def quote_view(quote: dict) -> dict:
    """A quote as the pages draw it: its speaker's page, and for a partial quote or reported
    speech the reporter's sentence around it (``before``/``after``), so that only a direct
    quote stands alone in quotation marks."""
    who = speaker_links(quote.get("speakers") or [])
    before, after = around(quote)
    return {**quote, "anchor": anchor(quote["id"]), "who": who, "before": before, "after": after,
            "label": who[0]["name"] if who else (quote.get("speaker") or UNKNOWN_SPEAKER)}


_MARKS = "\"'“”‘’«»„‟‹›"
CONTEXT_CHARS = 220  # of the reporter's sentence shown on each side of a quote


def around(quote: dict) -> tuple[str, str]:
    """The sentence before and after a partial or reported quote, shortened; a partial
    quote's own marks are left out (the page draws them, around the fragment only)."""
    context, words = quote.get("context") or "", quote.get("text") or ""
    at = context.find(words) if quote.get("kind") != "direct" and words else -1
    if at < 0:
        return "", ""
    before, after = context[:at], context[at + len(words):]
    if quote["kind"] == "partial":
        before, after = before.rstrip(_MARKS), after.lstrip(_MARKS)
    if len(before) > CONTEXT_CHARS:
        before = "…" + before[-CONTEXT_CHARS:].split(" ", 1)[-1]
    if len(after) > CONTEXT_CHARS:
        after = after[:CONTEXT_CHARS].rsplit(" ", 1)[0] + "…"
    return before, after


def filter_chips(req: SearchRequest, links: Links) -> list[dict]:
    """Active filters, each with the link that removes it."""
    chips = [{"label": f"{FACETS[name].label}: {value}", "remove": links.toggle(name, value)}
             for name in sidebar_facets() for value in req.filters.get(name, [])]
    for param, label in (("date_from", "From"), ("date_to", "Until")):
        if getattr(req, param):
            chips.append({"label": f"{label} {request.args.get(param, '').strip()}",
                          "remove": links.search(**{param: None})})
    return chips


def paging(req: SearchRequest, result: dict, links: Links) -> dict:
    """Page numbers inside the 10,000-result window, a cursor link to go past it."""
    last = min(math.ceil(result["total"] / req.per_page), MAX_RESULT_WINDOW // req.per_page)
    in_cursor_mode = req.cursor is not None
    numbers = sorted({1, last, *range(max(1, req.page - 2), min(last, req.page + 2) + 1)})
    numbered = [] if in_cursor_mode or last <= 1 else [
        {"number": n, "href": links.search(page=n), "current": n == req.page,
         "gap_before": i > 0 and n - numbers[i - 1] > 1} for i, n in enumerate(numbers)]
    following = None
    if result["next_cursor"]:
        following = links.cursor(result["next_cursor"]) if in_cursor_mode or req.page >= last \
            else links.search(page=req.page + 1)
    previous = links.search(page=req.page - 1) if req.page > 1 and not in_cursor_mode else None
    return {"pages": numbered, "next": following, "previous": previous,
            "first": links.search() if in_cursor_mode else None,
            "start": 1 if in_cursor_mode else (req.page - 1) * req.per_page + 1}


# -- year charts (SVG on the server) ---------------------------------------------

CHART_SLOT = 12     # viewBox units per year
CHART_HEIGHT = 60
CHART_YEAR_PIXELS = 36  # at most: few years make a small chart
CHART_MIN_YEARS = 5


@dataclass
class Bar:
    """One bar of a year chart, in viewBox units, and the link that chooses its year."""

    year: int
    count: int
    series: int
    x: float
    y: float
    width: float
    height: float
    selected: bool = False
    href: str | None = None


def year_chart(series: list[dict[int, int]], selected: Callable[[int], bool] = lambda y: False,
               href: Callable[[int], str] | None = None) -> dict | None:
    """Bars per year, one per series side by side, every year between the first and last."""
    years = [y for counts in series for y in counts]
    if not years:
        return None
    first, last = min(years), max(years)
    if last - first + 1 < CHART_MIN_YEARS:  # a lone year between empty neighbours, not a wall
        first -= (CHART_MIN_YEARS - (last - first + 1)) // 2
        last = first + CHART_MIN_YEARS - 1
    top = max(n for counts in series for n in counts.values()) or 1
    width = (CHART_SLOT - 2) / len(series)
    bars = []
    for index, counts in enumerate(series):
        for year in range(first, last + 1):
            count = counts.get(year, 0)
            height = max(1.0, count / top * CHART_HEIGHT) if count else 0.0
            bars.append(Bar(year, count, index, (year - first) * CHART_SLOT + 1 + index * width,
                            CHART_HEIGHT - height, width, height, selected(year),
                            href(year) if href else None))
    span = last - first + 1
    return {"first": first, "last": last, "bars": bars, "slot": CHART_SLOT, "top": top,
            "width": span * CHART_SLOT, "height": CHART_HEIGHT,
            "pixels": span * CHART_YEAR_PIXELS}


def timeline(histogram: list[dict], req: SearchRequest, links: Links) -> dict | None:
    """The years histogram of the sidebar: a bar per year, and decades as links."""
    counts = {row["year"]: row["count"] for row in histogram}
    low = req.date_from.year if req.date_from else None
    high = req.date_to.year if req.date_to else None
    chosen = (lambda y: (low or y) <= y <= (high or y)) if low or high else (lambda y: False)
    chart = year_chart([counts], chosen, lambda y: links.years(y, y))
    if chart is None:
        return None
    decades: Counter = Counter()
    for year, n in counts.items():
        decades[year // 10 * 10] += n
    chart["decades"] = [{"label": f"{d}s", "count": n, "href": links.years(d, d + 9),
                         "selected": low == d and high == d + 9} for d, n in sorted(decades.items())]
    chart["date_from"] = request.args.get("date_from", "").strip()
    chart["date_to"] = request.args.get("date_to", "").strip()
    return chart


def history_view(told: dict | None) -> dict | None:
    """A phrase's history: its first use linked, and a chart of uses per year."""
    if not told:
        return None
    counts = {row["year"]: row["count"] for row in told["timeline"]}
    first = told.get("first")
    return {**told, "chart": year_chart([counts]),
            "first_href": document_url(first["doc_id"], told["q"], first["id"]) if first else None,
            "concordance": url_for("checking.concordance_page", q=told["q"])}


# -- document page -------------------------------------------------------------------

@pages.get("/documents/<path:doc_id>")
def document_page(doc_id: str) -> str:
    """A document's full text with every quote marked and attributed, and the query lit."""
    doc = service().document(doc_id)
    if doc is None:
        abort(404, description=f"There is no document with the id “{doc_id}”.")
    q = request.args.get("q", "").strip()
    quotes = [quote_view(quote) for quote in doc["quotes"]]
    paragraphs = marked_paragraphs(doc["paragraphs"], quotes, query_marks(q))
    return render_template(
        "document.html", doc=doc, q=q, quotes=quotes, paragraphs=paragraphs,
        speakers=speaker_links(doc["speakers"]), original=web_url(doc.get("url")),
        marks=sum(part[1] for para in paragraphs for run in para for part in run["parts"]),
        json_url=url_for("api.document", doc_id=doc_id))


def query_marks(q: str) -> Callable[[str], list[tuple[int, int]]]:
    """Where ``q``'s words and phrases stand in a text, parsed exactly as the search parses them."""
    return service().highlighter_for(q)


def marked_paragraphs(paragraphs: list[str], quotes: list[dict],
                      spans: Callable[[str], list[tuple[int, int]]]) -> list[list[dict]]:
    """Each paragraph as runs of text, a run inside a quote or not, parts marked or not.

    Quote offsets are into ``"\\n\\n".join(paragraphs)``; a quote that spans
    paragraphs is cut at their ends, and one overlapping an earlier quote is
    only listed, not marked (nested marks would misattribute words).
    """
    regions, end = [], -1
    for quote in sorted(quotes, key=lambda q: (q.get("start", -1), -q.get("end", -1))):
        if quote.get("start") is not None and quote.get("end") and quote["start"] >= end:
            regions.append(quote)
            end = quote["end"]
    out = []
    for text, offset in zip(paragraphs, paragraph_starts(paragraphs)):
        local = [(max(q["start"], offset) - offset, min(q["end"], offset + len(text)) - offset, q)
                 for q in regions if q["start"] < offset + len(text) and q["end"] > offset]
        out.append(_runs(text, local, spans(text), offset))
    return out


def _runs(text: str, quotes: list[tuple[int, int, dict]], marks: list[tuple[int, int]],
          offset: int) -> list[dict]:
    """Cut a paragraph wherever a quote or a query mark starts or ends; group cuts by quote."""
    cuts = sorted({0, len(text), *(p for s, e, _ in quotes for p in (s, e)),
                   *(p for s, e in marks for p in (s, e))})
    runs: list[dict] = []
    for a, b in zip(cuts, cuts[1:]):
        inside = next((q for s, e, q in quotes if s <= a < e), None)
        marked = any(s <= a < e for s, e in marks)
        if not runs or runs[-1]["quote"] is not inside:
            runs.append({"quote": inside, "parts": [],
                         "first": inside is not None and inside["start"] == a + offset,
                         "last": False})
        runs[-1]["parts"].append((text[a:b], marked))
        if inside is not None:
            runs[-1]["last"] = inside["end"] == b + offset
    return runs


# -- speaker pages ---------------------------------------------------------------------

@pages.get("/speakers")
def speakers_page() -> str:
    """Every speaker, most quoted first, narrowed by a prefix of any of their names."""
    prefix = request.args.get("prefix", "").strip()
    rows = service().speakers(prefix=prefix, limit=SPEAKER_INDEX_LIMIT)
    return render_template("speakers.html", prefix=prefix, q="", limit=SPEAKER_INDEX_LIMIT,
                           rows=speaker_links(rows),
                           json_url=url_for("api.speakers", prefix=prefix or None))


@pages.get("/speakers/<path:name>")
def speaker_page(name: str) -> str:
    """Who a speaker is, when they spoke and were quoted, and their quotes, newest first."""
    req = SearchRequest(unit="quotes", filters={"speaker": [name]}, sort="-date",
                        per_page=SPEAKER_PAGE_QUOTES)
    quotes = service().search(replace(req, facets=["kind"] if "kind" in service().facets else []))
    statements = service().search(replace(req, unit="documents"))
    if not quotes["total"] and not statements["total"]:
        abort(404, description=f"No statements or quotes by “{name}” are indexed.")
    per_year = [{r["year"]: r["count"] for r in statements["histogram"]},
                {r["year"]: r["count"] for r in quotes["histogram"]}]
    return render_template(
        "speaker.html", name=name, q="", quotes=quotes, statements=statements,
        profile=speaker_profile(name, quotes["hits"] + statements["hits"]),
        hits=[hit_view(h, req) for h in quotes["hits"]],
        chart=year_chart(per_year), per_year=per_year,
        all_quotes=url_for("pages.search_page") + _query(req.params()),
        kinds=[(KINDS[v["value"]], v["count"], url_for("pages.search_page") + _query(
            replace(req, filters={**req.filters, "kind": [v["value"]]}).params()))
            for v in quotes["facets"].get("kind", {}).get("values", []) if v["value"] in KINDS],
        all_statements=url_for("pages.search_page") + _query(
            SearchRequest(filters={"speaker": [name]}, sort="-date").params()),
        json_url=url_for("api.search") + _query(req.params()))


def speaker_profile(name: str, hits: list[dict]) -> dict:
    """Roles and countries as the hits record them (a role is dated, so there may be several)."""
    entries = [s for hit in sorted(hits, key=lambda h: h.get("date") or "")
               for s in hit["speakers"] if s["name"] == name]
    return {"roles": list(dict.fromkeys(s["role"] for s in entries if s.get("role"))),
            "countries": list(dict.fromkeys(s["country"] for s in entries if s.get("country")))}
