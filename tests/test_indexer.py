"""dipsearch index: incremental updates, atomic rebuilds, bad input and crashes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from search.config import load_config
from search.service.indexing import build
from search.service.request import SearchRequest
from search.service.searching import SearchService
from search.engine.whoosh.store import BuildInProgress, IndexStore

from .conftest import ROOT, speeches, write_config


def search(config, q, unit="documents"):
    response = SearchService(config).search(SearchRequest(q=q, unit=unit, per_page=100))
    return response["total"], response["hits"]


def titles(config, q, unit="documents"):
    return {h["title"] for h in search(config, q, unit)[1]}


def test_seed_article_is_found_with_date_and_speakers(tmp_path, corpus):
    config = load_config(write_config(tmp_path, corpus))
    report = build(config)
    assert report.ok and report.added == 1
    total, hits = search(config, "hypersonic")
    assert total == 1
    assert hits[0]["date"].startswith("2022-01-07T18:02")
    assert hits[0]["date_precision"] == "minute"
    assert {s["name"] for s in hits[0]["speakers"]} >= {"Antony Blinken", "Lloyd Austin"}


def test_passages_point_at_the_paragraph_that_matched(tmp_path, corpus):
    config = load_config(write_config(tmp_path, corpus))
    build(config)
    total, hits = search(config, "hypersonic", unit="passages")
    assert total == 1 and "<mark>hypersonic</mark> weapons" in hits[0]["snippets"][0]
    assert hits[0]["id"].endswith("#p1")


def test_incremental_adds_updates_deletes_and_skips_unchanged(tmp_path, corpus):
    config = load_config(write_config(tmp_path, corpus))
    build(config)
    (corpus / "a.md").write_text("---\nid: a\ntitle: Alpha note\ndate: 2020-05-01\n---\n"
                                 "Ministers discussed glaciers.\n")
    report = build(config)
    assert (report.added, report.updated, report.deleted, report.unchanged_files) == (1, 0, 0, 1)
    assert titles(config, "glaciers") == {"Alpha note"}

    (corpus / "a.md").write_text("---\nid: a\ntitle: Alpha note revised\ndate: 2020-05-01\n---\n"
                                 "Ministers discussed deserts.\n")
    report = build(config)
    assert (report.added, report.updated, report.deleted) == (0, 1, 0)
    assert titles(config, "glaciers") == set()
    assert titles(config, "deserts") == {"Alpha note revised"}

    (corpus / "a.md").unlink()
    report = build(config)
    assert (report.added, report.updated, report.deleted) == (0, 0, 1)
    assert titles(config, "deserts") == set()
    assert titles(config, "hypersonic")


def test_unchanged_corpus_writes_nothing(tmp_path, corpus):
    config = load_config(write_config(tmp_path, corpus))
    first = build(config)
    again = build(config)
    assert again.version == first.version
    assert (again.added, again.updated, again.deleted, again.units) == (0, 0, 0, 0)


def test_rebuild_publishes_a_new_version_and_keeps_the_old_one_readable(tmp_path, corpus):
    config = load_config(write_config(tmp_path, corpus, keep_versions=2))
    store = IndexStore(config.index_dir)
    first = build(config).version
    second = build(config, rebuild=True).version
    assert second != first and store.current_name() == second
    assert (store.versions / first).is_dir()
    third = build(config, rebuild=True).version
    assert sorted(p.name for p in store.versions.iterdir()) == [second, third]


def test_bad_input_is_reported_and_skipped_and_the_rest_indexed(tmp_path, corpus):
    (corpus / "bad.jsonl").write_text(
        '{"id": "ok1", "title": "Fine", "text": "Glaciers melt."}\n'
        "not json\n"
        '{"id": "nodate", "title": "Bad date", "text": "x", "date": "the other day"}\n'
        '{"id": "notext", "title": "No text"}\n'
        '{"id": "ok1", "title": "Duplicate", "text": "Deserts grow."}\n')
    (corpus / "latin1.txt").write_bytes("Titre\nCaf\xe9 cr\xe8me\n".encode("latin-1"))
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (corpus / "huge.md").write_text("---\ntitle: Huge\n---\n" + "word " * 2000)
    config = load_config(write_config(tmp_path, corpus))
    config.values["corpus"]["max_document_chars"] = 5000
    report = build(config)
    messages = [str(p) for p in report.problems]
    assert not report.ok
    assert any(m.startswith("bad.jsonl:2:") and "JSON" in m for m in messages)
    assert any(m.startswith("bad.jsonl:3:") and "date" in m for m in messages)
    assert any(m.startswith("bad.jsonl:4:") and "text" in m for m in messages)
    assert any(m.startswith("bad.jsonl:5:") and "duplicate id 'ok1'" in m for m in messages)
    assert any(m.startswith("latin1.txt:2:") for m in messages)
    assert any(m.startswith("empty.txt:") for m in messages)
    assert any(m.startswith("binary.txt:") for m in messages)
    assert any(m.startswith("huge.md:") and "5,000" in m for m in messages)
    assert report.added == 2  # the seed article and ok1
    assert titles(config, "glaciers") == {"Fine"}
    assert titles(config, "deserts") == set()


def test_cli_exit_code_and_file_line_messages(tmp_path, corpus):
    (corpus / "bad.jsonl").write_text('{"id": "x", "text": "fine"}\n{broken\n')
    config = write_config(tmp_path, corpus)
    run = subprocess.run([sys.executable, "-m", "search.cli", "--config", str(config), "index"],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1
    assert "bad.jsonl:2:" in run.stderr
    assert "added 2" in run.stdout and "skipped 1" in run.stdout
    ok = subprocess.run([sys.executable, "-m", "search.cli", "--config", str(config), "search",
                         "hypersonic"], capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0 and "2022-01-07" in ok.stdout


def test_one_build_at_a_time(tmp_path, corpus):
    config = load_config(write_config(tmp_path, corpus))
    store = IndexStore(config.index_dir)
    with store.build_lock():
        with pytest.raises(BuildInProgress):
            build(config)


def _start_big_build(tmp_path: Path, config: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "search.cli", "--config", str(config),
                             "index", "--quiet", *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("rebuild", [True, False], ids=["rebuild", "incremental"])
def test_sigkill_mid_build_leaves_live_index_answering_and_next_run_recovers(
        tmp_path, corpus, rebuild):
    config_path = write_config(tmp_path, corpus)
    config = load_config(config_path)
    build(config)
    live = IndexStore(config.index_dir).current_name()
    (corpus / "big.jsonl").write_text(speeches(400))
    versions = config.index_dir / "versions"
    before = set(versions.iterdir())
    proc = _start_big_build(tmp_path, config_path, *(["--rebuild"] if rebuild else []))
    if rebuild:
        assert _wait_for(lambda: set(versions.iterdir()) - before), "no new version started"
    time.sleep(1.5)  # well into writing: the 400 speeches take several seconds
    assert proc.poll() is None, "the build finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    assert IndexStore(config.index_dir).current_name() == live
    assert titles(config, "hypersonic")
    assert not titles(config, "delegation")

    report = build(config)
    assert report.ok
    assert titles(config, "delegation")
    assert titles(config, "hypersonic")
    assert IndexStore(config.index_dir).current_name() in {p.name for p in versions.iterdir()}
    assert len(list(versions.iterdir())) <= 2, "the abandoned build was not cleaned up"


def _answers(config) -> list:
    """What searches over an index answer, independent of document numbers.

    Scores are left out: the synthetic speeches tie, and which of the tied
    documents get the proximity re-rank depends on their order in the index.
    """
    service = SearchService(config)
    out = []
    for q, unit in [("delegation", "documents"), ('"rules-based order"', "documents"),
                    ('"speech 16"', "passages"), ("hypersonic", "documents"),
                    ("Blinken", "quotes"), ("country 3 disarmament", "documents")]:
        response = service.search(SearchRequest(q=q, unit=unit, per_page=100,
                                                facets=["speaker", "country", "year"]))
        assert response["total"] <= 100  # every hit, whatever the order of equal scores
        hits = sorted((h["id"], h.get("passage"), tuple(h["snippets"])) for h in response["hits"])
        out.append((q, response["total"], hits, response["facets"], response["histogram"]))
    out.append(service.document("S7"))
    return out


@pytest.mark.parametrize("procs,limitmb", [(2, 256), (1, 1)], ids=["2-processes", "1MB-segments"])
def test_segments_split_by_processes_or_memory_answer_like_one(tmp_path, corpus, procs, limitmb):
    """Worker processes and memory roll-over write several segments; searches cannot tell."""
    (corpus / "speeches.jsonl").write_text(speeches(60))
    (tmp_path / "one").mkdir()
    (tmp_path / "split").mkdir()
    one = load_config(write_config(tmp_path / "one", corpus))
    split = load_config(write_config(tmp_path / "split", corpus, procs=procs, limitmb=limitmb))
    assert build(one).units == build(split).units
    _, ix = IndexStore(split.index_dir).open()
    assert len(ix._segments()) >= 2, "the work was not split"
    assert _answers(split) == _answers(one)


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's exit is reaped by whoever adopted it, if anyone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_sigkill_of_a_two_process_build_takes_its_workers_down(tmp_path, corpus):
    config_path = write_config(tmp_path, corpus, procs=2)
    config = load_config(config_path)
    build(config)
    (corpus / "big.jsonl").write_text(speeches(400))
    proc = _start_big_build(tmp_path, config_path, "--rebuild")
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    assert _wait_for(lambda: len(children.read_text().split()) >= 2), "no workers started"
    workers = [int(pid) for pid in children.read_text().split()]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _wait_for(lambda: not any(_running(w) for w in workers), 10), \
        "a worker outlived the build"
    report = build(config)
    assert report.ok and titles(config, "delegation") and titles(config, "hypersonic")


def test_a_failing_worker_fails_the_build_with_its_report_instead_of_hanging(tmp_path):
    from search.ingest.document import Document
    from search.ingest.speakers import SpeakerRegistry
    from search.ingest.units import prepare
    from search.engine.whoosh.writer import _Workers

    doc = Document(id="x", title="X", paragraphs=["Nuclear disarmament now."] * 40)
    prepared = prepare(doc, SpeakerRegistry())
    signal.alarm(120)  # a hang fails the test instead of the whole run
    workers = _Workers(str(tmp_path / "no-index-here"), 2, 16, True)
    try:
        with pytest.raises(RuntimeError, match="indexing worker failed"):
            for _ in range(2000):
                workers.add(prepared)
            workers.finish()
    finally:
        workers.cancel()
        signal.alarm(0)


def test_facets_after_an_incremental_commit_without_facet_values(tmp_path, corpus):
    """A new segment whose documents have no source has no source column at all."""
    (corpus / "speeches.jsonl").write_text(speeches(3))
    config = load_config(write_config(tmp_path, corpus))
    build(config)
    (corpus / "note.md").write_text("---\ntitle: Plain note\n---\nA note about disarmament.\n")
    assert build(config).added == 1
    response = SearchService(config).search(SearchRequest(
        q="disarmament", facets=["speaker", "country", "type", "source", "year"]))
    assert response["total"] == 4
    assert response["facets"]["source"]["values"] == []
    assert sum(v["count"] for v in response["facets"]["type"]["values"]) == 4


def _dipsearch(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "search.cli", *args], cwd=ROOT,
                          capture_output=True, text=True)


def test_config_is_taken_before_or_after_the_subcommand(tmp_path, corpus):
    config = str(write_config(tmp_path, corpus))
    after = _dipsearch("index", "--config", config, "--quiet")
    assert after.returncode == 0, after.stderr
    before = _dipsearch("--config", config, "search", "hypersonic")
    again = _dipsearch("search", "hypersonic", "--config", config)
    assert before.returncode == again.returncode == 0
    assert before.stdout.splitlines()[1:] == again.stdout.splitlines()[1:]


@pytest.mark.parametrize("text, line, reason", [
    ("speakers:\n  - name: A B\n  - roles: []\n", 3, "every speaker needs a 'name'"),
    ("speakers:\n  - name: A B\n    roles:\n      - title: Minister\n        from: 1957\n"
     "  - name: C D\n", 2, "a role date must look like"),
    ("speakers:\n  - name: [A B\n", 3, "not valid YAML"),
    ("speakers:\n  - name: A B\n    roles:\n      - from: 1957-01-01\n", 2, "missing 'title'"),
])
def test_a_bad_speakers_file_is_reported_with_its_line(tmp_path, corpus, text, line, reason):
    speakers = tmp_path / "speakers.yaml"
    speakers.write_text(text)
    config = write_config(tmp_path, corpus)
    config.write_text(config.read_text().replace(str(ROOT / "corpus" / "speakers.yaml"),
                                                 str(speakers)))
    done = _dipsearch("--config", str(config), "index", "--quiet")
    assert done.returncode == 2
    assert f"speakers.yaml:{line}: {reason}" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_the_commit_is_its_own_step(tmp_path, corpus):
    from search.config import load_config
    from search.service.indexing import build

    steps = []
    build(load_config(write_config(tmp_path, corpus)), progress=lambda total: steps.append,
          stage=lambda name: steps.append(name))
    assert steps[-1] == "committing" and steps[0] == 1


def test_check_reports_missing_stale_and_orphan_files(tmp_path, corpus):
    from search.config import load_config
    from search.service.indexing import build, check

    (corpus / "a.jsonl").write_text(speeches(2))
    (corpus / "b.jsonl").write_text(speeches(2, start=5))
    config = load_config(write_config(tmp_path, corpus))
    build(config)
    assert check(config) == []
    (corpus / "a.jsonl").write_text(speeches(3))
    (corpus / "b.jsonl").unlink()
    (corpus / "c.jsonl").write_text(speeches(1, start=9))
    found = {(d.kind, d.file) for d in check(config)}
    assert found == {("stale", "a.jsonl"), ("orphan", "b.jsonl"), ("missing", "c.jsonl")}
    done = _dipsearch("--config", str(config.path), "index", "--check")
    assert done.returncode == 1 and "stale: a.jsonl" in done.stdout
    build(config)
    assert check(config) == []
