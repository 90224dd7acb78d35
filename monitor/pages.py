"""Pages: fetch an item's article and keep its text, or fall back to the feed summary."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import trafilatura

from monitor.fetch import FetchError, Fetcher

log = logging.getLogger(__name__)

HTML_TYPES = {"text/html", "application/xhtml+xml", ""}
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"


@dataclass
class Page:
    url: str
    text: str
    source: str            # "page" or "summary"
    title: str = ""
    date: str = ""
    error: str = ""        # why the page itself was not used


def extract(content: bytes, url: str) -> tuple[str, str, str]:
    """Main text, title and date of an HTML page ('' when nothing usable)."""
    try:
        text = trafilatura.extract(content, url=url, include_comments=False, include_tables=False,
                                   favor_precision=True, deduplicate=True) or ""
        meta = trafilatura.extract_metadata(content, default_url=url)
    except Exception as exc:  # noqa: BLE001 - the extractor must never stop a poll
        log.warning("extraction failed for %s: %s", url, exc)
        return "", "", ""
    title = (meta.title if meta and meta.title else "") or ""
    date = (meta.date if meta and meta.date else "") or ""
    return text, title, date


def fetch(fetcher: Fetcher, url: str, summary: str) -> Page:
    """The article text; on any failure the feed's summary, with the reason kept."""
    error = ""
    if not url:
        error = "item has no link"
    else:
        try:
            resp = fetcher.get(url, accept=PAGE_ACCEPT)
        except FetchError as exc:
            error = str(exc)
        else:
            if resp.status >= 400:
                error = f"HTTP {resp.status}"
            elif resp.content_type not in HTML_TYPES:
                error = f"not HTML ({resp.content_type})"
            else:
                text, title, date = extract(resp.content, resp.url)
                if text.strip():
                    return Page(url=url, text=text, source="page", title=title, date=date)
                error = "no article text found"
    if error:
        log.info("page %s: %s; using the feed summary", url, error)
    return Page(url=url, text=summary, source="summary", error=error)
