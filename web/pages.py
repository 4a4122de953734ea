"""HTML pages: a search box and results over the live index."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from search.query import SearchRequest
from search.store import IndexMissing

pages = Blueprint("pages", __name__)


@pages.get("/")
def search_page():
    q = request.args.get("q", "").strip()
    unit = request.args.get("unit", "documents")
    if unit not in ("documents", "passages", "quotes"):
        unit = "documents"
    total, hits, error = 0, [], None
    if q:
        try:
            response = current_app.extensions["search_service"].search(SearchRequest(q=q, unit=unit))
            total, hits = response["total"], response["hits"]
        except IndexMissing as exc:
            return render_template("search.html", q=q, unit=unit, total=0, hits=[],
                                   error=str(exc)), 503
    return render_template("search.html", q=q, unit=unit, total=total, hits=hits, error=error)


def render_error(exc):
    """An error page for the browser (the API answers JSON instead)."""
    return render_template("search.html", q="", unit="documents", total=0, hits=[],
                           error=f"{exc.code} {exc.name}: {exc.description}"), exc.code
