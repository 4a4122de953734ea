"""The OpenAPI 3 description of the JSON API, built from the same limits the server applies."""

from __future__ import annotations

from search.fields import FACETS, UNITS
from search.service import MAX_RESULT_WINDOW, Limits
from search.service.hits import HIT_SCHEMA
from search.service.request import SORTS, filter_names


def _param(name: str, schema: dict, description: str, *, required: bool = False,
           where: str = "query", explode: bool | None = None) -> dict:
    param = {"name": name, "in": where, "required": required, "schema": schema,
             "description": description}
    if explode is not None:
        param["explode"] = explode
    return param


def _search_params(limits: Limits, facets: tuple[str, ...]) -> list[dict]:
    date = {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}
    params = [
        _param("q", {"type": "string", "maxLength": limits.max_query_chars},
               'Whoosh query syntax: AND, OR, NOT, "phrases", "a b"~5, field:value, prefix*. '
               "Typographic quotes, apostrophes and dashes work like their plain forms; a syntax "
               "error falls back to the plain words with a warning."),
        _param("date_from", date, "Earliest date: 2022, 2022-01 or 2022-01-07."),
        _param("date_to", date, "Latest date, inclusive of the whole year, month or day."),
        _param("unit", {"type": "string", "enum": list(UNITS), "default": "documents"},
               "What a hit is: whole documents, paragraphs, or extracted quotes."),
        _param("sort", {"type": "string", "enum": list(SORTS), "default": "relevance"},
               "relevance, date (oldest first) or -date (newest first)."),
        _param("page", {"type": "integer", "minimum": 1, "default": 1},
               f"Page number; page x per_page may not pass {MAX_RESULT_WINDOW}."),
        _param("per_page", {"type": "integer", "minimum": 1, "maximum": limits.max_per_page,
                            "default": 10}, "Hits per page."),
        _param("cursor", {"type": "string"}, "next_cursor of the previous response, to page "
                                             "past the result window."),
        _param("facets", {"type": "string"}, "Comma-separated facets to count: "
                                             + ", ".join(facets) + "."),
        _param("facet_size", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 10},
               "Values returned per facet."),
        _param("highlight", {"type": "boolean", "default": True}, "Return snippets."),
    ]
    for name in filter_names(facets):
        params.append(_param(name, {"type": "array", "items": {"type": "string"}},
                             f"Filter by {FACETS[name].description.lower()}; repeat for OR within the facet (filters of "
                             "different facets are ANDed).", explode=True))
    return params


ERROR = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message", "param"],
                             "properties": {"code": {"type": "string"},
                                            "message": {"type": "string"},
                                            "param": {"type": ["string", "null"]}}}},
}
FACET = {"type": "object", "required": ["values", "truncated"],
         "properties": {"truncated": {"type": "boolean"},
                        "values": {"type": "array", "items": {
                            "type": "object", "required": ["value", "count", "selected"],
                            "properties": {"value": {"type": ["string", "integer"]},
                                           "count": {"type": "integer"},
                                           "selected": {"type": "boolean"}}}}}}
SEARCH_RESPONSE = {
    "type": "object",
    "required": ["total", "took_ms", "partial", "query", "warnings", "hits", "facets",
                 "histogram", "suggestion", "next_cursor", "links", "index_version"],
    "properties": {
        "total": {"type": "integer"}, "took_ms": {"type": "number"},
        "partial": {"type": "boolean"}, "query": {"type": "object"},
        "warnings": {"type": "array", "items": {"type": "string"}},
        "hits": {"type": "array", "items": HIT_SCHEMA},
        "facets": {"type": "object", "additionalProperties": FACET},
        "histogram": {"type": "array", "items": {
            "type": "object", "required": ["year", "count"],
            "properties": {"year": {"type": "integer"}, "count": {"type": "integer"}}}},
        "suggestion": {"type": ["string", "null"]},
        "next_cursor": {"type": ["string", "null"]},
        "links": {"type": "object"}, "index_version": {"type": "string"},
    },
}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    return {str(c): _json({"$ref": "#/components/schemas/Error"}, "error") for c in codes}


def openapi_document(limits: Limits, facets: tuple[str, ...]) -> dict:
    """The description served at /api/openapi.json."""
    search_params = _search_params(limits, facets)
    return {
        "openapi": "3.1.0",
        "info": {"title": "dipsearch API", "version": "1",
                 "description": "Search diplomatic statements: documents, passages, quotes."},
        "paths": {
            "/api/search": {"get": {
                "operationId": "search", "summary": "Search", "parameters": search_params,
                "responses": {"200": _json({"$ref": "#/components/schemas/SearchResponse"},
                                           "results"), **_errors(400, 503)}}},
            "/api/documents/{doc_id}": {"get": {
                "operationId": "document", "summary": "One document with its text and quotes",
                "parameters": [_param("doc_id", {"type": "string"}, "Document id",
                                      required=True, where="path")],
                "responses": {"200": _json({"type": "object", "required": [
                    "id", "title", "paragraphs", "quotes"]}, "the document"),
                    **_errors(404, 503)}}},
            "/api/speakers": {"get": {
                "operationId": "speakers", "summary": "Speakers with counts",
                "parameters": [
                    _param("prefix", {"type": "string"}, "Start of a name or of any word of it"),
                    _param("country", {"type": "string"}, "Only speakers from this country"),
                    _param("limit", {"type": "integer", "minimum": 1, "maximum": 1000,
                                     "default": 100}, "Rows to return")],
                "responses": {"200": _json({"type": "object", "required": ["speakers"]},
                                           "speakers"), **_errors(400, 503)}}},
            "/api/stats": {"get": {
                "operationId": "stats", "summary": "Index statistics",
                "responses": {"200": _json({"type": "object", "required": [
                    "documents", "passages", "quotes", "index_version"]}, "statistics"),
                    **_errors(503)}}},
            "/api/export.csv": {"get": {
                "operationId": "exportCsv", "summary": "The whole result set as CSV",
                "parameters": search_params,
                "responses": {"200": {"description": "CSV", "content": {"text/csv": {}}},
                              **_errors(400, 503)}}},
            "/api/export.jsonl": {"get": {
                "operationId": "exportJsonl", "summary": "The whole result set as JSON Lines",
                "parameters": search_params,
                "responses": {"200": {"description": "JSON Lines",
                                      "content": {"application/x-ndjson": {}}},
                              **_errors(400, 503)}}},
        },
        "components": {"schemas": {"Error": ERROR, "SearchResponse": SEARCH_RESPONSE}},
    }
