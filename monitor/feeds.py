"""Feeds: fetch with conditional GET, parse with feedparser, name each entry stably.

feedparser's `bozo` flag is data, not failure: a feed that parsed with warnings
still has entries, and only a feed with no entries and a bozo error is an error.

Feeds are written by strangers, so every field is treated as hostile: titles and
summaries are reduced to plain words (scripts, styles and markup that was escaped
once or twice all removed), cut to a sane length, and links that are not http(s)
are dropped. feedparser's strict parser is expat, which refuses entity expansion
attacks; its loose fallback never expands custom entities at all.
"""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import feedparser
import lxml.html

from monitor.fetch import Fetcher, Response
from monitor.store import stable_id
from monitor.text import normalize

log = logging.getLogger(__name__)

FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml, "
               "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")
MAX_TITLE = 500
MAX_SUMMARY = 20_000
MAX_LINK = 2_000
MAX_ENTRIES = 2_000        # feedparser needs ~0.3 ms an entry: a 5 MB feed of tiny items
                           # would take half a minute, so a feed claiming more is refused
BLOCK_TAGS = {"p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?]|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
_ENTITY_LEFTOVER = re.compile(r"&[A-Za-z][A-Za-z0-9]*;")
_TAG_LEFTOVER = re.compile(r"<\s*/?\s*[A-Za-z!?][^<>]*>?")


class FeedError(Exception):
    """The feed could not be fetched as a feed or read as RSS or Atom."""

    def __init__(self, message: str, status: int | None = None,
                 retry_after: str | None = None) -> None:
        super().__init__(message)
        self.status = status              # the HTTP status, when one was received
        self.retry_after = retry_after    # the server's Retry-After header, if any


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


def _strip_once(text: str) -> str:
    """One pass of HTML to words: drop scripts and styles, keep block breaks."""
    try:
        doc = lxml.html.fromstring(f"<div>{text}</div>")
    except Exception:  # noqa: BLE001 - junk markup: fall back to a crude strip
        return re.sub(r"<[^>]*>?", " ", text)
    for bad in doc.xpath("//script|//style|//noscript|//iframe|//object|//embed|//template"):
        bad.drop_tree()
    for el in doc.iter():
        if el.tag in BLOCK_TAGS:
            el.tail = ("\n" + el.tail) if el.tail else "\n"
    return doc.text_content()


def strip_html(text: str, limit: int = MAX_SUMMARY) -> str:
    """Summaries often carry markup, scripts and styles; keep only their words.

    Markup escaped once more than it should be (`&lt;script&gt;`) turns into real
    tags after one pass, so passes repeat, up to three, until none is left; what
    still looks like an entity after that is an undefined one and is dropped.
    """
    text = _CONTROL.sub(" ", text[: limit * 4])
    for _ in range(3):
        if not _MARKUP.search(text):
            break
        text = _CONTROL.sub(" ", _strip_once(text))
    text = _ENTITY_LEFTOVER.sub(" ", _TAG_LEFTOVER.sub(" ", text))
    lines = (normalize(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)[:limit]


def _link(raw: str) -> str:
    """Only http(s) links are worth fetching or showing; anything else is dropped."""
    link = _CONTROL.sub("", raw or "").strip()
    if len(link) > MAX_LINK or not link.lower().startswith(("http://", "https://")):
        return ""
    return link


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


def _without_internal_dtd(content: bytes) -> bytes:
    """Drop a DOCTYPE's internal subset, where entity declarations live.

    No real feed declares its own entities, and expat lets an expansion attack
    produce megabytes before its amplification check trips, which feedparser then
    holds as tens of megabytes of Python strings. Without the declarations the
    references are merely undefined, and the loose parser keeps them as text.
    """
    start = content.find(b"<!DOCTYPE", 0, 65536)
    if start < 0:
        return content
    bracket = content.find(b"[", start, content.find(b">", start))
    end = content.find(b"]", bracket)
    if bracket < 0 or end < 0:
        return content
    end = content.find(b">", end)
    if end < 0:
        return content
    log.info("feed declares its own DTD entities: internal subset removed")
    return content[:start] + content[end + 1:]


def _count_entries(content: bytes) -> int:
    """A cheap upper bound on the entries, taken before feedparser spends time on them."""
    return content.count(b"<item") + content.count(b"<entry")


def _entry(feed_url: str, raw: dict) -> Entry:
    title = strip_html(raw.get("title", "") or "", MAX_TITLE)
    summary_html = raw.get("summary", "") or ""
    content = raw.get("content") or []
    if content and len(content[0].get("value", "") or "") > len(summary_html):
        summary_html = content[0].get("value", "")
    summary = strip_html(summary_html)
    link = _link(raw.get("link") or "")
    guid = _CONTROL.sub("", raw.get("id") or "").strip()[:MAX_LINK]
    return Entry(id=entry_identity(feed_url, guid, link, title, summary), guid=guid,
                 link=link, title=title, summary=summary, published=_date(raw))


def parse(feed_url: str, response: Response) -> FeedResult:
    """Entries of an RSS, Atom or RDF body; FeedError when it is not a feed at all."""
    if _count_entries(response.content) > MAX_ENTRIES:
        raise FeedError(f"more than {MAX_ENTRIES} entries: refused", status=response.status)
    try:
        parsed = feedparser.parse(_without_internal_dtd(response.content),
                                  response_headers=response.headers)
    except Exception as exc:  # noqa: BLE001 - feedparser's own bugs are one more bad feed
        raise FeedError(f"feed parser failed: {type(exc).__name__}: {exc}"[:300],
                        status=response.status) from exc
    warning = ""
    if parsed.bozo:
        exc = parsed.get("bozo_exception")
        warning = f"{type(exc).__name__}: {exc}"[:300]
    if not parsed.entries and parsed.bozo and not parsed.feed.get("title"):
        raise FeedError(f"not a feed ({warning})", status=response.status)
    entries = [_entry(feed_url, raw) for raw in parsed.entries]
    return FeedResult(response=response, entries=entries, warning=warning)


def fetch(fetcher: Fetcher, url: str, etag: str | None, last_modified: str | None) -> FeedResult:
    """Fetch and parse, sending back the validators so an unchanged feed costs a 304."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    response = fetcher.get(url, headers=headers, accept=FEED_ACCEPT)
    if response.status == 304:
        return FeedResult(response=response, not_modified=True)
    if not 200 <= response.status < 300:
        raise FeedError(f"HTTP {response.status}", status=response.status,
                        retry_after=response.headers.get("retry-after"))
    if response.truncated:
        raise FeedError(f"feed larger than {fetcher.settings.max_bytes} bytes: cut off",
                        status=response.status)
    return parse(url, response)
