"""The JSON API for scripts: ``/api/...``, documented at ``/api/openapi.json``.

Every error is JSON, ``{"error": {"code", "message", "param"}}``, with a 4xx
status for the client's mistakes and 503 when no index is ready; never an
HTML page or a stack trace.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Iterator
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from search.service import (MAX_RESULT_WINDOW, IndexMissing, RequestError, SearchRequest,
                            SearchService)
from search.service.hits import EXPORT_COLUMNS

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
    return error(exc.code or 500, exc.name.lower().replace(" ", "_"), exc.description)


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


@api.get("/speakers")
def speakers() -> Response:
    limit = request.args.get("limit", "100")
    if not limit.isdigit() or not 1 <= int(limit) <= 1000:
        raise RequestError("limit_out_of_range", "limit must be from 1 to 1000", "limit")
    rows = service().speakers(prefix=request.args.get("prefix", "").strip(),
                              country=request.args.get("country") or None, limit=int(limit))
    return jsonify({"speakers": rows})


@api.get("/stats")
def stats() -> Response:
    return jsonify(service().stats())


@api.get("/export.<fmt>")
def export(fmt: str) -> Response:
    """The whole result set, streamed, capped by ``search.export_cap``."""
    if fmt not in ("csv", "jsonl"):
        return error(404, "not_found", "export formats are csv and jsonl", "format")
    req = search_request()
    cap = current_app.config["DIPSEARCH"].get("search", "export_cap")
    _, rows = service().export(req, cap)  # runs the search now: its errors are answered as JSON
    first = next(rows, None)

    def chain() -> Iterator[dict]:
        if first is not None:
            yield first
            yield from rows

    if fmt == "jsonl":
        body = (json.dumps(row, ensure_ascii=False) + "\n" for row in chain())
        mimetype = "application/x-ndjson"
    else:
        body = _csv_lines(chain())
        mimetype = "text/csv"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="dipsearch-export.{fmt}"'
    return response


def _csv_lines(rows: Iterator[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        row = dict(row, speakers="; ".join(s["name"] for s in row.get("speakers", [])))
        writer.writerow([row.get(c, "") if row.get(c) is not None else "" for c in EXPORT_COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


@api.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document(service().limits, service().facets))
