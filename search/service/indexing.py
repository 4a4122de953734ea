"""``dipsearch index``: corpus files -> readers -> prepared documents -> the engine.

Incremental by default: a file whose content hash is already in the index is
skipped, a changed file's units are replaced, a removed file's units deleted,
all in one engine commit (atomic for readers). ``rebuild`` writes a new
version beside the live one and publishes it only when complete.

The index itself records which file versions it holds (a record per file read,
with its key ``path@format:sha256``, written in the same commit as the file's
documents: ``Writer.record_file``), so there is no side manifest that a crash
could leave out of step with the index. What it holds is read from live units
only (``Holdings``): a deleted document's terms linger in the term lists, and
reading those made a removed-then-restored file look indexed.
The engine's format is part of the key: when a new version of this program
stores units differently, the next incremental run re-indexes every file.

Files are read in corpus order, and an id belongs to the first file that holds
it, exactly as in a rebuild: when a changed file takes an id from an unchanged
file later in that order, the later file is re-read too, and an unchanged file
that had lost an id to an earlier file is re-read when that file lets it go. So
any sequence of incremental runs leaves the index a fresh rebuild would.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import heapq
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from search.config import Config
from search.engine import open_engine
from search.engine.interface import Holdings, SegmentStats, Writer
from search.ingest.document import Problem
from search.ingest.people import Record
from search.ingest.readers import WEB_PAGES, is_supported, read_file
from search.ingest.speakers import SpeakerRegistry
from search.ingest.units import QuoteExtractor, extract_document_quotes, prepare, speaker_records

Progress = Callable[[int], None]
ProgressFactory = Callable[[int], Progress]
Stage = Callable[[str], None]


def _no_tick(n: int) -> None:
    """Progress sink for non-interactive runs."""


class NoSpace(OSError):
    """The disk filled up during a build; what the build wrote is gone, the live index serves."""


@dataclass
class IndexReport:
    """What a build did, for the CLI summary and the admin status page."""

    version: str = ""
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged_files: int = 0
    skipped: int = 0
    units: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    storage: SegmentStats | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class CorpusFile:
    """A file of the corpus: where it is, the root its documents' paths are relative to
    (their ids may derive from it), and its name in the index and in messages: relative
    to the corpus root (the folder holding every corpus path), so two
    ``statements.jsonl`` in different folders are told apart."""

    path: Path
    root: Path
    name: str


def corpus_files(paths: Iterable[Path]) -> tuple[list[CorpusFile], list[Problem]]:
    """Every supported file under the configured paths, in corpus order."""
    paths = list(paths)
    base = corpus_root(paths)
    found: list[CorpusFile] = []
    problems: list[Problem] = []
    for root in paths:
        if root.is_file():
            found.append(CorpusFile(root, root.parent, _name(root, base)))
        elif root.is_dir():
            found.extend(CorpusFile(p, root, _name(p, base)) for p in sorted(root.rglob("*"))
                         if p.is_file() and is_supported(p)
                         and not any(part.startswith(".") for part in p.relative_to(root).parts))
        else:
            problems.append(Problem(_name(root, base), 0, "corpus path does not exist"))
    return found, problems


def corpus_root(paths: list[Path]) -> Path:
    """The folder every corpus path lies in (a lone folder: itself)."""
    folders = [str(p if p.is_dir() else p.parent) for p in paths]
    return Path(os.path.commonpath(folders)) if folders else Path("/")


def _name(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def estimate_documents(files: list[CorpusFile]) -> int:
    """Documents to expect, for the progress bar's ETA: JSON Lines count their lines."""
    total = 0
    for corpus_file in files:
        path = corpus_file.path
        if ".jsonl" in path.name or path.suffix == ".ndjson":
            opener = gzip.open if path.suffix == ".gz" else open
            try:
                with opener(path, "rb") as handle:
                    total += sum(1 for _ in handle)
            except OSError:
                total += 1
        else:
            total += 1
    return total


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_key(corpus_file: CorpusFile, index_format: int) -> str:
    """What identifies one version of one file in the index."""
    return f"{corpus_file.name}@{index_format}:{file_hash(corpus_file.path)}"


@dataclass(order=True)
class _FilePlan:
    order: int
    file: CorpusFile = field(compare=False)
    key: str = field(compare=False)
    old_ids: set[str] = field(compare=False)


class _Plan:
    """Which files to read, in corpus order, and which ids unchanged files keep.

    Ids of changed and removed files are released before anything is read, so
    a document that moved from one file to another keeps its id. An unchanged
    file that lost an id to an earlier file (``Holdings.rejected_by_file``) is
    read again when that id is let go, so it gets the id back, as in a rebuild.
    """

    def __init__(self, files: list[CorpusFile], existing: Holdings, index_format: int) -> None:
        self.order = {f.name: i for i, f in enumerate(files)}
        self.todo: list[_FilePlan] = []
        self.unchanged: dict[str, _FilePlan] = {}
        for i, corpus_file in enumerate(files):
            key = file_key(corpus_file, index_format)
            plan = _FilePlan(i, corpus_file, key, existing.docs_by_file.get(corpus_file.name, set()))
            if key in existing.file_keys:
                self.unchanged[corpus_file.name] = plan
            else:
                self.todo.append(plan)
        held = set(existing.docs_by_file) | set(existing.rejected_by_file)
        self.removed = {name: existing.docs_by_file.get(name, set())
                        for name in sorted(held) if name not in self.order}
        self.rejected = existing.rejected_by_file
        # id -> the unchanged file holding it
        self.taken = {doc_id: name for name in self.unchanged
                      for doc_id in existing.docs_by_file.get(name, set())}
        heapq.heapify(self.todo)
        self.release(set().union(*self.removed.values()))

    def next(self) -> _FilePlan | None:
        return heapq.heappop(self.todo) if self.todo else None

    def claim(self, doc_id: str, plan: _FilePlan) -> str | None:
        """Whether ``plan``'s file may hold ``doc_id``: None if so, else who holds it.

        An unchanged file later in corpus order gives the id up and is read
        again (after this one, so it then reports the id as a duplicate).
        """
        holder = self.taken.get(doc_id)
        if holder is None or holder == plan.file.name:
            self.taken[doc_id] = plan.file.name
            return None
        later = self.unchanged.get(holder)
        if later is None or later.order < plan.order:
            return holder
        self._read_again(holder)
        self.taken[doc_id] = plan.file.name
        return None

    def release(self, ids: set[str]) -> None:
        """Ids a file let go: unchanged files that had lost them to it are read again."""
        if ids:
            for name in [n for n in self.unchanged if self.rejected.get(n, set()) & ids]:
                self._read_again(name)

    def _read_again(self, name: str) -> None:
        plan = self.unchanged.pop(name)
        for released in plan.old_ids:
            if self.taken.get(released) == name:
                del self.taken[released]
        heapq.heappush(self.todo, plan)


def build(config: Config, *, rebuild: bool = False, procs: int | None = None,
          progress: ProgressFactory | None = None, stage: Stage | None = None,
          on_locked: Callable[[], None] | None = None,
          on_finished: Callable[[IndexReport], None] | None = None) -> IndexReport:
    """Bring the index up to date with the corpus; see the module docstring.

    ``on_locked`` runs as soon as this build holds the build lock: from then on
    it is the one build, so it may report status (a refused build never does).
    ``stage`` is told when the build moves on to a step with no document count
    (``committing``). ``on_finished`` runs once the build is published, still
    holding the lock, so a status it writes is never older than the lock says.
    NoSpace when the disk fills up: everything the build wrote is removed.
    """
    started = time.monotonic()
    engine = open_engine(config)
    report = IndexReport()
    files, report.problems = corpus_files(config.corpus_paths)
    try:
        with engine.build(rebuild=rebuild, procs=procs or config.get("index", "procs")) as writer:
            if on_locked is not None:
                on_locked()
            report.version = writer.version
            _write(writer, engine.format, config, files, report, progress, stage)
            report.storage = writer.storage()
            report.seconds = time.monotonic() - started
            if on_finished is not None:
                on_finished(report)
    except OSError as exc:
        if exc.errno == errno.ENOSPC and not isinstance(exc, NoSpace):
            raise NoSpace(errno.ENOSPC, f"no space left on device while writing "
                                        f"{report.version or 'a new version'} in "
                                        f"{engine.root}") from exc
        raise
    return report


def _write(writer: Writer, index_format: int, config: Config, files: list[CorpusFile],
           report: IndexReport, progress: ProgressFactory | None, stage: Stage | None) -> None:
    existing = writer.holdings()
    registry = SpeakerRegistry.load(config.speakers_path)
    plan = _Plan(files, existing, index_format)
    if plan.todo:
        registry.learn(_speaker_records(files, config), prefer=existing.speakers)
    registry.seed(existing.speakers)
    quotes = extract_document_quotes if config.get("index", "quotes") else None
    tick = progress(estimate_documents([p.file for p in plan.todo])) if progress else _no_tick
    while (item := plan.next()) is not None:
        writer.delete(item.old_ids)
        new_ids = _write_file(writer, item, plan, config, registry, quotes, report, tick)
        report.deleted += len(item.old_ids - new_ids)
        plan.release(item.old_ids - new_ids)
    report.unchanged_files = len(plan.unchanged)
    for name, ids in plan.removed.items():
        writer.delete(ids)
        writer.forget_file(name)
        report.deleted += len(ids)
    if stage is not None:
        stage("committing")
    writer.commit()
    report.units = writer.units


def _speaker_records(files: list[CorpusFile], config: Config) -> list[Record]:
    """Every record's speaker, country and year, from the whole corpus (changed or not): who
    is one person depends on all the spellings (search.ingest.people). Web pages are not read
    again: they name no speaker of their own, and extracting them is the slow part."""
    max_chars = config.get("corpus", "max_document_chars")
    return [record for file in files if not file.path.name.lower().endswith(WEB_PAGES)
            for doc in read_file(file.path, root=file.root, max_chars=max_chars)
            if not isinstance(doc, Problem) for record in speaker_records(doc)]


def _write_file(writer: Writer, item: _FilePlan, plan: _Plan, config: Config,
                registry: SpeakerRegistry, quotes: QuoteExtractor | None, report: IndexReport,
                tick: Progress) -> set[str]:
    """Index one file's documents and record the file; returns the ids it now holds."""
    new_ids: set[str] = set()
    rejected: set[str] = set()  # ids an earlier file holds
    max_chars = config.get("corpus", "max_document_chars")
    name = item.file.name
    for doc in read_file(item.file.path, root=item.file.root, max_chars=max_chars):
        tick(1)
        if isinstance(doc, Problem):
            report.problems.append(Problem(name, doc.line, doc.reason))
            report.skipped += 1
            continue
        holder = plan.claim(doc.id, item) if doc.id not in new_ids else name
        if holder is not None:
            if holder != name:
                rejected.add(doc.id)
            report.problems.append(Problem(name, doc.line,
                                           f"duplicate id {doc.id!r} (also in {holder})"))
            report.skipped += 1
            continue
        new_ids.add(doc.id)
        writer.add(prepare(doc, registry, quotes, file=name))
        if doc.id in item.old_ids:
            report.updated += 1
        else:
            report.added += 1
    writer.record_file(name, item.key, rejected)
    return new_ids


@dataclass
class Difference:
    """One way the index differs from the corpus, found by ``check``."""

    kind: str    # missing, stale, orphan, duplicate or incomplete
    file: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.file}: {self.detail}"


CHECK_FILE = "last-check.json"


def check(config: Config) -> list[Difference]:
    """Compare the live index with the corpus, writing nothing to the index.

    ``missing``: a corpus file with documents that the index does not hold;
    ``stale``: the index holds another version of a corpus file; ``orphan``:
    documents of a file no longer in the corpus; ``duplicate``: a document
    held more than once; ``incomplete``: a document missing units or holding
    extra ones. IndexMissing when there is no index.
    """
    engine = open_engine(config)
    live = engine.live()
    held = live.holdings(units=True)
    files, _ = corpus_files(config.corpus_paths)
    keys: dict[str, set[str]] = {}
    for key in held.file_keys:
        keys.setdefault(key.rpartition("@")[0], set()).add(key)
    file_of = {doc_id: name for name, ids in held.docs_by_file.items() for doc_id in ids}
    out: list[Difference] = []
    for corpus_file in files:
        key = file_key(corpus_file, engine.format)
        others = keys.get(corpus_file.name, set()) - {key}
        if others or (key not in keys.get(corpus_file.name, set())
                      and corpus_file.name in held.docs_by_file):
            out.append(Difference("stale", corpus_file.name,
                                  "the index holds another version of this file"))
        elif key not in keys.get(corpus_file.name, set()):
            absent = _document_ids(corpus_file, config) - file_of.keys()
            if absent:
                out.append(Difference("missing", corpus_file.name,
                                      f"{len(absent)} documents not in the index, e.g. "
                                      f"{sorted(absent)[0]!r}"))
    names = {f.name for f in files}
    out += [Difference("orphan", name, f"{len(ids)} documents of a file not in the corpus")
            for name, ids in sorted(held.docs_by_file.items()) if name not in names]
    out += [Difference("missing", name, f"{len(ids - file_of.keys())} documents another file "
                                        f"held and let go, e.g. {sorted(ids - file_of.keys())[0]!r}")
            for name, ids in sorted(held.rejected_by_file.items()) if ids - file_of.keys()]
    out += [Difference("duplicate", file_of.get(doc_id, "?"), f"{doc_id!r} held {n} times")
            for doc_id, n in sorted(held.copies.items())]
    out += [Difference("incomplete", file_of.get(doc_id, "?"),
                       f"{doc_id!r} has {found} units, {expected} expected")
            for doc_id, (expected, found) in sorted(held.incomplete.items())]
    return out


def _document_ids(corpus_file: CorpusFile, config: Config) -> set[str]:
    """The ids of a file's documents (a file of bad lines only has none, and is not held)."""
    max_chars = config.get("corpus", "max_document_chars")
    return {item.id for item in read_file(corpus_file.path, root=corpus_file.root,
                                          max_chars=max_chars) if not isinstance(item, Problem)}
