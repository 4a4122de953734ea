"""Load shedding: budgets per client shared by every worker, and slots for expensive requests.

gunicorn's sync workers each answer one request at a time, in separate
processes. Two things keep the service answering under hostile load:

* Budgets per client address, counted in one-minute windows in a small SQLite
  file beside the index, so every worker sees the same counts (an in-process
  counter let a client have workers x the budget): every request but health
  checks and static files (pages and API alike), and a smaller budget for
  expensive ones (search.service.cost). Over budget: 429 with Retry-After.
* At most ``workers - 1`` expensive requests run at once, each holding an
  ``flock`` on one of that many slot files (a lock dies with its process, so
  a killed worker never keeps one). With every slot taken, another expensive
  request is answered 503 with Retry-After at once instead of taking the
  last worker: one worker is always left for everyone else's cheap searches.
"""

from __future__ import annotations

import fcntl
import math
import os
import sqlite3
import time
from pathlib import Path
from typing import Callable

WINDOW = 60.0
# Rows of windows that ended are deleted every this many counted requests (per process).
SWEEP_EVERY = 1000
_SCHEMA = ("CREATE TABLE IF NOT EXISTS windows (client TEXT, bucket TEXT, start REAL, "
           "count INTEGER, PRIMARY KEY (client, bucket))")


class SharedBudgets:
    """Requests per client and bucket in fixed one-minute windows, shared through SQLite.

    A window starts at the client's first request in that bucket. The file is
    written with ``synchronous=OFF``: counts are worth nothing after a crash.
    """

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.clock = clock
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._counted = 0

    def retry_after(self, client: str, bucket: str, per_minute: int) -> int | None:
        """Count one request; None if allowed, else whole seconds until the window ends."""
        now = self.clock()
        db = self._connection()
        with db:  # one transaction: read and count atomically across processes
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT start, count FROM windows WHERE client = ? AND bucket = ?",
                             (client, bucket)).fetchone()
            start, count = row if row and 0 <= now - row[0] < WINDOW else (now, 0)
            if count >= per_minute:
                return max(1, math.ceil(start + WINDOW - now))
            db.execute("INSERT OR REPLACE INTO windows VALUES (?, ?, ?, ?)",
                       (client, bucket, start, count + 1))
            self._counted += 1
            if self._counted % SWEEP_EVERY == 0:
                db.execute("DELETE FROM windows WHERE start < ?", (now - WINDOW,))
        return None

    def _connection(self) -> sqlite3.Connection:
        """This process's connection (a forked worker opens its own)."""
        if self._db is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=5, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")
            db.execute(_SCHEMA)
            self._db, self._pid = db, os.getpid()
        return self._db


class Slots:
    """``count`` slots for expensive requests across processes, one lock file each."""

    def __init__(self, folder: Path, count: int) -> None:
        self.paths = [Path(folder) / f"expensive-{n}.lock" for n in range(max(1, count))]

    def take(self) -> int | None:
        """A held slot's file descriptor, or None when every slot is taken."""
        self.paths[0].parent.mkdir(parents=True, exist_ok=True)
        for path in self.paths:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                os.close(fd)
        return None

    @staticmethod
    def give_back(fd: int) -> None:
        os.close(fd)  # closing the descriptor releases its lock
