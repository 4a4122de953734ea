"""The UN General Debate Corpus as its publisher distributes it -> our JSON Lines.

The UNGDC (Jankin, Baturo and Dasandi; Harvard Dataverse doi:10.7910/DVN/0TJX8Y, CC0)
comes as a folder or zip holding one text file per speech,
``TXT/Session 79 - 2024/AFG_79_2024.txt`` (ISO code, session, year), and a table
``Speakers_by_session.xlsx`` with the columns Year, Session, ISO Code, Country,
Name of Person Speaking and Post. Each speech becomes one record with the speaker
and post of its row (joined by year and ISO code), in the shape of
``../shared/corpora/ungdc-1946-2024.jsonl.gz``: ``id, source, type, country_code,
country, session, year, speaker, post, title, text``.

A speech file whose name is not ``ISO_SESSION_YEAR.txt``, that is empty or not
text, is left out and reported; a speech with no row in the table is written
without a speaker and reported; a row that cannot be read is reported with its
row number. Records are written in year and country order, to a temporary file
renamed into place, so a failed import never leaves half a file.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator

from openpyxl import load_workbook

from search.ingest.document import Problem

SOURCE = "UN General Debate"
TABLE = "Speakers_by_session.xlsx"
SPEECH_NAME = re.compile(r"(?P<iso>[A-Z]{2,3})_(?P<session>\d{1,3})_(?P<year>\d{4})\.txt")
# The table's columns, as our records name them (headers matched case- and space-insensitively).
COLUMNS = {"year": "year", "session": "session", "iso code": "iso", "country": "country",
           "name of person speaking": "speaker", "post": "post"}


@dataclass
class ImportReport:
    """What an import wrote and what it left out or could not complete."""

    written: int = 0
    without_speaker: int = 0
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Row:
    country: str | None
    speaker: str | None
    post: str | None


Opener = Callable[[], bytes]


def import_ungdc(source: Path, out: Path) -> ImportReport:
    """Read the corpus at ``source`` (folder or .zip) and write ``out`` (.jsonl or .jsonl.gz)."""
    report = ImportReport()
    files = dict(_members(source))
    table = next((name for name in files if PurePosixPath(name).name.lower() == TABLE.lower()), None)
    rows: dict[tuple[int, str], Row] = {}
    if table is None:
        report.problems.append(Problem(str(source), 1, f"no {TABLE} found: speeches "
                                                       "are written without speakers"))
    else:
        rows = _rows(files[table](), _shown(source, table), report.problems)
    speeches = sorted(_speeches(files, source, report.problems),
                      key=lambda s: (s[0]["year"], s[0]["country_code"], s[0]["session"]))
    _write(out, (_record(fields, text, rows, report) for fields, text in speeches))
    return report


def _members(source: Path) -> Iterator[tuple[str, Opener]]:
    """Every file of a folder or zip as (path inside it, a function reading its bytes)."""
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            if path.is_file():
                yield path.relative_to(source).as_posix(), path.read_bytes
        return
    if not zipfile.is_zipfile(source):
        raise ValueError(f"{source}: neither a folder nor a zip file")
    archive = zipfile.ZipFile(source)
    for info in archive.infolist():
        if not info.is_dir():
            yield info.filename, (lambda name=info.filename: archive.read(name))


def _shown(source: Path, name: str) -> str:
    return f"{source}/{name}" if source.is_dir() else f"{source}:{name}"


def _rows(data: bytes, shown: str, problems: list[Problem]) -> dict[tuple[int, str], Row]:
    """The speakers table by (year, ISO code); unreadable and repeated rows reported."""
    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = [" ".join(str(c or "").split()).lower() for c in next(lines, ())]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        problems.append(Problem(shown, 1, f"missing column(s): {', '.join(missing)}"))
        return {}
    where = {COLUMNS[name]: header.index(name) for name in COLUMNS}
    rows: dict[tuple[int, str], Row] = {}
    for number, cells in enumerate(lines, 2):
        if not any(cells):
            continue
        value = {key: _cell(cells, index) for key, index in where.items()}
        if not (value["year"] or "").isdigit() or not value["iso"]:
            problems.append(Problem(shown, number, f"no usable year and ISO code "
                                                   f"(year {value['year']!r}, ISO {value['iso']!r})"))
            continue
        key = (int(value["year"]), value["iso"].upper())
        if key in rows:
            problems.append(Problem(shown, number, f"second row for {key[1]} {key[0]}: "
                                                   "the first one is used"))
            continue
        rows[key] = Row(value["country"], value["speaker"], value["post"])
    return rows


def _cell(cells: tuple, index: int) -> str | None:
    """A cell as clean text (a year typed as 1946.0 reads as "1946"); blank as None."""
    value = cells[index] if index < len(cells) else None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def _speeches(files: dict[str, Opener], source: Path, problems: list[Problem]
              ) -> Iterator[tuple[dict, str]]:
    """Each readable speech file's fields from its name, and its text."""
    for name, read in files.items():
        base = PurePosixPath(name).name
        if not base.lower().endswith(".txt") or base.startswith("._"):
            continue  # the table, readme files, macOS resource forks
        shown = _shown(source, name)
        found = SPEECH_NAME.fullmatch(base)
        if not found:
            problems.append(Problem(shown, 1, "not a speech file name (ISO_SESSION_YEAR.txt)"))
            continue
        try:
            text = read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            problems.append(Problem(shown, 1, f"not UTF-8 text ({error.reason} at byte "
                                              f"{error.start})"))
            continue
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
        if not text:
            problems.append(Problem(shown, 1, "empty speech"))
            continue
        yield ({"country_code": found["iso"], "session": int(found["session"]),
                "year": int(found["year"]), "shown": shown}, text)


def _record(fields: dict, text: str, rows: dict[tuple[int, str], Row],
            report: ImportReport) -> dict:
    iso, session, year = fields["country_code"], fields["session"], fields["year"]
    row = rows.get((year, iso))
    if row is None:
        report.without_speaker += 1
        report.problems.append(Problem(fields["shown"], 1, f"no row for {iso} {year} in the "
                                                           "speakers table: written without a "
                                                           "speaker"))
        row = Row(None, None, None)
    country = row.country or iso
    report.written += 1
    return {"id": f"UNGDC-{iso}-{session}-{year}", "source": SOURCE, "type": "speech",
            "country_code": iso, "country": country, "session": session, "year": year,
            "speaker": row.speaker, "post": row.post,
            "title": f"{country} at the {_ordinal(session)} session of the UN General Assembly "
                     f"({year})",
            "text": text}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _write(out: Path, records: Iterator[dict]) -> None:
    """JSON Lines, gzipped for a ``.gz`` name, written beside ``out`` and renamed into place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    opener = gzip.open if out.name.endswith(".gz") else open
    try:
        with opener(temporary, "wt", encoding="utf-8") as stream:
            for record in records:
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
