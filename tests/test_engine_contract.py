"""The engine contract: what any engine behind search.engine.interface must do.

Written against the protocols only (no Whoosh class is named here), so that a
second engine can be added to ``ENGINES`` and checked by the same tests.
Documents come from the ingest side (``prepare``), as the indexer gives them.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from search.config import load_config
from search.engine import open_engine
from search.engine.interface import (BuildInProgress, Engine, IndexMissing, Limits,
                                     RequestError, SearchSpec)
from search.fields import day_number
from search.ingest.document import Document, Speaker
from search.ingest.speakers import SpeakerRegistry
from search.ingest.units import extract_document_quotes, prepare

from .conftest import write_config

# name -> factory(config, limits=None): each engine to check, over the config's index folder
ENGINES = {"whoosh": open_engine}

SPEECHES = [
    ("s1", "On disarmament", datetime(1961, 9, 21), "Andrei Gromyko", "USSR", "speech",
     ["General and complete disarmament is the task of our time.",
      "The Soviet Union proposes a treaty on the peaceful uses of outer space."]),
    ("s2", "On the Charter", datetime(1975, 10, 1), "Henry Kissinger", "United States", "speech",
     ["The Charter of the United Nations guides us.",
      'He said: "Peace is not a gift but a task." Disarmament follows peace.']),
    ("s3", "Statement on space", datetime(2022, 1, 7), "Antony Blinken", "United States",
     "statement",
     ["Outer space must remain peaceful.", "We discussed disarmament and the treaty."]),
]


def document(doc_id, title, when, speaker, country, kind, paragraphs) -> Document:
    return Document(id=doc_id, title=title, paragraphs=list(paragraphs), type=kind,
                    source="contract", date=when, date_precision="day",
                    speakers=[Speaker(speaker, country=country)], country=country,
                    path=f"{doc_id}.jsonl")


@pytest.fixture(params=sorted(ENGINES))
def make_engine(request, tmp_path):
    """A factory of engines of one kind over one index folder (limits optional)."""
    (tmp_path / "corpus").mkdir()
    config = load_config(write_config(tmp_path, tmp_path / "corpus"))
    return lambda limits=None: ENGINES[request.param](config, limits)


@pytest.fixture
def engine(make_engine) -> Engine:
    return make_engine()


def write(engine: Engine, rows=SPEECHES, *, rebuild: bool = True, delete=()) -> None:
    registry = SpeakerRegistry()
    with engine.build(rebuild=rebuild, procs=1) as writer:
        writer.delete(delete)
        for row in rows:
            doc = document(*row)
            writer.add(prepare(doc, registry, extract_document_quotes))
            writer.record_file(doc.path, f"{doc.path}@{engine.format}:{row[0]}", set())
        writer.commit()


@pytest.fixture
def written(engine) -> Engine:
    write(engine)
    return engine


def keys(outcome) -> list[str]:
    return [m.record["key"] for m in outcome.matches]


def test_no_index_is_index_missing(engine):
    with pytest.raises(IndexMissing):
        engine.live()


def test_written_units_are_counted_and_held(written):
    live = written.live()
    assert live.unit_count("document") == 3
    assert live.unit_count("passage") == 6
    assert live.unit_count("quote") >= 1
    with written.build(rebuild=False, procs=1) as writer:
        held = writer.holdings()
        writer.cancel()
    assert {k.split("@")[0] for k in held.file_keys} == {"s1.jsonl", "s2.jsonl", "s3.jsonl"}
    assert held.docs_by_file["s2.jsonl"] == {"s2"}


def test_records_carry_key_document_unit_and_metadata(written):
    outcome = written.live().search(SearchSpec(q="disarmament", unit="document", count=10))
    assert outcome.total == 3 and sorted(keys(outcome)) == ["s1", "s2", "s3"]
    for match in outcome.matches:
        assert match.record["doc_id"] == match.record["key"]
        assert match.record["unit"] == "document"
        assert match.record["meta"]["title"]
        assert isinstance(match.score, float)


def test_passages_and_quotes_are_their_own_units(written):
    live = written.live()
    passages = live.search(SearchSpec(q="treaty", unit="passage", count=10))
    assert sorted(keys(passages)) == ["s1#p1", "s3#p1"]
    assert all(m.record["body"] for m in passages.matches)
    quotes = live.search(SearchSpec(q="gift", unit="quote", count=10))
    assert [m.record["doc_id"] for m in quotes.matches] == ["s2"]


def test_best_passage_and_matching_quotes_of_a_document(written):
    outcome = written.live().search(SearchSpec(q="gift", unit="document", count=10))
    (match,) = outcome.matches
    assert match.passage["key"] == "s2#p1"
    assert [q["doc_id"] for q in match.quotes] == ["s2"]


def test_phrases_keep_word_order(written):
    live = written.live()
    assert sorted(keys(live.search(SearchSpec(q='"outer space"', unit="passage")))) \
        == ["s1#p1", "s3#p0"]
    assert live.search(SearchSpec(q='"space outer"', unit="passage")).total == 0


def test_filters_facets_and_histogram(written):
    live = written.live()
    spec = SearchSpec(q="disarmament", unit="document", filters={"country": ["United States"]},
                      facets=["country", "speaker", "year"])
    outcome = live.search(spec)
    assert sorted(keys(outcome)) == ["s2", "s3"]
    countries = {v["value"]: v["count"] for v in outcome.facets["country"]["values"]}
    assert countries == {"United States": 2, "USSR": 1}  # disjunctive: its own filter is off
    speakers = {v["value"] for v in outcome.facets["speaker"]["values"]}
    assert speakers == {"Henry Kissinger", "Antony Blinken"}
    assert [h["year"] for h in outcome.histogram] == [1975, 2022]


def test_date_range_and_sorting(written):
    live = written.live()
    spec = SearchSpec(q="", unit="document", sort="-date",
                      day_from=day_number(datetime(1970, 1, 1)))
    assert keys(live.search(spec)) == ["s3", "s2"]
    assert keys(live.search(SearchSpec(unit="document", sort="date"))) == ["s1", "s2", "s3"]


def test_paging_by_slice_and_by_key(written):
    live = written.live()
    first = live.search(SearchSpec(unit="document", sort="date", count=2))
    assert keys(first) == ["s1", "s2"] and first.next_key
    by_key = live.search(SearchSpec(unit="document", sort="date", count=2,
                                    after=tuple(first.next_key)))
    by_slice = live.search(SearchSpec(unit="document", sort="date", start=2, count=2))
    assert keys(by_key) == keys(by_slice) == ["s3"]
    assert by_key.next_key is None


def test_a_key_from_another_version_is_refused(written, make_engine):
    first = written.live().search(SearchSpec(unit="document", sort="date", count=1))
    write(written)
    with pytest.raises(RequestError) as err:  # a new reader (another worker) sees the new version
        make_engine().live().search(SearchSpec(unit="document", sort="date", count=1,
                                         after=tuple(first.next_key)))
    assert err.value.param == "cursor"


def test_export_is_every_match_in_order_up_to_the_cap(written):
    live = written.live()
    spec = SearchSpec(q="disarmament", unit="document", sort="date")
    whole = live.export(spec, 10)
    assert [m.record["key"] for m in whole.matches] == ["s1", "s2", "s3"]
    assert (whole.total, whole.partial) == (3, False)
    cut = live.export(spec, 2)
    assert len(list(cut.matches)) == 2 and cut.total == 3


def test_units_of_a_document(written):
    units = written.live().units_of("s2")
    assert {u["unit"] for u in units} == {"document", "passage", "quote"}
    assert written.live().units_of("nope") == []


def test_value_counts(written):
    live = written.live()
    assert live.value_counts("speaker", "document") == {
        "Andrei Gromyko": 1, "Henry Kissinger": 1, "Antony Blinken": 1}
    assert set(live.value_counts("speaker", None, {"country": ["USSR"]})) == {"Andrei Gromyko"}


def test_tokens_point_into_the_text(written):
    text = "Disarmament, and the treaty's peaceful uses."
    tokens = written.live().tokens(text)
    assert [text[t.start:t.end] for t in tokens if not t.stopped][:2] == ["Disarmament", "treaty's"]
    assert any(t.stopped for t in tokens)


def test_frequencies_count_units_of_a_kind_holding_a_term(written):
    live = written.live()
    term = {t.text: t for t in live.tokens("disarmament peaceful zebra")}
    counts = live.frequencies(list(term), "passage")
    # one paragraph of each speech has disarmament; peace/peaceful (one stem) in three
    assert counts == {term_text: n for term_text, n in zip(term, (3, 3, 0))}
    assert live.frequencies(list(term), "document")[next(iter(term))] == 3


def test_query_words(written):
    live = written.live()
    words = live.query_words('disarmament "outer space"', "document")
    assert len(words.exact) == 1 and len(words.exact[0]) == 2 and not words.phrases
    assert len(words.loose) == 1 and words.loose[0] in words.terms
    loose = live.query_words('disarmament "outer space"', "document", "loose")
    assert loose.phrases and len(loose.phrases[0]) == 2 and not loose.exact


def test_deleting_a_document_removes_all_its_units(written):
    write(written, rows=[], rebuild=False, delete=["s2"])
    live = written.live()
    assert live.unit_count("document") == 2
    assert live.units_of("s2") == []
    assert live.search(SearchSpec(q="gift", unit="quote")).total == 0


def test_a_cancelled_build_changes_nothing(written):
    version = written.live().version
    with written.build(rebuild=True, procs=1) as writer:
        writer.cancel()
    with written.build(rebuild=False, procs=1) as writer:
        writer.delete(["s1"])
        writer.cancel()
    live = written.live()
    assert live.version == version and live.unit_count("document") == 3


def test_one_build_at_a_time(written):
    with written.build(rebuild=False, procs=1) as writer:
        with pytest.raises(BuildInProgress):
            with written.build(rebuild=False, procs=1):
                pass
        writer.cancel()
    assert written.build_running() is False


def test_a_wildcard_that_expands_too_far_is_refused(written, make_engine):
    tight = make_engine(Limits(max_expansions=1))
    with pytest.raises(RequestError) as err:
        tight.live().search(SearchSpec(q="t*", unit="passage"))
    assert err.value.code == "too_many_expansions"
