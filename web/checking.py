"""Pages for checking words: verify a quote, and read every use of a phrase in context.

Like the search page, each is a view of one SearchService answer and has a
JSON twin (``/api/verify``, ``/api/concordance``) with the same parameters.
No search or alignment logic lives here: only how differences, uses and
lines are drawn.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, render_template, request, url_for

from search.fields import FACETS
from search.service import RequestError
from search.service.usage import CONCORDANCE_SORTS, DEFAULT_WIDTH, USE_FACETS

from .api import concordance_request, verify_args
from .pages import document_url, history_view, service, speaker_links, year_chart

checking = Blueprint("checking", __name__)

# A JSON twin link carries the paste in its URL only when it stays well inside the request-line
# limit of gunicorn (4094 bytes); a longer paste is POSTed to /api/verify.
TWIN_MAX_CHARS = 1200
SORT_LABELS = {"date": "Oldest", "-date": "Newest", "speaker": "Speaker",
               "left": "Word before", "right": "Word after"}
WIDTHS = (4, 8, 12, 20)


@checking.errorhandler(RequestError)
def bad_request(exc: RequestError) -> tuple[str, int]:
    """A refused paste or parameter: say why, keep what was typed."""
    page = "verify.html" if request.endpoint == "checking.verify_page" else "concordance.html"
    return render_template(page, q=request.values.get("q", ""), error=exc.message,
                           answer=None, json_url=None, **_blank(page)), 400


def _blank(page: str) -> dict:
    """What a page without an answer still draws (the concordance form's choices)."""
    return {} if page == "verify.html" else {"width": DEFAULT_WIDTH, "order": "date",
                                             "links": None, "widths": WIDTHS}


@checking.route("/verify", methods=["GET", "POST"])
def verify_page() -> str:
    """Paste a quote: the verdict, the source's words with every difference marked, who said
    it first and who repeated it."""
    args = verify_args()
    q = (args.get("q") or [""])[-1]
    if not q.strip():
        return render_template("verify.html", q="", answer=None, error=None, json_url=None)
    answer = service().verify(args)
    return render_template(
        "verify.html", q=q, answer=answer, error=None,
        matches=[match_view(m) for m in answer["matches"]],
        uses=[use_view(u) for u in answer["uses"]],
        history=history_view(answer["history"]),
        json_url=url_for("api.verify", q=q) if len(q) <= TWIN_MAX_CHARS else None)


def match_view(match: dict) -> dict:
    """A source as the page draws it: its speaker's page, its place in the document, and what
    its citation cites (the quote it stands in, else the paragraph)."""
    cited = match.get("quote_id") or match["id"]
    return {**match, "who": speaker_links([match["speaker"]]) if match.get("speaker") else [],
            "href": document_url(match["doc_id"], "", cited), "cited_id": cited}


def use_view(use: dict) -> dict:
    """A use as the table draws it: its speaker's page and its place in the document."""
    return {**use, "who": speaker_links([use["speaker"]]) if use.get("speaker") else [],
            "href": document_url(use["doc_id"], "", use.get("quote_id") or use["passage"])}


@checking.get("/concordance")
def concordance_page() -> str:
    """Every occurrence of a word or phrase, one line each, centred, sortable, with the
    speakers, countries and years of its uses beside it."""
    if not request.args.get("q", "").strip():
        return render_template("concordance.html", q="", answer=None, error=None, json_url=None,
                               **_blank("concordance.html"))
    req, width, order = concordance_request()
    answer = service().concordance(req, width, order)
    links = ConcordanceLinks(req.params(unit=None, sort=None, per_page=None), width, order,
                             req.per_page)
    return render_template(
        "concordance.html", q=req.q, answer=answer, error=None, req=req, width=width,
        order=order, links=links, sorts=[(s, SORT_LABELS[s]) for s in CONCORDANCE_SORTS],
        widths=WIDTHS,
        lines=[dict(line, href=document_url(line["doc_id"], req.q, line["id"]))
               for line in answer["lines"]],
        facets=[(name, FACETS[name].label, answer["facets"].get(name, {}))
                for name in (req.facets or USE_FACETS)],
        chart=year_chart([{r["year"]: r["count"] for r in answer["timeline"]}]),
        filters=req.filters,
        json_url=url_for("api.concordance") + links.query(),
        csv_url=url_for("api.concordance") + links.query(format="csv", page=None))


class ConcordanceLinks:
    """URLs for the states of the concordance page (its parameters are the API's)."""

    def __init__(self, params: list[tuple[str, str]], width: int, order: str,
                 per_page: int) -> None:
        self.params = params
        self.width, self.order, self.per_page = width, order, per_page

    def query(self, **changes) -> str:
        """This concordance's query string, with changes (None drops a parameter); its
        width, order and lines a page always stated (their defaults are the search's)."""
        values = dict(sort=self.order, width=self.width, per_page=self.per_page)
        values.update(changes)
        kept = [(k, v) for k, v in self.params if k not in values]
        extra = [(k, str(v)) for k, v in values.items() if v is not None]
        return "?" + urlencode(kept + extra)

    def page(self, **changes) -> str:
        """The page with changes; any change but the page's number goes back to the first."""
        changes.setdefault("page", None)
        return url_for("checking.concordance_page") + self.query(**changes)

    def toggle(self, name: str, value: str) -> str:
        """Add a facet value to the filter, or remove it."""
        values = [v for k, v in self.params if k == name]
        changed = [v for v in values if v != value] if value in values else [*values, value]
        rest = [(k, v) for k, v in self.params if k != name and k != "page"]
        return url_for("checking.concordance_page") + "?" + urlencode(
            rest + [(name, v) for v in changed] + [("sort", self.order), ("width", self.width),
                                                   ("per_page", self.per_page)])
