"""Request -> query: validation, pasted-text clean-up, parsing with a safe fallback.

Everything a client sends is checked here, once, for the JSON API and the
HTML pages alike; a bad value raises ``RequestError`` naming the parameter,
which the web layer turns into a 400. A query with a syntax error is not an
error: it falls back to its plain words and says so in ``warnings``.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping, Sequence

from whoosh import query as wq
from whoosh.qparser import QueryParser

from search.engine.whoosh.matchers import MinMatch, use_exact_phrases
from search.ingest.readers import parse_date
from search.engine.whoosh.schema import FACETS, SEARCH_FIELDS

UNITS = {"documents": "document", "passages": "passage", "quotes": "quote"}
SORTS = ("relevance", "date", "-date")
FACET_NAMES = (*FACETS, "year")
MAX_RESULT_WINDOW = 10_000

# Pasted text: typographic quotes, apostrophes and dashes behave as their plain forms.
_TYPOGRAPHY = str.maketrans({
    "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "″": '"',
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
    "–": "-", "—": "-", "‐": "-", "‑": "-", "‒": "-", "−": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ",
})
_OPERATORS = re.compile(r"\b(AND|OR|NOT|ANDNOT|ANDMAYBE)\b")


class RequestError(ValueError):
    """A parameter the API cannot accept: becomes ``400 {"error": {code, message, param}}``."""

    def __init__(self, code: str, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.param = code, message, param


@dataclass(frozen=True)
class Limits:
    max_query_chars: int = 1000
    max_terms: int = 64
    max_expansions: int = 512
    max_per_page: int = 100
    time_limit: float = 2.0


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

    def params(self, **changes: Any) -> list[tuple[str, str]]:
        """URL parameters that reproduce this request (with changes), for links."""
        values = {
            "q": self.q, "unit": self.unit, "sort": self.sort, "page": self.page,
            "per_page": self.per_page, "date_from": _bound_param(self.date_from),
            "date_to": _bound_param(self.date_to),
            "facets": ",".join(self.facets), **{k: v for k, v in self.filters.items()},
        }
        values.update(changes)
        defaults = {"unit": "documents", "sort": "relevance", "page": 1, "per_page": 10}
        out: list[tuple[str, str]] = []
        for key, value in values.items():
            for item in value if isinstance(value, list) else [value]:
                if item not in (None, "", []) and defaults.get(key) != item:
                    out.append((key, str(item)))
        return out


def _bound_param(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


def parse_request(args: Mapping[str, Sequence[str]], limits: Limits) -> SearchRequest:
    """Validate query-string parameters (every value a list, as in a MultiDict)."""
    def one(name: str, default: str = "") -> str:
        values = args.get(name) or []
        return values[-1].strip() if values else default

    request = SearchRequest(q=normalise(one("q")))
    if len(request.q) > limits.max_query_chars:
        raise RequestError("query_too_long",
                           f"q is {len(request.q)} characters; the limit is {limits.max_query_chars}", "q")
    for name in FACETS:
        values = [normalise(v).strip() for v in args.get(name) or [] if v.strip()]
        if values:
            request.filters[name] = list(dict.fromkeys(values))
    request.date_from = _date_param(one("date_from"), "date_from", end=False)
    request.date_to = _date_param(one("date_to"), "date_to", end=True)
    if request.date_from and request.date_to and request.date_from > request.date_to:
        raise RequestError("bad_date_range", "date_from is after date_to", "date_from")
    request.unit = _choice(one("unit", "documents"), tuple(UNITS), "unit")
    request.sort = _choice(one("sort", "relevance"), SORTS, "sort")
    request.per_page = _int_param(one("per_page"), "per_page", 10, 1, limits.max_per_page)
    request.page = _int_param(one("page"), "page", 1, 1, None)
    if (request.page - 1) * request.per_page >= MAX_RESULT_WINDOW:
        raise RequestError("page_out_of_window",
                           f"page × per_page may not pass {MAX_RESULT_WINDOW} results; "
                           "use the cursor of the last page to go deeper", "page")
    request.cursor = decode_cursor(one("cursor")) if one("cursor") else None
    request.facets = _facet_list(args.get("facets") or [])
    request.facet_size = _int_param(one("facet_size"), "facet_size", 10, 1, 1000)
    request.highlight = one("highlight", "true").lower() not in ("false", "0", "no")
    return request


def normalise(text: str) -> str:
    """Typographic quotes, apostrophes, dashes and odd spaces as their ASCII forms."""
    return text.translate(_TYPOGRAPHY)


def _choice(value: str, allowed: tuple[str, ...], param: str) -> str:
    if value not in allowed:
        raise RequestError(f"unknown_{param}",
                           f"{param} must be one of {', '.join(allowed)} (got {value!r})", param)
    return value


def _int_param(value: str, param: str, default: int, low: int, high: int | None) -> int:
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise RequestError("bad_integer", f"{param} must be a whole number (got {value!r})",
                           param) from None
    if number < low or (high is not None and number > high):
        bound = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise RequestError(f"{param}_out_of_range", f"{param} must be {bound} (got {number})", param)
    return number


def _date_param(value: str, param: str, end: bool) -> datetime | None:
    """``2022``, ``2022-01`` or ``2022-01-07``; an end bound covers its whole period."""
    if not value:
        return None
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise RequestError("bad_date", f"{param} must look like 2022, 2022-01 or 2022-01-07 "
                                       f"(got {value!r})", param)
    try:
        start, precision = parse_date(value)
    except ValueError:
        raise RequestError("bad_date", f"{param} is not a real date (got {value!r})", param) from None
    if not end:
        return start
    if precision == "year":
        return start.replace(month=12, day=31, hour=23, minute=59, second=59)
    if precision == "month":
        following = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
        return following.fromordinal(following.toordinal() - 1).replace(hour=23, minute=59, second=59)
    return start.replace(hour=23, minute=59, second=59)


def _facet_list(values: Sequence[str]) -> list[str]:
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    for name in names:
        if name not in FACET_NAMES:
            raise RequestError("unknown_facet", f"unknown facet {name!r} (known: "
                                                f"{', '.join(FACET_NAMES)})", "facets")
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


@dataclass
class ParsedQuery:
    query: wq.Query
    warnings: list[str]
    terms: list[str]          # analysed positive words, for highlighting and proximity
    phrases: list[list[str]]  # analysed phrases, highlighted as one span
    field: str = "text"       # the full-text field searched
    loose: list[str] = dataclasses.field(default_factory=list)  # words outside phrases


def parse_query(q: str, schema, limits: Limits, unit: str = "document") -> ParsedQuery:
    """Whoosh syntax over the unit's own fields, or the plain words when the syntax is broken."""
    warnings: list[str] = []
    field = SEARCH_FIELDS[unit][0]
    if not q.strip():
        return ParsedQuery(wq.Every(), warnings, [], [], field)
    problem = syntax_problem(q)
    if problem:
        warnings.append(f"{problem}: searched for the words instead")
        q = plain_words(q)
        if not q:
            return ParsedQuery(wq.NullQuery, warnings, [], [], field)
    parser = use_exact_phrases(QueryParser(field, schema))
    query = parser.parse(q)
    if not _OPERATORS.search(q):
        query = _require_most_words(query)
    terms = [t for f, t in query.iter_all_terms() if f == field]
    if len(terms) > limits.max_terms:
        raise RequestError("too_many_terms", f"the query has {len(terms)} terms; the limit is "
                                             f"{limits.max_terms}", "q")
    phrases = [list(p.words) for p in query.leaves() if isinstance(p, wq.Phrase)
               and p.fieldname == field]  # "..." and hyphenated words alike
    words = list(dict.fromkeys(t.decode() if isinstance(t, bytes) else t for t in terms))
    loose = [t.text for t in query.leaves() if isinstance(t, wq.Term) and t.fieldname == field]
    if "title" in SEARCH_FIELDS[unit] and words:
        query = _title_bonus(query, words)
    return ParsedQuery(query, warnings, words, phrases, field, list(dict.fromkeys(loose)))


def _title_bonus(query: wq.Query, words: list[str]) -> wq.Query:
    """Words in the title raise a document's score but are not needed to match.

    Searching title and text as alternatives for every word would double the
    matchers of every query; an optional title clause reads title postings
    only for documents that already match.
    """
    return wq.AndMaybe(query, wq.Or([wq.Term("title", w, boost=2.0) for w in words]))


def _require_most_words(query: wq.Query) -> wq.Query:
    """Plain words: all of up to three, three of four, most of more (a half-remembered quote).

    Only called for queries without explicit operators, whose top level is
    the parser's implicit AND of words and phrases.
    """
    if type(query) is wq.And and len(query.subqueries) >= 4:
        n = len(query.subqueries)
        return MinMatch(query.subqueries, n - n // 4)
    return query


def syntax_problem(q: str) -> str | None:
    """What is wrong with a query's syntax, in words a journalist understands."""
    if q.count('"') % 2:
        return "unbalanced quotation mark"
    depth = 0
    for char in re.sub(r'"[^"]*"', "", q):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return "unbalanced parenthesis"
    if depth:
        return "unbalanced parenthesis"
    tokens = re.sub(r'"[^"]*"', " PHRASE ", q).split()
    if tokens and tokens[-1] in ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"):
        return f"dangling {tokens[-1]}"
    if tokens and tokens[0] in ("AND", "OR", "ANDNOT", "ANDMAYBE"):
        return f"dangling {tokens[0]}"
    for a, b in zip(tokens, tokens[1:]):
        if a in ("AND", "OR") and b in ("AND", "OR"):
            return f"{a} followed by {b}"
    for match in re.finditer(r"(\w+):(\S*)", re.sub(r'"[^"]*"', "PHRASE", q)):
        if not match.group(2):
            return f"nothing after {match.group(1)}:"
    return None


def plain_words(q: str) -> str:
    """The words of a broken query, with operators and syntax characters removed."""
    q = _OPERATORS.sub(" ", q)
    return " ".join(re.sub(r"[\"()\[\]{}^~:*?\\]+", " ", q).split())


def check_expansions(query: wq.Query, reader, limit: int) -> None:
    """Refuse a wildcard that expands to more than ``limit`` terms (``a*`` would be thousands)."""
    for leaf in query.leaves():
        if isinstance(leaf, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm, wq.Regex)):
            count = 0
            for _ in leaf._btexts(reader):
                count += 1
                if count > limit:
                    raise RequestError("too_many_expansions",
                                       f"{leaf} matches more than {limit} words: make it longer",
                                       "q")
