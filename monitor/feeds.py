"""Feeds: fetch with conditional GET, parse with feedparser, name each entry stably.

feedparser's `bozo` flag is data, not failure: a feed that parsed with warnings
still has entries, and only a feed with no entries and a bozo error is an error.
"""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import feedparser

from monitor.fetch import Fetcher, Response
from monitor.store import stable_id
from monitor.text import normalize

log = logging.getLogger(__name__)

FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml, "
               "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")
MAX_TITLE = 500
MAX_SUMMARY = 20_000


class FeedError(Exception):
    """The feed could not be read as RSS or Atom."""


@dataclass
class Entry:
    id: str
    guid: str
    link: str
    title: str
    summary: str
    published: str


@dataclass
class FeedResult:
    response: Response
    entries: list[Entry] = field(default_factory=list)
    not_modified: bool = False
    warning: str = ""


def strip_html(text: str) -> str:
    """Summaries often carry markup, scripts and styles; keep only their words."""
    if "<" not in text:
        return normalize(text)
    import lxml.html

    try:
        doc = lxml.html.fromstring(f"<div>{text}</div>")
    except Exception:  # noqa: BLE001 - junk markup: fall back to a crude strip
        return normalize(re.sub(r"<[^>]*>", " ", text))
    for bad in doc.xpath("//script|//style|//noscript|//iframe"):
        bad.drop_tree()
    blocks = []
    for el in doc.iter():
        if el.tag in ("p", "br", "div", "li", "h1", "h2", "h3", "h4", "blockquote"):
            el.tail = ("\n" + el.tail) if el.tail else "\n"
    blocks = doc.text_content()
    return "\n".join(normalize(line) for line in blocks.splitlines() if line.strip())


def _date(entry: dict) -> str:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), UTC).isoformat()
            except (OverflowError, ValueError, TypeError):
                continue
    return ""


def entry_identity(feed_url: str, guid: str, link: str, title: str, summary: str) -> str:
    """guid, else link, else a hash of the content: stable across polls."""
    basis = guid or link or f"{title}\n{summary}"
    return stable_id(feed_url, basis)


def parse(feed_url: str, response: Response) -> FeedResult:
    parsed = feedparser.parse(response.content, response_headers=response.headers)
    warning = ""
    if parsed.bozo:
        warning = f"{type(parsed.bozo_exception).__name__}: {parsed.bozo_exception}"[:300]
    if not parsed.entries and parsed.bozo and not parsed.feed.get("title"):
        raise FeedError(f"not a feed ({warning})")
    entries = []
    for raw in parsed.entries:
        title = normalize(strip_html(raw.get("title", "") or ""))[:MAX_TITLE]
        content = raw.get("content") or []
        summary_html = raw.get("summary", "") or ""
        if content and len(content[0].get("value", "")) > len(summary_html):
            summary_html = content[0].get("value", "")
        summary = strip_html(summary_html)[:MAX_SUMMARY]
        link = (raw.get("link") or "").strip()
        guid = (raw.get("id") or "").strip()
        entries.append(Entry(id=entry_identity(feed_url, guid, link, title, summary), guid=guid,
                             link=link, title=title, summary=summary, published=_date(raw)))
    return FeedResult(response=response, entries=entries, warning=warning)


def fetch(fetcher: Fetcher, url: str, etag: str | None, last_modified: str | None) -> FeedResult:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    response = fetcher.get(url, headers=headers, accept=FEED_ACCEPT)
    if response.status == 304:
        return FeedResult(response=response, not_modified=True)
    if response.status >= 400:
        raise FeedError(f"HTTP {response.status}")
    return parse(url, response)
