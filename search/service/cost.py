"""Which requests are expensive, told from their parameters before any work is done.

An expensive request may take up to the search time limit and most of a
worker: exports, concordances sorted by their context or exported, wildcard-like queries (``*``, ``?``, ``~``, ranges), every
passage or quote at once, deep pages and wide facets. The web layer gives
them a smaller per-client budget and at most ``workers - 1`` of them run at
once, so that one worker is always left for everyone else.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

# Query syntax that expands over the term list or matches everything.
_EXPANDING = re.compile(r"[*?~]|\[|\{|\bTO\b")
# Past these a search reads or counts far more than a page of results.
DEEP_RESULTS = 1000     # page x per_page
WIDE_FACETS = 100       # facet values asked for
# The engine's cost estimate past which a search is expensive: about half a second of reading
# on this 2-core machine (UNGDC: 262,000 postings of four words took 307 ms).
EXPENSIVE_COST = 400_000


def is_expensive(path: str, args: Mapping[str, Sequence[str]]) -> bool:
    """Whether a request to ``path`` with these query-string values is an expensive one."""
    if path.startswith("/api/export"):
        return True
    if path in ("/concordance", "/api/concordance"):  # sorted by context or as CSV: every line
        return _last(args, "sort") not in ("", "date", "-date") or _last(args, "format") == "csv"
    if not (path in ("/", "/api/search") or path.startswith("/speakers/")):
        return False
    q = _last(args, "q").strip()
    unit = _last(args, "unit") or "documents"
    if _EXPANDING.search(re.sub(r'"[^"]*"', " ", q)):
        return True
    if unit != "documents" and q in ("", "*"):
        return True
    return _number(args, "page", 1) * _number(args, "per_page", 10) > DEEP_RESULTS \
        or _number(args, "facet_size", 10) > WIDE_FACETS


def _last(args: Mapping[str, Sequence[str]], name: str) -> str:
    values = args.get(name) or []
    return values[-1] if values else ""


def _number(args: Mapping[str, Sequence[str]], name: str, default: int) -> int:
    value = _last(args, name).strip().lstrip("+")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else default
