"""Facet counts from per-document columns, disjunctive, with one pass over the matches.

Whoosh's ``groupedby`` runs the whole scored search again per facet and
ignores ``limit``. Here the columns are read once per searcher into flat
arrays (a value-set id per document), and counting a result set is a
``Counter`` over those ids.

Facets are disjunctive: the counts of one facet apply every *other* active
filter but not its own, so choosing a second speaker does not hide the
first one's count. The search therefore runs without the facet filters; each
filter becomes a set of allowed document numbers, and every match is checked
against the sets here. The date range is a test on the ``day`` column and
acts as the filter of the ``year`` facet, so the timeline keeps showing the
years outside a chosen range.
"""

from __future__ import annotations

from array import array
from collections import Counter
from functools import lru_cache
from itertools import repeat
from typing import Callable, Iterable, Iterator

from whoosh import query as wq

from search.fields import SEPARATOR


Test = Callable[[int], int]  # a filter's test of a unit number: truthy when it passes

# Bytes of filter maps a searcher keeps (one byte per unit each): the cache holds as many
# as fit, so a long-lived worker's memory does not grow with the filters people choose.
ALLOWED_BUDGET = 64 * 2**20


class FacetColumns:
    """Column arrays of one searcher: facet value sets, years and dates by document number."""

    def __init__(self, searcher) -> None:
        self.searcher = searcher
        self._values: dict[str, tuple[array, list[tuple[str, ...]]]] = {}
        self._numbers: dict[str, array] = {}
        kept = max(8, ALLOWED_BUDGET // max(1, searcher.doc_count_all()))
        self.allowed = lru_cache(maxsize=kept)(self._allowed)

    def value_sets(self, name: str) -> tuple[array, list[tuple[str, ...]]]:
        """Per document a value-set id, and the value sets themselves (id 0: no value)."""
        if name not in self._values:
            ids: dict[bytes, int] = {b"": 0}
            sets: list[tuple[str, ...]] = [()]
            per_doc = array("i")
            for raw in self._column(name, b""):
                found = ids.get(raw)
                if found is None:
                    found = ids[raw] = len(sets)
                    sets.append(tuple(raw.decode("utf-8").split(SEPARATOR)))
                per_doc.append(found)
            self._values[name] = (per_doc, sets)
        return self._values[name]

    def days(self) -> array:
        """The ``day`` column (YYYYMMDDHHMM, 0 when unknown) by document number."""
        return self.numbers("day")

    def numbers(self, name: str) -> array:
        """A numeric column by document number (0 where a segment has none)."""
        if name not in self._numbers:
            self._numbers[name] = array("q", self._column(name, 0))
        return self._numbers[name]

    def _column(self, name: str, missing) -> Iterator:
        """A column's values for every document, segment by segment.

        A segment where no document had a value has no column at all (an
        incremental commit of one article without a source, say); its
        documents count as having none, so docnums stay aligned.
        """
        for reader, _ in self.searcher.reader().leaf_readers():
            if reader.has_column(name):
                yield from reader.column_reader(name, translate=False)
            else:
                yield from repeat(missing, reader.doc_count_all())

    def _allowed(self, name: str, values: tuple[str, ...]) -> bytes:
        """One byte per unit, 1 where it holds one of ``values``: a test as cheap as a set's
        (``bytes.__getitem__``, in C) at a size known in advance (a set of a broad filter's
        units took 30 MB), so the cache is bounded in bytes."""
        marks = bytearray(self.searcher.doc_count_all())
        for doc in self.searcher.docs_for_query(wq.Or([wq.Term(name, v) for v in values])):
            marks[doc] = 1
        return bytes(marks)

    def filter_tests(self, filters: dict[str, list[str]], start: int = 0, end: int = 0
                     ) -> dict[str, Test]:
        """One membership test per active filter; the date range counts as the ``year`` filter."""
        tests: dict[str, Test] = {
            name: self.allowed(name, tuple(sorted(values))).__getitem__
            for name, values in filters.items() if values}
        if start or end:
            days, end = self.days(), end or 999999999999
            tests["year"] = lambda doc: start <= days[doc] <= end
        return tests

    def count(self, name: str, docs: Iterable[int]) -> Counter:
        """How many of ``docs`` have each value of facet ``name``."""
        if name == "year":
            days = self.days()
            return Counter(days[d] // 100_000_000 for d in docs if days[d])
        per_doc, sets = self.value_sets(name)
        counts: Counter = Counter()
        for set_id, n in Counter(per_doc[d] for d in docs).items():
            for value in sets[set_id]:
                counts[value] += n
        return counts


def apply_filters(docs: list[int], tests: dict[str, Test]
                  ) -> tuple[list[int], dict[str, list[int]]]:
    """Docs passing every filter, and for each filtered facet the docs passing all the others."""
    if not tests:
        return docs, {}
    names = list(tests)
    passing: list[int] = []
    all_but: dict[str, list[int]] = {name: [] for name in names}
    for doc in docs:
        failed = [name for name in names if not tests[name](doc)]
        if not failed:
            passing.append(doc)
            for name in names:
                all_but[name].append(doc)
        elif len(failed) == 1:
            all_but[failed[0]].append(doc)
    return passing, all_but


def facet_counts(columns: FacetColumns, names: list[str], filters: dict[str, list[str]],
                 passing: list[int], all_but: dict[str, list[int]], size: int) -> dict:
    """The ``facets`` part of a response: top values with counts and ``selected`` flags."""
    out = {}
    for name in names:
        counts = columns.count(name, all_but.get(name, passing))
        selected = set(filters.get(name, []))
        if name == "year":
            ranked = sorted(counts.items(), key=lambda kv: -kv[0])
        else:
            ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        top = ranked[:size]
        shown = {str(v) for v, _ in top}
        top += [(v, counts.get(v, 0)) for v in sorted(selected - shown)]
        out[name] = {
            "values": [{"value": v, "count": n, "selected": str(v) in selected} for v, n in top],
            "truncated": len(ranked) > size,
        }
    return out


def year_histogram(columns: FacetColumns, docs: list[int]) -> list[dict]:
    """Matches per year, oldest first, for the timeline."""
    return [{"year": y, "count": n} for y, n in sorted(columns.count("year", docs).items())]
