"""Corpus readers: every supported file becomes ``Document``s, or ``Problem``s.

``read_file`` picks the reader by file name:

- ``.txt``: raw article text (``search.ingest.readers.article``), or a front matter
  document when the file opens with a ``---`` line;
- ``.md``, ``.markdown``: front matter documents (``search.ingest.readers.frontmatter``);
- ``.jsonl``, ``.ndjson``, ``.jsonl.gz``: one record a line (``search.ingest.readers.jsonl``
  documents the fields);
- ``.html``, ``.htm``: saved web pages (``search.ingest.readers.webpage``).

Readers never raise for bad input: an unreadable file, line or record becomes
a ``Problem(path, line, reason)`` and reading goes on with the next one, so
one bad file cannot stop an indexing run.  A Problem always means something
was left out (a file, a line, a record), never a document kept with a
warning, so the indexer can count problems as skipped.  Duplicate ids are
left to the indexer, which sees all files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from search.ingest.document import Document, Problem
from search.ingest.readers.article import read_article
from search.ingest.readers.dates import parse_date
from search.ingest.readers.frontmatter import has_front_matter, read_front_matter
from search.ingest.readers.jsonl import read_jsonl
from search.ingest.readers.text import Unreadable, read_text
from search.ingest.readers.webpage import read_webpage

__all__ = ["SUPPORTED_SUFFIXES", "WEB_PAGES", "is_supported", "parse_date", "read_file"]

SUPPORTED_SUFFIXES: tuple[str, ...] = (
    ".txt", ".md", ".markdown", ".jsonl", ".jsonl.gz", ".ndjson", ".html", ".htm",
)
WEB_PAGES = (".html", ".htm")  # read by the web page reader

Reader = Callable[[Path, str, int], Iterator[Document | Problem]]


def is_supported(path: Path) -> bool:
    """Whether ``read_file`` has a reader for this file name (case-insensitive)."""
    return _suffix(path) is not None


def read_file(
    path: Path, *, root: Path | None = None, max_chars: int = 5_000_000
) -> Iterator[Document | Problem]:
    """Documents and problems of one file, in file order.

    ``root`` makes ``Document.path``/``Problem.path`` relative (posix) so ids
    and messages do not depend on where the corpus is checked out.
    """
    path = Path(path)
    shown = _shown(path, root)
    suffix = _suffix(path)
    if suffix is None:
        yield Problem(shown, 1, f"unsupported file type; expected one of {', '.join(SUPPORTED_SUFFIXES)}")
        return
    try:
        yield from _READERS[suffix](path, shown, max_chars)
    except Unreadable as error:
        yield Problem(shown, error.line, error.reason)
    except OSError as error:
        yield Problem(shown, 1, f"cannot read file: {error.strerror or error}")


def _suffix(path: Path) -> str | None:
    name = path.name.lower()
    return next((suffix for suffix in SUPPORTED_SUFFIXES if name.endswith(suffix)), None)


def _shown(path: Path, root: Path | None) -> str:
    if root is None:
        return str(path)
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _read_text_file(path: Path, shown: str, max_chars: int) -> Iterator[Document | Problem]:
    text = read_text(path, max_chars)
    reader = read_front_matter if has_front_matter(text) else read_article
    return reader(path, shown, text)


def _read_markdown(path: Path, shown: str, max_chars: int) -> Iterator[Document | Problem]:
    return read_front_matter(path, shown, read_text(path, max_chars))


_READERS: dict[str, Reader] = {
    ".txt": _read_text_file,
    ".md": _read_markdown,
    ".markdown": _read_markdown,
    ".jsonl": read_jsonl,
    ".jsonl.gz": read_jsonl,
    ".ndjson": read_jsonl,
    ".html": read_webpage,
    ".htm": read_webpage,
}
