"""``parse_date``: one rule for every date a reader or a query meets.

Sources say as much as they know ("1946", "2022-01", "Jan 7, 2022",
"06:02 PM, Jan 07, 2022"); the precision returned says how much that was, so a
year-only speech is never shown or filtered as if it were given to the day.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from dateutil import parser as _dateutil

# Two defaults that differ in every field: a field that comes out equal under
# both was written in the value, one that differs was filled in by dateutil.
_DEFAULT_A = datetime(2000, 1, 1, 0, 0)
_DEFAULT_B = datetime(2004, 2, 2, 1, 1)
_YEAR_ONLY = re.compile(r"\d{4}")


def parse_date(value: str | int | date | datetime) -> tuple[datetime, str]:
    """Return ``(naive datetime, precision)``; precision is year, month, day or minute.

    Time zones are dropped, keeping the wall-clock time the source printed (the
    day a statement was made where it was made). Ambiguous numeric dates read
    month first ("01/02/2022" is 2 January). Raises ValueError for anything
    that does not name at least a year.
    """
    if isinstance(value, bool):
        raise ValueError(f"not a date: {value!r}")
    if isinstance(value, datetime):
        return value.replace(tzinfo=None), "minute"
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day), "day"
    if isinstance(value, int):
        return _year(value), "year"
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    return _parse_text(value.strip())


def is_date(value: str) -> bool:
    """Whether ``parse_date`` reads the value (how readers tell a date line from a byline)."""
    try:
        parse_date(value)
    except ValueError:
        return False
    return True


def _year(year: int) -> datetime:
    if not 1 <= year <= 9999:
        raise ValueError(f"year out of range: {year}")
    return datetime(year, 1, 1)


def _parse_text(text: str) -> tuple[datetime, str]:
    if _YEAR_ONLY.fullmatch(text):
        return _year(int(text)), "year"
    try:
        first = _dateutil.parse(text, default=_DEFAULT_A, ignoretz=True)
        second = _dateutil.parse(text, default=_DEFAULT_B, ignoretz=True)
    except (ValueError, OverflowError) as error:
        raise ValueError(f"not a date: {text!r}") from error
    if first.year != second.year:
        raise ValueError(f"date has no year: {text!r}")
    if first.month != second.month:
        return datetime(first.year, 1, 1), "year"
    if first.day != second.day:
        return datetime(first.year, first.month, 1), "month"
    if first.hour != second.hour or first.minute != second.minute:
        return datetime(first.year, first.month, first.day), "day"
    return first, "minute"
