"""The JSON API: every parameter, error and limit, on a small real index."""

from __future__ import annotations

import dataclasses
import json

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
    csv_text = client.get("/api/export.csv?q=disarmament").get_data(as_text=True)
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("id,doc_id,unit") and len(lines) == 3
    jsonl = client.get("/api/export.jsonl?unit=quotes&speaker=Lloyd%20Austin")
    rows = [json.loads(line) for line in jsonl.get_data(as_text=True).splitlines()]
    assert len(rows) == 3 and all(r["quote"]["speaker"] == "Lloyd Austin" for r in rows)
    assert client.get("/api/export.csv?per_page=abc").status_code == 400


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
