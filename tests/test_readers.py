"""Corpus readers: each format on its fixture, every kind of bad input, the real corpora."""

from __future__ import annotations

import gzip
import itertools
import json
import shutil
import socket
from datetime import datetime
from pathlib import Path

import pytest

from search.ingest.document import Document, Problem, Speaker, stable_id
from search.ingest.readers import SUPPORTED_SUFFIXES, is_supported, parse_date, read_file
from search.ingest.readers.text import blocks, split_paragraphs

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
FORMATS = FIXTURES / "formats"
BAD = FIXTURES / "corpus_bad"
SEED = HERE.parent / "corpus" / "us-japan-defence-cooperation-2022-01-07.txt"
UNGDC = Path("/work/shared/corpora/ungdc-1946-2024.jsonl.gz")


def read(path: Path, **options) -> tuple[list[Document], list[Problem]]:
    items = list(read_file(path, root=FIXTURES, **options))
    assert all(isinstance(item, Document | Problem) for item in items)
    return [i for i in items if isinstance(i, Document)], [i for i in items if isinstance(i, Problem)]


def only_document(path: Path) -> Document:
    documents, problems = read(path)
    assert problems == []
    assert len(documents) == 1
    return documents[0]


# --- raw article text -------------------------------------------------------


def test_seed_article():
    [document] = read_file(SEED, root=SEED.parents[1])
    assert isinstance(document, Document)
    assert document.id == "us-japan-defence-cooperation-2022-01-07"
    assert document.title == "US, Japan pledge more defence cooperation to counter Chinese threat"
    assert (document.date, document.date_precision) == (datetime(2022, 1, 7, 18, 2), "minute")
    assert document.author == "Myind Staff"
    assert document.section == "In Reports"
    assert (document.type, document.source, document.url) == ("article", None, None)
    assert (document.path, document.line) == ("corpus/us-japan-defence-cooperation-2022-01-07.txt", 1)
    # The file has 11 body lines between the metadata and the page furniture.
    assert len(document.paragraphs) == 11
    assert document.paragraphs[0].startswith("Secretary of State Blinken, Secretary of Defense Austin")
    assert document.paragraphs[-1] == (
        "In a separate virtual summit on Thursday, Japan and Australia signed a defence cooperation agreement."
    )
    assert not any("Image credit" in p or "Comments" in p for p in document.paragraphs)


def test_raw_article_with_labels_blank_lines_and_furniture():
    assert only_document(FORMATS / "raw-article-variants.txt") == Document(
        id="raw-article-variants",
        title="India and Australia sign migration pact",
        paragraphs=[
            "The two countries signed an agreement on migration and mobility on Friday.",
            "The foreign ministers said the pact would help students and professionals.",
            "The agreement will be reviewed after three years.",
        ],
        type="article",
        source="Example News",
        url="https://news.example/india-australia-migration",
        date=datetime(2022, 1, 7),
        date_precision="day",
        author="Jane Doe",
        path="formats/raw-article-variants.txt",
    )


# --- front matter and Markdown ---------------------------------------------


def test_front_matter_markdown():
    assert only_document(FORMATS / "joint-statement.md") == Document(
        id="us-japan-scc-2022",
        title="Joint Statement of the U.S.-Japan Security Consultative Committee",
        paragraphs=[
            "The Ministers reaffirmed that the U.S.-Japan Alliance remains the cornerstone of peace,"
            " security, and prosperity in the Indo-Pacific region.",
            "They resolved to work together to deter and, if necessary, respond to destabilizing"
            " activities in the region.",
            "The Ministers underscored the importance of peace and stability across the Taiwan Strait.",
        ],
        type="joint statement",
        source="U.S. Department of State",
        url="https://www.state.gov/joint-statement-scc-2022",
        date=datetime(2022, 1, 7),
        date_precision="day",
        speakers=[
            Speaker("Antony J. Blinken", "Secretary of State", "United States"),
            Speaker("Hayashi Yoshimasa", "Minister for Foreign Affairs", "Japan"),
        ],
        country="United States",
        country_code="USA",
        language="en",
        author="Office of the Spokesperson",
        section="Joint Statements",
        path="formats/joint-statement.md",
    )


def test_front_matter_in_a_txt_file():
    assert only_document(FORMATS / "ministry-briefing.txt") == Document(
        id="ministry-briefing",
        title="Transcript of the weekly media briefing",
        paragraphs=[
            "Good afternoon and welcome to this weekly briefing.",
            "Question: Could you comment on the visit of the Australian Prime Minister?",
        ],
        type="transcript",
        date=datetime(2023, 3, 9, 16, 30),
        date_precision="minute",
        speakers=[Speaker("Arindam Bagchi", "Official Spokesperson", "India")],
        country="India",
        country_code="IND",
        path="formats/ministry-briefing.txt",
    )


def test_plain_markdown_takes_its_heading_as_title():
    assert only_document(FORMATS / "untitled-notes.markdown") == Document(
        id="untitled-notes",
        title="Notes on the Quad foreign ministers' meeting",
        paragraphs=[
            "The ministers met in *Melbourne* and discussed **maritime security**.",
            "- They agreed to meet again next year.",
            "Second block.",
        ],
        path="formats/untitled-notes.markdown",
    )


# --- HTML -------------------------------------------------------------------


def test_html_page_main_text_and_metadata(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the HTML reader tried to open a socket")

    monkeypatch.setattr(socket, "socket", no_network)
    document = only_document(FORMATS / "mofa-press-statement.html")
    assert document == Document(
        id="mofa-press-statement",
        title="Statement by the Foreign Minister on the Security Consultative Committee",
        paragraphs=[
            "Today the Foreign Minister and the Defence Minister met their United States counterparts for"
            " the Security Consultative Committee, held virtually between Tokyo and Washington.",
            "The ministers confirmed that the alliance remains the cornerstone of peace, security and"
            " prosperity in the Indo-Pacific region, and agreed to deepen cooperation on research and"
            " development of defence technologies.",
            "The ministers expressed serious concern about attempts to change the status quo by force in"
            " the East and South China Seas, and stressed the importance of peace and stability across"
            " the Taiwan Strait.",
            "The Foreign Minister stated that Japan will fundamentally reinforce its defence capabilities"
            " and will continue to work closely with the United States and like-minded partners for a"
            " free and open Indo-Pacific.",
        ],
        type="article",
        source="Ministry of Foreign Affairs",
        url="https://www.mofa.example/press/statement-scc-2022-01-07",
        date=datetime(2022, 1, 7, 18, 2),
        date_precision="minute",
        language="en",
        author="Press Office",
        section="Press Releases",
        path="formats/mofa-press-statement.html",
    )
    for furniture in ("cookies", "Press Room", "Related", "Share on", "Copyright", "Privacy"):
        assert furniture not in document.text


def test_html_in_a_declared_legacy_charset_is_decoded(tmp_path):
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        "<title>Communiqué</title></head><body><article>"
        + "<p>Le ministre a rencontré son homologue à Paris pour un entretien approfondi.</p>" * 5
        + "</article></body></html>"
    )
    target = tmp_path / "communique.htm"
    target.write_bytes(page.encode("latin-1"))
    [document] = read_file(target, root=tmp_path)
    assert document.paragraphs[0] == "Le ministre a rencontré son homologue à Paris pour un entretien approfondi."
    target.write_bytes(page.replace("charset=iso-8859-1", "charset=utf-8").encode("latin-1"))
    [problem] = read_file(target, root=tmp_path)
    assert problem.reason.startswith("not UTF-8: byte 0xe9")


# --- JSON Lines -------------------------------------------------------------

STATEMENTS = [
    Document(
        id="UNGDC-ARG-1-1946",
        title="Argentina at the 1st session of the UN General Assembly (1946)",
        paragraphs=[
            "At the resumption of the first session of the General Assembly, the Argentine delegation"
            " wishes to state its views.",
            "Politics are determined by circumstances.",
            "We are no friends of unanimity.",
        ],
        type="speech",
        source="UN General Debate",
        date=datetime(1946, 1, 1),
        date_precision="year",
        speakers=[Speaker("Mr. Arce", None, "Argentina")],
        country="Argentina",
        country_code="ARG",
        line=1,
    ),
    Document(
        id="UNGDC-XYZ-20-1965",
        title="Xyzland at the 20th session",
        paragraphs=["30. The delegation expresses the hope.", "31. Despite the artificial efforts made."],
        type="speech",
        source="UN General Debate",
        date=datetime(1965, 1, 1),
        date_precision="year",
        country="Xyzland",
        country_code="XYZ",
        line=2,
    ),
    Document(
        id="42",
        title="Joint press statement",
        paragraphs=["First paragraph.", "Second paragraph."],
        type="joint statement",
        url="https://example.org/42",
        date=datetime(2022, 1, 7, 18, 2),
        date_precision="minute",
        speakers=[Speaker("Antony Blinken"), Speaker("Hayashi Yoshimasa", "Minister for Foreign Affairs", "Japan")],
        author="Press Office",
        line=3,
    ),
    Document(
        id="<stable id>",
        title="Statement without id",
        paragraphs=["A statement made in January 2022."],
        type="communique",
        date=datetime(2022, 1, 1),
        date_precision="month",
        speakers=[Speaker("Jane Roe", "Ambassador", "Canada")],
        country="Canada",
        line=4,
    ),
]


def expected_statements(path: str) -> list[Document]:
    expected = [Document(**{**vars(document), "path": path}) for document in STATEMENTS]
    expected[3].id = stable_id(path, "4")
    return expected


def test_jsonl_records():
    documents, problems = read(FORMATS / "statements.jsonl")
    assert problems == []
    assert documents == expected_statements("formats/statements.jsonl")


@pytest.mark.parametrize("name", ["statements.jsonl.gz", "statements.ndjson"])
def test_gzipped_and_ndjson_files_read_like_jsonl(tmp_path, name):
    target = tmp_path / name
    source = (FORMATS / "statements.jsonl").read_bytes()
    target.write_bytes(gzip.compress(source) if name.endswith(".gz") else source)
    documents = list(read_file(target, root=tmp_path))
    assert documents == expected_statements(name)


def test_untitled_record_is_titled_by_its_first_words(tmp_path):
    target = tmp_path / "untitled.jsonl"
    target.write_text(json.dumps({"id": "u", "text": "word " * 100}) + "\n", encoding="utf-8")
    [document] = read_file(target)
    assert document.title == ("word " * 20).strip() + "…"


def test_truncated_gzip_keeps_what_was_read_and_reports_once(tmp_path):
    records = [json.dumps({"id": f"r{n}", "text": f"Record {n} " + "text " * 2000}) for n in range(50)]
    packed = gzip.compress("\n".join(records).encode())
    target = tmp_path / "cut.jsonl.gz"
    target.write_bytes(packed[: len(packed) // 2])
    documents, problems = [], []
    for item in read_file(target, root=tmp_path):
        (documents if isinstance(item, Document) else problems).append(item)
    assert len(problems) == 1 and "corrupt gzip file" in problems[0].reason
    assert 0 < len(documents) < 50
    assert problems[0].line == len(documents) + 1


def test_bad_jsonl_records_are_reported_by_line_and_the_rest_read():
    documents, problems = read(BAD / "bad-records.jsonl", max_chars=200)
    assert [(d.id, d.line) for d in documents] == [("ok-1", 1), ("ok-2", 14)]
    reasons = {problem.line: problem.reason for problem in problems}
    assert all(problem.path == "corpus_bad/bad-records.jsonl" for problem in problems)
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13]
    assert reasons[2] == "not JSON (column 26): Unterminated string starting"
    assert reasons[3] == "record is a JSON array, not an object"
    assert reasons[4] == "record has no 'text'"
    assert reasons[5] == "record has an empty text"
    assert reasons[6] == "unparseable date 'the day after tomorrow'"
    bad_byte = (BAD / "bad-records.jsonl").read_bytes().index(b"\xe9")
    assert reasons[7] == f"not UTF-8: byte 0xe9 at byte offset {bad_byte}"
    assert reasons[9] == "document has 300 characters, over the limit of 200"
    assert reasons[10] == "field 'title' must be a string, not dict"
    assert reasons[11] == "a speakers entry must be a string or an object, not int"
    assert reasons[12] == "field 'text' must be a string, not number"
    assert reasons[13] == "record is a JSON null, not an object"


def test_binary_data_in_jsonl_stops_that_file_with_one_problem():
    documents, problems = read(BAD / "binary.jsonl")
    assert [d.id for d in documents] == ["before"]
    assert [(p.line, p.reason) for p in problems] == [
        (2, "binary data: NUL byte at byte offset 34; reading stopped")
    ]


# --- bad files --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "reason"),
    [
        ("empty.txt", 1, "empty file"),
        ("blank.jsonl", 1, "empty file"),
        ("binary.txt", 1, "binary file: NUL byte at byte offset 7"),
        ("latin1.txt", 3, "not UTF-8: byte 0xe9 at byte offset 54"),
        ("not-gzip.jsonl.gz", 1, "corrupt gzip file, reading stopped: Not a gzipped file (b'{\"')"),
        ("bad-yaml.md", 3, "front matter is not valid YAML: mapping values are not allowed here"),
        ("list-front-matter.md", 1, "front matter is a YAML list, not a mapping"),
        ("unclosed-front-matter.md", 1, "front matter opened by '---' on line 1 is never closed"),
        ("title-only.txt", 1, "article has a title but no body text"),
        ("nav-only.html", 1, "no main text found in the page"),
        ("bad-date.txt", 2, "unparseable date 'sometime next week'"),
    ],
)
def test_bad_file_gives_one_problem(name, line, reason):
    assert read(BAD / name) == ([], [Problem(f"corpus_bad/{name}", line, reason)])


def test_oversized_document():
    size = len(SEED.read_text(encoding="utf-8"))
    assert list(read_file(SEED, max_chars=1000)) == [
        Problem(str(SEED), 1, f"document has {size:,} characters, over the limit of 1,000")
    ]


def test_missing_and_unsupported_files(tmp_path):
    assert list(read_file(tmp_path / "gone.txt", root=tmp_path)) == [
        Problem("gone.txt", 1, "cannot read file: No such file or directory")
    ]
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.7")
    [problem] = read_file(tmp_path / "report.pdf", root=tmp_path)
    assert (problem.path, problem.line) == ("report.pdf", 1)
    assert problem.reason.startswith("unsupported file type")


def test_supported_suffixes():
    assert SUPPORTED_SUFFIXES == (".txt", ".md", ".markdown", ".jsonl", ".jsonl.gz", ".ndjson", ".html", ".htm")
    assert all(is_supported(Path(f"a{suffix.upper()}")) for suffix in SUPPORTED_SUFFIXES)
    assert not is_supported(Path("a.gz")) and not is_supported(Path("a.pdf"))


def test_path_is_relative_to_root_only_when_given(tmp_path):
    target = tmp_path / "sub" / "a.txt"
    target.parent.mkdir()
    shutil.copy(SEED, target)
    assert next(read_file(target, root=tmp_path)).path == "sub/a.txt"
    assert next(read_file(target)).path == str(target)


# --- dates and paragraphs ---------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022", (datetime(2022, 1, 1), "year")),
        (1946, (datetime(1946, 1, 1), "year")),
        ("2022-01", (datetime(2022, 1, 1), "month")),
        ("January 2022", (datetime(2022, 1, 1), "month")),
        ("2022-01-07", (datetime(2022, 1, 7), "day")),
        ("Jan 7, 2022", (datetime(2022, 1, 7), "day")),
        ("06:02 PM, Jan 07, 2022", (datetime(2022, 1, 7, 18, 2), "minute")),
        ("7 January 2022 14:30", (datetime(2022, 1, 7, 14, 30), "minute")),
        ("2022-01-07 00:00", (datetime(2022, 1, 7), "minute")),
        ("2022-01-07T18:02:00+09:00", (datetime(2022, 1, 7, 18, 2), "minute")),
    ],
)
def test_parse_date_precision(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["", "In Reports", "Myind Staff", "June", "12", "2022-13-01", 0, True, None])
def test_parse_date_rejects(value):
    with pytest.raises(ValueError):
        parse_date(value)


def test_paragraphs_one_per_line_and_blank_line_blocks():
    assert split_paragraphs("First line.\nSecond line.\n\n\nThird.\n") == ["First line.", "Second line.", "Third."]
    assert split_paragraphs("A.\r\nB.\n\rC.\r\rD.") == ["A.", "B.", "C.", "D."]


def test_hard_wrapped_paragraphs_are_joined():
    wrapped = (
        "1. Madam President, it is\nwith great pleasure that I\ncongratulate you on your co-\n"
        "operation and election to the\nhighest office.\n\n2. We are grateful to the\n"
        "temporary President and to the\nrepresentative of Peru.\n"
    )
    assert split_paragraphs(wrapped) == [
        "1. Madam President, it is with great pleasure that I congratulate you on your co-operation"
        " and election to the highest office.",
        "2. We are grateful to the temporary President and to the representative of Peru.",
    ]


def test_hard_wrapped_paragraphs_without_blank_lines_are_recovered():
    numbered = (
        "It is a particular pleasure to\ncongratulate the President on his\nelection to the presidency"
        " of the\nAssembly this year.\n181. I also wish to convey to\nhis predecessor our sincere and\n"
        "warm thanks for all his work\nduring the past session.\n"
    )
    assert split_paragraphs(numbered) == [
        "It is a particular pleasure to congratulate the President on his election to the presidency"
        " of the Assembly this year.",
        "181. I also wish to convey to his predecessor our sincere and warm thanks for all his work"
        " during the past session.",
    ]
    soft = (
        "I wish to join \nthe leaders of other \ndelegations in this \nfinal tribute.\n"
        "Never in its \nhistory has the \nAssembly met so.\n"
    )
    assert split_paragraphs(soft) == [
        "I wish to join the leaders of other delegations in this final tribute.",
        "Never in its history has the Assembly met so.",
    ]


def test_markdown_blocks():
    assert blocks("A line\nwrapped.\n- item one\n- item two\n\n## Heading\nText.") == [
        "A line wrapped.", "- item one", "- item two", "## Heading", "Text."
    ]


# --- the real UNGDC corpus --------------------------------------------------


@pytest.mark.skipif(not UNGDC.exists(), reason=f"UNGDC corpus not present at {UNGDC}")
def test_ungdc_first_200_records_load_as_is():
    with gzip.open(UNGDC, "rt", encoding="utf-8") as stream:
        raw = [json.loads(line) for line in itertools.islice(stream, 200)]
    items = list(itertools.islice(read_file(UNGDC, root=UNGDC.parent), 200))
    assert all(isinstance(item, Document) for item in items), [i for i in items if isinstance(i, Problem)]
    for line, (document, record) in enumerate(zip(items, raw, strict=True), 1):
        assert (document.id, document.title, document.type) == (record["id"], record["title"], record["type"])
        assert (document.path, document.line) == (UNGDC.name, line)
        assert (document.date, document.date_precision) == (datetime(record["year"], 1, 1), "year")
        assert (document.country, document.country_code, document.source) == (
            record["country"], record["country_code"], record["source"]
        )
        expected = [Speaker(record["speaker"], record["post"], record["country"])] if record["speaker"] else []
        assert document.speakers == expected
        assert document.paragraphs and all(p == p.strip() and p for p in document.paragraphs)
        assert "".join(document.text.split()) == "".join(record["text"].replace("\ufeff", "").split())
