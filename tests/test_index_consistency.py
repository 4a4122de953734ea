"""The index holds what the corpus holds, once, whatever sequence of changes led there.

A hypothesis state machine changes a small corpus folder at random (add, edit,
revert, delete, restore, rename, move a document's id to another file, add a
bad file, fix it), runs incremental builds (one process or two), and after
each build compares the live index with a fresh rebuild of the same corpus,
unit by unit and field by field. The examples it found are kept below as
plain regression tests.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from search.config import load_config
from search.engine import open_engine
from search.engine.whoosh.facets import FacetColumns
from search.fields import VALUE_FACETS
from search.service.indexing import build, check

from .conftest import ROOT

WORDS = ["disarmament", "ceasefire", "sanctions", "treaty", "sovereignty", "development",
         "climate", "refugees", "security", "dialogue"]
SPEAKERS = ["Andrei Gromyko", "Henry Kissinger", "Indira Gandhi", "Kofi Annan"]
COUNTRIES = ["Freedonia", "Sylvania", "Grand Fenwick"]
IDS = [f"d{i}" for i in range(8)]
EXAMPLES = int(os.environ.get("DIPSEARCH_STATEFUL_EXAMPLES", "12"))


def record(doc_id: str, seed: int) -> dict:
    """A small speech; ``seed`` varies its words, speaker and country."""
    words = [WORDS[(seed * 7 + k * 3) % len(WORDS)] for k in range(6)]
    return {"id": doc_id, "title": f"Statement {doc_id} {seed}", "year": 1990 + seed % 30,
            "speaker": SPEAKERS[seed % len(SPEAKERS)], "country": COUNTRIES[seed % 3],
            "type": "speech", "source": "fixture",
            "text": f'The delegate said: "We call for {words[0]} and {words[1]}." '
                    f"{' '.join(words)}.\n\nOn {words[2]}, the position is unchanged."}


def write_records(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def index_state(config_path: Path) -> dict:
    """Every live unit of the index: its stored fields and its facet values, by key."""
    live = open_engine(load_config(config_path)).live()
    searcher = live.searcher
    columns = FacetColumns(searcher)
    values = {name: columns.value_sets(name) for name in VALUE_FACETS}
    days = columns.days()
    state = {}
    for docnum in searcher.reader().all_doc_ids():
        fields = searcher.stored_fields(docnum)
        facets = {name: sets[per_doc[docnum]] for name, (per_doc, sets) in values.items()}
        key = fields["key"]
        assert key not in state, f"unit {key} is in the index twice"
        state[key] = (json.dumps(fields, sort_keys=True, default=str), facets, days[docnum])
    return state


def answers(config_path: Path) -> list:
    """What a few searches answer (totals, hits in order, facet counts)."""
    from search.service import SearchRequest, SearchService

    service = SearchService(load_config(config_path))
    out = []
    for q in ["", "disarmament", '"call for"', "treaty OR climate"]:
        for unit in ("documents", "passages", "quotes"):
            result = service.search(SearchRequest(q=q, unit=unit, per_page=50,
                                                  facets=["speaker", "country", "year"]))
            out.append((q, unit, result["total"], [h["id"] for h in result["hits"]],
                        result["facets"]))
    return out


class Corpus:
    """A corpus folder and the configs of its live index and of a fresh rebuild to compare."""

    def __init__(self, root: Path) -> None:
        self.folder = root / "corpus"
        self.stash = root / "stash"
        self.folder.mkdir(parents=True)
        self.stash.mkdir()
        self.live = self._config(root / "live.yaml", root / "index-live")
        self.fresh = self._config(root / "fresh.yaml", root / "index-fresh")

    def _config(self, path: Path, index: Path) -> Path:
        path.write_text(json.dumps({
            "corpus": {"paths": [str(self.folder)], "speakers": str(ROOT / "corpus" / "speakers.yaml")},
            "index": {"dir": str(index)}}))
        return path

    def index(self, procs: int = 1) -> None:
        build(load_config(self.live), procs=procs)

    def differences(self) -> list[str]:
        """How the live index differs from a fresh rebuild of the same corpus (empty: none)."""
        shutil.rmtree(self.fresh.parent / "index-fresh", ignore_errors=True)
        build(load_config(self.fresh), rebuild=True)
        live, fresh = index_state(self.live), index_state(self.fresh)
        out = [f"only in the live index: {k}" for k in sorted(live.keys() - fresh.keys())]
        out += [f"missing from the live index: {k}" for k in sorted(fresh.keys() - live.keys())]
        out += [f"differs: {k}: {live[k]} != {fresh[k]}" for k in sorted(live.keys() & fresh.keys())
                if live[k] != fresh[k]]
        if not out and answers(self.live) != answers(self.fresh):
            out.append("the same units answer searches differently")
        out += [str(d) for d in check(load_config(self.live))]
        return out


class IndexingSequences(RuleBasedStateMachine):
    """Random corpus changes and incremental builds; the index must equal a fresh rebuild."""

    def __init__(self) -> None:
        super().__init__()
        import tempfile

        self.tmp = Path(tempfile.mkdtemp(prefix="dipsearch-state-"))
        self.corpus = Corpus(self.tmp)
        self.files: dict[str, list[dict]] = {}   # what is in the corpus folder
        self.history: dict[str, list[dict]] = {}  # a file's content before its last edit
        self.stashed: dict[str, list[dict]] = {}
        self.bad: set[str] = set()
        self.counter = 0
        self.operations = self.runs = 0
        self.corpus.index()

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)
        log = os.environ.get("DIPSEARCH_STATEFUL_LOG")  # figures for a closing note
        if log:
            with open(log, "a", encoding="utf-8") as handle:
                handle.write(json.dumps({"operations": self.operations, "index_runs": self.runs})
                             + "\n")

    def _save(self, name: str, records: list[dict]) -> None:
        self.files[name] = records
        write_records(self.corpus.folder / name, records)

    @rule(ids=st.lists(st.sampled_from(IDS), min_size=1, max_size=3), seed=st.integers(0, 50))
    def add_file(self, ids, seed):
        self.counter += 1
        self._save(f"f{self.counter}.jsonl", [record(i, seed + n) for n, i in enumerate(ids)])

    def _filled(self) -> list[str]:
        return sorted(name for name, records in self.files.items() if records)

    @precondition(lambda self: self._filled())
    @rule(data=st.data(), seed=st.integers(0, 50))
    def edit_file(self, data, seed):
        name = data.draw(st.sampled_from(self._filled()))
        records = [dict(r) for r in self.files[name]]
        which = data.draw(st.integers(0, len(records) - 1))
        records[which] = record(records[which]["id"], seed)
        self.history[name] = self.files[name]
        self._save(name, records)

    @precondition(lambda self: self.history.keys() & self.files.keys())
    @rule(data=st.data())
    def revert_edit(self, data):
        name = data.draw(st.sampled_from(sorted(self.history.keys() & self.files.keys())))
        self._save(name, self.history.pop(name))

    @precondition(lambda self: self.files)
    @rule(data=st.data())
    def delete_file(self, data):
        name = data.draw(st.sampled_from(sorted(self.files)))
        shutil.move(self.corpus.folder / name, self.corpus.stash / name)
        self.stashed[name] = self.files.pop(name)

    @precondition(lambda self: self.stashed.keys() - self.files.keys())
    @rule(data=st.data())
    def restore_file(self, data):
        name = data.draw(st.sampled_from(sorted(self.stashed.keys() - self.files.keys())))
        shutil.move(self.corpus.stash / name, self.corpus.folder / name)
        self.files[name] = self.stashed.pop(name)

    @precondition(lambda self: self.files)
    @rule(data=st.data())
    def rename_file(self, data):
        name = data.draw(st.sampled_from(sorted(self.files)))
        self.counter += 1
        new = f"f{self.counter}.jsonl"
        (self.corpus.folder / name).rename(self.corpus.folder / new)
        self.files[new] = self.files.pop(name)

    @precondition(lambda self: self._filled() and len(self.files) >= 2)
    @rule(data=st.data())
    def move_id(self, data):
        source = data.draw(st.sampled_from(self._filled()))
        target = data.draw(st.sampled_from(sorted(set(self.files) - {source})))
        records = list(self.files[source])
        moved = records.pop(data.draw(st.integers(0, len(records) - 1)))
        self._save(source, records)
        self._save(target, [*self.files[target], moved])

    @rule(kind=st.sampled_from(["json", "utf8"]))
    def add_bad_file(self, kind):
        self.counter += 1
        name = f"bad{self.counter}.jsonl"
        body = b'{"id": "x", "title": ' if kind == "json" else b'{"id": "\xff\xfe"}\n'
        (self.corpus.folder / name).write_bytes(body)
        self.bad.add(name)

    @precondition(lambda self: self.bad)
    @rule(data=st.data(), seed=st.integers(0, 50))
    def fix_bad_file(self, data, seed):
        name = data.draw(st.sampled_from(sorted(self.bad)))
        self.bad.discard(name)
        self._save(name, [record(data.draw(st.sampled_from(IDS)), seed)])

    @invariant()
    def count(self):
        self.operations += 1

    @rule(procs=st.sampled_from([1, 1, 1, 2]))
    def index(self, procs):
        self.runs += 1
        self.corpus.index(procs)
        differences = self.corpus.differences()
        assert not differences, "\n".join(differences[:20])


TestIndexingSequences = IndexingSequences.TestCase
TestIndexingSequences.settings = settings(
    max_examples=EXAMPLES, stateful_step_count=10, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


# -- regression tests: sequences the machine (or the issue) found ---------------------------

@pytest.fixture
def small(tmp_path) -> Corpus:
    corpus = Corpus(tmp_path)
    write_records(corpus.folder / "a.jsonl", [record("d1", 1), record("d2", 2)])
    write_records(corpus.folder / "b.jsonl", [record("d3", 3)])
    corpus.index()
    return corpus


def test_a_file_moved_out_and_back_is_indexed_again(small):
    (small.folder / "a.jsonl").rename(small.stash / "a.jsonl")
    small.index()
    (small.stash / "a.jsonl").rename(small.folder / "a.jsonl")
    small.index()
    assert small.differences() == []
    assert {"d1", "d2", "d3"} <= {k for k in index_state(small.live)}


def test_an_edit_undone_and_redone_leaves_the_new_text(small):
    original = (small.folder / "a.jsonl").read_bytes()
    write_records(small.folder / "a.jsonl", [record("d1", 9), record("d2", 2)])
    small.index()
    (small.folder / "a.jsonl").write_bytes(original)
    small.index()
    write_records(small.folder / "a.jsonl", [record("d1", 9), record("d2", 2)])
    small.index()
    assert small.differences() == []


def test_an_id_taken_by_an_earlier_file_moves_there_as_in_a_rebuild(small):
    """A changed file that comes first in corpus order takes an id an unchanged later file
    held; the later file is read again and reports the id as a duplicate."""
    write_records(small.folder / "0.jsonl", [record("d3", 5)])
    small.index()
    assert small.differences() == []


def test_an_id_let_go_by_an_earlier_file_returns_to_the_later_one(small):
    """b.jsonl lost d3 to an earlier file; when that file goes, b.jsonl (unchanged) gets d3
    back, as a rebuild would give it (found in review: d3 was lost, and --check was silent)."""
    write_records(small.folder / "0.jsonl", [record("d3", 5)])
    small.index()
    (small.folder / "0.jsonl").unlink()
    small.index()
    assert small.differences() == []
    assert "d3" in index_state(small.live)


def test_a_bad_file_fixed_is_indexed(small):
    (small.folder / "c.jsonl").write_bytes(b'{"id": ')
    small.index()
    write_records(small.folder / "c.jsonl", [record("d5", 5)])
    small.index()
    assert small.differences() == []


def test_same_file_name_in_two_corpus_folders_are_two_files(tmp_path):
    """Problem lines and the index name files relative to the corpus root."""
    for sub, doc_id in (("a", "x1"), ("b", "x2")):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "statements.jsonl").write_text(
            json.dumps(record(doc_id, 1)) + "\nnot json\n")
    config = tmp_path / "config.yaml"
    config.write_text(json.dumps({"corpus": {"paths": [str(tmp_path / "a" / "statements.jsonl"),
                                                       str(tmp_path / "b" / "statements.jsonl")],
                                             "speakers": None},
                                  "index": {"dir": str(tmp_path / "index")}}))
    report = build(load_config(config))
    assert sorted(str(p) for p in report.problems) == [
        "a/statements.jsonl:2: not JSON (column 1): Expecting value",
        "b/statements.jsonl:2: not JSON (column 1): Expecting value"]
    (tmp_path / "b" / "statements.jsonl").write_text(json.dumps(record("x2", 2)) + "\n")
    build(load_config(config))
    assert check(load_config(config)) == []
    assert {k for k in index_state(config) if "#" not in k and ":" not in k} == {"x1", "x2"}


def test_ten_rounds_of_edits_keep_the_deleted_share_bounded(tmp_path):
    corpus = Corpus(tmp_path)
    for f in range(6):
        write_records(corpus.folder / f"f{f}.jsonl", [record(f"d{f}-{i}", i) for i in range(10)])
    corpus.index()
    for round_ in range(10):
        name = corpus.folder / f"f{round_ % 6}.jsonl"
        write_records(name, [record(f"d{round_ % 6}-{i}", i + round_ + 1) for i in range(10)])
        corpus.index()
    stored = open_engine(load_config(corpus.live)).live().storage()
    assert stored.deleted_share <= 0.25, stored
    assert corpus.differences() == []


# -- killed builds ------------------------------------------------------------------------

def _cli(config: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "search.cli", "--config", str(config), "index",
                             "--quiet", *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def test_sigkill_at_random_moments_of_incremental_runs(tmp_path):
    """A dozen incremental runs killed at random moments: the live index keeps answering,
    the next run succeeds, and the result equals a fresh rebuild."""
    import random

    rng = random.Random(13)
    corpus = Corpus(tmp_path)
    for f in range(4):
        write_records(corpus.folder / f"f{f}.jsonl", [record(f"d{f}-{i}", i) for i in range(25)])
    corpus.index()

    def change(round_: int) -> None:
        for f in rng.sample(range(4), 2):
            write_records(corpus.folder / f"f{f}.jsonl",
                          [record(f"d{f}-{i}", i + round_ + 1) for i in range(25)])

    change(100)  # one run left to finish says how long a run takes on this machine
    started = time.monotonic()
    _cli(corpus.live).wait()
    duration = time.monotonic() - started
    kills = 0
    for round_ in range(12):
        change(round_)
        proc = _cli(corpus.live, *(["--procs", "2"] if round_ % 3 == 0 else []))
        time.sleep(rng.uniform(0.05, 0.9) * duration)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
        assert index_state(corpus.live), "the live index stopped answering"
    assert kills >= 8, f"only {kills} of 12 runs were still going when killed"
    corpus.index()
    assert corpus.differences() == []


# -- a full disk ----------------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB tmpfs for the index (root only: skipped, saying so, where mounting is refused)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a small tmpfs to fill ({done.stderr.strip()})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.parametrize("procs", [1, 2])
def test_disk_full_is_reported_cleaned_up_and_recovered(tmp_path, small_disk, procs):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_records(corpus / "a.jsonl", [record(f"a{i}", i) for i in range(20)])
    config = tmp_path / "config.yaml"
    config.write_text(json.dumps({"corpus": {"paths": [str(corpus)], "speakers": None},
                                  "index": {"dir": str(small_disk / "index"), "procs": procs}}))
    build(load_config(config))
    before = index_state(config)
    versions = small_disk / "index" / "versions"
    files_before = _files(versions)
    import random

    rng = random.Random(28)  # words that do not compress: the index outgrows the 4 MB disk
    big = [dict(record(f"b{i}", i), text=" ".join(f"w{rng.getrandbits(48):x}" for _ in range(2000)))
           for i in range(60)]
    write_records(corpus / "big.jsonl", big)
    for args in ([], ["--rebuild"]):
        proc = subprocess.run([sys.executable, "-m", "search.cli", "index", "--config", str(config),
                               "--quiet", *args], cwd=ROOT, capture_output=True, text=True)
        assert proc.returncode == 1, proc.stderr
        assert "no space left on device while writing" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert index_state(config) == before, "the live index changed"
        assert _files(versions) == files_before, "the failed build left files behind"
    subprocess.run(["mount", "-o", "remount,size=256m", str(small_disk)], check=True)
    report = build(load_config(config))
    assert report.ok and report.added == 60
    assert check(load_config(config)) == []
