"""The OpenAPI 3 description of the JSON API, built from the same limits the server applies."""

from __future__ import annotations

from search.fields import FACETS, UNITS
from search.service import MAX_RESULT_WINDOW, Limits
from search.service import citing
from search.service.hits import HIT_SCHEMA
from search.service.pasted import MAX_PASTE_CHARS
from search.service.request import PHRASES, SORTS, filter_names
from search.service.usage import CONCORDANCE_SORTS, DEFAULT_WIDTH, MAX_WIDTH, SORT_CAP
from search.service.verify import VERIFY_SCHEMA


def _param(name: str, schema: dict, description: str, *, required: bool = False,
           where: str = "query", explode: bool | None = None) -> dict:
    param = {"name": name, "in": where, "required": required, "schema": schema,
             "description": description}
    if explode is not None:
        param["explode"] = explode
    return param


# Dates the server takes (search.service.request): 2022, 2022-01 or 2022-01-07, years 0001 to
# 9999, real months and days only (2022-02-30, 2023-02-29 and 0000 are refused with 400).
_YEAR = r"(?:[0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)"
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_MONTH = r"(?:0[1-9]|1[0-2])"
_MONTH_DAY = (r"(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)"
              r"|(?:0[13578]|1[02])-31)")
DATE_PATTERN = (f"^(?:{_YEAR}(?:-{_MONTH})?|{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)$")

EXPORT_HEADERS = {
    "X-Export-Total": {"description": "Hits the search found (at least this many when "
                                      "X-Export-Partial is sent).",
                       "schema": {"type": "integer", "minimum": 0}},
    "X-Export-Rows": {"description": "Rows in this export: the hits up to the export cap.",
                      "schema": {"type": "integer", "minimum": 0}},
    "X-Export-Complete": {"description": "true when the rows are every hit; false when the "
                                         "export was cut at the cap or the search ran out of "
                                         "time, and the body then ends with a marker.",
                          "schema": {"type": "string", "enum": ["true", "false"]}},
    "X-Export-Partial": {"description": "Sent (true) only when the search ran out of time: "
                                        "the total and the rows are what it found by then.",
                         "schema": {"type": "string", "enum": ["true"]}},
}
CSV_EXPORT = (
    "The whole result set, one row a hit, up to the server's export cap. When the export is "
    "not every hit (X-Export-Complete: false) its last row's first cell says so: "
    "`# export incomplete: N of M rows (cap C)`, or `# export incomplete: the search ran out "
    "of time; N of at least M rows (cap C)`. A cell that begins with =, +, -, @, a tab or a "
    "carriage return is written with a leading ' so that a spreadsheet shows it as text "
    "instead of running it as a formula.")
JSONL_EXPORT = (
    "The whole result set, one JSON object a line, up to the server's export cap. When the "
    "export is not every hit (X-Export-Complete: false) its last line is "
    '`{"_export": {"complete": false, "rows": N, "total": M, "cap": C, "partial": bool}}`.')


def _search_params(limits: Limits, facets: tuple[str, ...]) -> list[dict]:
    date = {"type": "string", "pattern": DATE_PATTERN}
    params = [
        _param("q", {"type": "string", "maxLength": limits.max_query_chars},
               'Whoosh query syntax: AND, OR, NOT, "phrases", "a b"~5, field:value, prefix*. '
               'A "phrase" in quotes matches its words in that order letter for letter (up to '
               "case, accents, apostrophe style and punctuation), small words such as of, the, "
               "to included, unless phrase=loose; words outside quotes match any word ending "
               "and small words are skipped. "
               "Typographic quotes, apostrophes and dashes work like their plain forms; a syntax "
               "error falls back to the plain words with a warning."),
        _param("phrase", {"type": "string", "enum": list(PHRASES), "default": "exact"},
               'How a "phrase" in quotes matches. exact: its words as written, in that order, '
               'stop words included ("right of self-determination" does not find "right to '
               'self-determination"; "to be or not to be" finds that line). loose: any word '
               'endings, and any small word in place of another ("Security Council reformed" '
               'finds "Security Council reform", "right of self-determination" finds "right to '
               'self-determination"), as words outside quotes match; a phrase of small words '
               'alone finds nothing. A sloppy phrase ("a b"~5) is always loose.'),
        _param("date_from", date, "Earliest date: 2022, 2022-01 or 2022-01-07 (a real date, "
                                  "years 0001 to 9999); not after date_to."),
        _param("date_to", date, "Latest date, inclusive of the whole year, month or day "
                                "(date_to=2024-02 ends on 2024-02-29)."),
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


CITATION = ("Who said what, where and when, ready to paste or import. Only a direct quote's "
            "words stand in quotation marks; a partial quote puts only its fragment in marks; "
            "reported speech is labelled as the outlet's paraphrase. A news article's own text "
            "is cited as the article's (outlet, author, title, date, URL), with no speaker. "
            "Links use server.public_url, never the request's Host.")


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR_DESCRIPTIONS = {
    400: "a parameter is not valid: error.param names it",
    404: "not found",
    413: "the request body is larger than server.max_request_bytes",
    414: "the request line is too long (gunicorn refuses request lines over 4094 bytes, "
         "before the app sees them)",
    429: "too many requests from your address: wait Retry-After seconds",
    503: "no index is ready yet, or every worker that may run an expensive request is busy",
}


def _errors(*codes: int) -> dict:
    return {str(c): _json({"$ref": "#/components/schemas/Error"}, ERROR_DESCRIPTIONS[c])
            for c in codes}


def _too_long() -> dict:
    """414 comes from gunicorn in front of the app: its body is no JSON error."""
    return {"414": {"description": ERROR_DESCRIPTIONS[414]}}


VERIFY = (
    "Is a pasted quote real, who said it, when, in exactly which words, and who said it first? "
    "Paste it as found (any quote marks, up to a few hundred words); an attribution such as "
    "`— Gromyko, 1961` or `(Gromyko, 1961)` is read as a hint, never a filter. The verdict "
    "rests on a word-by-word alignment with the best source; every difference is in `diff`. "
    "A match inside reported speech or an outlet's narrative is never a verbatim quotation. "
    "GET with `q`, or POST `q` as a form field, a JSON object or a text/plain UTF-8 body.")
PHRASE_HISTORY = (
    "For a phrase (in quotes) or any query: its first use in the corpus, uses per year, and "
    "the speakers and countries that used it most. Uses are paragraphs holding the words, "
    "not documents. The UN General Debate records years only: uses of the first year are "
    "listed in the index's own order, not by day.")
CONCORDANCE = (
    "Keyword in context: one line per occurrence, the match between `left` and `right` "
    "(`width` words each), with the facets and timeline of the uses. Date orders page through "
    "every occurrence; other orders sort the first occurrences (`sorted_all` false when there "
    "are more).")
_COUNTS = {"type": "object", "properties": {"values": {"type": "array", "items": {
    "type": "object", "required": ["value", "count"]}}}}
HISTORY_SCHEMA = {
    "type": "object", "required": ["q", "uses", "first", "timeline", "speakers", "countries"],
    "properties": {
        "q": {"type": "string"},
        "uses": {"type": "integer", "description": "paragraphs holding the words"},
        "partial": {"type": "boolean"},
        "first": {"type": ["object", "null"], "description": "the earliest use: a passage "
                                                              "hit with its text and citation"},
        "timeline": {"type": "array", "items": {"type": "object", "required": ["year", "count"]}},
        "speakers": _COUNTS, "countries": _COUNTS,
    },
}
CONCORDANCE_SCHEMA = {
    "type": "object", "required": ["lines", "uses", "more", "sorted_all", "facets", "timeline"],
    "properties": {
        "lines": {"type": "array", "items": {
            "type": "object",
            "required": ["id", "doc_id", "date", "speaker", "left", "match", "right",
                         "permalink"],
            "properties": {"id": {"type": "string", "description": "the passage"},
                           "occurrence": {"type": "integer"}, "left": {"type": "string"},
                           "match": {"type": "string"}, "right": {"type": "string"},
                           "speaker": {"type": ["string", "null"]}}}},
        "uses": {"type": "integer", "description": "paragraphs holding the words"},
        "more": {"type": "boolean", "description": "a next page has lines"},
        "sorted_all": {"type": "boolean", "description": "false: sorted among the first "
                                                         "occurrences only"}}}


def _usage_params(search_params: list[dict]) -> list[dict]:
    """The search parameters a phrase history or concordance takes (no unit, no sort)."""
    return [p for p in search_params if p["name"] not in ("unit", "sort", "cursor", "highlight")]


def _verify_paths(filters: list[dict]) -> dict:
    """GET and POST /api/verify; ``filters``: the facet filters, which narrow where a
    quote's source is looked for."""
    paste = {"type": "string", "minLength": 1, "maxLength": MAX_PASTE_CHARS}
    responses = {"200": _json(VERIFY_SCHEMA, "the verdict"), **_errors(400, 429, 503)}
    return {
        "get": {"operationId": "verify", "summary": "Verify a quote", "description": VERIFY,
                "parameters": [_param("q", paste, "The quote as pasted", required=True),
                               *filters],
                "responses": {**responses, **_too_long()}},
        "post": {"operationId": "verifyPost", "summary": "Verify a quote (in the body)",
                 "description": VERIFY, "parameters": filters,
                 "requestBody": {"required": True, "content": {
                     "application/json": {"schema": {"type": "object", "required": ["q"],
                                                     "properties": {"q": paste}}},
                     "application/x-www-form-urlencoded": {"schema": {
                         "type": "object", "required": ["q"], "properties": {"q": paste}}},
                     "text/plain": {"schema": paste}}},
                 "responses": {**responses, **_errors(413)}},
    }


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
                                           "results"), **_errors(400, 429, 503), **_too_long()}}},
            "/api/documents/{doc_id}": {"get": {
                "operationId": "document", "summary": "One document with its text and quotes",
                "parameters": [_param("doc_id", {"type": "string"}, "Document id",
                                      required=True, where="path")],
                "responses": {"200": _json({"type": "object", "required": [
                    "id", "title", "paragraphs", "quotes"]}, "the document"),
                    **_errors(404, 429, 503), **_too_long()}}},
            "/api/citation": {"get": {
                "operationId": "citation", "summary": "Cite a quote, passage or document",
                "description": CITATION,
                "parameters": [
                    _param("id", {"type": "string", "minLength": 1},
                           "A hit's id: a document (doc), passage (doc#p3) or quote (doc#q0)",
                           required=True),
                    _param("format", {"type": "string", "enum": list(citing.FORMATS),
                                      "default": "text"},
                           "text (plain), csl (CSL-JSON: an array of one item) or bibtex")],
                "responses": {"200": {"description": "the citation", "content": {
                    citing.FORMATS["text"]: {"schema": {"type": "string"}},
                    citing.FORMATS["csl"]: {"schema": {"type": "array",
                                                        "items": {"type": "object"}}},
                    citing.FORMATS["bibtex"]: {"schema": {"type": "string"}}}},
                    **_errors(400, 404, 429, 503), **_too_long()}}},
            "/api/speakers": {"get": {
                "operationId": "speakers", "summary": "Speakers with counts",
                "parameters": [
                    _param("prefix", {"type": "string"}, "Start of a name or of any word of it"),
                    _param("country", {"type": "string"}, "Only speakers from this country"),
                    _param("limit", {"type": "integer", "minimum": 1, "maximum": 1000,
                                     "default": 100}, "Rows to return")],
                "responses": {"200": _json({"type": "object", "required": ["speakers"]},
                                           "speakers"), **_errors(400, 429, 503),
                              **_too_long()}}},
            "/api/stats": {"get": {
                "operationId": "stats", "summary": "Index statistics",
                "responses": {"200": _json({"type": "object", "required": [
                    "documents", "passages", "quotes", "index_version"]}, "statistics"),
                    **_errors(429, 503)}}},
            "/api/export.csv": {"get": {
                "operationId": "exportCsv", "summary": "The whole result set as CSV",
                "description": CSV_EXPORT, "parameters": search_params,
                "responses": {"200": {"description": "CSV", "headers": EXPORT_HEADERS,
                                      "content": {"text/csv": {"schema": {"type": "string"}}}},
                              **_errors(400, 429, 503), **_too_long()}}},
            "/api/export.jsonl": {"get": {
                "operationId": "exportJsonl", "summary": "The whole result set as JSON Lines",
                "description": JSONL_EXPORT, "parameters": search_params,
                "responses": {"200": {"description": "JSON Lines", "headers": EXPORT_HEADERS,
                                      "content": {"application/x-ndjson": {
                                          "schema": {"type": "string"}}}},
                              **_errors(400, 429, 503), **_too_long()}}},
            "/api/verify": _verify_paths([p for p in search_params
                                          if p["name"] in filter_names(facets)]),
            "/api/phrase": {"get": {
                "operationId": "phraseHistory", "summary": "A phrase's first use and timeline",
                "description": PHRASE_HISTORY, "parameters": _usage_params(search_params),
                "responses": {"200": _json(HISTORY_SCHEMA, "the history"),
                              **_errors(400, 429, 503), **_too_long()}}},
            "/api/concordance": {"get": {
                "operationId": "concordance", "summary": "Every use of a word or phrase, in "
                                                         "context",
                "description": CONCORDANCE, "parameters": _usage_params(search_params) + [
                    _param("sort", {"type": "string", "enum": list(CONCORDANCE_SORTS),
                                    "default": "date"},
                           "date, -date, speaker, left (the words before), right (after)"),
                    _param("width", {"type": "integer", "minimum": 1, "maximum": MAX_WIDTH,
                                     "default": DEFAULT_WIDTH}, "Words either side"),
                    _param("format", {"type": "string", "enum": ["json", "csv"],
                                      "default": "json"}, "csv: every line of this order, up "
                                                          f"to {SORT_CAP}")],
                "responses": {"200": {"description": "the lines", "content": {
                    "application/json": {"schema": CONCORDANCE_SCHEMA},
                    "text/csv": {"schema": {"type": "string"}}}},
                    **_errors(400, 429, 503), **_too_long()}}},
        },
        "components": {"schemas": {"Error": ERROR, "SearchResponse": SEARCH_RESPONSE}},
    }
