"""The private Whoosh names this engine reads, and a check that they are all still there.

Whoosh's public API works one posting, one matcher call, one length lookup
at a time; most of this engine's speed comes from going underneath it:
posting blocks read and skipped whole (``blocks``, ``collect``), field
lengths decoded once per segment (``scoring``), postings handed to Whoosh's
postings writer a block at a time (``writer``), wildcard expansions counted
before they run (``parsing``). Each of those reads attributes, methods or
module names that Whoosh keeps private (a leading ``_``); the module
docstrings say what each trick saves.

``INTERNALS`` lists every one of them, as read from whoosh-reloaded 2.7.5
(``READ_FROM``). Private names may change in any release, so pyproject pins
``whoosh-reloaded>=2.7.5,<2.8`` (``PIN``) and ``tests/test_whoosh_internals.py``
fails loudly, naming what went missing, when one of them disappears. Each
use site carries a ``# Whoosh 2.7.5 private: ...`` comment.

``missing()`` checks the table against the installed Whoosh: methods and
module names with ``getattr``; instance attributes on real objects from a
tiny throwaway index when the owner is one of those (the object must have
the attribute in its ``__dict__``), otherwise by finding the assignment
``self.<name> =`` in the source of the method that sets it; keyword
parameters in the signature of the method that takes them.
"""

from __future__ import annotations

import importlib
import inspect
import re
import tempfile
from typing import NamedTuple

READ_FROM = "2.7.5"
PIN = ">=2.7.5,<2.8"

METHOD = "method"                  # looked up on the class: getattr(cls, name)
INSTANCE = "instance attribute"    # set on the instance by ``set_by``
MODULE = "module-level name"       # getattr(module, name)
PARAMETER = "keyword parameter"    # a parameter of the method ``set_by``


class Internal(NamedTuple):
    owner: str                # dotted path of the Whoosh class or module
    name: str                 # the private name
    kind: str                 # METHOD, INSTANCE, MODULE or PARAMETER
    set_by: str               # INSTANCE: the method that sets it; PARAMETER: the method taking it
    used_by: tuple[str, ...]  # our modules (in search.engine.whoosh)
    why: str

    def label(self) -> str:
        where = f" (set in {self.set_by})" if self.kind == INSTANCE else \
            f" (of {self.set_by})" if self.kind == PARAMETER else ""
        return (f"{self.owner}.{self.name}: {self.kind}{where}, "
                f"used by {', '.join(self.used_by)}")


_OWNERS = {
    "LEAF": "whoosh.codec.whoosh3.W3LeafMatcher",
    "POSTWRITER": "whoosh.codec.whoosh3.W3PostingsWriter",
    "SEGWRITER": "whoosh.writing.SegmentWriter",
    "LENGTHS": "whoosh.columns.NumericColumn.Reader",
}
_LEAF, _POSTWRITER, _SEGWRITER, _LENGTHS = _OWNERS.values()
_KINDS = {"method": METHOD, "instance": INSTANCE, "module": MODULE, "parameter": PARAMETER}

# owner | name | kind | set by (instance: the method setting it; parameter: the method taking
# it; else -) | our modules | why.  A row per private name; "# ..." lines head a group.
_TABLE = """
# reading posting blocks (a block: up to 128 postings behind a header)
LEAF | _next_block | method | - | blocks collect | skip a whole block from its header, or move past a block read
LEAF | _read_ids | method | - | blocks | decode the current block's document numbers in one go
LEAF | _read_weights | method | - | blocks collect | decode the current block's weights (term frequencies) in one go
LEAF | _read_values | method | - | blocks | decode a block not laid out as read_ids_and_weights expects, positions included
LEAF | _ids | instance | _goto | blocks collect | the block's document numbers (None until _read_ids); set by read_ids_and_weights
LEAF | _i | instance | _goto | blocks collect | index of the current posting in the block; read and moved
LEAF | _weights | instance | _goto | blocks collect | the block's weights, scored a block at a time; set by read_ids_and_weights
LEAF | _values | instance | _goto | blocks | the block's encoded positions, kept for PositionReader (LazyValues)
LEAF | _fixedsize | instance | __init__ | blocks | None when the format has variable-size values (positions)
LEAF | _postfile | instance | __init__ | blocks | the postings file, whose block data read_ids_and_weights reads
LEAF | _dataoffset | instance | _goto | blocks | where the current block's data starts in the postings file
LEAF | _nextoffset | instance | _goto | blocks | where the next block starts (the data's end)
LEAF | _compression | instance | _goto | blocks | whether the block's data is zlib-compressed
LEAF | _byteids | instance | __init__ | blocks | ids stored as bytes (not deltas): read_ids_and_weights leaves those to Whoosh
LEAF | _blocklength | instance | _goto | blocks | postings in the current block: read_ids_and_weights checks its ids against it
LEAF | _maxid | instance | _goto | blocks | the current block's last document number, checked likewise
whoosh.matching.wrappers.FilterMatcher | _exclude | instance | __init__ | blocks collect | tells the deleted-documents filter around a leaf matcher (unwrap)
whoosh.matching.wrappers.FilterMatcher | _ids | instance | __init__ | blocks collect | the deleted documents' set, applied by hand under unwrap
# field lengths read once per segment
whoosh.reading.SegmentReader | _perdoc | instance | __init__ | scoring | the per-document reader holding the length columns (getattr: a rename only slows)
whoosh.codec.whoosh3.W3PerDocReader | _cached_reader | method | - | scoring writer | a field's (cached) lengths column; writer reaches it via scoring.perdoc_lengths
whoosh.codec.whoosh3 | _lenfield | module | - | scoring writer | the column name of a field's lengths ('_<field>_len')
LENGTHS | _typecode | instance | __init__ | scoring writer | 'B': one byte a length, decoded in one pass (getattr: a rename only slows)
LENGTHS | _count | instance | __init__ | scoring writer | documents stored in the column, the rest default (getattr, as _typecode)
LENGTHS | _dbfile | instance | __init__ | scoring writer | the column's file, read as one byte string
LENGTHS | _basepos | instance | __init__ | scoring writer | where the column starts in that file
LENGTHS | _default | instance | __init__ | scoring writer | the length of documents past _count
# our posting encoding
whoosh.system | _INT_SIZE | module | - | postings | size of the packed count in front of our position arrays
# writing postings a block at a time
whoosh.codec.whoosh3.W3FieldWriter | _postwriter | instance | start_field | writer | the field's postings writer, fed whole blocks
POSTWRITER | _blocklimit | instance | __init__ | writer | postings per block (128): where the term's list is cut
POSTWRITER | _ids | instance | _new_block | writer | block buffer: document numbers, set a block at a time
POSTWRITER | _weights | instance | _new_block | writer | block buffer: weights
POSTWRITER | _values | instance | _new_block | writer | block buffer: encoded values (positions)
POSTWRITER | _maxweight | instance | _new_block | writer | block statistic written in the block header
POSTWRITER | _minlength | instance | _new_block | writer | block statistic written in the block header
POSTWRITER | _maxlength | instance | _new_block | writer | block statistic written in the block header
POSTWRITER | _write_block | method | - | writer | write the buffered block (finish_term writes the last one)
whoosh.codec.whoosh3 | dumps | module | - | writer | the pickler _write_block calls with protocol 2; protocol 5 while our writer writes a segment
# SegmentWriter: our subclass and a commit made of its steps
SEGWRITER | _flush_segment | method | - | writer | overridden by FastSegmentWriter; _finalize_segment calls it
SEGWRITER | _finalize_segment | method | - | writer | close a segment and return it unpublished (SegmentSeries, Build)
SEGWRITER | _close_segment | method | - | writer | close an empty or cancelled segment's files
SEGWRITER | _merge_segments | method | - | writer | Whoosh's merge policy, run by Build.commit
SEGWRITER | _commit_toc | method | - | writer | publish old and new segments in one TOC (Build.commit)
SEGWRITER | _finish | method | - | writer | release the write lock and temp storage (Build.commit)
SEGWRITER | _added | instance | __init__ | writer | whether the main writer holds documents (Build.commit)
SEGWRITER | _lk | parameter | __init__ | writer | _lk=False: worker writers skip the index lock (the build lock holds)
# query expansion
whoosh.query.terms.MultiTerm | _btexts | method | - | parsing | a wildcard/prefix/fuzzy/regex query's expansions, counted lazily
# segment parts read in place (mapped.py replaces BufferFile.__init__, setting what it set)
whoosh.filedb.structfile.BufferFile | _buf | instance | __init__ | mapped | the part's memoryview, which get() slices
whoosh.filedb.structfile.BufferFile | _name | instance | __init__ | mapped | the part's name, which subset() passes on
# cleaning up after a failed build
whoosh.index.FileIndex | _segments | method | - | engine | the latest TOC's segments: files of others are a failed build's
"""


def _rows(table: str) -> tuple[Internal, ...]:
    rows = []
    for line in table.strip().splitlines():
        if line.startswith("#"):
            continue
        owner, name, kind, set_by, used_by, why = (c.strip() for c in line.split("|", 5))
        rows.append(Internal(_OWNERS.get(owner, owner), name, _KINDS[kind],
                             "" if set_by == "-" else set_by, tuple(used_by.split()), why))
    return tuple(rows)


INTERNALS: tuple[Internal, ...] = _rows(_TABLE)


def _resolve(path: str):
    """The module, class or nested class at a dotted path."""
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for part in parts[i:]:
            obj = getattr(obj, part)
        return obj
    raise ImportError(path)


def _probes() -> dict[str, object]:
    """Real Whoosh objects by owner path, from a tiny index in a temporary folder."""
    from whoosh import fields, formats
    from whoosh import index as whoosh_index
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3TermInfo, _lenfield
    from whoosh.matching import FilterMatcher, ListMatcher

    found: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="whoosh-internals-") as folder:
        ix = whoosh_index.create_in(folder, fields.Schema(text=fields.TEXT(phrase=True)))
        writer = ix.writer()
        found[_SEGWRITER] = writer
        found["whoosh.codec.whoosh3.W3FieldWriter"] = writer.fieldwriter
        writer.add_document(text="alpha beta alpha")
        writer.add_document(text="beta gamma")
        writer.commit()
        with ix.reader() as reader:
            found["whoosh.reading.SegmentReader"] = reader
            found[_LEAF] = reader.postings("text", "alpha")
            found[_LENGTHS] = reader._perdoc._cached_reader(_lenfield("text"), LENGTHS_COLUMN)
        postfile = ix.storage.create_file("probe.pst")
        postwriter = W3Codec().postings_writer(postfile)
        postwriter.start_postings(formats.Positions(), W3TermInfo())
        found[_POSTWRITER] = postwriter
        postfile.close()
        ix.close()
    found["whoosh.matching.wrappers.FilterMatcher"] = FilterMatcher(
        ListMatcher([1, 2]), {1}, exclude=True)
    return found


def missing() -> list[str]:
    """Every row of ``INTERNALS`` the installed Whoosh lacks (empty when all are there)."""
    out: list[str] = []
    try:
        probes = _probes()
    except Exception as exc:  # Whoosh changed enough to break the probe itself: say so
        out.append(f"(could not build probe objects from a tiny index: "
                   f"{type(exc).__name__}: {exc}; instance attributes checked in the source)")
        probes = {}
    for row in INTERNALS:
        try:
            owner = _resolve(row.owner)
        except (ImportError, AttributeError):
            out.append(f"{row.label()} -- {row.owner} itself is gone")
            continue
        if row.kind in (METHOD, MODULE):
            ok = hasattr(owner, row.name)
        elif row.kind == PARAMETER:
            method = getattr(owner, row.set_by, None)
            ok = method is not None and row.name in inspect.signature(method).parameters
        elif row.owner in probes:
            probe = probes[row.owner]
            ok = isinstance(probe, owner) and row.name in vars(probe)
        else:
            method = getattr(owner, row.set_by, None)
            ok = method is not None and re.search(
                rf"\bself\.{re.escape(row.name)}\s*=(?!=)", inspect.getsource(method)) is not None
        if not ok:
            out.append(row.label())
    return out
