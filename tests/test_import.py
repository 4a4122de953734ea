"""``dipsearch import ungdc``: the UN General Debate Corpus as its publisher lays it out.

The fixture is made here in the publisher's layout (``TXT/Session NN - YEAR/ISO_NN_YEAR.txt``
and ``Speakers_by_session.xlsx``), as a folder and as a zip, with the faults a real
download has: a file that is not a speech, a speech with no row in the table, a row
without a year, a repeated row, a file that is not UTF-8 and an empty one.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from search.ingest.importers import import_ungdc
from search.ingest.readers import read_file

from .conftest import ROOT, SHARED

HEADER = ["Year", "Session", "ISO Code", "Country", "Name of Person Speaking", "Post",
          "Language"]
ROWS = [
    [1946, 1, "ARG", "Argentina", "Mr. Arce", None, "ES"],
    [1946, 1, "AUS", "Australia", "Mr. Evatt", "Minister for External Affairs", "EN"],
    [2024, 79, "FRA", "France", "Emmanuel Macron", "President", "FR"],
    [None, 79, "GBR", "United Kingdom", "Keir Starmer", "Prime Minister", "EN"],   # no year
    [2024.0, 79.0, "FRA", "France", "Someone Else", "Ambassador", "FR"],          # repeated
]
SPEECHES = {
    "Session 01 - 1946/ARG_1_1946.txt": "At the resumption of the first session,\r\n the "
                                        "Argentine delegation speaks.\r\n",
    "Session 01 - 1946/AUS_1_1946.txt": "\ufeffAustralia supports the Charter.\n\nSecond "
                                        "paragraph.",
    "Session 79 - 2024/FRA_79_2024.txt": "La France parle de paix. Peace, in every language.",
    "Session 79 - 2024/DEU_79_2024.txt": "Germany has no row in the table.",
    "Session 79 - 2024/notes.txt": "not a speech",
    "Session 79 - 2024/ITA_79_2024.txt": "",
}
LATIN1 = "Session 79 - 2024/ESP_79_2024.txt"


def publisher_layout(root: Path) -> Path:
    folder = root / "UNGDC"
    for name, text in SPEECHES.items():
        path = folder / "TXT" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    (folder / "TXT" / LATIN1).write_bytes("España habla de la paz".encode("latin-1"))
    book = Workbook()
    sheet = book.active
    for row in [HEADER, *ROWS]:
        sheet.append(row)
    book.save(folder / "Speakers_by_session.xlsx")
    return folder


def zipped(folder: Path) -> Path:
    archive = folder.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                out.write(path, path.relative_to(folder.parent).as_posix())
    return archive


def records(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        return [json.loads(line) for line in stream]


@pytest.mark.parametrize("as_zip", [False, True])
def test_import_writes_one_record_per_speech_with_its_speaker(tmp_path, as_zip):
    folder = publisher_layout(tmp_path)
    source = zipped(folder) if as_zip else folder
    report = import_ungdc(source, tmp_path / "out" / "ungdc.jsonl.gz")
    rows = records(tmp_path / "out" / "ungdc.jsonl.gz")
    assert [r["id"] for r in rows] == ["UNGDC-ARG-1-1946", "UNGDC-AUS-1-1946",
                                       "UNGDC-DEU-79-2024", "UNGDC-FRA-79-2024"]
    aus = rows[1]
    assert aus == {"id": "UNGDC-AUS-1-1946", "source": "UN General Debate", "type": "speech",
                   "country_code": "AUS", "country": "Australia", "session": 1, "year": 1946,
                   "speaker": "Mr. Evatt", "post": "Minister for External Affairs",
                   "title": "Australia at the 1st session of the UN General Assembly (1946)",
                   "text": "Australia supports the Charter.\n\nSecond paragraph."}
    assert rows[0]["text"] == ("At the resumption of the first session,\n the Argentine "
                               "delegation speaks.")
    assert rows[3]["speaker"] == "Emmanuel Macron" and rows[3]["title"].startswith(
        "France at the 79th session")
    assert rows[2]["speaker"] is None and report.without_speaker == 1
    reasons = sorted(f"{Path(p.path.replace(':', '/')).name}:{p.line}: {p.reason}"
                     for p in report.problems)
    assert reasons == sorted([
        "DEU_79_2024.txt:1: no row for DEU 2024 in the speakers table: written without a speaker",
        "ESP_79_2024.txt:1: not UTF-8 text (invalid continuation byte at byte 4)",
        "ITA_79_2024.txt:1: empty speech",
        "notes.txt:1: not a speech file name (ISO_SESSION_YEAR.txt)",
        "Speakers_by_session.xlsx:5: no usable year and ISO code (year None, ISO 'GBR')",
        "Speakers_by_session.xlsx:6: second row for FRA 2024: the first one is used",
    ])


def test_the_output_reads_as_documents_like_the_shared_file(tmp_path):
    out = tmp_path / "ungdc.jsonl.gz"
    import_ungdc(publisher_layout(tmp_path), out)
    docs = list(read_file(out))
    assert [d.id for d in docs][:2] == ["UNGDC-ARG-1-1946", "UNGDC-AUS-1-1946"]
    aus = docs[1]
    assert aus.speakers[0].name == "Mr. Evatt" and aus.speakers[0].role.startswith("Minister")
    assert aus.year == 1946 and aus.type == "speech" and len(aus.paragraphs) == 2
    if (SHARED / "corpora" / "ungdc-1946-2024.jsonl.gz").exists():
        with gzip.open(SHARED / "corpora" / "ungdc-1946-2024.jsonl.gz", "rt") as stream:
            shared = json.loads(stream.readline())
        assert list(shared) == list(records(out)[0])  # the same keys, in the same order


def test_cli_reports_problems_as_file_and_line_and_fails_on_nothing_written(tmp_path):
    folder = publisher_layout(tmp_path)
    run = subprocess.run([sys.executable, "-m", "search.cli", "import", "ungdc", str(folder),
                          "--out", str(tmp_path / "u.jsonl")], capture_output=True, text=True,
                         cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert "4 speeches written, 1 without a speaker, 6 problems" in run.stdout
    assert "ITA_79_2024.txt:1: empty speech" in run.stderr
    assert len((tmp_path / "u.jsonl").read_text().splitlines()) == 4
    empty = tmp_path / "empty"
    empty.mkdir()
    run = subprocess.run([sys.executable, "-m", "search.cli", "import", "ungdc", str(empty),
                          "--out", str(tmp_path / "e.jsonl")], capture_output=True, text=True,
                         cwd=ROOT)
    assert run.returncode == 1 and "no Speakers_by_session.xlsx found" in run.stderr
    bad = tmp_path / "not-a-corpus.zip"
    bad.write_text("hello")
    run = subprocess.run([sys.executable, "-m", "search.cli", "import", "ungdc", str(bad)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2 and "neither a folder nor a zip file" in run.stderr


def test_a_missing_column_is_reported_and_speeches_still_written(tmp_path):
    folder = publisher_layout(tmp_path)
    book = Workbook()
    book.active.append(["Year", "Session", "ISO Code", "Country"])
    book.save(folder / "Speakers_by_session.xlsx")
    report = import_ungdc(folder, tmp_path / "u.jsonl.gz")
    assert report.written == 4 and report.without_speaker == 4
    assert any("missing column(s): name of person speaking, post" in p.reason
               for p in report.problems)
