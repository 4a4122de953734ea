"""``dipsearch index``: corpus files -> readers -> prepared documents -> the engine.

Incremental by default: a file whose content hash is already in the index is
skipped, a changed file's units are replaced, a removed file's units deleted,
all in one engine commit (atomic for readers). ``rebuild`` writes a new
version beside the live one and publishes it only when complete.

The index itself records which file versions it holds (the ``file_key`` term
is ``path@format:sha256``), so there is no side manifest that a crash could
leave out of step with the index. ``INDEX_FORMAT`` is part of the key: when a
new version of this program stores units differently, the next incremental
run re-indexes every file instead of mixing the two forms.
"""

from __future__ import annotations

import gzip
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from search.config import Config
from search.engine import open_engine
from search.engine.interface import Holdings, Writer
from search.ingest.document import Problem
from search.ingest.readers import is_supported, read_file
from search.ingest.speakers import SpeakerRegistry
from search.ingest.units import QuoteExtractor, extract_document_quotes, prepare

Progress = Callable[[int], None]
ProgressFactory = Callable[[int], Progress]


def _no_tick(n: int) -> None:
    """Progress sink for non-interactive runs."""


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

    @property
    def ok(self) -> bool:
        return not self.problems


def corpus_files(paths: Iterable[Path]) -> tuple[list[tuple[Path, Path]], list[Problem]]:
    """(file, root) pairs of every supported file under the configured paths."""
    found: list[tuple[Path, Path]] = []
    problems: list[Problem] = []
    for root in paths:
        if root.is_file():
            found.append((root, root.parent))
        elif root.is_dir():
            found.extend((p, root) for p in sorted(root.rglob("*"))
                         if p.is_file() and is_supported(p)
                         and not any(part.startswith(".") for part in p.relative_to(root).parts))
        else:
            problems.append(Problem(str(root), 0, "corpus path does not exist"))
    return found, problems


def estimate_documents(files: list[tuple[Path, Path]]) -> int:
    """Documents to expect, for the progress bar's ETA: JSON Lines count their lines."""
    total = 0
    for path, _ in files:
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


@dataclass
class _FilePlan:
    path: Path
    root: Path
    rel: str
    key: str
    old_ids: set[str]


def _plan(files: list[tuple[Path, Path]], existing: Holdings, index_format: int
          ) -> tuple[list[_FilePlan], dict[str, set[str]], dict[str, str]]:
    """Files to (re)read, files removed since the last build, and ids still taken.

    Ids of changed and removed files are released before anything is read,
    so a document that moved from one file to another keeps its id.
    """
    todo: list[_FilePlan] = []
    current: set[str] = set()
    for path, root in files:
        rel = path.relative_to(root).as_posix()
        current.add(rel)
        key = f"{rel}@{index_format}:{file_hash(path)}"
        if key not in existing.file_keys:
            todo.append(_FilePlan(path, root, rel, key, existing.docs_by_file.get(rel, set())))
    changed = {plan.rel for plan in todo}
    removed = {rel: ids for rel, ids in existing.docs_by_file.items() if rel not in current}
    taken = {doc_id: rel for rel, ids in existing.docs_by_file.items()
             if rel not in changed and rel not in removed for doc_id in ids}
    return todo, removed, taken


def build(config: Config, *, rebuild: bool = False, procs: int | None = None,
          progress: ProgressFactory | None = None,
          on_locked: Callable[[], None] | None = None,
          on_finished: Callable[[IndexReport], None] | None = None) -> IndexReport:
    """Bring the index up to date with the corpus; see the module docstring.

    ``on_locked`` runs as soon as this build holds the build lock: from then on
    it is the one build, so it may report status (a refused build never does).
    ``on_finished`` runs once the build is published, still holding the lock,
    so a status it writes is never older than the lock says.
    """
    started = time.monotonic()
    engine = open_engine(config)
    report = IndexReport()
    files, report.problems = corpus_files(config.corpus_paths)
    with engine.build(rebuild=rebuild, procs=procs or config.get("index", "procs")) as writer:
        if on_locked is not None:
            on_locked()
        report.version = writer.version
        _write(writer, engine.format, config, files, report, progress)
        report.seconds = time.monotonic() - started
        if on_finished is not None:
            on_finished(report)
    return report


def _write(writer: Writer, index_format: int, config: Config, files: list[tuple[Path, Path]],
           report: IndexReport, progress: ProgressFactory | None) -> None:
    existing = writer.holdings()
    registry = SpeakerRegistry.load(config.speakers_path)
    registry.seed(existing.speakers)
    quotes = extract_document_quotes if config.get("index", "quotes") else None
    todo, removed, taken = _plan(files, existing, index_format)
    report.unchanged_files = len(files) - len(todo)
    tick = progress(estimate_documents([(p.path, p.root) for p in todo])) if progress else _no_tick
    for plan in todo:
        writer.delete(plan.old_ids)
        new_ids = _write_file(writer, plan, config, registry, quotes, taken, report, tick)
        report.deleted += len(plan.old_ids - new_ids)
    for ids in removed.values():
        writer.delete(ids)
        report.deleted += len(ids)
    writer.commit()
    report.units = writer.units


def _write_file(writer: Writer, plan: _FilePlan, config: Config, registry: SpeakerRegistry,
                quotes: QuoteExtractor | None, taken: dict[str, str], report: IndexReport,
                tick: Progress) -> set[str]:
    """Index one file's documents; returns the ids it now holds."""
    new_ids: set[str] = set()
    max_chars = config.get("corpus", "max_document_chars")
    for item in read_file(plan.path, root=plan.root, max_chars=max_chars):
        tick(1)
        if isinstance(item, Problem):
            report.problems.append(item)
            report.skipped += 1
            continue
        first = taken.get(item.id)
        if first is not None:
            report.problems.append(Problem(item.path, item.line,
                                           f"duplicate id {item.id!r} (first seen at {first})"))
            report.skipped += 1
            continue
        taken[item.id] = f"{item.path}:{item.line}"
        new_ids.add(item.id)
        writer.add(prepare(item, registry, plan.key, quotes))
        if item.id in plan.old_ids:
            report.updated += 1
        else:
            report.added += 1
    return new_ids
