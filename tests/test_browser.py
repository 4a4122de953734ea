"""The pages in a real headless browser, against the app under gunicorn.

Everything starts here: a test index (the corpus of ``test_pages``), gunicorn
on a free loopback port, and Debian's chromium driven by Playwright, with the
Content-Security-Policy the app is deployed with added to every response, so
an inline script or style would show up as a violation. Screenshots go to
``test-artifacts/screenshots/`` for a human to look at.

Chromium comes from ``apt-get install chromium`` (``scripts/test.sh`` does it);
without it these tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from .conftest import ROOT
from .test_pages import IMG, RBO, XSS, build_site

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-ancestors 'none'")
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PUBLIC = "https://dipsearch.example.org"  # server.public_url: every permalink starts here


def _playwright():
    """The Playwright sync API, or a skip (a failure under CI) saying what is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "the playwright package is not installed (pip install -e '.[test]')"
    else:
        if CHROMIUM.exists():
            return sync_playwright
        missing = f"{CHROMIUM} is missing (apt-get install -y chromium chromium-driver)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run in CI: {missing}")
    pytest.skip(f"browser tests need chromium: {missing}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(base: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(base + "/api/stats", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within 30 s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> str:
    """The app under gunicorn on a free loopback port, over a freshly built test index."""
    _playwright()  # skip (or fail, in CI) before building anything when there is no browser
    root = tmp_path_factory.mktemp("site")
    config = build_site(root, root / "corpus")
    config.write_text(json.dumps(dict(json.loads(config.read_text()),
                                      server={"public_url": PUBLIC})))
    port, log = _free_port(), root / "gunicorn.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "web.wsgi:app"], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "DIPSEARCH_CONFIG": str(config)})
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, proc, log)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(base):
    sync_playwright = _playwright()
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page whose alerts, script errors and CSP violations are recorded."""

    def __init__(self, context) -> None:
        self.context = context
        context.set_default_timeout(5000)
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        context.route("**/*", _with_csp)
        self.page = context.new_page()
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(m.text))

    def close_and_check(self) -> None:
        self.context.unroute_all(behavior="ignoreErrors")
        self.context.close()
        assert not self.dialogs, f"alert dialogs fired: {self.dialogs}"
        assert not self.problems, self.problems


def _with_csp(route) -> None:
    """Serve every response with the production Content-Security-Policy."""
    response = route.fetch()
    route.fulfill(response=response,
                  headers={**response.headers, "content-security-policy": CSP})


@pytest.fixture()
def watched(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  permissions=["clipboard-read", "clipboard-write"])
    tab = Watched(context)
    yield tab
    tab.close_and_check()


def args(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_search_choose_facet_page_and_toggle_units(watched, base):
    page = watched.page
    page.goto(f"{base}/?q={quote(chr(34) + RBO + chr(34))}")
    assert page.locator("#results-heading").inner_text().startswith("28 documents")
    assert page.locator("#facet-speaker").get_attribute("open") is not None
    shoot(page, "search-rules-based-order.png")

    page.locator("#speaker-values a", has_text="Antony Blinken").click()
    assert args(page.url)["speaker"] == ["Antony Blinken"]
    assert page.locator("#results-heading").inner_text().startswith("2 documents")
    page.locator("a.chip", has_text="Speaker: Antony Blinken").click()
    assert "speaker" not in args(page.url)

    page.get_by_role("link", name="Page 2").click()
    assert args(page.url)["page"] == ["2"] and page.locator("ol.hits").get_attribute("start") == "11"
    page.locator("a[rel=next]").click()
    assert args(page.url)["page"] == ["3"]

    page.locator("nav.units a", has_text="Quotes").click()
    assert args(page.url)["unit"] == ["quotes"] and "page" not in args(page.url)
    assert page.locator("li.hit .quote .words mark").count() > 0
    page.locator("nav.units a", has_text="Passages").click()
    assert args(page.url)["unit"] == ["passages"]


def test_speaker_facet_filter_box_and_year_drag(watched, base):
    page = watched.page
    page.goto(f"{base}/?q={quote(RBO)}")
    page.locator("#speaker-filter").fill("lav")
    assert page.locator("#speaker-values li:visible").all_inner_texts() == \
        [t for t in page.locator("#speaker-values li").all_inner_texts() if "Lavrov" in t]
    page.locator("#speaker-filter").press("Enter")
    assert args(page.url)["speaker_filter"] == ["lav"]

    page.locator("svg.histogram").scroll_into_view_if_needed()
    box = page.locator("svg.histogram").bounding_box()
    y = box["y"] + box["height"] - 3
    page.mouse.move(box["x"] + 3, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, y, steps=5)
    page.mouse.up()
    page.wait_for_url("**date_to=*")
    chosen = args(page.url)
    assert int(chosen["date_from"][0]) < int(chosen["date_to"][0])
    assert page.locator("a.chip", has_text="From").count() == 1


def test_copy_citation_puts_quote_speaker_and_link_on_the_clipboard(watched, base):
    page = watched.page
    page.goto(f"{base}/?q={quote(RBO)}&unit=quotes&speaker=Antony+Blinken")
    page.locator("button.copy-citation").first.click()
    page.locator(".copy-status", has_text="Copied").first.wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Antony Blinken, Secretary of State (direct quote): “We will defend "
                             "the rules-based order")
    assert "29 Jul 2021" in copied and f"Permalink: {PUBLIC}/documents/STATE-2021-07#q" in copied
    assert base not in copied  # the configured public URL, never the address the page came from


def test_hostile_document_shows_its_markup_as_text(watched, base):
    page = watched.page
    page.goto(f"{base}/documents/XSS-1?q=pasted")
    text = page.locator(".fulltext").inner_text()
    assert XSS in text and IMG in text
    assert page.locator("h1").inner_text() == f"Briefing {XSS}"
    page.goto(f"{base}/?q=pasted+minister&unit=passages")
    page.goto(f"{base}/?q={quote(XSS)}")
    assert page.locator("#q").input_value() == XSS
    page.wait_for_timeout(300)  # an injected onerror would fire by now
    assert not watched.dialogs


def test_document_and_speaker_pages(watched, base):
    page = watched.page
    page.goto(f"{base}/?q={quote(RBO)}&type=article")
    page.locator("a.doc-link", has_text="US, Japan pledge").click()
    assert "/documents/us-japan-defence-cooperation-2022-01-07" in page.url
    marked = " ".join(page.locator(".fulltext mark").all_inner_texts())
    assert "rules-based" in marked and "order" in marked
    assert page.locator(".fulltext .quoted").count() >= 3
    assert page.locator(".said-by", has_text="Lloyd Austin").count() >= 1
    shoot(page, "document-seed-article.png")

    page.locator(".said-by", has_text="Lloyd Austin").first.click()
    assert page.locator(".quote-list li:target").count() == 1
    page.locator("a[href='/speakers/Lloyd%20Austin']").first.click()
    assert page.locator("h1").inner_text() == "Lloyd Austin"
    assert page.locator("svg.year-chart rect").count() >= 2
    shoot(page, "speaker-lloyd-austin.png")
    page.locator("#speaker-q").fill("Japan")
    page.locator("#speaker-q").press("Enter")
    assert args(page.url) == {"q": ["Japan"], "unit": ["quotes"], "speaker": ["Lloyd Austin"]}


def test_keyboard_reaches_the_skip_link_first(watched, base):
    page = watched.page
    page.goto(f"{base}/speakers")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_phone_width(browser, base):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    tab = Watched(context)
    tab.page.goto(f"{base}/?q={quote(RBO)}&speaker=Antony+Blinken")
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= 390
    assert tab.page.locator("#facet-country").get_attribute("open") is None  # folded by JS
    assert tab.page.locator("#facet-speaker").get_attribute("open") is not None  # has a choice
    shoot(tab.page, "search-phone.png")
    tab.close_and_check()


def test_everything_works_without_javascript(browser, base):
    context = browser.new_context(java_script_enabled=False)
    tab = Watched(context)
    page = tab.page
    page.goto(f"{base}/?q={quote(RBO)}")
    assert page.locator("button.copy-citation").first.is_hidden()
    page.locator("details.citation summary").first.click()
    citation = page.locator(".citation-text").first
    assert citation.is_visible() and "/documents/" in citation.inner_text()

    page.locator("#speaker-values a", has_text="Sergey Lavrov").click()
    assert args(page.url)["speaker"] == ["Sergey Lavrov"]
    page.locator("a.chip", has_text="Sergey Lavrov").click()
    page.locator("#speaker-filter").fill("aus")
    page.locator("#speaker-filter").press("Enter")
    assert page.locator("#speaker-values li").all_inner_texts()[0].startswith("Lloyd Austin")
    page.locator(".decades a").last.click()
    assert "date_from" in args(page.url)
    page.locator("nav.units a", has_text="Quotes").click()
    page.locator("a.doc-link").first.click()
    assert page.locator(".doc-quotes li").count() >= 1
    tab.close_and_check()


# -- quotes drawn as what they are (issue: quotes a journalist can cite) -----------------

# For every drawn quote, what the reader sees, read in the browser: its kind, the text of its
# words block, the text of the quote itself, and any quotation marks CSS draws around it.
_DRAWN_QUOTES = """() => [...document.querySelectorAll('.quote[data-kind]')].map(q => {
  const own = q.querySelector('.fragment, .clause, blockquote');
  const css = [q, ...q.querySelectorAll('*')].flatMap(el => ['::before', '::after'].map(
      pseudo => getComputedStyle(el, pseudo).content)).filter(c => c && c !== 'none' && c !== 'normal');
  return {kind: q.dataset.kind, words: q.querySelector('.words').innerText,
          own: own.innerText, label: q.querySelector('.kind-label').innerText,
          attribution: q.querySelector('.attribution').innerText, css};
})"""
_OPENING, _CLOSING = "“\"‘«", "”\"’»"


def _inside_marks(before: str) -> bool:
    """Whether text that follows ``before`` stands inside quotation marks opened there."""
    depth = 0
    for char in before:
        if char in "“«":
            depth += 1
        elif char in "”»":
            depth = max(depth - 1, 0)
    return depth > 0 or before.count('"') % 2 == 1


def check_drawn_quotes(page) -> dict[str, int]:
    """Fail when a reported or partial quote is drawn between quotation marks outside its own
    fragment, or a direct one without them; count the quotes of each kind seen."""
    seen: dict[str, int] = {}
    for q in page.evaluate(_DRAWN_QUOTES):
        seen[q["kind"]] = seen.get(q["kind"], 0) + 1
        assert not any(set(c) & set(_OPENING + _CLOSING) for c in q["css"]), q
        words, own = q["words"].strip(), q["own"].strip()
        before = words[:words.index(own)]
        assert not _inside_marks(before), q  # nothing of ours opens marks before the quote
        if q["kind"] == "direct":
            assert words.startswith("“") and words.endswith("”"), q
            assert q["label"].lower() == "direct quote"
        elif q["kind"] == "partial":
            assert own.startswith("“") and own.endswith("”"), q
            assert own[1:-1].strip() and not any(m in own[1:-1] for m in "“”"), q
            assert q["label"].lower() == "partial quote"
        else:
            assert own[:1] not in _OPENING and own[-1:] not in _CLOSING, q
            assert q["label"].lower() == "reported speech" and "not a quotation" in q["attribution"]
        assert " — " in q["attribution"]  # a speaker, or "speaker unknown"
    return seen


def test_quotes_are_drawn_as_their_kind_everywhere(watched, base):
    page = watched.page
    page.goto(f"{base}/?unit=quotes&per_page=100")
    seen = check_drawn_quotes(page)
    assert set(seen) == {"direct", "partial", "reported"}, seen
    shoot(page, "quotes-by-kind.png")
    page.goto(f"{base}/?q=alliance&per_page=50")  # documents, led by their matching quotes
    check_drawn_quotes(page)
    page.goto(f"{base}/speakers/Lloyd%20Austin")
    assert check_drawn_quotes(page)
    page.goto(f"{base}/documents/us-japan-defence-cooperation-2022-01-07")
    listed = check_drawn_quotes(page)
    assert set(listed) == {"direct", "partial", "reported"}
    assert page.locator(".legend.kinds li").count() == 3
    # in the full text the kinds look different, not only in words
    styles = {kind: page.locator(f".fulltext .quoted.kind-{kind}").first.evaluate(
        "el => getComputedStyle(el).borderBottomStyle + ' ' + getComputedStyle(el).backgroundColor")
        for kind in listed}
    assert len(set(styles.values())) == 3, styles
    shoot(page, "document-kinds.png")


def test_kind_filter_in_the_page(watched, base):
    page = watched.page
    page.goto(f"{base}/?unit=quotes")
    page.locator("#kind-values a", has_text="Reported speech").click()
    assert args(page.url)["kind"] == ["reported"]
    seen = check_drawn_quotes(page)
    assert set(seen) == {"reported"}
    assert page.locator("#results-heading").inner_text().startswith(f"{seen['reported']} quote")


def test_narrative_citation_has_no_marks_and_no_speaker(watched, base):
    page = watched.page
    page.goto(f"{base}/?q=summit&unit=passages&type=article")
    items = page.locator("li.hit")
    assert items.count() >= 1
    for n in range(items.count()):
        item = items.nth(n)
        assert item.locator(".byline").count() == 1  # headed by the outlet, not a quoted person
        item.locator("details.citation summary").click()
        text = item.locator(".citation-text").inner_text()
        assert not any(mark in text for mark in "“”\"«»"), text
        for person in ("Blinken", "Austin", "Hayashi", "Kishi"):
            assert person not in text, text
        assert f"Permalink: {PUBLIC}/documents/" in text


def test_citation_links_ignore_the_host_header(base):
    request = urllib.request.Request(f"{base}/?unit=quotes", headers={"Host": "evil.example"})
    with urllib.request.urlopen(request, timeout=10) as response:
        html = response.read().decode()
    assert "evil.example" not in html
    assert f"Permalink: {PUBLIC}/documents/" in html


def test_institutions_have_a_facet_and_say_what_they_are(watched, base):
    page = watched.page
    page.goto(f"{base}/?unit=quotes")
    first = page.locator("#institution-values a").first
    name = first.locator(".value").inner_text()
    first.click()
    chosen = args(page.url)["institution"]
    assert chosen == [name]
    notes = page.locator(".attribution .speaker-kind")
    assert notes.count() >= 1 and set(notes.all_inner_texts()) == {"(institution)"}
    assert chosen[0] not in page.locator("#facet-speaker").inner_text()


def test_verify_a_pasted_quote_diff_and_citation(watched, base):
    page = watched.page
    page.goto(f"{base}/verify")
    page.fill("#paste", "\u201cThe Soviet Union stands for a world free of nuclear weapons.\u201d "
                        "\u2014 Shevardnadze, 1986")
    page.click("form.verify-form button[type=submit]")
    assert page.locator(".verdict h2").inner_text() == "Found with differences"
    changed = page.locator(".source-match .diff .changed").first
    assert changed.locator("del").inner_text() == "free of"
    assert changed.locator("ins").inner_text() == "without"
    assert "name agrees" in page.locator(".hint-note").inner_text()
    shoot(page, "verify-differences.png")
    page.locator(".source-match button.copy-citation").first.click()
    page.locator(".copy-status", has_text="Copied").first.wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "Shevardnadze" in copied and "The Soviet Union stands for a world without nuclear " \
                                       "weapons" in copied
    assert f"Permalink: {PUBLIC}/documents/UNGDC-SUN-41-1986#p0" in copied
    page.fill("#paste", "The Soviet Union stands for a world without nuclear weapons.")
    page.click("form.verify-form button[type=submit]")
    assert page.locator(".verdict h2").inner_text() == "Found verbatim"
    assert "First said by" in page.locator(".first-said").inner_text()


def test_concordance_sorts_by_the_word_before(watched, base):
    page = watched.page
    page.goto(f"{base}/concordance?q={quote(chr(34) + RBO + chr(34))}")
    rows = page.locator("table.kwic tbody tr")
    assert rows.count() > 20
    assert all(m == RBO for m in page.locator("table.kwic td.match").all_inner_texts())
    page.click("nav.sort a:has-text('Word before')")
    page.wait_for_url("**sort=left**")
    befores = [t.split()[-1].casefold() for t in page.locator("table.kwic td.left").all_inner_texts()
               if t.split()]
    assert befores == sorted(befores)
    shoot(page, "concordance.png")
