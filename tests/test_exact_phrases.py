"""Exact means exact: a phrase in quotes matches its words as written, stop words included.

Letter for letter up to case, accents, the apostrophe's style and punctuation, in all three
units; ``phrase=loose`` brings back stems and skipped stop words; highlights mark only what
matched. On a real index built as the app builds it (corpus -> ``build`` -> Flask app).
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.engine.whoosh.analysis import (ExactFilter, WordSpanTokenizer, exact_filter, make_analyzer,
                                          make_exact_analyzer)
from search.engine.whoosh import postings
from search.engine.whoosh.postings import analyse
from search.service.highlight import Highlighter

from .conftest import app_over

RECORDS = [
    {"id": "sahara", "title": "On Western Sahara", "year": 2020, "speaker": "Mr. Dumas",
     "country": "France", "type": "speech",
     "text": "We support the right of self-determination of the Sahrawi people.\n\n"
             "\u201cThe right of self-determination is not negotiable,\u201d Dumas said."},
    {"id": "kashmir", "title": "On Kashmir", "year": 2021, "speaker": "Yoshimasa Hayashi",
     "country": "Japan", "type": "speech",
     "text": "The people of Kashmir claim the right to self-determination.\n\n"
             "\u201cThe right to self-determination must be respected,\u201d Hayashi said."},
    {"id": "both", "title": "Two rights", "year": 2022, "speaker": "Mr. Dumas",
     "country": "France", "type": "speech",
     "text": "Some speak of a right to self-determination in general terms.\n\n"
             "Others invoke the right to self-determination, and we recall the right of "
             "self-determination of peoples."},
    {"id": "reformed", "title": "Reformed", "year": 2019, "speaker": "Mr. Dumas",
     "country": "France", "type": "speech",
     "text": "The Security Council reformed its working methods last year."},
    {"id": "reform", "title": "Reform", "year": 2019, "speaker": "Yoshimasa Hayashi",
     "country": "Japan", "type": "speech",
     "text": "We call for Security Council reform without delay."},
    {"id": "hamlet", "title": "A question", "year": 2018, "speaker": "Mr. Dumas",
     "country": "France", "type": "speech",
     "text": "As the poet wrote, to be or not to be, that is the question.\n\n"
             "\u201cTo be or not to be is the choice before this Assembly,\u201d Dumas said."},
    {"id": "shuffled", "title": "Not a question", "year": 2018, "speaker": "Yoshimasa Hayashi",
     "country": "Japan", "type": "speech",
     "text": "Not to be, or to be: that was never the choice. It is to be, not or."},
    {"id": "detente", "title": "Détente", "year": 1975, "speaker": "Mr. GROMYKO",
     "country": "Union of Soviet Socialist Republics", "type": "speech",
     "text": "The policy of détente returned to Europe.\n\n"
             "China\u2019s position on peace, security and development is clear.\n\n"
             "We uphold the rules-based order."},
    {"id": "plain", "title": "Detente", "year": 1976, "speaker": "Mr. Dumas",
     "country": "France", "type": "speech",
     "text": "The policy of DETENTE returned to Europe.\n\n"
             "Chinas position on peace security and development is unclear.\n\n"
             "We uphold the rules based order."},
]
UNGDC_SPEECHES = 12  # from the default corpus: more words, numbers, acronyms and accents


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return app_over(tmp_path_factory.mktemp("exact"), RECORDS, ungdc_speeches=UNGDC_SPEECHES,
                    seed=True)


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def service(app):
    return app.extensions["search_service"]


def search(client, q: str, unit: str = "documents", status: int = 200, **params) -> dict:
    extra = "".join(f"&{k}={quote(str(v))}" for k, v in params.items())
    response = client.get(f"/api/search?q={quote(q)}&unit={unit}&per_page=100{extra}")
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json


OURS = {r["id"] for r in RECORDS}


def docs(result: dict) -> set[str]:
    """The documents of this file's records among the hits (the speeches may hold the
    phrases too)."""
    return {h["doc_id"] for h in result["hits"]} & OURS


UNITS = ["documents", "passages", "quotes"]


@pytest.mark.parametrize("unit", UNITS)
def test_stop_words_are_matched_as_written(client, unit):
    assert docs(search(client, '"right of self-determination"', unit)) == {"sahara", "both"} \
        - ({"both"} if unit == "quotes" else set())
    assert docs(search(client, '"right to self-determination"', unit)) == {"kashmir", "both"} \
        - ({"both"} if unit == "quotes" else set())


@pytest.mark.parametrize("unit", ["documents", "passages"])
def test_word_endings_are_matched_as_written(client, unit):
    assert docs(search(client, '"Security Council reformed"', unit)) == {"reformed"}
    assert docs(search(client, '"Security Council reform"', unit)) == {"reform"}
    assert docs(search(client, '"reformed"', unit)) == {"reformed"}  # one word, as written


@pytest.mark.parametrize("unit", UNITS)
def test_a_phrase_of_stop_words_alone(client, unit):
    result = search(client, '"to be or not to be"', unit)
    assert docs(result) == {"hamlet"} and result["warnings"] == []
    assert search(client, '"to be or not to be"', unit, phrase="loose")["total"] == 0
    assert docs(search(client, '"not to be or to be"', unit)) == \
        (set() if unit == "quotes" else {"shuffled"})


@pytest.mark.parametrize("unit", ["documents", "passages"])
def test_case_accents_apostrophes_and_quote_styles_do_not_matter(client, unit):
    for q in ('"détente returned"', '"DETENTE RETURNED"', '"Détente Returned"',
              "\u201cdetente returned\u201d"):
        assert docs(search(client, q, unit)) == {"detente", "plain"}, q
    for q in ('"China\'s position"', '"China\u2019s position"',
              "\u201cCHINA\u2019S POSITION\u201d"):
        assert docs(search(client, q, unit)) == {"detente"}, q
    # letter for letter: the possessive is part of the word
    assert docs(search(client, '"Chinas position"', unit)) == {"plain"}
    assert docs(search(client, '"China position"', unit)) == set()


@pytest.mark.parametrize("unit", ["documents", "passages"])
def test_punctuation_inside_a_phrase_is_ignored(client, unit):
    for q in ('"peace security and development"', '"peace, security and development"',
              '"peace; security and development!"'):
        assert {"detente", "plain"} <= docs(search(client, q, unit)), q
    assert {"detente", "plain"} <= docs(search(client, '"rules based order"', unit))
    assert {"detente", "plain"} <= docs(search(client, '"rules-based order"', unit))


@pytest.mark.parametrize("unit", UNITS)
def test_loose_phrases_bring_back_stems_and_skipped_stop_words(client, unit):
    stop = docs(search(client, '"right of self-determination"', unit, phrase="loose"))
    assert {"sahara", "kashmir"} <= stop
    if unit != "quotes":
        stemmed = docs(search(client, '"Security Council reformed"', unit, phrase="loose"))
        assert stemmed == {"reformed", "reform"}
        assert docs(search(client, '"Chinas position"', unit, phrase="loose")) == \
            {"detente", "plain"}


def test_plain_words_are_stemmed_either_way(client):
    for phrase in ("exact", "loose"):
        assert {"reformed", "reform"} <= docs(search(client, "Security Council reformed",
                                                     phrase=phrase))


def marks(snippet: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", snippet)


@pytest.mark.parametrize("unit", ["documents", "passages"])
def test_highlights_mark_only_the_exact_match(client, unit):
    result = search(client, '"right of self-determination"', unit)
    hit = next(h for h in result["hits"] if h["doc_id"] == "both")
    assert marks(hit["snippets"][0]) == ["right of self-determination"]
    if unit == "documents":  # the best passage is the one with the exact words
        assert hit["passage"] == "both#p1"
    loose = search(client, '"right of self-determination"', unit, phrase="loose")
    found = [m for h in loose["hits"] if h["doc_id"] == "both" for m in marks(h["snippets"][0])]
    assert "right to self-determination" in found


def test_highlights_of_a_stop_word_phrase_and_a_quote(client):
    hit = search(client, '"to be or not to be"', "passages")["hits"][0]
    assert marks(hit["snippets"][0]) == ["to be or not to be"]
    quote_hit = search(client, '"right of self-determination"', "quotes")["hits"][0]
    assert marks(quote_hit["snippets"][0]) == ["right of self-determination"]


def test_document_page_marks_the_exact_phrase(service):
    spans = service.highlighter_for('"right of self-determination"')
    text = "the right to self-determination and the right of self-determination"
    assert [text[a:b] for a, b in spans(text)] == ["right of self-determination"]
    loose = service.highlighter_for('"right of self-determination"', "loose")
    assert [text[a:b] for a, b in loose(text)] == ["right to self-determination",
                                                   "right of self-determination"]


def test_a_bad_phrase_value_is_a_400(client):
    for path in ("/api/search", "/api/export.csv", "/api/export.jsonl"):
        response = client.get(f"{path}?q=peace&phrase=bogus")
        assert response.status_code == 400
        assert response.json["error"]["code"] == "unknown_phrase"
        assert response.json["error"]["param"] == "phrase"
    assert client.get("/?q=peace&phrase=bogus").status_code == 400


def test_the_phrase_switch_is_kept_by_links_exports_and_the_form(client):
    loose = search(client, '"right of self-determination"', phrase="loose", per_page=1)
    assert loose["query"]["phrase"] == "loose"
    assert "phrase=loose" in loose["links"]["self"] and "phrase=loose" in loose["links"]["next"]
    exact = search(client, '"right of self-determination"')
    assert exact["query"]["phrase"] == "exact" and "phrase" not in exact["links"]["self"]
    q = quote('"right of self-determination"')
    export = client.get(f"/api/export.jsonl?q={q}&phrase=loose")
    assert export.headers["X-Export-Total"] == str(loose["total"])
    page = client.get(f"/?q={q}&phrase=loose&sort=-date").get_data(as_text=True)
    form = page[page.index('<form class="search-form"'):]
    form = form[:form.index("</form>")]
    assert re.search(r'<input id="q-loose" type="checkbox" name="phrase" value="loose" checked>',
                     form)
    assert 'type="hidden" name="phrase"' not in form  # the checkbox alone carries it
    assert 'type="hidden" name="sort" value="-date"' in form
    assert "phrase=loose" in page[page.index("</form>"):]  # facet, paging and export links
    plain = client.get(f"/?q={q}").get_data(as_text=True)
    assert re.search(r'<input id="q-loose" type="checkbox" name="phrase" value="loose">', plain)
    assert "Loose phrases (ignore word endings and small words)" in plain


def test_whooshs_analyzer_chain_and_the_fast_path_index_alike(monkeypatch):
    text = "To be, or not to be: Détente\u2019s U.S. 1,000 — the right of peoples to it."
    stemmed, exact = make_analyzer(), make_exact_analyzer()
    fast = analyse(stemmed, text, exact)
    chain_exact: dict[str, list[int]] = {}
    for token in exact(text, positions=True):
        chain_exact.setdefault(token.text, []).append(token.pos)
    assert dict(fast[2]) == chain_exact
    monkeypatch.setattr(postings, "_fast_parts", lambda *analyzers: None)
    chain = analyse(stemmed, text, exact)
    assert (dict(chain[0]), chain[1], dict(chain[2])) == (dict(fast[0]), fast[1], dict(fast[2]))
    assert fast[1] == 15  # the position after the last word, a stop word
    assert chain_exact["to be"] == [0, 4] and chain_exact["detente's"] == [6]
    assert chain_exact["of peoples"] == [11]
    assert "detente's us" not in chain_exact  # a rare word opens no gram
    assert chain_exact["right of"] == [10]    # a frequent one does (frequent_words.txt)


# -- any window of a passage's words, searched as an exact phrase, finds that passage --------

@pytest.fixture(scope="module")
def passages(service) -> list[dict]:
    live = service.live()
    doc_ids = {h["doc_id"] for h in service.search(service.parse(
        {"per_page": ["100"]}))["hits"]}
    found = [u for d in sorted(doc_ids) for u in live.units_of(d) if u["unit"] == "passage"]
    assert len(found) > 100
    return found


TOKENS = WordSpanTokenizer()


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_window_of_a_passage_finds_that_passage(service, passages, data):
    passage = data.draw(st.sampled_from(passages))
    spans = list(TOKENS.span_tokenize(passage["body"]))
    start = data.draw(st.integers(0, len(spans) - 1))
    length = data.draw(st.integers(1, min(6, len(spans) - start)))
    window = spans[start:start + length]
    words = [passage["body"][a:b] for a, b in window]
    q = '"' + " ".join(words) + '"'
    request = service.parse({"q": [q], "unit": ["passages"]})
    summary, rows = service.export(request, 100_000)
    assert passage["key"] in {row["id"] for row in rows}, (q, passage["key"])
    # and its highlight covers the window
    live = service.live()
    exact = live.query_words(request.q, "passage").exact
    marked = Highlighter(live.tokens, exact).spans(passage["body"], set(), [])
    first, last = window[0][0], window[-1][1]
    assert any(a <= first and last <= b for a, b in marked), (q, marked)


def test_frequent_words_open_grams_so_a_phrase_of_them_reads_short_postings():
    exact = exact_filter(make_exact_analyzer())
    # every word of the phrase is pinned by a gram: no frequent word is read on its own
    assert exact.plan(["new", "international", "economic", "order"]) == [
        ("new international", 0), ("international economic", 1), ("economic order", 2)]
    # a rare word opens no gram; a phrase ending in a frequent word reads that word
    assert exact.plan(["apartheid", "regime"]) == [("apartheid", 0), ("regime", 1)]
    assert exact.plan(["the", "united", "nations"]) == [("the united", 0), ("united nations", 1)]


def test_an_index_written_before_frequent_words_keeps_its_own_grams():
    import pickle
    old = ExactFilter()
    state = old.__getstate__()
    del state["gram_starts"]  # as pickled in an index of format 6
    revived = ExactFilter.__new__(ExactFilter)
    revived.__setstate__(state)
    assert revived.plan(["new", "international"]) == [("new", 0), ("international", 1)]
    assert pickle.loads(pickle.dumps(exact_filter(make_exact_analyzer()))).gram_starts \
        >= {"international", "the"}
