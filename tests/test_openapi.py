"""The OpenAPI description matches the running app, and no input makes the API answer 5xx."""

from __future__ import annotations

from urllib.parse import quote

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


SAMPLES = {
    "q": '"nuclear disarmament" OR détente', "date_from": "1960", "date_to": "2022-03-04",
    "unit": "passages", "sort": "-date", "page": "1", "per_page": "5", "facets": "speaker,year",
    "facet_size": "3", "highlight": "false", "phrase": "loose", "speaker": "Eduard Shevardnadze",
    "country": "France", "type": "speech", "source": "UN General Debate", "kind": "direct",
    "institution": "World Bank",
}


@pytest.fixture(scope="module")
def app(api_app):
    return api_app


@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/api/openapi.json").json


def validate(spec: dict, schema: dict, body) -> None:
    resolver_schema = dict(schema, components=spec["components"])
    jsonschema.validate(body, resolver_schema)


def response_schema(spec, path, status):
    content = spec["paths"][path]["get"]["responses"][str(status)]["content"]
    return content["application/json"]["schema"]


def test_every_documented_search_parameter_is_accepted_and_shaped_as_documented(app, spec):
    client = app.test_client()
    params = spec["paths"]["/api/search"]["get"]["parameters"]
    samples = dict(SAMPLES, cursor=client.get("/api/search?per_page=1").json["next_cursor"])
    assert {p["name"] for p in params} == set(samples)
    for param in params:
        response = client.get(f"/api/search?{param['name']}={quote(samples[param['name']])}")
        assert response.status_code == 200, (param["name"], response.json)
        validate(spec, response_schema(spec, "/api/search", 200), response.json)


def test_documented_errors_have_the_documented_shape(app, spec):
    client = app.test_client()
    for url, path, status in [("/api/search?per_page=0", "/api/search", 400),
                              ("/api/documents/none", "/api/documents/{doc_id}", 404),
                              ("/api/speakers?limit=x", "/api/speakers", 400)]:
        response = client.get(url)
        assert response.status_code == status
        validate(spec, response_schema(spec, path, status), response.json)


def test_other_endpoints_match_their_descriptions(app, spec):
    client = app.test_client()
    for url, path in [("/api/documents/gromyko-1960", "/api/documents/{doc_id}"),
                      ("/api/speakers?prefix=a&limit=5", "/api/speakers"),
                      ("/api/stats", "/api/stats")]:
        response = client.get(url)
        assert response.status_code == 200
        validate(spec, response_schema(spec, path, 200), response.json)
    for url in ("/api/export.csv?q=disarmament", "/api/export.jsonl?q=disarmament"):
        with client.get(url) as response:  # closed: an export holds a slot until it is sent
            assert response.status_code == 200


NAMES = sorted(SAMPLES) + ["cursor"]
VALUES = st.one_of(st.text(max_size=40), st.sampled_from(
    ['"', "(", ")", "AND", "OR NOT", "*", "a*", "~2", "field:", ":", "\\", "\x00", "%",
     "9" * 30, "-1", "0", "2022-02-30", "speaker:\"x", "\u201c", "'", "NOT NOT", "title:(a"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(NAMES), st.lists(VALUES, min_size=1, max_size=2),
                       max_size=5),
       st.sampled_from(["/api/search", "/api/export.jsonl", "/api/speakers"]))
def test_fuzzed_parameters_never_answer_5xx(app, params, path):
    query = "&".join(f"{quote(k)}={quote(v)}" for k, values in params.items() for v in values)
    with app.test_client().get(f"{path}?{query}") as response:
        assert response.status_code < 500, (query, response.get_data(as_text=True)[:500])
        if response.status_code >= 400:
            assert set(response.json["error"]) == {"code", "message", "param"}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=60))
def test_fuzzed_document_ids_never_answer_5xx(app, doc_id):
    response = app.test_client().get("/api/documents/" + quote(doc_id, safe=""))
    assert response.status_code in (200, 308, 404), doc_id  # 308: Flask folds "//"


def test_the_date_pattern_refuses_exactly_what_the_server_refuses(app, spec):
    import re

    from search.service import RequestError
    from search.service.request import _date_param

    params = {p["name"]: p for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    pattern = re.compile(params["date_from"]["schema"]["pattern"])
    assert params["date_to"]["schema"]["pattern"] == pattern.pattern
    values = [f"{y}" for y in ("0000", "0001", "0004", "0100", "0400", "1900", "2000", "2023",
                               "2024", "9999")]
    values += [f"{y}-{m:02d}" for y in values[:] for m in range(14)]
    values += [f"{ym}-{d:02d}" for ym in values[10:] for d in range(33)]
    values += ["22", "20222", "2022-1", "\u0662\u0660\u0662\u0662", "2022-01-07T00:00"]
    for value in values:
        try:
            _date_param(value, "date_from", end=True)
            accepted = True
        except RequestError:
            accepted = False
        assert bool(pattern.fullmatch(value)) == accepted, value


def test_exports_document_their_headers_marker_and_csv_rule(spec):
    for path in ("/api/export.csv", "/api/export.jsonl"):
        operation = spec["paths"][path]["get"]
        headers = operation["responses"]["200"]["headers"]
        assert {"X-Export-Total", "X-Export-Rows", "X-Export-Complete",
                "X-Export-Partial"} <= set(headers)
        assert "incomplete" in operation["description"] or "_export" in operation["description"]
        assert "414" in operation["responses"]
    assert "leading '" in spec["paths"]["/api/export.csv"]["get"]["description"]
    assert "414" in spec["paths"]["/api/search"]["get"]["responses"]
