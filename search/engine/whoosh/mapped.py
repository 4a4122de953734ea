"""Segment files read through their memory map, never copied into the process.

Whoosh opens a segment as one compound file through ``mmap`` and hands out each part
(postings, term index, columns) as a ``BufferFile`` over a slice of that map; but
``BufferFile`` wraps the slice in ``io.BytesIO``, which copies it. Every searcher of every
worker so held a private copy of every segment's postings: about 750 MiB per worker on the
UNGDC file, before the first search. ``MappedReader`` is the file that ``BufferFile`` reads
through instead: positioned reads straight from the slice, which copy only the bytes asked
for, so the pages stay in the page cache, shared by every worker and kept across restarts.

``install()`` puts it in place once per process (the engine calls it when it opens an
index); reading, seeking and pickles behave as with ``BytesIO``.
"""

from __future__ import annotations

import io
import os

from whoosh.filedb import structfile

_LINE_CHUNK = 256  # bytes looked at a time for the end of a line (pickles read a few lines)
_PEEK = 4096  # bytes a peek returns at least


class MappedReader(io.RawIOBase):
    """A read-only binary file over a memoryview: reads copy what they return, nothing more."""

    def __init__(self, view: memoryview) -> None:
        super().__init__()
        self._view = view.cast("B") if view.format != "B" else view
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: len(self._view)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        if start >= len(self._view):
            return b""  # at or past the end (a seek may go past it): nothing, and stay there
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        self._pos = end
        return self._view[start:end].tobytes()

    def peek(self, size: int = 0) -> bytes:
        """The bytes ahead, without moving: the unpickler reads a pickle ahead with it in one
        call instead of one ``read`` per opcode (Whoosh keeps term infos as pickles)."""
        return self._view[self._pos:self._pos + max(size, _PEEK)].tobytes()

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        start, limit = self._pos, len(self._view)
        if size is not None and size >= 0:
            limit = min(limit, start + size)
        end = start
        while end < limit:
            chunk = self._view[end:min(end + _LINE_CHUNK, limit)].tobytes()
            newline = chunk.find(b"\n")
            if newline >= 0:
                end += newline + 1
                break
            end += len(chunk)
        return self.read(end - start)


def _buffer_file_init(self, buf, name=None, onclose=None) -> None:
    """``BufferFile.__init__`` with the buffer read in place (see the module doc)."""
    self._buf = buf  # Whoosh 2.7.5 private: BufferFile._buf (get() slices it)
    self._name = name  # Whoosh 2.7.5 private: BufferFile._name (subset() passes it on)
    self.file = MappedReader(memoryview(buf))
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def install() -> None:
    """Make Whoosh's ``BufferFile`` read through ``MappedReader`` (idempotent)."""
    structfile.BufferFile.__init__ = _buffer_file_init
