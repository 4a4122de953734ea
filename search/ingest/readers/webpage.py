"""HTML pages saved from ministry and news sites.

trafilatura finds the main text (precision first, no comments) and drops
navigation, footers, cookie banners and "related" boxes; it also reads the
title, author, canonical URL and site name from the page metadata (og: tags,
``<meta name=...>``, JSON-LD, ``<link rel=canonical>``).  trafilatura reports
dates to the day only, so the publication time is looked up here first in the
metadata that carries one (``article:published_time``, JSON-LD
``datePublished``, ``<meta name="date">`` ...) to keep minute precision where
the page has it.  Everything works on the saved bytes: no network access.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import trafilatura
from lxml.html import HtmlElement
from trafilatura.settings import Document as Extraction
from trafilatura.utils import load_html

from search.ingest.document import Document, Problem
from search.ingest.readers.dates import is_date, parse_date
from search.ingest.readers.records import document_type
from search.ingest.readers.text import Unreadable, check_size, decode

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
# Metadata that may carry a publication time, most specific first.
_DATE_KEYS = (
    "article:published_time", "og:article:published_time", "datepublished", "date",
    "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "dcterms.created",
    "publishdate", "publish-date", "pubdate", "sailthru.date", "parsely-pub-date",
)


def read_webpage(path: Path, shown: str, max_chars: int) -> Iterator[Document | Problem]:
    """The main text of a saved web page as one document."""
    data = path.read_bytes()
    tree = load_html(decode(data, _declared_charset(data)))
    if tree is None:
        raise Unreadable(1, "not an HTML document")
    meta = _meta_tags(tree)
    language = re.split(r"[-_]", tree.get("lang") or "")[0].lower()
    published = _published(meta, _json_ld(tree))
    page = trafilatura.bare_extraction(
        tree,
        favor_precision=True,
        include_comments=False,
        with_metadata=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    paragraphs = _paragraphs(page)
    if not paragraphs:
        raise Unreadable(1, "no main text found in the page")
    check_size(sum(map(len, paragraphs)), max_chars, line=1)
    when, precision = published or _day(page.date)
    yield Document(
        id=path.stem,
        title=page.title or paragraphs[0],
        paragraphs=paragraphs,
        type=document_type(page.pagetype, default="article", unknown="article"),
        source=page.sitename or page.hostname,
        url=page.url,
        date=when,
        date_precision=precision,
        language=language or page.language or "en",
        author=page.author,
        section=meta.get("article:section"),
        path=shown,
        line=1,
    )


def _declared_charset(data: bytes) -> str:
    """The page's declared encoding if Python knows it, else UTF-8."""
    declared = _CHARSET.search(data[:4096])
    if not declared:
        return "utf-8"
    try:
        return codecs.lookup(declared.group(1).decode("ascii")).name
    except LookupError:
        return "utf-8"


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    """``<meta>`` contents by lower-cased property/name/itemprop; the first of each wins."""
    found: dict[str, str] = {}
    for tag in tree.iter("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        content = (tag.get("content") or "").strip()
        if key and content:
            found.setdefault(key.strip().lower(), content)
    return found


def _json_ld(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page, ``@graph`` members included; broken blocks skipped."""
    objects: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except json.JSONDecodeError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                objects.append(item)
                objects.extend(node for node in item.get("@graph", []) if isinstance(node, dict))
    return objects


def _published(meta: dict[str, str], json_ld: list[dict[str, Any]]) -> tuple[datetime, str] | None:
    """The first publication date in the metadata that parses.

    Pages carry stale or odd values in some of these tags; as long as one
    parses (or trafilatura finds a date) the page is fine, so the others are
    passed over rather than reported.
    """
    candidates = [meta.get(key) for key in _DATE_KEYS] + [item.get("datePublished") for item in json_ld]
    for raw in candidates:
        if isinstance(raw, str) and is_date(raw):
            return parse_date(raw)
    return None


def _day(value: str | None) -> tuple[datetime | None, str | None]:
    """trafilatura's own date (YYYY-MM-DD from htmldate), known to the day."""
    if not value:
        return None, None
    try:
        return parse_date(value)[0], "day"
    except ValueError:
        return None, None


def _paragraphs(page: Extraction | None) -> list[str]:
    """The main text's lines, without the heading and dateline trafilatura keeps above it."""
    if page is None or not page.text:
        return []
    paragraphs = [line for line in map(str.strip, page.text.split("\n")) if line]
    while paragraphs and (paragraphs[0] == page.title or is_date(paragraphs[0])):
        paragraphs = paragraphs[1:]
    return paragraphs

