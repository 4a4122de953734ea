"""The analyzer: offsets, stemming, folding, acronyms, markup, and exact phrases."""

import pytest
from whoosh import fields
from whoosh.filedb.filestore import RamStorage
from whoosh.qparser import QueryParser

from search.engine.whoosh.analysis import make_analyzer
from search.engine.whoosh.matchers import use_exact_phrases


def terms(text: str) -> list[str]:
    return [t.text for t in make_analyzer()(text)]


def test_offsets_point_at_the_original_words():
    text = "The **disarmament** of U.S. forces"
    tokens = [(t.text, t.startchar, t.endchar) for t in make_analyzer()(text, chars=True)]
    for term, start, end in tokens:
        assert text[start:end].lower().startswith(term[:3].replace("us", "u"))
    assert [t[0] for t in tokens] == ["disarma", "forc", "us"][:1] + ["us", "forc"]


def test_markdown_emphasis_never_hides_a_word():
    assert terms("**disarmament**") == terms("disarmament") == ["disarma"]


def test_snowball_stemming_fixes_porter_faults():
    assert terms("banning ban") == ["ban", "ban"]
    assert terms("denuclearized denuclearization")[0] == terms("denuclearize")[0]


def test_accents_fold():
    assert terms("détente") == terms("detente")
    assert terms("São Tomé") == terms("Sao Tome")


def test_acronyms_with_and_without_dots_match_but_pronoun_us_is_a_stop_word():
    assert terms("U.S.") == terms("US") == ["us"]
    assert terms("let us go") == ["let", "go"]
    assert terms("WHO") == ["who"]


def test_apostrophes_possessives_and_typographic_forms():
    assert terms("China's") == terms("China’s") == terms("China") == ["china"]
    assert terms("don't") == terms("don’t")


def test_hyphenated_words_become_consecutive_terms():
    tokens = [(t.text, t.pos) for t in make_analyzer()("rules-based order", positions=True)]
    assert tokens == [("rule", 0), ("base", 1), ("order", 2)]


def test_numbers_and_years():
    assert terms("1,000 people in 1945") == ["1000", "peopl", "1945"]
    assert terms("COVID-19") == ["covid", "19"]


def test_stop_words_keep_their_positions():
    tokens = [(t.text, t.pos) for t in make_analyzer()("Security Council will be reformed",
                                                           positions=True)]
    assert tokens == [("secur", 0), ("council", 1), ("reform", 4)]


@pytest.fixture()
def phrase_index():
    schema = fields.Schema(id=fields.ID(stored=True),
                           text=fields.TEXT(analyzer=make_analyzer(), phrase=True))
    ix = RamStorage().create_index(schema)
    with ix.writer() as w:
        w.add_document(id="reformed", text="The Security Council will be reformed soon.")
        w.add_document(id="reform", text="We call for Security Council reform now.")
        w.add_document(id="wmd", text="No weapons of mass destruction were found.")
        w.add_document(id="wmd-other", text="weapons mass destruction")
        w.add_document(id="rbo", text="the rules-based order")
    return ix


def search_ids(ix, q: str) -> set[str]:
    parser = use_exact_phrases(QueryParser("text", ix.schema))
    with ix.searcher() as s:
        return {hit["id"] for hit in s.search(parser.parse(q))}


def test_exact_phrase_does_not_bridge_removed_stop_words(phrase_index):
    assert search_ids(phrase_index, '"Security Council reform"') == {"reform"}
    assert search_ids(phrase_index, '"Security Council will be reformed"') == {"reformed"}


def test_phrase_with_stop_words_inside_matches_exactly(phrase_index):
    assert search_ids(phrase_index, '"weapons of mass destruction"') == {"wmd"}


def test_hyphenated_query_matches_as_phrase(phrase_index):
    assert search_ids(phrase_index, "rules-based") == {"rbo"}
    assert search_ids(phrase_index, '"rules based order"') == {"rbo"}


def test_sloppy_proximity_phrase_still_works(phrase_index):
    assert "reformed" in search_ids(phrase_index, '"Security reformed"~5')
