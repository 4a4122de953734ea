"""Citations of a quote, a passage or a document: plain text, CSL-JSON and BibTeX.

The rule they follow is the product's first: never put words in someone's
mouth. Only a direct quote's words stand between quotation marks after a
speaker's name; a partial quote puts only its fragment in marks; reported
speech is labelled as the outlet's paraphrase and never in marks. The text
of a news article is the outlet's: a passage or document of one cites the
article (outlet, author, title, date, URL) and names no speaker. A record
that names its speaker (a speech, a statement) is that speaker's words.

Every citation carries a permalink built from ``server.public_url`` (never a
request's Host header), or a site-relative link when none is configured.
Quote and passage ids are their position in the document, so a re-index of an
unchanged document keeps its permalinks.

CSL-JSON is what Zotero, Mendeley and most reference managers import
(https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote as url_quote

from search.fields import KINDS

# The document page's path: the web layer serves it at the same place (web/pages.py).
DOCUMENT_PATH = "/documents/{doc_id}"
FORMATS = {"text": "text/plain", "csl": "application/vnd.citationstyles.csl+json",
           "bibtex": "application/x-bibtex"}
UNKNOWN_SPEAKER = "speaker unknown"

# CSL item types by our document types; anything else is a plain "document".
_CSL_TYPES = {"speech": "speech", "address": "speech", "remarks": "speech",
              "transcript": "speech", "article": "article-newspaper", "news": "article-newspaper",
              "analysis": "article-newspaper", "interview": "interview",
              "statement": "document", "press release": "document", "joint statement": "document"}


def display_date(value: str | None, precision: str | None = None) -> str:
    """A date as precise as its source: a year-only UN speech is "1986", not "1 Jan 1986"."""
    if not value:
        return ""
    when = datetime.fromisoformat(value)
    if precision == "year":
        return str(when.year)
    if precision == "month":
        return when.strftime("%B %Y")
    if precision == "minute":
        return f"{when.day} {when:%b %Y, %H:%M}"
    return f"{when.day} {when:%b %Y}"


def permalink(public_url: str | None, doc_id: str, unit_id: str | None = None) -> str:
    """The unit's place on its document page: absolute under ``public_url``, else relative."""
    path = DOCUMENT_PATH.format(doc_id=url_quote(doc_id, safe="/"))
    fragment = "#" + unit_id.rpartition("#")[2] if unit_id and "#" in unit_id else ""
    return (public_url or "").rstrip("/") + path + fragment


@dataclass
class Cited:
    """What a citation is of: a unit, its document's record, and whose words it holds."""

    unit: str                  # document | passage | quote
    id: str
    doc: dict                  # a hit's document fields (search.service.hits.FIELDS)
    link: str                  # the permalink
    words: str = ""            # a quote's or passage's own text
    quote: dict | None = None  # a quote (search.service.hits.quote_of)

    @property
    def own_speakers(self) -> list[dict]:
        """The document's own speakers when its text is theirs; none for an article."""
        return self.doc.get("speakers", []) if self.doc.get("voice") == "speaker" else []

    @property
    def paragraph(self) -> int | None:
        """A passage's paragraph number, counted from 1 as a reader counts."""
        tail = self.id.rpartition("#p")[2]
        return int(tail) + 1 if self.unit == "passage" and tail.isdigit() else None


def person(speaker: dict) -> str:
    """A speaker as a citation names them: name and role on the date."""
    return ", ".join(filter(None, (speaker.get("name"), speaker.get("role"))))


def quote_speaker(quote: dict) -> str:
    """Who a quote is credited to; says so when nobody is known."""
    if quote.get("speakers"):
        return "; ".join(person(s) for s in quote["speakers"])
    return quote.get("speaker") or UNKNOWN_SPEAKER


def _clean(words: str) -> str:
    return " ".join(words.split()).strip().rstrip(",;:")


def said(cited: Cited) -> str:
    """Who said what, with the kind in words; empty for an article's own text."""
    quote = cited.quote
    if quote is not None:
        who, words = quote_speaker(quote), _clean(quote.get("text") or "")
        if quote.get("kind") == "reported":
            return f"{who} ({KINDS['reported']}, the outlet's paraphrase, not a quotation): {words}"
        return f"{who} ({KINDS.get(quote.get('kind'), 'quote')}): “{words}”"
    speakers = cited.own_speakers
    if cited.unit == "passage" and speakers and cited.words:
        return f"{'; '.join(person(s) for s in speakers)} (as recorded): “{_clean(cited.words)}”"
    return ""


def source_line(cited: Cited) -> str:
    """The record: its speaker (a speech cited as such) or author, title, kind of document,
    outlet or venue, date, paragraph, original URL. The title stands without quotation marks:
    in a citation, marks are kept for words somebody said."""
    doc = cited.doc
    speakers = cited.own_speakers if cited.quote is None else []
    parts = ["; ".join(person(s) for s in speakers),
             doc.get("title") or "",
             f"by {doc['author']}" if doc.get("author") and not speakers else "",
             doc.get("type") or "", doc.get("source") or "",
             display_date(doc.get("date"), doc.get("date_precision")),
             f"paragraph {cited.paragraph}" if cited.paragraph else ""]
    line = ", ".join(p for p in parts if p)
    return line + (f". {doc['url']}" if doc.get("url") else "")


def text(cited: Cited) -> str:
    """Plain text a reporter pastes."""
    parts = [p if p.endswith(".") else p + "." for p in (said(cited), source_line(cited)) if p]
    return " ".join([*parts, f"Permalink: {cited.link}"])


def _issued(doc: dict) -> dict | None:
    if not doc.get("date"):
        return None
    when = datetime.fromisoformat(doc["date"])
    parts = {"year": [when.year], "month": [when.year, when.month]}.get(
        doc.get("date_precision") or "", [when.year, when.month, when.day])
    return {"date-parts": [parts]}


def _names(speakers: list[dict]) -> list[dict]:
    return [{"literal": s["name"]} for s in speakers]


def csl(cited: Cited) -> dict:
    """One CSL-JSON item. The author is whoever's words the document is (a speech's speaker,
    an article's journalist); a quote's speaker is named in ``note`` with its kind."""
    doc = cited.doc
    item: dict = {"id": cited.id, "type": _CSL_TYPES.get((doc.get("type") or "").lower(),
                                                         "document"),
                  "title": doc.get("title") or cited.id}
    authors = _names(cited.own_speakers) or ([{"literal": doc["author"]}] if doc.get("author")
                                             else [])
    if authors:
        item["author"] = authors
    if doc.get("source"):
        item["container-title" if item["type"] == "article-newspaper" else "publisher"] = \
            doc["source"]
    if doc.get("type"):
        item["genre"] = doc["type"]
    issued = _issued(doc)
    if issued:
        item["issued"] = issued
    item["URL"] = doc.get("url") or cited.link
    item["archive_location"] = cited.link
    if cited.paragraph:
        item["locator"] = str(cited.paragraph)
    note = said(cited)
    if note:
        item["note"] = note
    return item


_BIBTEX_SPECIAL = re.compile(r"([{}\\%&$#_^~])")


def _bib(value: str) -> str:
    """A BibTeX field value: special characters escaped, braces balanced."""
    return _BIBTEX_SPECIAL.sub(lambda m: {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}",
                                          "^": r"\textasciicircum{}"}.get(m[1], "\\" + m[1]),
                               value)


def bibtex(cited: Cited) -> str:
    """One BibTeX entry (``@misc``, ``@article`` for news), names kept whole in braces."""
    item = csl(cited)
    entry = "article" if item["type"] == "article-newspaper" else "misc"
    key = "dipsearch-" + re.sub(r"[^A-Za-z0-9]+", "-", cited.id).strip("-")
    fields = [("author", " and ".join("{" + _bib(a["literal"]) + "}"
                                      for a in item.get("author", []))),
              ("title", "{" + _bib(item["title"]) + "}"),
              ("journal" if entry == "article" else "howpublished",
               _bib(item.get("container-title") or item.get("publisher") or "")),
              ("date", "-".join(f"{p:02d}" for p in item["issued"]["date-parts"][0])
               if "issued" in item else ""),
              ("year", str(item["issued"]["date-parts"][0][0]) if "issued" in item else ""),
              ("url", item["URL"]),
              ("note", _bib("; ".join(filter(None, (item.get("note"),
                                                   f"Permalink: {cited.link}")))))]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@{entry}{{{key},\n{body}\n}}\n"


RENDERERS = {"text": text, "csl": lambda cited: [csl(cited)], "bibtex": bibtex}
