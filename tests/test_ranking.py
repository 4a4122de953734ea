"""Find the statement a journalist remembers: ranking by best evidence, on a real index.

A few rare words of one sentence, a sentence with a word wrong and a stop word missing,
two words swapped, a headline's words: the source comes first, in the documents, passages
and quotes tabs alike, against decoys built to beat plain BM25 (three of the four words
repeated in a short speech, all four scattered over a long one). Real UN speeches from the
default corpus are the background.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from search.engine.whoosh.proximity import best_window

from .conftest import app_over

SENTENCE = ("Only a quick cure for the pandemic can save the poorest nations from another "
            "lost decade of development.")
FILLER = ("The delegation reaffirms its commitment to the purposes and principles of the "
          "Charter, to multilateral cooperation and to the peaceful settlement of disputes.")


def paragraphs(n: int, middle: str | None = None) -> str:
    """n paragraphs of filler, ``middle`` (if given) as the middle one."""
    texts = [f"{FILLER} Paragraph {i} recalls the work of the Organization." for i in range(n)]
    if middle:
        texts[n // 2] = middle
    return "\n\n".join(texts)


RECORDS = [
    {"id": "source", "title": "Statement at the 75th session", "year": 2020,
     "speaker": "Mr. Dumas", "country": "France", "type": "speech",
     "text": paragraphs(30, f"{FILLER} {SENTENCE} We will not accept that outcome.")},
    # all four words, each in its own paragraph of a short speech
    {"id": "scattered", "title": "Health and recovery", "year": 2021,
     "speaker": "Yoshimasa Hayashi", "country": "Japan", "type": "speech",
     "text": "A quick response matters.\n\n" + paragraphs(3) +
             "\n\nThere is no cure without science.\n\n" + paragraphs(3) +
             "\n\nWe must save jobs.\n\n" + paragraphs(3) + "\n\nThe pandemic goes on."},
    # three of the four words, over and over, in a short speech
    *({"id": f"three-{i}", "title": f"Vaccines {i}", "year": 2021, "speaker": "Mr. Dumas",
       "country": "France", "type": "speech",
       "text": "The pandemic needs a cure; a cure will save lives, and lives saved from the "
               "pandemic will save economies. Cure the pandemic, save the people."}
      for i in range(5)),
    # the headline's words are not in the text
    {"id": "quad", "title": "Notes on the Quad summit and the hypersonic pledge", "year": 2022,
     "speaker": "Yoshimasa Hayashi", "country": "Japan", "type": "statement",
     "text": "Four democracies met in Tokyo.\n\nThe ministers discussed missile defence."},
    # quotes: the whole remembered line, and a decoy repeating three of its words
    {"id": "quoting", "title": "Press conference", "date": "2021-05-04",
     "speaker": "Mr. Dumas", "country": "France", "type": "press",
     "text": "The minister spoke to reporters.\n\n"
             "\u201cA remedy will rescue lives, a remedy will rescue jobs: remedy the outbreak "
             "and rescue the outbreak's victims,\u201d Dumas said.\n\n"
             "\u201cOnly a swift remedy for the outbreak can rescue the poorest,\u201d "
             "Dumas said later."},
]
UNGDC_SPEECHES = 20


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return app_over(tmp_path_factory.mktemp("ranking"), RECORDS,
                    ungdc_speeches=UNGDC_SPEECHES).test_client()


def hits(client, q: str, unit: str = "documents", **params) -> list[dict]:
    extra = "".join(f"&{k}={quote(str(v))}" for k, v in params.items())
    response = client.get(f"/api/search?q={quote(q)}&unit={unit}&per_page=20{extra}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json["hits"]


def first(client, q: str, unit: str = "documents") -> str:
    found = hits(client, q, unit)
    assert found, f"nothing found for {q!r}"
    return found[0]["doc_id"]


def test_the_decoys_beat_plain_bm25(client):
    """The set-up is a real trap: on the words' own BM25 (no re-ranking is possible for a
    lone word), the decoys outscore the source."""
    for word in ("cure", "save", "pandemic"):
        assert first(client, word) != "source"


@pytest.mark.parametrize("q", ["quick cure save pandemic", "quickly cure save pandemic",
                               "pandemic save cure quick", "cure pandemic poorest"])
def test_a_few_words_of_one_sentence_find_it_first(client, q):
    assert first(client, q) == "source"


def test_every_word_beats_three_of_four_repeated(client):
    ranked = [h["doc_id"] for h in hits(client, "quick cure save pandemic")]
    assert ranked.index("scattered") < min(ranked.index(f"three-{i}") for i in range(5))


def test_words_together_beat_the_same_words_scattered(client):
    ranked = [h["doc_id"] for h in hits(client, "quick cure save pandemic")]
    assert ranked.index("source") < ranked.index("scattered")


def test_a_sentence_remembered_with_a_word_wrong_and_one_missing(client):
    remembered = ("Only a quick cure for the pandemic can rescue the poorest nations from "
                  "another lost decade development")
    assert first(client, remembered) == "source"
    top = hits(client, remembered, "passages")[0]
    assert top["doc_id"] == "source" and "decade" in " ".join(top["snippets"])


def test_two_words_swapped(client):
    assert first(client, "Only a cure quick for the pandemic can save the poorest nations "
                         "from another decade lost of development.") == "source"


@pytest.mark.parametrize("q", ['"can save the poorest nations"',
                               "\u201ccan save the poorest nations\u201d"])
def test_an_exact_phrase_straight_or_curly(client, q):
    assert first(client, q) == "source"


@pytest.mark.parametrize("q", ["Quad", "quad", "hypersonic pledge", "pledge missile"])
def test_a_headline_word_finds_its_document(client, q):
    """Words of a title match (with its boost), alone or with words of the text."""
    assert first(client, q) == "quad"


def test_a_headline_word_is_not_a_spelling_mistake(client):
    response = client.get("/api/search?q=Quad").json
    assert response["total"] >= 1 and not response.get("suggestion")


def test_title_words_count_only_for_documents(client):
    """Passages and quotes have no title: a headline word alone finds none of them."""
    assert hits(client, "hypersonic", "passages") == []


def test_the_quotes_tab_ranks_by_the_same_evidence(client):
    found = hits(client, "swift remedy rescue outbreak", "quotes")
    assert found and "Only a swift remedy" in found[0]["quote"]["text"]


def test_paging_keeps_the_order(client):
    """The re-ranked order is the same whatever the page size: page 2 follows page 1."""
    q = "cure save pandemic development"
    whole = [h["id"] for h in hits(client, q)]
    paged = []
    for page in (1, 2, 3, 4):
        response = client.get(f"/api/search?q={quote(q)}&per_page=5&page={page}").json
        paged += [h["id"] for h in response["hits"]]
    assert paged == whole[:len(paged)]


# -- the best window, as a function -----------------------------------------------------------

def test_a_window_holding_every_word_side_by_side_is_worth_one():
    assert best_window([(10, 0), (11, 1), (12, 2)], [1.0, 1.0, 1.0], 40) == 1.0


def test_a_missing_word_costs_more_than_distance():
    together_but_one = best_window([(10, 0), (11, 1)], [1.0, 1.0, 1.0], 40)
    all_spread = best_window([(10, 0), (20, 1), (30, 2)], [1.0, 1.0, 1.0], 40)
    assert all_spread > together_but_one


def test_a_rare_word_missing_costs_more_than_a_common_one():
    weights = [5.0, 1.0, 1.0]  # the first word is rare
    without_rare = best_window([(10, 1), (11, 2)], weights, 40)
    without_common = best_window([(10, 0), (11, 1)], weights, 40)
    assert without_common > without_rare


def test_words_beyond_the_window_do_not_count_together():
    far = best_window([(0, 0), (500, 1)], [1.0, 1.0], 40)
    near = best_window([(0, 0), (30, 1)], [1.0, 1.0], 40)
    assert far < near
    assert far == best_window([(0, 0)], [1.0, 1.0], 40)


def test_repeats_do_not_widen_a_window():
    assert best_window([(0, 0), (5, 0), (9, 0), (10, 1)], [1.0, 1.0], 40) == 1.0
