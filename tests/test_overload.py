"""Load shedding: budgets shared by every worker, and slots for expensive requests."""

from __future__ import annotations

import json

import pytest

from search.service.cost import is_expensive
from web.load import SharedBudgets, Slots


def test_budget_window_starts_at_the_first_request_and_ends_a_minute_later(tmp_path):
    now = [1000.0]
    budgets = SharedBudgets(tmp_path / "b.sqlite", clock=lambda: now[0])
    assert budgets.retry_after("a", "all", 2) is None
    now[0] += 30
    assert budgets.retry_after("a", "all", 2) is None
    assert budgets.retry_after("a", "all", 2) == 30
    assert budgets.retry_after("b", "all", 2) is None
    assert budgets.retry_after("a", "expensive", 1) is None, "buckets are counted apart"
    now[0] += 29.5
    assert budgets.retry_after("a", "all", 2) == 1
    now[0] += 0.5
    assert budgets.retry_after("a", "all", 2) is None


def test_budgets_are_shared_between_processes(tmp_path):
    """Two limiters over one file stand in for two workers: the count is one."""
    first, second = SharedBudgets(tmp_path / "b.sqlite"), SharedBudgets(tmp_path / "b.sqlite")
    assert first.retry_after("a", "all", 2) is None
    assert second.retry_after("a", "all", 2) is None
    assert first.retry_after("a", "all", 2) is not None
    assert second.retry_after("a", "all", 2) is not None


def test_slots_are_taken_once_and_given_back(tmp_path):
    slots, other = Slots(tmp_path, 2), Slots(tmp_path, 2)
    a, b = slots.take(), other.take()
    assert a is not None and b is not None
    assert slots.take() is None and other.take() is None
    Slots.give_back(a)
    assert other.take() is not None


@pytest.mark.parametrize("path, args, expensive", [
    ("/api/export.csv", {}, True),
    ("/api/search", {"q": ["nucl*"]}, True),
    ("/api/search", {"q": ["year:[1990 TO 2000]"]}, True),
    ("/api/search", {"q": ["disarmament"], "unit": ["passages"]}, False),
    ("/api/search", {"q": [""], "unit": ["passages"]}, True),
    ("/api/search", {"q": ['"what? now"']}, False),
    ("/api/search", {"q": ["x"], "page": ["200"], "per_page": ["10"]}, True),
    ("/api/search", {"q": ["x"], "facet_size": ["1000"]}, True),
    ("/", {"q": ["nucl*"]}, True),
    ("/api/documents/x", {"q": ["nucl*"]}, False),
    ("/api/concordance", {"q": ['"cold war"']}, False),
    ("/concordance", {"q": ['"cold war"'], "sort": ["-date"]}, False),
    ("/concordance", {"q": ['"cold war"'], "sort": ["left"]}, True),
    ("/api/concordance", {"q": ['"cold war"'], "format": ["csv"]}, True),
])
def test_what_is_expensive(path, args, expensive):
    assert is_expensive(path, args) is expensive


def test_expensive_requests_past_the_slots_get_503_fast(tmp_path, corpus, monkeypatch):
    from web import create_app

    from .conftest import write_config
    from search.config import load_config
    from search.service.indexing import build

    config = load_config(write_config(tmp_path, corpus))
    build(config)
    app = create_app(config)
    app.extensions["workers"] = 2  # one slot for expensive requests
    held = Slots(config.index_dir / "slots", 1).take()  # another worker runs one
    client = app.test_client()
    busy = client.get("/api/export.jsonl?q=defence")
    assert busy.status_code == 503 and busy.headers["Retry-After"]
    assert busy.json["error"]["code"] == "busy"
    assert client.get("/api/search?q=defence").status_code == 200, "cheap searches still run"
    Slots.give_back(held)
    done = client.get("/api/export.jsonl?q=defence")
    assert done.status_code == 200 and json.loads(done.get_data(as_text=True).splitlines()[0])
    done.close()  # what a server does once the body is sent: the slot goes back
    again = client.get("/api/export.jsonl?q=defence")
    assert again.status_code == 200, "the slot came back"
    again.close()


def test_a_query_that_matches_every_unit_is_costed_as_such(tmp_path, corpus):
    from search.config import load_config
    from search.service import SearchService
    from search.service.indexing import build

    from .conftest import write_config

    config = load_config(write_config(tmp_path, corpus))
    build(config)
    live = SearchService(config).live()
    everything = live.unit_count("passage")
    assert live.cost("NOT zzzz", "passage") >= everything
    assert live.cost("hypersonic OR NOT zzzz", "passage") >= everything
    assert live.cost("*", "passage") >= everything
    assert live.cost("hypersonic NOT zzzz", "passage") < everything


def test_a_budget_store_that_cannot_be_written_lets_requests_through(tmp_path, corpus):
    from web import create_app

    from .conftest import write_config
    from search.config import load_config
    from search.service.indexing import build

    config = load_config(write_config(tmp_path, corpus))
    build(config)
    (config.index_dir / "budgets.sqlite").mkdir()  # not a database: every write fails
    client = create_app(config).test_client()
    assert client.get("/api/search?q=defence").status_code == 200
    assert client.get("/?q=defence").status_code == 200
