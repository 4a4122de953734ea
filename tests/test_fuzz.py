"""Fuzzing: no input makes the app answer 5xx, and the API answers as its description says.

(a) Hypothesis sends random query strings (unicode, odd dates, huge numbers, repeated
    parameters, query syntax, raw percent escapes) and random path segments to the JSON API
    and the HTML pages through the Flask test client. Every answer is below 500; every /api
    answer is JSON (the CSV and JSON Lines exports on 200 excepted), with the error shape
    ``{"error": {"code", "message", "param"}}`` on 4xx.
(b) Schemathesis generates requests from /api/openapi.json (valid and invalid ones) and
    checks that none answers 5xx and that each answer conforms to the description: status
    codes, content types, headers and JSON bodies.

The app runs over the small corpus of tests/conftest.py with the per-client budgets off (this
file sends hundreds of requests a second from one address). Examples are bounded so that the
file runs in well under a minute.
"""

from __future__ import annotations

import json

from urllib.parse import quote

import pytest
import schemathesis
from schemathesis import GenerationMode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance,
                                               response_headers_conformance,
                                               response_schema_conformance,
                                               status_code_conformance)



SEARCH_PARAMS = ["q", "date_from", "date_to", "unit", "sort", "page", "per_page", "cursor",
                 "facets", "facet_size", "highlight", "speaker", "country", "type", "source",
                 "year", "language", "speaker_filter"]
OTHER_PARAMS = ["limit", "prefix", "country", "format", "callback", "", "q[]", "Q", "width"]

# Query syntax, including fields that are stored but not searchable (key, body, meta,
# position, day): those must be a 400 (unknown_field) or a plain-word fallback, never a 500.
QUERY_SYNTAX = [
    '"', "(", ")", "AND", "OR NOT", "NOT NOT", "*", "a*", "*a", "?", "a?", "~2", "a~", "a~0",
    '"a b"~99999', "field:", ":", "\\", "\x00", "%", "^", "a^9999999", "[a TO z]", "{a TO}",
    "[ TO ]", "speaker:\"x", "title:(a", "speaker:*", "*:*", "id:*x*", "\u201c", "'", "&",
    "key:x", "body:x", "meta:x", "position:x", "day:x", "day:[1 TO 2]", "position:[0 TO]",
    "date:2022", "date:[2020 TO]", "year:1989", "doc_id:gromyko-1960", "unit:quote",
    "kind:speech", "passage:x", "country_code:FR", "disarmament", "détente", "rules-based",
    "\u0000\u0001", "\ufeff", "\U0001F600", "𝔡𝔦𝔰𝔞𝔯𝔪𝔞𝔪𝔢𝔫𝔱", "ǅ", "ß", "İ", "\u200b", "\u202e",
]
ODD_VALUES = [
    "0000", "0001", "9999", "9999-12", "9999-12-31", "0000-00-00", "2022-13", "2022-02-29",
    "2024-02-29", "2022-02-30", "2022-00", "2022-12-32", "10000", "-2022", "2022-1-7",
    "\u0662\u0660\u0662\u0662", "２０２２", "1e3", "\u00b3", "\u0663", "1_0", "0x10", "+5", "-1",
    "0", "1", "-0", "00001", "9" * 30, "9" * 5000, "-" + "9" * 40, "1.5", "NaN", "inf", "",
    " ", "  5  ", "true", "false", "None", "null", "[]", "{}", "documents", "passages",
    "quotes", "date", "-date", "relevance", "speaker,country,year", "speaker,,", ",", "x" * 2000,
    "WzEuMCwgIng6MSJd", "WzEuMCwgIjIwMjI6YWJjIl0", "!!!", "====", "e30", "W10",
]
VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(QUERY_SYNTAX),
    st.sampled_from(ODD_VALUES),
    st.lists(st.sampled_from(QUERY_SYNTAX + ["a", "b", "nuclear"]), min_size=1, max_size=6)
      .map(" ".join),
    st.integers(min_value=-10**40, max_value=10**40).map(str),
)
# Raw query-string pieces that no quoting makes: bad escapes, stray separators, bad UTF-8.
RAW = st.sampled_from(["%", "%%", "%FF", "%E2%80", "%C0%AF", "&&&", "=", "==x", "q", "q=%00",
                       "q=a%26b=c", ";", "q=%ZZ", "a[b]=c", "%2F..%2F", "q=" + "%F0%9F%98" * 3])

API_PATHS = ["/api/search", "/api/export.csv", "/api/export.jsonl", "/api/speakers",
             "/api/documents/gromyko-1960", "/api/stats", "/api/verify", "/api/phrase",
             "/api/concordance"]
PAGE_PATHS = ["/", "/speakers", "/documents/gromyko-1960", "/speakers/Andrei Gromyko",
              "/verify", "/concordance"]
EXPORT_TYPES = {"/api/export.csv": "text/csv", "/api/export.jsonl": "application/x-ndjson"}


@pytest.fixture(scope="module")
def fuzz_app(api_app):
    """The app over conftest's corpus (budgets off there, wildcards kept cheap)."""
    return api_app


def check(app, url: str) -> None:
    """One GET: below 500; under /api JSON (exports on 200 aside) with the error shape on 4xx."""
    with app.test_client().get(url) as response:  # closed: an export holds a slot until sent
        status, body = response.status_code, response.get_data()
        content_type = response.content_type or ""
    assert status < 500, (url, status, body[:500])
    path = url.split("?", 1)[0]
    if not path.startswith("/api/"):
        assert content_type.startswith("text/html") or 300 <= status < 400, (url, content_type)
        return
    if status == 200 and path in EXPORT_TYPES:
        assert content_type.startswith(EXPORT_TYPES[path]), (url, content_type)
        return
    if status == 200 and path == "/api/concordance" and content_type.startswith("text/csv"):
        return  # format=csv
    assert content_type.startswith("application/json"), (url, status, content_type)
    document = json.loads(body)
    if status >= 400:
        assert set(document) == {"error"}, (url, document)
        error = document["error"]
        assert set(error) == {"code", "message", "param"}, (url, document)
        assert isinstance(error["code"], str) and error["code"]
        assert isinstance(error["message"], str) and error["message"]
        assert error["param"] is None or isinstance(error["param"], str)


def query_string(params: list[tuple[str, list[str]]], raw: list[str]) -> str:
    pieces = [f"{quote(name, safe='')}={quote(value, safe='')}"
              for name, values in params for value in values]
    return "&".join(pieces + raw)


PARAMS = st.lists(st.tuples(st.sampled_from(SEARCH_PARAMS + OTHER_PARAMS),
                            st.lists(VALUES, min_size=1, max_size=3)), max_size=6)
FUZZ = settings(max_examples=1500, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@FUZZ
@given(st.sampled_from(API_PATHS + PAGE_PATHS), PARAMS, st.lists(RAW, max_size=2))
def test_fuzzed_query_strings_never_answer_5xx(fuzz_app, path, params, raw):
    check(fuzz_app, quote(path) + "?" + query_string(params, raw))


SEGMENTS = st.one_of(st.text(min_size=1, max_size=40), st.sampled_from(
    QUERY_SYNTAX + ODD_VALUES + ["..", ".", "%2F", "a/b", "a//b", "/", "gromyko-1960",
                                "gromyko-1960#p0", "Eduard Shevardnadze", "Mr. GROMYKO"]))


@settings(max_examples=600, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["/api/documents/", "/documents/", "/speakers/"]), SEGMENTS,
       st.sampled_from(["", "?q=disarmament", "?q=%22", "?q=key:x", "?q=" + "9" * 60]))
def test_fuzzed_documents_and_speakers_never_answer_5xx(fuzz_app, prefix, segment, query):
    check(fuzz_app, prefix + quote(segment, safe="") + query)


@pytest.mark.parametrize("url", [
    "/api/search?q=key:x", "/api/search?q=body:x", "/api/search?q=meta:x",
    "/api/search?q=position:x", "/api/search?q=day:x", "/?q=key:x", "/?q=day:[1 TO 2]",
    "/api/export.csv?q=meta:x", "/api/export.jsonl?q=position:x",
    "/speakers/Andrei%20Gromyko?q=body:x", "/documents/gromyko-1960?q=key:x",
    "/api/search?date_to=9999-12", "/?date_to=9999-12", "/api/speakers?limit=%C2%B3",
    "/api/search?per_page=" + "9" * 5000, "/?page=%C2%B3", "/api/search?date_from=0000",
    "/api/search?q=%5Ckey:x", "/?q=%5Cmeta:x", "/api/search?q=date:%5Ba%20TO%20b%5D",
    "/api/search?q=date:%5B0%20TO%209%5D",
])
def test_known_hostile_requests(fuzz_app, url):
    """Requests that once answered 500, kept as fixed examples."""
    check(fuzz_app, url)


# -- (b) the API against its own OpenAPI description --------------------------------------------

class _ClosingApp:
    """Reads and closes every response before handing it on: the WSGI test transport does not
    close a streamed body, and an unclosed export would keep its expensive-request slot."""

    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        result = self.app(environ, start_response)
        try:
            return [b"".join(result)]
        finally:
            if hasattr(result, "close"):
                result.close()


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", _ClosingApp(fuzz_app))


CONFORMANCE = [not_a_server_error, status_code_conformance, content_type_conformance,
               response_headers_conformance, response_schema_conformance]
OPERATIONS = ["/api/search", "/api/documents/{doc_id}", "/api/citation", "/api/speakers",
              "/api/stats", "/api/export.csv", "/api/export.jsonl", "/api/verify",
              "/api/phrase", "/api/concordance"]


def test_every_described_operation_is_fuzzed(api_schema):
    assert set(api_schema) == set(OPERATIONS)


# Not schemathesis.pytest.from_fixture + @schema.parametrize(): that integration reads a
# private pytest attribute that pytest 9 no longer has; the strategies are the same.
# Negative cases (values the description refuses) only where a parameter can be invalid.
@pytest.mark.parametrize("path, mode", [
    *((path, GenerationMode.POSITIVE) for path in OPERATIONS),
    *((path, GenerationMode.NEGATIVE) for path in ("/api/search", "/api/citation",
                                                   "/api/speakers", "/api/export.csv",
                                                   "/api/export.jsonl", "/api/verify",
                                                   "/api/phrase", "/api/concordance")),
])
def test_api_conforms_to_its_openapi_description(api_schema, path, mode):
    _conforms(api_schema[path]["GET"], mode)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_verify_by_post_conforms_to_its_openapi_description(api_schema, mode):
    _conforms(api_schema["/api/verify"]["POST"], mode)


def _conforms(operation, mode) -> None:
    """Generated requests answer as the description says (status, content type, schema)."""
    @settings(max_examples=100, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(operation.as_strategy(generation_mode=mode))
    def run(case):
        case.call_and_validate(checks=CONFORMANCE)

    run()
