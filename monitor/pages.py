"""Pages: fetch an item's article and keep its text, or fall back to the feed summary.

Only HTML and XHTML go to the extractor: a PDF, an image or binary junk served as
an article is a recorded reason to use the summary, not something to parse. A
page without a Content-Type is sniffed; a page cut at `max_bytes` is not
extracted, because half a page gives half an article and wrong claims.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import trafilatura

from monitor.fetch import Fetcher, FetchError, Response

log = logging.getLogger(__name__)

HTML_TYPES = {"text/html", "application/xhtml+xml"}
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
MAX_TITLE = 500
MAX_ERROR = 300


@dataclass
class Page:
    url: str
    text: str
    source: str            # "page" or "summary"
    title: str = ""
    date: str = ""
    error: str = ""        # why the page itself was not used


def extract(content: bytes, url: str, metadata: bool = True) -> tuple[str, str, str]:
    """Main text, title and date of an HTML page ('' when nothing usable).

    No `deduplicate`: trafilatura keeps its duplicate cache for the whole process,
    so a long-running worker would lose wire copies seen on several sites, and an
    item re-done after a crash would come back empty.
    """
    try:
        # one parse for text and metadata (extract + extract_metadata parse twice)
        doc = trafilatura.bare_extraction(content, url=url, with_metadata=metadata, include_comments=False,
                                          include_tables=False, favor_precision=True, deduplicate=False)
    except Exception as exc:  # noqa: BLE001 - the extractor must never stop a poll
        log.warning("extraction failed for %s: %s", url, exc)
        return "", "", ""
    if doc is None:
        return "", "", ""
    text = getattr(doc, "text", None) or ""
    title = getattr(doc, "title", None) or ""
    date = getattr(doc, "date", None) or ""
    return text, " ".join(title.split())[:MAX_TITLE], date


def looks_like_html(content: bytes) -> bool:
    """For pages served without a Content-Type: markup first, and no NUL bytes."""
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and b"\x00" not in head


def unusable(resp: Response, max_bytes: int) -> str:
    """Why this response cannot go to the extractor ('' when it can)."""
    if not 200 <= resp.status < 300:
        return f"HTTP {resp.status}"
    if resp.truncated:
        return f"page larger than {max_bytes} bytes"
    if resp.content_type in HTML_TYPES:
        return ""
    if not resp.content_type and looks_like_html(resp.content):
        return ""
    return f"not HTML ({resp.content_type or 'no content type'})"


@dataclass
class Download:
    """What fetching an item's link gave: HTML to extract, or why there is none.

    Fetching stays in the worker's main process (politeness, conditional GET and
    replay all live there); extraction may run in an analysis process, so this
    carries only bytes and strings.
    """

    url: str
    content: bytes = b""
    final_url: str = ""
    error: str = ""


def download(fetcher: Fetcher, url: str) -> Download:
    """The page's HTML, or the reason it cannot be used."""
    if not url:
        return Download(url=url, error="item has no link")
    try:
        resp = fetcher.get(url, accept=PAGE_ACCEPT)
    except FetchError as exc:
        return Download(url=url, error=str(exc))
    error = unusable(resp, fetcher.settings.max_bytes)
    if error:
        return Download(url=url, error=error)
    return Download(url=url, content=resp.content, final_url=resp.url)


def read(got: Download, summary: str, metadata: bool = True) -> Page:
    """The article text; on any failure the feed's summary, with the reason kept.

    `metadata` False skips the page's title and date, which are only a fallback
    for feed items that lack their own.
    """
    error = got.error
    if not error:
        text, title, date = extract(got.content, got.final_url or got.url, metadata)
        if text.strip():
            return Page(url=got.url, text=text, source="page", title=title, date=date)
        error = "no article text found"
    log.info("page %s: %s; using the feed summary", got.url, error)
    return Page(url=got.url, text=summary, source="summary", error=error[:MAX_ERROR])
