"""Request -> query: validation, pasted-text clean-up, parsing with a safe fallback.

Everything a client sends is checked here, once, for the JSON API and the
HTML pages alike; a bad value raises ``RequestError`` naming the parameter,
which the web layer turns into a 400. A query with a syntax error is not an
error: it falls back to its plain words and says so in ``warnings``.
"""

from __future__ import annotations

import base64
import calendar
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping, Sequence

from search.engine.interface import Limits, RequestError
from search.fields import FACETS, UNITS

SORTS = ("relevance", "date", "-date")
# How a phrase in quotes matches: letter for letter, stop words included (exact), or with any
# word endings and any small words in its gaps (loose).
PHRASES = ("exact", "loose")
MAX_RESULT_WINDOW = 10_000

# Pasted text: typographic quotes, apostrophes and dashes behave as their plain forms.
_TYPOGRAPHY = str.maketrans({
    "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "″": '"',
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
    "–": "-", "—": "-", "‐": "-", "‑": "-", "‒": "-", "−": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ",
})


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    date_from: datetime | None = None
    date_to: datetime | None = None
    unit: str = "documents"
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    cursor: tuple | None = None
    facets: list[str] = field(default_factory=list)
    facet_size: int = 10
    highlight: bool = True
    phrase: str = "exact"

    def params(self, **changes: Any) -> list[tuple[str, str]]:
        """URL parameters that reproduce this request (with changes), for links."""
        values = {
            "q": self.q, "unit": self.unit, "sort": self.sort, "page": self.page,
            "per_page": self.per_page, "date_from": _bound_param(self.date_from),
            "date_to": _bound_param(self.date_to),
            "facets": ",".join(self.facets), **{k: v for k, v in self.filters.items()},
            "phrase": self.phrase,
        }
        values.update(changes)
        defaults = {"unit": "documents", "sort": "relevance", "page": 1, "per_page": 10,
                    "phrase": "exact"}
        out: list[tuple[str, str]] = []
        for key, value in values.items():
            for item in value if isinstance(value, list) else [value]:
                if item not in (None, "", []) and defaults.get(key) != item:
                    out.append((key, str(item)))
        return out


def _bound_param(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


def parse_request(args: Mapping[str, Sequence[str]], limits: Limits,
                  offered: Sequence[str] = tuple(FACETS)) -> SearchRequest:
    """Validate query-string parameters (every value a list, as in a MultiDict).

    ``offered``: the facets this server counts and filters by (``facets.fields``).
    """
    def one(name: str, default: str = "") -> str:
        values = args.get(name) or []
        return values[-1].strip() if values else default

    request = SearchRequest(q=normalise(one("q")))
    if len(request.q) > limits.max_query_chars:
        raise RequestError("query_too_long",
                           f"q is {len(request.q)} characters; the limit is {limits.max_query_chars}", "q")
    for name in set(filter_names(tuple(FACETS))) - set(offered):
        if args.get(name):
            raise RequestError("facet_off", f"this server does not offer the {name} facet "
                                            f"(facets.fields in its config)", name)
    for name in filter_names(offered):
        values = [normalise(v).strip() for v in args.get(name) or [] if v.strip()]
        if values:
            request.filters[name] = list(dict.fromkeys(values))
    request.date_from = _date_param(one("date_from"), "date_from", end=False)
    request.date_to = _date_param(one("date_to"), "date_to", end=True)
    if request.date_from and request.date_to and request.date_from > request.date_to:
        raise RequestError("bad_date_range", "date_from is after date_to", "date_from")
    request.unit = _choice(one("unit", "documents"), tuple(UNITS), "unit")
    request.sort = _choice(one("sort", "relevance"), SORTS, "sort")
    request.phrase = _choice(one("phrase", "exact"), PHRASES, "phrase")
    request.per_page = int_param(one("per_page"), "per_page", 10, 1, limits.max_per_page)
    request.page = int_param(one("page"), "page", 1, 1, None)
    if (request.page - 1) * request.per_page >= MAX_RESULT_WINDOW:
        raise RequestError("page_out_of_window",
                           f"page × per_page may not pass {MAX_RESULT_WINDOW} results; "
                           "use the cursor of the last page to go deeper", "page")
    request.cursor = decode_cursor(one("cursor")) if one("cursor") else None
    request.facets = _facet_list(args.get("facets") or [], offered)
    request.facet_size = int_param(one("facet_size"), "facet_size", 10, 1, 1000)
    request.highlight = one("highlight", "true").lower() not in ("false", "0", "no")
    return request


def normalise(text: str) -> str:
    """Typographic quotes, apostrophes, dashes and odd spaces as their ASCII forms."""
    return text.translate(_TYPOGRAPHY)


def holds_phrase(q: str) -> bool:
    """Whether a query holds a phrase in quotation marks (of any shape): the searches whose
    first use and timeline the search page tells."""
    return bool(_PHRASE.search(normalise(q)))


_PHRASE = re.compile(r'"[^"\s][^"]*"')


def _choice(value: str, allowed: tuple[str, ...], param: str) -> str:
    if value not in allowed:
        raise RequestError(f"unknown_{param}",
                           f"{param} must be one of {', '.join(allowed)} (got {value!r})", param)
    return value


def int_param(value: str, param: str, default: int, low: int, high: int | None) -> int:
    """A whole number written in ASCII digits (an optional sign), from ``low`` to ``high``.

    Not whatever ``int()`` takes: ``³`` passes ``str.isdigit`` but not ``int``; ``٣`` and
    ``1_000`` pass ``int`` but are not what the OpenAPI description calls an integer.
    """
    if not value:
        return default
    if not _INTEGER.fullmatch(value):
        raise RequestError("bad_integer", f"{param} must be a whole number (got {value!r})",
                           param)
    digits = value.lstrip("+-").lstrip("0")
    if len(digits) > 30:  # no int() of thousands of digits: past every bound anyway
        number = -(10 ** 30) if value.startswith("-") else 10 ** 30
        shown = f"a number of {len(digits)} digits"
    else:
        number = int(value)
        shown = str(number)
    if number < low or (high is not None and number > high):
        bound = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise RequestError(f"{param}_out_of_range", f"{param} must be {bound} (got {shown})", param)
    return number


_INTEGER = re.compile(r"[+-]?[0-9]+")
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


def _date_param(value: str, param: str, end: bool) -> datetime | None:
    """``2022``, ``2022-01`` or ``2022-01-07`` (years 0001 to 9999); an end bound covers its
    whole period, so ``date_to=9999-12`` ends on 9999-12-31 23:59:59."""
    if not value:
        return None
    found = _DATE.fullmatch(value)
    if not found:
        raise RequestError("bad_date", f"{param} must look like 2022, 2022-01 or 2022-01-07 "
                                       f"(got {value!r})", param)
    year, month, day = (int(part) if part else None for part in found.groups())
    try:
        start = datetime(year, 1 if month is None else month, 1 if day is None else day)
    except ValueError:
        raise RequestError("bad_date", f"{param} is not a real date (got {value!r})", param) from None
    if not end:
        return start
    last_month = 12 if month is None else month
    last_day = calendar.monthrange(year, last_month)[1] if day is None else day
    return datetime(year, last_month, last_day, 23, 59, 59)


def filter_names(offered: Sequence[str]) -> list[str]:
    """The facets a request may filter by value (the year is filtered by date_from/date_to)."""
    return [name for name in offered if FACETS[name].values is not None]


def _facet_list(values: Sequence[str], offered: Sequence[str]) -> list[str]:
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    for name in names:
        if name not in offered:
            raise RequestError("unknown_facet", f"unknown facet {name!r} (known: "
                                                f"{', '.join(offered)})", "facets")
    return list(dict.fromkeys(names))


def encode_cursor(key: tuple) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(value: str) -> tuple:
    try:
        key = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise RequestError("bad_cursor", "cursor is not one this server gave out", "cursor") from None
    if not isinstance(key, list) or len(key) != 2 or not isinstance(key[1], str):
        raise RequestError("bad_cursor", "cursor is not one this server gave out", "cursor")
    return tuple(key)
