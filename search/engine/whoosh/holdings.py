"""What a version holds and how it is stored, read from live documents only.

Whoosh's term lists (``reader.lexicon``) and document frequencies keep the
terms of deleted documents until their segment is merged away. Reading "which
file versions does the index hold" from the ``file_key`` term list made a file
that was removed and put back, or an edit that was undone, look already
indexed: the file was skipped and its text lost or left stale, with a green
report. Everything here reads stored fields of live documents, the live
documents' column values, or postings filtered of deleted documents.
"""

from __future__ import annotations

from search.engine.interface import Holdings, SegmentStats
from search.engine.whoosh.facets import FacetColumns


def read_holdings(searcher, *, units: bool = False, passages: bool = True) -> Holdings:
    """File versions, documents per file, speaker values; copies and incomplete documents.

    ``units``: also count every document's live units against what its
    document unit says it has (``passages``: whether passages are indexed).
    """
    held = Holdings()
    for fields in searcher.documents(unit="file"):
        held.file_keys.add(fields["file_key"])
        held.rejected_by_file[fields["file"]] = set(fields.get("meta", {}).get("rejected", ()))
    expected: dict[str, int] = {}
    for fields in searcher.documents(unit="document"):
        doc_id = fields["doc_id"]
        held.docs_by_file.setdefault(fields["file"], set()).add(doc_id)
        held.copies[doc_id] = held.copies.get(doc_id, 0) + 1
        meta = fields.get("meta", {})
        expected[doc_id] = expected.get(doc_id, 0) + 1 + meta.get("quotes", 0) \
            + (meta.get("paragraphs", 0) if passages else 0)
    held.copies = {doc_id: n for doc_id, n in held.copies.items() if n > 1}
    reader = searcher.reader()
    held.speakers = sorted(FacetColumns(searcher).count("speaker", reader.all_doc_ids()))
    if units:
        held.incomplete = _incomplete(reader, expected)
    return held


def _incomplete(reader, expected: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Documents whose live units are not the number their document unit records."""
    found: dict[str, int] = {}
    for term in reader.lexicon("doc_id"):
        count = sum(1 for _ in reader.postings("doc_id", term).all_ids())  # deleted filtered
        if count:
            found[term.decode("utf-8")] = count
    return {doc_id: (expected.get(doc_id, 0), n) for doc_id, n in found.items()
            if expected.get(doc_id, 0) != n} | \
        {doc_id: (n, 0) for doc_id, n in expected.items() if doc_id not in found}


def segment_stats(reader) -> SegmentStats:
    """Segments, units and deleted units of an open reader."""
    leaves = [leaf for leaf, _ in reader.leaf_readers()]
    units = sum(leaf.doc_count_all() for leaf in leaves)
    return SegmentStats(len(leaves), units, units - sum(leaf.doc_count() for leaf in leaves))
