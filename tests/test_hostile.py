"""Broken and hostile feeds and pages, served for real, through the poller.

Each case names the quirk it covers. Every one must end in a recorded error or a
clean result: never a crash, never markup in what reports show, never unbounded
memory. The 50 MB bodies are generated while streaming and never stored.
"""

from __future__ import annotations

import random
import resource
import tracemalloc
import zlib
from collections.abc import Iterator
from functools import cache
from itertools import repeat

import pytest

from tests import recording
from tests.localserver import LocalServer, Route
from tests.polling import cycle

MAX_BYTES = 1_000_000
FETCH = f"""
[fetch]
timeout = 0.5
max_bytes = {MAX_BYTES}
host_delay = 0
allow_private_addresses = true
"""
FIFTY_MB = 50_000_000
TITLE = "Russia fires record 479 drones at Ukraine"
SUMMARY = "The air force says it was the largest aerial attack of the war."
MARKUP = ("<script", "</", "<style", "alert(", "evil(", "onerror", "<b>", "&lt;", "lollol", "root:")

LAUGHS = "".join(
    f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
BILLION_LAUGHS_DTD = f'<!DOCTYPE doc [<!ENTITY lol0 "lol">{LAUGHS}]>'


def _rss(items: str, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    return (f'{prolog}<rss version="2.0"><channel><title>Hostile</title>'
            f"<link>https://h.example/</link>{items}</channel></rss>")


def _item(title: str = TITLE, link: str = "https://h.example/a", summary: str = SUMMARY) -> str:
    return (f"<item><title>{title}</title><link>{link}</link>"
            f"<description>{summary}</description></item>")


def _fifty_mb(fill: bytes) -> Iterator[bytes]:
    """50 MB in 64 KB chunks, made as they are sent."""
    chunk = (fill * (65536 // len(fill) + 1))[:65536]
    return repeat(chunk, FIFTY_MB // 65536 + 1)


@cache
def _gzip_bomb() -> bytes:
    """50 MB of zeros gzipped to about 50 KB, compressed a megabyte at a time."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    parts = [comp.compress(zeros) for _ in range(FIFTY_MB >> 20)]
    return b"".join(parts) + comp.flush()


def _junk(size: int = 200_000) -> bytes:
    return random.Random(5).randbytes(size)


def _serve(body: str | bytes, content_type: str = "application/rss+xml",
           headers: dict[str, str] | None = None) -> Route:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return lambda h: h.reply(200, data, content_type, headers)


def _serve_gzip_bomb(content_type: str) -> Route:
    return lambda h: h.reply(200, _gzip_bomb(), content_type, {"Content-Encoding": "gzip"})


def _serve_fifty_mb(fill: bytes, content_type: str) -> Route:
    return lambda h: h.stream(_fifty_mb(fill), content_type)


XXE = '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
DIRTY_SUMMARY = ("<![CDATA[<p>Attack</p><script>evil()</script><style>p{color:red}</style>"
                 "<img src=x onerror=alert(1)> &amp;lt;b&amp;gt;bold]]>")

# name: (route, expected) where expected is "ok", "error: <text in last_error>" or
# "either" (a clean parse and a recorded refusal are both acceptable).
FEEDS: dict[str, tuple[Route, str]] = {
    # entity expansion: the internal DTD is dropped, so nothing expands
    "billion-laughs": (_serve(_rss(_item(f"{TITLE} &lol9;", summary="&lol9;"),
                                   '<?xml version="1.0"?>' + BILLION_LAUGHS_DTD)), "ok"),
    # an external entity naming a local file must not be read
    "xxe": (_serve(_rss(_item(f"{TITLE} &xxe;"), XXE)), "ok"),
    # unclosed tags and a bare ampersand: the loose parser still finds the item
    "malformed-xml": (_serve(_rss(_item(f"{TITLE} & more") + "<item><title>x")), "ok"),
    # declared UTF-8, actually Windows-1252
    "wrong-encoding": (_serve(_rss(_item(f"{TITLE} in Zürich café")).encode("cp1252")), "ok"),
    # no declaration at all, UTF-16 with a byte-order mark
    "utf16-no-declaration": (_serve(_rss(_item(), prolog="").encode("utf-16")), "either"),
    # a charset no codec knows
    "bogus-charset": (_serve(_rss(_item()), "application/rss+xml; charset=x-no-such"), "either"),
    "binary-junk": (_serve(_junk()), "error: not a feed"),
    "html-instead-of-feed": (_serve(recording.page("Home", ["Welcome."]), "text/html"),
                             "error: not a feed"),
    "empty-body": (_serve(b""), "ok"),
    "fifty-megabytes": (_serve_fifty_mb(b"<item>", "application/rss+xml"),
                        "error: larger than"),
    "gzip-bomb": (_serve_gzip_bomb("application/rss+xml"), "error: larger than"),
    "enormous-title": (_serve(_rss(_item(TITLE + " x" * 300_000))), "ok"),
    # markup escaped once in the title, scripts, styles and handlers in the summary
    "scripts-and-styles": (_serve(_rss(_item(f"{TITLE} &lt;script&gt;alert(1)&lt;/script&gt;",
                                             summary=DIRTY_SUMMARY))), "ok"),
    "too-many-entries": (_serve(_rss(_item("x") * 3000)), "error: more than 2000"),
    "javascript-link": (_serve(_rss(_item(link="javascript:alert(1)"))), "ok"),
    "control-characters": (_serve(_rss(_item(f"{TITLE}\x01\x07"))), "either"),
    "cut-mid-item": (_serve(_rss(_item())[:-40]), "either"),
}

ARTICLE = "Russia launched 479 drones at Ukraine overnight, the air force said on Monday."
DIRTY_ARTICLE = [ARTICLE + "<script>evil()</script><style>p{}</style>",
                 "<img src=x onerror=alert(1)>Most of the drones were shot down, officials said."]
DEEP = "<html><body>" + "<div>" * 50_000 + "drones" + "</div>" * 50_000 + "</body></html>"

# Pages behind relevant items: name → (route, the item's recorded error, "" for
# clean article text, or "either")
PAGES: dict[str, tuple[Route, str]] = {
    "billion-laughs": (_serve(BILLION_LAUGHS_DTD + recording.page(TITLE, ["&lol9; " + ARTICLE]),
                              "text/html"), "either"),
    "fifty-megabytes": (_serve_fifty_mb(b"<p>drones</p>", "text/html"), "page larger than"),
    "gzip-bomb": (_serve_gzip_bomb("text/html"), "page larger than"),
    "binary-as-html": (_serve(_junk(), "text/html"), "either"),
    "binary-untyped": (_serve(b"\x89PNG\r\n\x1a\n" + _junk(), ""), "not HTML (no content type)"),
    "image": (_serve(_junk(), "image/png"), "not HTML (image/png)"),
    "scripts": (_serve(recording.page(TITLE, DIRTY_ARTICLE), "text/html"), ""),
    "deep-nesting": (_serve(DEEP, "text/html"), "either"),
    "wrong-charset": (_serve(recording.page(TITLE, [ARTICLE + " Zürich"]).encode("cp1252"),
                             "text/html; charset=utf-8"), "either"),
}



def _serve_feeds(server: LocalServer, names: list[str]) -> list[str]:
    for name in names:
        server.route(f"/feed/{name}")(FEEDS[name][0])
    return [server.url(f"/feed/{name}") for name in names]


def _serve_pages(server: LocalServer) -> str:
    """One feed whose relevant items each link to one hostile page."""
    items = []
    for name, (handler, _) in PAGES.items():
        server.route(f"/page/{name}")(handler)
        items.append(_item(f"{TITLE} ({name})", server.url(f"/page/{name}")))
    return server.static("/pages.rss", _rss("".join(items)), content_type="application/rss+xml")



def _shown_text(db) -> list[str]:
    """Everything a report or digest may show, straight from the store."""
    texts = []
    for sql in ("select title, summary, link from items", "select title, text from articles",
                "select title, claim from findings"):
        texts += [value for row in db.execute(sql).fetchall() for value in row if value]
    return texts


@pytest.mark.parametrize("name", FEEDS)
def test_hostile_feed_ends_in_recorded_error_or_clean_result(server, make_config, fresh_db, name):
    url = _serve_feeds(server, [name])[0]
    cfg = make_config(url, extra=FETCH)
    result = cycle(cfg, fresh_db)
    row = fresh_db["feeds"].get(url)
    expected = FEEDS[name][1]
    assert "internal error" not in (row["last_error"] or "")
    if expected == "ok":
        assert result.feeds[0].status == "ok" and row["last_error"] is None
    elif expected.startswith("error: "):
        assert expected.removeprefix("error: ") in row["last_error"]
        assert row["failures"] == 1
    else:
        assert result.feeds[0].status == "ok" or row["last_error"]


@pytest.mark.parametrize("name", PAGES)
def test_hostile_page_ends_in_recorded_error_or_clean_text(server, make_config, fresh_db, name):
    handler, expected = PAGES[name]
    server.route(f"/page/{name}")(handler)
    feed = server.static("/one.rss", _rss(_item(TITLE, server.url(f"/page/{name}"))),
                         content_type="application/rss+xml")
    cfg = make_config(feed, extra=FETCH)
    cycle(cfg, fresh_db)
    state, error = fresh_db.execute("select state, error from items").fetchone()
    assert state == "done"
    if expected == "":
        assert error is None
    elif expected != "either":
        assert error == expected if expected.startswith("not HTML") else expected in error


def test_titles_are_cut_to_a_sane_length(server, make_config, fresh_db):
    cfg = make_config(*_serve_feeds(server, ["enormous-title"]), extra=FETCH)
    cycle(cfg, fresh_db)
    assert len(fresh_db.execute("select title from items").fetchone()[0]) <= 500


def test_javascript_links_are_dropped(server, make_config, fresh_db):
    cfg = make_config(*_serve_feeds(server, ["javascript-link"]), extra=FETCH)
    cycle(cfg, fresh_db)
    assert fresh_db.execute("select link from items").fetchone()[0] == ""


def test_no_markup_or_expanded_entities_reach_what_reports_show(server, make_config, fresh_db):
    cfg = make_config(*_serve_feeds(server, list(FEEDS)), _serve_pages(server), extra=FETCH)
    cycle(cfg, fresh_db)
    shown = _shown_text(fresh_db)
    assert shown
    leaks = [(marker, text[:80]) for text in shown for marker in MARKUP if marker in text]
    assert leaks == []
    assert max(len(t) for t in shown) < MAX_BYTES
    assert all("\x00" not in t and "\x07" not in t for t in shown)


def _warm_up(server: LocalServer, make_config, db) -> None:
    """One ordinary poll first: language tables load lazily on first use and would
    otherwise be counted as if the hostile input had cost that memory."""
    server.static("/ordinary", recording.page(TITLE, [ARTICLE]))
    feed = server.static("/ordinary.rss", _rss(_item(TITLE, server.url("/ordinary"))),
                         content_type="application/rss+xml")
    cycle(make_config(feed, extra=FETCH), db)


def test_whole_corpus_through_one_poll_keeps_memory_bounded(server, make_config, fresh_db):
    _warm_up(server, make_config, fresh_db)
    cfg = make_config(*_serve_feeds(server, list(FEEDS)), _serve_pages(server), extra=FETCH)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    tracemalloc.start()
    try:
        result = cycle(cfg, fresh_db)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert len(result.feeds) == len(FEEDS) + 1
    assert all("internal error" not in f.error for f in result.feeds)
    print(f"peak {peak / 1e6:.1f} MB, rss growth {rss_growth_mb:.0f} MB")
    assert peak < 15 * MAX_BYTES, f"peak {peak / 1e6:.0f} MB"
    assert rss_growth_mb < 100, f"grew {rss_growth_mb:.0f} MB"
    states = {r[0] for r in fresh_db.execute("select state from items where feed like '%pages%'")}
    assert states == {"done"}
