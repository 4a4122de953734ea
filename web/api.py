"""The JSON API for scripts: ``/api/...``, documented at ``/api/openapi.json``.

Every error is JSON, ``{"error": {"code", "message", "param"}}``, with a 4xx
status for the client's mistakes and 503 when no index is ready; never an
HTML page or a stack trace.

Exports say whether they hold every hit: ``X-Export-Total``, ``X-Export-Rows``,
``X-Export-Complete`` (and ``X-Export-Partial`` when the search ran out of
time) before the body, and a last marker row or line when the export is cut.
CSV cells are written safe to open in a spreadsheet (OWASP's CSV injection rule).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from typing import Iterator
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from search.service import (MAX_RESULT_WINDOW, IndexMissing, RequestError, SearchRequest,
                            SearchService)
from search.service import citing
from search.service.hits import EXPORT_COLUMNS
from search.service.request import int_param
from search.service.usage import CONCORDANCE_SORTS, DEFAULT_WIDTH, MAX_WIDTH, SORT_CAP

from .openapi import openapi_document

api = Blueprint("api", __name__, url_prefix="/api")


def service() -> SearchService:
    return current_app.extensions["search_service"]


def error(status: int, code: str, message: str, param: str | None = None) -> Response:
    response = jsonify({"error": {"code": code, "message": message, "param": param}})
    response.status_code = status
    return response


@api.errorhandler(RequestError)
def bad_request(exc: RequestError) -> Response:
    return error(400, exc.code, exc.message, exc.param)


@api.errorhandler(IndexMissing)
def no_index(exc: IndexMissing) -> Response:
    return error(503, "index_unavailable", str(exc))


@api.errorhandler(HTTPException)
def http_error(exc: HTTPException) -> Response:
    """The exception as JSON, keeping its headers (``Allow`` on a 405, ``Retry-After``...)."""
    response = error(exc.code or 500, exc.name.lower().replace(" ", "_"), exc.description)
    for name, value in exc.get_headers():
        if name.lower() not in ("content-type", "content-length"):
            response.headers.add(name, value)
    return response


@api.after_request
def cors(response: Response) -> Response:
    """CORS for the read-only API, from ``api.cors_origins``."""
    origins = current_app.config["DIPSEARCH"].get("api", "cors_origins")
    origin = request.headers.get("Origin")
    if "*" in origins:
        response.headers["Access-Control-Allow-Origin"] = "*"
    elif origin and origin in origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
    return response


def search_request() -> SearchRequest:
    return service().parse(request.args.to_dict(flat=False))


@api.get("/search")
def search() -> Response:
    req = search_request()
    result = service().search(req)
    result["links"] = _links(req, result)
    return jsonify(result)


def _links(req: SearchRequest, result: dict) -> dict:
    """next/previous URLs: page numbers inside the result window, a cursor beyond it."""
    links = {"self": url_for("api.search") + "?" + _query(req.params())}
    if req.page > 1 and req.cursor is None:
        links["previous"] = url_for("api.search") + "?" + _query(req.params(page=req.page - 1))
    if result["next_cursor"]:
        if req.cursor is None and req.page * req.per_page < MAX_RESULT_WINDOW:
            links["next"] = url_for("api.search") + "?" + _query(req.params(page=req.page + 1))
        else:
            links["next"] = url_for("api.search") + "?" + _query(
                req.params(page=1) + [("cursor", result["next_cursor"])])
    return links


def _query(params: list[tuple[str, str]]) -> str:
    return urlencode(params)


@api.get("/documents/<path:doc_id>")
def document(doc_id: str) -> Response:
    found = service().document(doc_id)
    if found is None:
        return error(404, "not_found", f"no document with id {doc_id!r}", "doc_id")
    return jsonify(found)


@api.get("/citation")
def citation() -> Response:
    """One quote's, passage's or document's citation: ``format=text`` (default), ``csl``
    (CSL-JSON, an array of one item, for Zotero and other reference managers) or ``bibtex``."""
    unit_id = request.args.get("id", "").strip()
    fmt = request.args.get("format", "text").strip() or "text"
    if not unit_id:
        return error(400, "missing_parameter", "id is required: a hit's id (doc, doc#p3, doc#q0)",
                     "id")
    if fmt not in citing.FORMATS:
        return error(400, "bad_format", f"format must be one of {', '.join(citing.FORMATS)} "
                                        f"(got {fmt!r})", "format")
    found = service().citation(unit_id, fmt)
    if found is None:
        return error(404, "not_found", f"no document, passage or quote with id {unit_id!r}", "id")
    body = json.dumps(found, ensure_ascii=False, indent=2) if fmt == "csl" else found
    return Response(body, mimetype=citing.FORMATS[fmt])


@api.get("/speakers")
def speakers() -> Response:
    limit = int_param(request.args.get("limit", "").strip(), "limit", 100, 1, 1000)
    rows = service().speakers(prefix=request.args.get("prefix", "").strip(),
                              country=request.args.get("country") or None, limit=limit)
    return jsonify({"speakers": rows})


@api.get("/stats")
def stats() -> Response:
    return jsonify(service().stats())


@api.get("/export.<fmt>")
def export(fmt: str) -> Response:
    """The whole result set, streamed, capped by ``search.export_cap``; says when it is cut."""
    if fmt not in ("csv", "jsonl"):
        return error(404, "not_found", "export formats are csv and jsonl", "format")
    req = search_request()
    cap = current_app.config["DIPSEARCH"].get("search", "export_cap")
    summary, rows = service().export(req, cap)  # runs the search now: errors are answered as JSON
    first = next(rows, None)
    written = [0]

    def chain() -> Iterator[dict]:
        if first is not None:
            written[0] += 1
            yield first
            for row in rows:
                written[0] += 1
                yield row

    def ending() -> dict | None:
        """The marker's facts when the rows are not every hit, else None."""
        count = written[0]
        if summary["complete"] and count == summary["total"]:
            return None
        return {"complete": False, "rows": count, "total": summary["total"], "cap": cap,
                "partial": bool(summary["partial"])}

    if fmt == "jsonl":
        body = _jsonl_lines(chain(), ending)
        mimetype = "application/x-ndjson"
    else:
        body = _csv_lines(chain(), ending)
        mimetype = "text/csv"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="dipsearch-export.{fmt}"'
    response.headers["X-Export-Total"] = str(summary["total"])
    response.headers["X-Export-Rows"] = str(summary["rows"])
    response.headers["X-Export-Complete"] = "true" if summary["complete"] else "false"
    if summary["partial"]:
        response.headers["X-Export-Partial"] = "true"
    return response


def _jsonl_lines(rows: Iterator[dict], ending) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"
    marker = ending()
    if marker is not None:
        yield json.dumps({"_export": marker}) + "\n"


def _csv_lines(rows: Iterator[dict], ending) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        row = dict(row, speakers="; ".join(s["name"] for s in row.get("speakers", [])))
        writer.writerow([_cell(row.get(c)) for c in EXPORT_COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    marker = ending()
    if marker is not None:
        writer.writerow([_incomplete(marker)] + [""] * (len(EXPORT_COLUMNS) - 1))
    yield buffer.getvalue()


def _at_precision(date: str | None, precision: str | None) -> str | None:
    """A date as precise as recorded (``2020`` for a year-only date, not 2020-01-01)."""
    return date[:{"year": 4, "month": 7, "day": 10}.get(precision or "", 16)] if date else None


def _incomplete(marker: dict) -> str:
    """The first cell of the last CSV row of an export that is not every hit."""
    if marker["partial"]:
        return (f"# export incomplete: the search ran out of time; {marker['rows']} of at "
                f"least {marker['total']} rows (cap {marker['cap']})")
    return f"# export incomplete: {marker['rows']} of {marker['total']} rows (cap {marker['cap']})"


# OWASP, CSV injection: a cell a spreadsheet would read as a formula gets a leading quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """A CSV cell: None as empty, text that a spreadsheet would run as a formula made inert.

    Numbers (the score, the year) are written as they are; a negative one is no formula.
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


@api.route("/verify", methods=["GET", "POST"])
def verify() -> Response:
    """Is a pasted quote real, who said it, when, in which words, and who said it first.

    ``q``: in the query string, a form field, a JSON body ``{"q": ...}`` or a plain-text body
    (``Content-Type: text/plain``, UTF-8); facet filters narrow where its source is looked for.
    """
    return jsonify(service().verify(verify_args()))


def verify_args() -> dict[str, list[str]]:
    """The request's parameters, with ``q`` from the body of a POST in any of its forms."""
    args = request.args.to_dict(flat=False)
    if request.method != "POST":
        return args
    if request.mimetype == "application/json":
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("q"), str):
            raise RequestError("bad_body", 'the body must be a JSON object {"q": "the quote"} '
                                           "in UTF-8", "q")
        return dict(args, q=[body["q"]])
    if request.mimetype == "text/plain":
        try:
            return dict(args, q=[request.get_data().decode("utf-8")])
        except UnicodeDecodeError:
            raise RequestError("not_text", "the body is not UTF-8 text", "q") from None
    return dict(args, **{k: v for k, v in request.form.to_dict(flat=False).items()})


@api.get("/phrase")
def phrase() -> Response:
    """A phrase's first use, uses per year, and who used it most (paragraphs, not documents)."""
    return jsonify(service().phrase_history(search_request()))


@api.get("/concordance")
def concordance() -> Response:
    """Every occurrence of a word or phrase in context, one line each (``format=csv``: all
    the lines of this order, up to the sort cap, as CSV)."""
    req, width, order = concordance_request()
    fmt = request.args.get("format", "json").strip() or "json"
    if fmt not in ("json", "csv"):
        return error(400, "bad_format", f"format must be json or csv (got {fmt!r})", "format")
    if fmt == "json":
        return jsonify(service().concordance(req, width, order))
    answer = service().concordance(replace(req, page=1, per_page=CONCORDANCE_CSV_ROWS),
                                   width, order)
    response = Response(_concordance_csv(answer), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="dipsearch-concordance.csv"'
    response.headers["X-Export-Complete"] = "false" if answer["more"] else "true"
    return response


CONCORDANCE_PAGE = 50  # lines a page, unless per_page says otherwise
# A concordance as CSV: at most this many lines (the sort cap of search.service.usage).
CONCORDANCE_CSV_ROWS = SORT_CAP
CONCORDANCE_COLUMNS = ("date", "speaker", "country", "left", "match", "right", "title", "id",
                       "permalink")


def concordance_request() -> tuple[SearchRequest, int, str]:
    """A concordance's search, its width in words and its order, validated."""
    args = request.args.to_dict(flat=False)
    order = (args.pop("sort", None) or ["date"])[-1].strip() or "date"
    if order not in CONCORDANCE_SORTS:
        raise RequestError("unknown_sort", f"sort must be one of {', '.join(CONCORDANCE_SORTS)}"
                                           f" (got {order!r})", "sort")
    width = int_param(request.args.get("width", "").strip(), "width", DEFAULT_WIDTH, 1, MAX_WIDTH)
    args.setdefault("per_page", [str(CONCORDANCE_PAGE)])
    return service().parse(args), width, order


def _concordance_csv(answer: dict) -> str:
    """The lines as CSV, whole (not streamed: the expensive-request slot is given back when
    the request ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CONCORDANCE_COLUMNS)
    for line in answer["lines"]:
        dated = dict(line, date=_at_precision(line["date"], line["date_precision"]))
        writer.writerow([_cell(dated.get(c)) for c in CONCORDANCE_COLUMNS])
    if answer["more"]:
        writer.writerow([f"# concordance cut: {len(answer['lines'])} of more lines; narrow the "
                         "search or page through /api/concordance"] +
                        [""] * (len(CONCORDANCE_COLUMNS) - 1))
    return buffer.getvalue()


@api.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document(service().limits, service().facets))
