"""The journalist's pages, through Flask's test client: escaping, errors, permalinks, JSON twins.

The browser tests (``test_browser.py``) build their index from the same corpus.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from search.config import load_config
from search.service.indexing import build
from web import create_app

from .conftest import SEED, write_config

XSS = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
RBO = "rules-based order"


def _record(**fields) -> str:
    return json.dumps(fields)


def corpus_records() -> list[str]:
    """Speeches and statements beside the seed article: several speakers, one hostile record."""
    records = [
        _record(id="XSS-1", title=f"Briefing {XSS}", date="2022-03-02", type="briefing",
                source=f"Ministry {IMG}", speaker="Sergey Lavrov", country="Russian Federation",
                url="javascript:alert(1)",
                text=f"The minister spoke about the {RBO}.\n\n{XSS} and {IMG} were pasted "
                     f"into this record.\n\n\"We reject the so-called {RBO} {XSS},\" Lavrov said."),
        _record(id="UNGDC-SUN-41-1986", source="UN General Debate", type="speech",
                country_code="SUN", country="Union of Soviet Socialist Republics", session=41,
                year=1986, speaker="Mr. SHEVARDNADZE", post="Minister for Foreign Affairs",
                title="Union of Soviet Socialist Republics at the 41st session (1986)",
                text="The Soviet Union stands for a world without nuclear weapons.\n\n"
                     f"The {RBO} must rest on the Charter of the United Nations."),
        _record(id="UNGDC-SUN-30-1975", source="UN General Debate", type="speech",
                country_code="SUN", country="Union of Soviet Socialist Republics", session=30,
                year=1975, speaker="Mr. GROMYKO", post="Minister for Foreign Affairs",
                title="Union of Soviet Socialist Republics at the 30th session (1975)",
                text="Detente is the order of the day.\n\nDisarmament remains our first task."),
        _record(id="STATE-2021-07", title="Secretary Blinken on the Indo-Pacific",
                date="2021-07-29", type="press statement", source="State Department",
                speaker="Antony Blinken", country="United States",
                url="https://example.org/blinken",
                text=f"\"We will defend the {RBO} together with our allies,\" Blinken said.\n\n"
                     "He added that deterrence is a shared task."),
    ]
    records += [
        _record(id=f"GEN-{n:02d}", title=f"General debate statement {n}", year=1990 + n,
                type="speech", source="UN General Debate", speaker="Mr. SPEAKER" + str(n % 3),
                country=f"Country {n % 4}",
                text=f"Statement {n} supports the {RBO} and sustainable development.")
        for n in range(24)
    ]
    return records


def make_corpus(folder: Path) -> Path:
    """The seed article and ``corpus_records()`` in a corpus folder."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / SEED.name).exists():
        shutil.copy(SEED, folder / SEED.name)
    (folder / "records.jsonl").write_text("\n".join(corpus_records()) + "\n")
    return folder


def build_site(tmp_path: Path, corpus: Path) -> Path:
    """An indexed test corpus; returns the config path for the app or gunicorn."""
    config_path = write_config(tmp_path, make_corpus(corpus))
    report = build(load_config(config_path))
    assert report.ok, report.problems
    return config_path


@pytest.fixture()
def client(tmp_path, corpus):
    app = create_app(load_config(build_site(tmp_path, corpus)))
    return app.test_client()


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of <script> and <style> elements."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.inline: list[str] = []
        self._open: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open = tag if tag in ("script", "style") else None

    def handle_data(self, data):
        if self._open and data.strip():
            self.inline.append(data)

    def handle_endtag(self, tag):
        self._open = None

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def hrefs(html: str) -> list[str]:
    return [a["href"] for a in Tags(html).find("a") if "href" in a]


def params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url.replace("&amp;", "&")).query)


PAGES = [f"/?q=%22{RBO}%22", f"/?q={RBO}&unit=quotes&speaker=Antony+Blinken",
         "/documents/XSS-1?q=order", "/documents/UNGDC-SUN-41-1986", "/speakers",
         "/speakers/Antony%20Blinken", "/?q=zzzyyqq", "/?page=0"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_need_no_inline_script_style_or_handler(client, url):
    """Built for ``script-src 'self'; style-src 'self'``: nothing inline anywhere."""
    html = page(client, url, 400 if "page=0" in url else 200)
    tags = Tags(html)
    assert not tags.inline
    assert all(a.get("src") for a in tags.find("script"))
    assert not tags.find("style")
    for tag, attrs in tags.tags:
        assert "style" not in attrs, tag
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)


@pytest.mark.parametrize("url", PAGES)
def test_pages_are_accessible_in_structure(client, url):
    """lang, one h1, landmarks, a skip link, and a label for every visible form control."""
    tags = Tags(page(client, url, 400 if "page=0" in url else 200))
    assert tags.find("html")[0]["lang"] == "en"
    assert len(tags.find("h1")) == 1
    assert tags.find("main") and tags.find("header") and tags.find("nav")
    assert tags.find("a", href="#main")
    labels = {a["for"] for a in tags.find("label")}
    for attrs in tags.find("input") + tags.find("select"):
        if attrs.get("type") != "hidden":
            assert attrs["id"] in labels or "aria-label" in attrs, attrs


def test_document_text_from_the_corpus_is_shown_as_text(client):
    html = page(client, "/documents/XSS-1")
    assert XSS not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert not [h for h in hrefs(html) if h.lower().startswith("javascript:")]


def test_search_results_escape_titles_sources_and_the_query(client):
    html = page(client, f"/?q=minister+{XSS}")
    assert XSS not in html and "<img src=x" not in html
    assert "Briefing &lt;script&gt;" in html
    html = page(client, "/?q=pasted&unit=passages")
    assert "<mark>pasted</mark>" in html
    assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_unknown_document_and_speaker_are_404_pages(client):
    assert "Page not found" in page(client, "/documents/no-such-id", 404)
    assert "no-such-id" in page(client, "/documents/no-such-id", 404)
    assert "Page not found" in page(client, "/speakers/Nobody%20Atall", 404)
    assert "Page not found" in page(client, "/no/such/page", 404)


@pytest.mark.parametrize("query, message", [
    ("page=0", "page must be at least 1"),
    ("unit=sentences", "unit must be one of"),
    ("date_from=yesterday", "date_from must look like"),
    ("date_from=2020&date_to=2010", "date_from is after date_to"),
    ("page=1001", "use the cursor"),
    ("cursor=notacursor", "cursor is not one"),
])
def test_bad_parameters_are_400_pages_with_the_reason(client, query, message):
    html = page(client, "/?q=order&" + query, 400)
    assert message in html
    assert 'value="order"' in html  # the search box keeps the query to fix


def test_every_state_is_in_the_url(client):
    url = (f"/?q={RBO}&unit=quotes&sort=-date&per_page=5&speaker=Antony+Blinken"
           "&speaker=Sergey+Lavrov&date_from=2000")
    html = page(client, url)
    links = hrefs(html)
    toggles = [h for h in links if "country=" in h]
    assert toggles and all(params(h)["speaker"] == ["Antony Blinken", "Sergey Lavrov"]
                           and params(h)["unit"] == ["quotes"] and params(h)["sort"] == ["-date"]
                           and params(h)["per_page"] == ["5"] and params(h)["q"] == [RBO]
                           for h in toggles)
    removed = [params(h) for h in links if "speaker=Sergey" in h and "Antony" not in h]
    assert removed, "a chip or facet value removes one speaker and keeps the other"
    form = Tags(html).find("input", type="hidden")
    assert {(a["name"], a["value"]) for a in form} >= {
        ("unit", "quotes"), ("sort", "-date"), ("speaker", "Antony Blinken"),
        ("speaker", "Sergey Lavrov"), ("date_from", "2000-01-01")}


def test_facet_values_toggle_and_chips_remove(client):
    html = page(client, f"/?q=%22{RBO}%22")
    add = [h for h in hrefs(html) if params(h).get("speaker") == ["Antony Blinken"]]
    assert add
    html = page(client, add[0])
    assert 'aria-current="true"' in html and "Speaker: Antony Blinken" in html
    remove = [h for h in hrefs(html) if "speaker" not in params(h) and params(h).get("q")]
    assert remove
    assert "Speaker: Antony Blinken" not in page(client, remove[0])


def test_speaker_filter_narrows_the_speaker_facet(client):
    html = page(client, f"/?q={RBO}&speaker_filter=lav")
    values = re.findall(r'<span class="value">([^<]*)</span>', html)
    assert "Sergey Lavrov" in values and "Antony Blinken" not in values
    assert "Country 0" in values, "other facets are not narrowed"


def test_year_only_records_show_the_year_alone(client):
    html = page(client, "/?q=Charter&unit=passages")
    assert '<time datetime="1986">1986</time>' in html and "1 Jan 1986" not in html
    html = page(client, "/documents/STATE-2021-07")
    assert "29 Jul 2021" in html


def test_histogram_links_choose_years_and_decades(client):
    html = page(client, f"/?q={RBO}")
    assert '<svg class="histogram"' in html
    links = [params(h) for h in hrefs(html)]
    assert {"q": [RBO], "date_from": ["1986"], "date_to": ["1986"]} in links
    assert {"q": [RBO], "date_from": ["1990"], "date_to": ["1999"]} in links
    html = page(client, f"/?q={RBO}&date_from=1990&date_to=1999")
    assert "From 1990" in html and "Until 1999" in html
    assert "Union of Soviet Socialist Republics at the 41st" not in html


def test_pages_numbers_then_a_cursor(client):
    html = page(client, f"/?q={RBO}")
    assert re.search(r"(\d+) documents for", html).group(1) == "28"
    assert {"q": [RBO], "page": ["3"]} in [params(h) for h in hrefs(html)]
    cursor = client.get(f"/api/search?q={RBO}&per_page=5").get_json()["next_cursor"]
    html = page(client, f"/?q={RBO}&per_page=5&cursor={cursor}")
    nexts = [a["href"] for a in Tags(html).find("a", rel="next")]
    assert nexts and "cursor" in params(nexts[0])
    assert "First page" in html


def test_zero_results_suggest_removing_filters_and_show_warnings(client):
    html = page(client, "/?q=%22unbalanced+quote&speaker=Antony+Blinken")
    assert "unbalanced quotation mark" in html
    assert "search again without any filter" in html
    assert "Did you mean" in page(client, "/?q=hypersonc")


def test_results_lead_with_the_quote_and_carry_a_citation(client):
    html = page(client, f"/?q=%22{RBO}%22&unit=quotes&speaker=Antony+Blinken")
    lead = re.search(r'<div class="quote kind-(\w+)".*?</div>', html, re.S)
    assert "<mark>rules-based order</mark>" in lead.group(0)
    cite = re.search(r'<p class="citation-text"[^>]*>(.*?)</p>', html).group(1)
    assert "Antony Blinken, Secretary of State" in cite and "29 Jul 2021" in cite
    # no server.public_url in the test config: a relative permalink, never the Host header's
    assert "Permalink: /documents/STATE-2021-07#q" in cite and "localhost" not in cite


def test_document_page_marks_quotes_speakers_and_query(client):
    html = page(client, "/documents/STATE-2021-07?q=allies")
    assert re.search(r'<span class="quoted kind-direct" data-kind="direct" id="q0">We will defend'
                     r'.*?<mark>allies</mark>', html)
    assert 'class="said-by"' in html and "Antony Blinken" in html
    assert 'href="https://example.org/blinken"' in html


def test_speaker_pages(client):
    html = page(client, "/speakers/Antony%20Blinken")
    assert "Secretary of State" in html and "United States" in html
    assert '<svg class="year-chart"' in html
    hidden = {(a["name"], a["value"]) for a in Tags(html).find("input", type="hidden")}
    assert hidden == {("unit", "quotes"), ("speaker", "Antony Blinken")}
    index = page(client, "/speakers?prefix=lav")
    assert "/speakers/Sergey%20Lavrov" in index and "Antony Blinken" not in index


@pytest.mark.parametrize("url, twin", [
    (f"/?q={RBO}&unit=quotes&speaker=Antony+Blinken", "/api/search?"),
    ("/documents/XSS-1", "/api/documents/XSS-1"),
    ("/speakers/Antony%20Blinken", "/api/search?"),
    ("/speakers?prefix=a", "/api/speakers?prefix=a"),
])
def test_every_page_links_its_json_twin(client, url, twin):
    html = page(client, url)
    links = Tags(html).find("link", rel="alternate", type="application/json")
    assert links and links[0]["href"].startswith(twin)
    assert links[0]["href"] in hrefs(html)
    response = client.get(links[0]["href"])
    assert response.status_code == 200 and response.is_json


def test_json_twin_and_exports_carry_the_same_search(client):
    html = page(client, f"/?q={RBO}&unit=quotes&speaker=Antony+Blinken&sort=date")
    twin = Tags(html).find("link", rel="alternate")[0]["href"]
    data = client.get(twin).get_json()
    assert data["query"]["filters"] == {"speaker": ["Antony Blinken"]}
    assert data["query"]["unit"] == "quotes" and data["query"]["sort"] == "date"
    assert set(data["facets"]) == {"speaker", "institution", "country", "type", "source", "kind"}
    exports = [h for h in hrefs(html) if h.startswith("/api/export.")]
    assert {h.split("?")[0] for h in exports} == {"/api/export.csv", "/api/export.jsonl"}
    assert all(params(h)["speaker"] == ["Antony Blinken"] for h in exports)
