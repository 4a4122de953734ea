"""Quotes a journalist can cite: kinds in the JSON and exports, citations, permalinks.

Over the test corpus of ``test_pages`` (the seed article, a news report whose
narrative is the outlet's, and speech and statement records that name their
speakers), through the real app and index. The browser half is in
``test_browser.py``.
"""

from __future__ import annotations

import csv
import io
import json
import re

import bibtexparser
import jsonschema
import pytest
from citeproc import (Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle,
                      formatter)
from citeproc.source.json import CiteProcJSON

from search.config import load_config
from search.fields import KINDS
from search.service.indexing import build
from web import create_app

from .test_pages import build_site

PUBLIC = "https://dipsearch.example.org/newsroom"
MARKS = "“”\"‘’«»"

# The CSL-JSON input schema (citation-style-language/schema, csl-data.json, v1.0.2), restated:
# an array of items, each with a type from the CSL list and an id, names as name variables,
# dates as date variables, and no property the specification does not define.
_NAME = {"type": "object", "additionalProperties": False, "properties": {
    k: {"type": ["string", "number", "boolean"]} for k in (
        "family", "given", "dropping-particle", "non-dropping-particle", "suffix",
        "comma-suffix", "static-ordering", "literal", "parse-names")}}
_DATE = {"anyOf": [{"type": "string"}, {"type": "object", "additionalProperties": False,
                                        "properties": {
    "date-parts": {"type": "array", "minItems": 1, "maxItems": 2,
                   "items": {"type": "array", "minItems": 1, "maxItems": 3,
                             "items": {"type": ["string", "number"]}}},
    "season": {"type": ["string", "number"]}, "circa": {"type": ["string", "number", "boolean"]},
    "literal": {"type": "string"}, "raw": {"type": "string"}, "edtf": {"type": "string"}}}]}
_CSL_TYPES = ["article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
              "broadcast", "chapter", "classic", "collection", "dataset", "document", "entry",
              "entry-dictionary", "entry-encyclopedia", "figure", "graphic", "hearing",
              "interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
              "musical_score", "pamphlet", "paper-conference", "patent", "performance",
              "periodical", "personal_communication", "post", "post-weblog", "regulation",
              "report", "review", "review-book", "software", "song", "speech", "standard",
              "thesis", "treaty", "webpage"]
_NAME_VARS = ["author", "chair", "collection-editor", "compiler", "composer", "container-author",
              "contributor", "curator", "director", "editor", "editorial-director",
              "executive-producer", "interviewer", "illustrator", "organizer", "original-author",
              "performer", "producer", "recipient", "reviewed-author", "translator"]
_DATE_VARS = ["accessed", "available-date", "container", "event-date", "issued",
              "original-date", "submitted"]
_STRING_VARS = ["language", "journalAbbreviation", "shortTitle", "abstract", "annote", "archive",
                "archive_collection", "archive_location", "archive-place", "authority",
                "call-number", "citation-label", "collection-title", "container-title",
                "container-title-short", "dimensions", "division", "DOI", "event", "event-place",
                "genre", "ISAN", "ISBN", "ISCI", "ISMN", "ISRC", "ISSN", "ISWC", "jurisdiction",
                "keyword", "medium", "note", "original-publisher", "original-publisher-place",
                "original-title", "part-title", "PMCID", "PMID", "publisher", "publisher-place",
                "references", "reviewed-title", "scale", "section", "source", "status", "title",
                "title-short", "translated-title", "translated-title-short", "URL", "version",
                "year-suffix"]
_NUMBER_VARS = ["chapter-number", "citation-number", "collection-number", "edition",
                "first-reference-note-number", "issue", "locator", "number", "number-of-pages",
                "number-of-volumes", "page", "page-first", "part", "printing", "supplement",
                "volume"]
CSL_DATA_SCHEMA = {"type": "array", "items": {
    "type": "object", "required": ["type", "id"], "additionalProperties": False,
    "properties": {"type": {"type": "string", "enum": _CSL_TYPES},
                   "id": {"type": ["string", "number"]},
                   "categories": {"type": "array", "items": {"type": "string"}},
                   "custom": {"type": "object"},
                   **{k: {"type": "array", "items": _NAME} for k in _NAME_VARS},
                   **{k: _DATE for k in _DATE_VARS},
                   **{k: {"type": "string"} for k in _STRING_VARS},
                   **{k: {"type": ["string", "number"]} for k in _NUMBER_VARS}}}}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("cite")
    config = build_site(root, root / "corpus")
    data = json.loads(config.read_text())
    config.write_text(json.dumps(dict(data, server={"public_url": PUBLIC})))
    return config


@pytest.fixture(scope="module")
def client(site):
    return create_app(load_config(site)).test_client()


def get(client, url: str, **headers) -> dict:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.get_data(as_text=True))
    return response.json


def download(client, url: str) -> str:
    """An export's body; closing the response frees its slot for expensive requests."""
    with client.get(url) as response:
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_data(as_text=True)


def all_quotes(client) -> list[dict]:
    return get(client, "/api/search?unit=quotes&per_page=100&sort=date")["hits"]


# -- kinds -----------------------------------------------------------------------------

def test_every_quote_has_a_kind_and_each_kind_is_present(client):
    hits = all_quotes(client)
    kinds = {h["quote"]["kind"] for h in hits}
    assert kinds == set(KINDS), kinds
    for h in hits:
        assert h["quote"]["kind_label"] == KINDS[h["quote"]["kind"]]
        assert h["quote"]["id"] == h["id"]


def test_kind_facet_counts_and_filter(client):
    result = get(client, "/api/search?unit=quotes&facets=kind&per_page=1")
    counts = {v["value"]: v["count"] for v in result["facets"]["kind"]["values"]}
    assert set(counts) == set(KINDS) and sum(counts.values()) == result["total"]
    for kind, count in counts.items():
        filtered = get(client, f"/api/search?unit=quotes&kind={kind}&per_page=100")
        assert filtered["total"] == count
        assert {h["quote"]["kind"] for h in filtered["hits"]} == {kind}
    # a document or passage counts the kinds of the quotes in it
    docs = get(client, "/api/search?unit=documents&kind=partial&per_page=100")
    for h in docs["hits"]:
        page = get(client, f"/api/documents/{h['doc_id']}")
        assert any(q["kind"] == "partial" for q in page["quotes"])
    both = get(client, "/api/search?unit=quotes&kind=direct&kind=reported&per_page=1")["total"]
    assert both == counts["direct"] + counts["reported"]
    bad = client.get("/api/search?unit=quotes&kind=indirect")
    assert bad.status_code == 200 and bad.json["total"] == 0  # an unknown value matches nothing


def test_documents_list_their_quotes_with_kind_context_and_citation(client):
    hits = all_quotes(client)
    doc = get(client, f"/api/documents/{hits[0]['doc_id']}")
    assert doc["quotes"] and all(q["kind"] in KINDS for q in doc["quotes"])
    for quote in doc["quotes"]:
        assert quote["permalink"] == f"{PUBLIC}/documents/{doc['doc_id']}#{quote['id'].split('#')[1]}"
        if quote["kind"] in ("partial", "reported") and quote["context"]:
            assert quote["text"] in quote["context"]


# -- citations ----------------------------------------------------------------------------

def test_quote_citations_say_the_kind_and_put_marks_only_around_spoken_words(client):
    for h in all_quotes(client):
        quote, text = h["quote"], h["citation"]
        words = " ".join(quote["text"].split()).strip().rstrip(",;:")
        assert KINDS[quote["kind"]] in text
        if quote["kind"] == "reported":
            assert f"“{words}”" not in text and "not a quotation" in text
        else:
            assert f"“{words}”" in text
        speaker = quote["speakers"][0]["name"] if quote["speakers"] else quote["speaker"]
        assert text.startswith(speaker or "speaker unknown")
        assert text.endswith(f"Permalink: {PUBLIC}/documents/{h['doc_id']}#{h['id'].split('#')[1]}")


def test_narrative_citations_cite_the_outlet_without_marks_or_speakers(client):
    passages = get(client, "/api/search?unit=passages&per_page=100")["hits"]
    news = [h for h in passages if h["voice"] == "outlet"]
    assert news, "the test corpus has a news article"
    for h in news:
        text = h["citation"]
        assert not any(mark in text for mark in MARKS), text
        for person in h["speakers"]:  # the people the article quotes
            if person["name"] not in (h["title"] or ""):
                assert person["name"] not in text, text
        assert (h["source"] or h["title"]) in text and "paragraph" in text
    speeches = [h for h in passages if h["voice"] == "speaker" and h["speakers"]]
    assert speeches, "the test corpus has speeches"
    for h in speeches:  # a speech's record is its speaker's words
        assert h["citation"].startswith(h["speakers"][0]["name"])
        assert "(as recorded): “" in h["citation"]


@pytest.mark.parametrize("host", ["evil.example", "localhost:1234"])
def test_links_never_follow_the_host_header(client, host):
    result = get(client, "/api/search?unit=quotes&per_page=5", Host=host)
    document = get(client, f"/api/documents/{result['hits'][0]['doc_id']}", Host=host)
    for text in [h["citation"] for h in result["hits"]] + [document["citation"]]:
        assert host not in text and f"Permalink: {PUBLIC}/documents/" in text
    csl = client.get(f"/api/citation?id={result['hits'][0]['id'].replace('#', '%23')}&format=csl",
                     headers={"Host": host}).get_data(as_text=True)
    assert host not in csl and PUBLIC in csl


def test_without_a_public_url_links_are_relative(tmp_path, corpus):
    app = create_app(load_config(build_site(tmp_path, corpus)))
    hit = app.test_client().get("/api/search?unit=quotes&per_page=1",
                                headers={"Host": "evil.example"}).json["hits"][0]
    assert hit["permalink"].startswith("/documents/") and "evil" not in hit["citation"]


def citation(client, unit_id: str, fmt: str):
    response = client.get(f"/api/citation?id={unit_id.replace('#', '%23')}&format={fmt}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def test_csl_json_is_valid_and_renders_in_a_csl_processor(client):
    ids = [h["id"] for h in all_quotes(client)[:12]]
    ids += [h["id"] for h in get(client, "/api/search?unit=passages&per_page=5")["hits"]]
    ids += [h["id"] for h in get(client, "/api/search?unit=documents&per_page=10")["hits"]]
    items = []
    for unit_id in ids:
        response = citation(client, unit_id, "csl")
        assert response.mimetype == "application/vnd.citationstyles.csl+json"
        data = response.json
        jsonschema.validate(data, CSL_DATA_SCHEMA)
        items += data
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == len(items) and all(item["title"][:20] in " ".join(rendered)
                                               for item in items)


def test_bibtex_parses_and_keeps_the_fields(client):
    for h in all_quotes(client)[:8] + get(client, "/api/search?per_page=10")["hits"]:
        response = citation(client, h["id"], "bibtex")
        library = bibtexparser.parse_string(response.get_data(as_text=True))
        assert not library.failed_blocks, response.get_data(as_text=True)
        (entry,) = library.entries
        assert entry.fields_dict["url"].value == (h["url"] or h["permalink"])
        assert h["permalink"] in entry.fields_dict["note"].value.replace("\\#", "#")
        if h["unit"] == "quote":
            assert KINDS[h["quote"]["kind"]] in entry.fields_dict["note"].value


def test_plain_text_citation_matches_the_hit(client):
    h = all_quotes(client)[0]
    assert citation(client, h["id"], "text").get_data(as_text=True) == h["citation"]


@pytest.mark.parametrize("query, status, code", [
    ("", 400, "missing_parameter"), ("id=STATE-2021-07&format=ris", 400, "bad_format"),
    ("id=nope%23q4", 404, "not_found"), ("id=STATE-2021-07%23q999", 404, "not_found"),
])
def test_citation_errors_are_json(client, query, status, code):
    response = client.get(f"/api/citation?{query}")
    assert response.status_code == status and response.json["error"]["code"] == code


def test_quote_permalinks_survive_a_reindex_of_unchanged_documents(site, client):
    before = {h["id"]: h["quote"]["text"] for h in all_quotes(client)}
    report = build(load_config(site), rebuild=True)
    assert report.ok
    fresh = create_app(load_config(site)).test_client()
    after = {h["id"]: h["quote"]["text"] for h in all_quotes(fresh)}
    assert after == before


# -- exports -----------------------------------------------------------------------------

def test_exports_carry_kind_cue_speaker_role_context_and_citation(client):
    text = download(client, "/api/export.csv?unit=quotes")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and {"kind", "cue", "speakers", "roles", "context", "date", "url", "permalink",
                     "citation", "speaker_as_written"} <= set(rows[0])
    by_id = {h["id"]: h for h in all_quotes(client)}
    for row in rows:
        hit = by_id[row["id"]]
        assert row["kind"] == hit["quote"]["kind"] and row["citation"] == hit["citation"]
    lines = download(client, "/api/export.jsonl?unit=quotes&kind=reported")
    assert {json.loads(line)["kind"] for line in lines.splitlines()} == {"reported"}


def test_a_cut_export_says_so_and_the_page_warns_before_download(tmp_path, corpus):
    config = build_site(tmp_path, corpus)
    data = json.loads(config.read_text())
    config.write_text(json.dumps(dict(data, search={"export_cap": 3})))
    client = create_app(load_config(config)).test_client()
    text = download(client, "/api/export.csv?unit=quotes")
    assert re.search(r"# export incomplete: 3 of \d+ rows \(cap 3\)", text.splitlines()[-1])
    html = client.get("/?unit=quotes").get_data(as_text=True)
    assert re.search(r"the first 3 of [\d,]+ results", html), "the page says the export is cut"
