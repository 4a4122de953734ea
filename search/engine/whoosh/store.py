"""Index versions on disk and the atomic switch between them.

Layout under the configured index folder::

    CURRENT              name of the live version (replaced atomically)
    versions/<name>/     one complete Whoosh index each
    build.lock           held (flock) by the one build that may run

A rebuild writes a new version beside the live one and publishes it by
replacing ``CURRENT`` with ``os.replace``, so a reader sees the old index or
the new one, never a half-built one. A build killed with SIGKILL leaves an
unpublished folder, which the next build removes; ``flock`` locks die with
their process, so no stale lock can block the next run.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from whoosh import index as whoosh_index
from whoosh.index import Index

from search.engine.interface import BuildInProgress, IndexMissing


class IndexStore:
    """The versions of one index folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.versions = self.root / "versions"
        self._current_file = self.root / "CURRENT"

    def current_name(self) -> str | None:
        try:
            name = self._current_file.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name if name and (self.versions / name).is_dir() else None

    def open(self) -> tuple[str, Index]:
        """The live version's name and Whoosh index; IndexMissing when there is none."""
        name = self.current_name()
        if name is None:
            raise IndexMissing(f"no index in {self.root}: run 'dipsearch index' first")
        try:
            return name, whoosh_index.open_dir(str(self.versions / name))
        except (whoosh_index.EmptyIndexError, OSError) as exc:
            raise IndexMissing(f"index version {name} in {self.root} cannot be opened: {exc}") from exc

    def new_version(self) -> tuple[str, Path]:
        """A fresh, unpublished version folder."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.versions / stamp
        path.mkdir(parents=True)
        return stamp, path

    def publish(self, name: str) -> None:
        """Make ``name`` the live version in one atomic rename."""
        tmp = self.root / f"CURRENT.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(name + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self._current_file)

    def prune(self, keep: int) -> None:
        """Drop old and abandoned versions, keeping the live one and ``keep - 1`` before it.

        Call only under the build lock: an unpublished folder newer than the
        live version is then an abandoned build, never one in progress.
        """
        current = self.current_name()
        names = sorted(p.name for p in self.versions.glob("*") if p.is_dir())
        if current is None:
            keepers: set[str] = set()
        else:
            older = [n for n in names if n < current]
            keepers = {current, *older[len(older) - (keep - 1):]} if keep > 1 else {current}
        for name in names:
            if name not in keepers:
                shutil.rmtree(self.versions / name, ignore_errors=True)
        for tmp in self.root.glob("CURRENT.*.tmp"):
            tmp.unlink(missing_ok=True)

    @contextmanager
    def build_lock(self) -> Iterator[None]:
        """Hold the one build lock; BuildInProgress if another process has it."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "build.lock", "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise BuildInProgress(f"another build is running on {self.root}") from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
