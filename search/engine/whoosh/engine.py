"""The Whoosh engine: versions on disk, the live snapshot, builds (see search.engine.interface)."""

from __future__ import annotations

import logging
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from whoosh import index as whoosh_index
from whoosh.index import clean_files

from search.engine.interface import BuildInProgress, Holdings, IndexMissing, Limits, SegmentStats
from search.engine.whoosh import mapped
from search.engine.whoosh.holdings import read_holdings, segment_stats
from search.engine.whoosh.schema import INDEX_FORMAT, build_schema
from search.engine.whoosh.scoring import FastBM25F
from search.engine.whoosh.snapshot import WhooshSnapshot
from search.engine.whoosh.store import IndexStore
from search.engine.whoosh.writer import Build

logger = logging.getLogger(__name__)
# How often a request may look for a newly published version: a stat of CURRENT and of the TOC.
RECHECK_SECONDS = 1.0


class WhooshEngine:
    """One index folder: ``versions/<stamp>`` Whoosh indexes, ``CURRENT`` names the live one."""

    format = INDEX_FORMAT

    def __init__(self, root: Path, *, analysis: dict, limits: Limits, limitmb: int = 384,
                 passages: bool = True, keep_versions: int = 2) -> None:
        self.root = Path(root)
        self.store = IndexStore(self.root)
        self.analysis = analysis
        self.limits = limits
        self.limitmb, self.passages, self.keep_versions = limitmb, passages, keep_versions
        self._lock = threading.Lock()
        self._live: WhooshSnapshot | None = None
        self._checked = 0.0
        mapped.install()

    # -- reading -------------------------------------------------------------

    def live(self) -> WhooshSnapshot:
        """The current version, reopened when a new version or commit is published."""
        with self._lock:
            now = time.monotonic()
            live = self._live
            if live is not None and now - self._checked < RECHECK_SECONDS:
                return live
            self._checked = now
            try:
                self._reopen(live)
            except Exception as exc:
                if live is None:
                    if isinstance(exc, IndexMissing):
                        raise
                    raise IndexMissing(f"the index cannot be opened ({type(exc).__name__}: "
                                       f"{exc}): rebuild it with 'dipsearch index --rebuild'"
                                       ) from exc
                logger.warning("index did not open, still answering from %s: %s",
                               live.version, exc)
            return self._live

    def _reopen(self, live: WhooshSnapshot | None) -> None:
        """Open the published version if it is not the one in use.

        A fresh searcher, not Searcher.refresh(): refresh marks the old searcher
        closed under any request still reading from it (the old one is left to
        the garbage collector). A damaged index fails in Whoosh with IndexError,
        TypeError, EOFError or OSError, some only when the searcher is made;
        ``live()`` then keeps the version it has (its segment files stay
        readable even once deleted).
        """
        name = self.store.current_name()
        if live is None or name != live.version or not live.searcher.up_to_date():
            _, ix = self.store.open()
            self._live = WhooshSnapshot(name, ix.searcher(weighting=FastBM25F()), self.limits,
                                        passages=self.passages)

    # -- writing -------------------------------------------------------------

    def build_running(self) -> bool:
        """Whether another process holds the build lock now."""
        try:
            with self.store.build_lock():
                return False
        except BuildInProgress:
            return True

    @contextmanager
    def build(self, *, rebuild: bool, procs: int) -> Iterator["WhooshWriter"]:
        """Hold the build lock and write a new version (``rebuild`` or none yet) or the live one.

        BuildInProgress when another build runs. What the block does not
        commit is cancelled; an unpublished new version is removed. A live version
        whose schema lacks a field of this program's (written by an older version) is
        not written into: the build is a rebuild, since Whoosh keeps an index's schema.
        """
        with self.store.build_lock():
            self.store.prune(self.keep_versions)
            live = self.store.current_name()
            schema = build_schema(self.analysis)
            ix = None
            if not rebuild and live is not None:
                version, ix = self.store.open()
                if set(schema.names()) - set(ix.schema.names()):
                    ix.close()
                    ix = None
            if ix is None:
                version, path = self.store.new_version()
                ix = whoosh_index.create_in(str(path), schema)
            writer = WhooshWriter(self, ix, version, fresh=version != live, procs=procs)
            try:
                yield writer
            except BaseException:
                writer.cancel()
                raise
            finally:
                if writer.fresh and not writer.published:
                    shutil.rmtree(self.store.versions / version, ignore_errors=True)


class WhooshWriter:
    """One build on one version (see the Writer protocol)."""

    def __init__(self, engine: WhooshEngine, ix, version: str, *, fresh: bool, procs: int) -> None:
        self.engine, self.ix, self.version, self.fresh = engine, ix, version, fresh
        self.published = False
        self.units = 0
        self._build = Build(ix, ix.storage.folder, procs, engine.limitmb, engine.passages)
        self._done = False

    def holdings(self) -> Holdings:
        """What the version held when this build began (nothing for a fresh one)."""
        if self.fresh:
            return Holdings()
        with self.ix.searcher() as searcher:
            return read_holdings(searcher)

    def storage(self) -> SegmentStats:
        with self.ix.reader() as reader:
            return segment_stats(reader)

    def delete(self, doc_ids: Iterable[str]) -> None:
        self._build.delete(doc_ids)

    def add(self, prepared) -> None:
        self._build.add(prepared)

    def record_file(self, name: str, key: str, rejected: set[str]) -> None:
        self._build.record_file(name, key, rejected)

    def forget_file(self, name: str) -> None:
        self._build.forget_file(name)

    def commit(self) -> None:
        self._build.commit()
        self._done = True
        self.units = self._build.units
        if self.fresh:
            self.engine.store.publish(self.version)
            self.published = True
            self.engine.store.prune(self.engine.keep_versions)

    def cancel(self) -> None:
        """Stop the build's writers and remove every file it wrote (a full disk is freed)."""
        if self._done:
            return
        self._done = True
        try:
            self._build.cancel()
        finally:
            if not self.fresh:  # a fresh version's whole folder goes (WhooshEngine.build)
                self._remove_unpublished()

    def _remove_unpublished(self) -> None:
        """Delete segment files the live table of contents does not name, and temporary files.

        Whoosh removes them only at its next commit; after a failed build they
        may be what fills the disk, so every later build would fail too.
        """
        live = whoosh_index.open_dir(self.ix.storage.folder)
        # Whoosh 2.7.5 private: FileIndex._segments() (the segments of the latest TOC)
        clean_files(live.storage, live.indexname, live.latest_generation(), live._segments())
        # the writers' temporary storage (Whoosh's SegmentWriter names it <indexname>.tmp)
        shutil.rmtree(Path(live.storage.folder) / f"{live.indexname}.tmp", ignore_errors=True)
