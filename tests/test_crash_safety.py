"""A poll killed midway is finished by the next one: nothing lost, nothing twice.

The kill is simulated by raising a BaseException (as SIGTERM's SystemExit or a
KeyboardInterrupt would) at chosen points; the poller's own `except Exception`
safety nets must not swallow it, exactly as they could not stop a real kill.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlite_utils

from monitor import analysis, poll, store
from tests import recording
from tests.localserver import LocalServer
from tests.polling import cycle

FETCH = """
[fetch]
timeout = 0.5
host_delay = 0
allow_private_addresses = true
"""
DRONES = [479, 500, 550, 600, 728]


class Killed(BaseException):
    """Stands in for the process dying at this point."""


@pytest.fixture
def feed_url():
    """A conditional feed of five relevant items, each page reporting a drone count."""
    with LocalServer() as server:
        items = []
        for n in DRONES:
            server.static(f"/p{n}", recording.page(f"Russia fires {n} drones", [
                f"Russia launched {n} drones and 20 missiles at Ukraine overnight, the largest "
                "aerial attack since the full-scale invasion began, Ukraine's air force said "
                "on Monday.", "Most of the drones were shot down or jammed, the air force said."]))
            items.append({"title": f"Russia fires record {n} drones at Ukraine",
                          "link": server.url(f"/p{n}"),
                          "summary": "The air force says it was the largest aerial attack."})
        body = recording.rss("Wire", items).encode()

        @server.route("/feed")
        def feed(h):
            if h.headers.get("If-None-Match") == '"v1"':
                h.reply(304)
            else:
                h.reply(200, body, "application/rss+xml", {"ETag": '"v1"'})

        yield server.url("/feed"), server



def _contents(db: sqlite_utils.Database) -> dict[str, list[tuple]]:
    """What a poll stores, in a form two databases can be compared by."""
    return {
        "items": db.execute("select id, link, state, error from items order by id").fetchall(),
        "articles": db.execute("select id, url, text from articles order by id").fetchall(),
        "claims": db.execute("select id, article, text from claims order by id").fetchall(),
        "findings": db.execute("select id, kind, url, seed_claim_id, old_value, new_value "
                               "from findings order by id").fetchall(),
    }


@pytest.fixture
def reference(feed_url, make_config, tmp_path: Path) -> dict[str, list[tuple]]:
    """What one uninterrupted poll stores."""
    url, _ = feed_url
    db = store.open_db(tmp_path / "reference" / "monitor.db")
    cycle(make_config(url, extra=FETCH), db)
    contents = _contents(db)
    db.close()
    assert len(contents["items"]) == len(DRONES) and contents["findings"]
    return contents


def _kill_after(monkeypatch, target, name: str, calls: int) -> None:
    """Let `calls` calls of target.name through, then die on the next one."""
    real = getattr(target, name)
    seen = []

    def dying(*args, **kwargs):
        if len(seen) == calls:
            raise Killed(f"{name} call {calls + 1}")
        seen.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, dying)


def test_poll_killed_after_two_items_is_completed_by_the_next(
        feed_url, reference, make_config, fresh_db, monkeypatch):
    url, server = feed_url
    cfg = make_config(url, extra=FETCH)
    with monkeypatch.context() as patch:
        _kill_after(patch, poll, "finish_item", 2)
        with pytest.raises(Killed):
            cycle(cfg, fresh_db)
    states = [r[0] for r in fresh_db.execute("select state from items order by first_seen, id")]
    assert sorted(states) == ["done", "done", "pending", "pending", "pending"]
    cycle(cfg, fresh_db)
    assert _contents(fresh_db) == reference


def test_items_finished_before_the_kill_are_not_fetched_again(
        feed_url, reference, make_config, fresh_db, monkeypatch):
    url, server = feed_url
    cfg = make_config(url, extra=FETCH)
    server.hits.clear()
    with monkeypatch.context() as patch:
        _kill_after(patch, poll, "finish_item", 2)
        with pytest.raises(Killed):
            cycle(cfg, fresh_db)
    finished = [r[0] for r in fresh_db.execute("select link from items where state = 'done'")]
    cycle(cfg, fresh_db)
    assert len(finished) == 2
    assert all(len(server.hits_for(urlsplit(link).path)) == 1 for link in finished)
    assert server.hits_for("/feed")[-1].status == 304


def test_poll_killed_while_storing_an_item_leaves_it_pending_and_whole(
        feed_url, reference, make_config, fresh_db, monkeypatch):
    """Killed after the article is written but before its findings and its 'done'."""
    url, _ = feed_url
    cfg = make_config(url, extra=FETCH)
    def store_findings(db, rows):
        raise Killed("while storing findings")

    with monkeypatch.context() as patch:
        patch.setattr(poll, "_store_findings", store_findings)
        with pytest.raises(Killed):
            cycle(cfg, fresh_db)
    assert fresh_db.execute("select count(*) from items where state = 'done'").fetchone()[0] == 0
    cycle(cfg, fresh_db)
    assert _contents(fresh_db) == reference


def test_poll_killed_before_entries_are_stored_fetches_the_feed_again(
        feed_url, reference, make_config, fresh_db, monkeypatch):
    """The ETag is saved only after the entries, so the next poll does not get a 304."""
    url, server = feed_url
    cfg = make_config(url, extra=FETCH)
    with monkeypatch.context() as patch:
        _kill_after(patch, poll, "_take_entries", 0)
        with pytest.raises(Killed):
            cycle(cfg, fresh_db)
    assert fresh_db["feeds"].get(url)["etag"] is None
    cycle(cfg, fresh_db)
    assert server.hits_for("/feed")[-1].status == 200
    assert _contents(fresh_db) == reference


def test_finishing_twice_adds_nothing(feed_url, reference, make_config, fresh_db):
    url, _ = feed_url
    cfg = make_config(url, extra=FETCH)
    cycle(cfg, fresh_db)
    fresh_db.execute("update items set state = 'pending'")
    fresh_db.conn.commit()
    cycle(cfg, fresh_db)
    assert _contents(fresh_db) == reference


def test_an_item_that_crashes_is_marked_failed_and_the_rest_go_on(
        feed_url, make_config, fresh_db, monkeypatch):
    url, _ = feed_url
    cfg = make_config(url, extra=FETCH)
    real = poll.analysis.analyse

    def buggy(story, item, feed_url, got):
        if item["link"].endswith("/p500"):
            raise RuntimeError("extractor bug")
        return real(story, item, feed_url, got)

    monkeypatch.setattr(poll.analysis, "analyse", buggy)
    cycle(cfg, fresh_db)
    rows = dict(fresh_db.execute("select link, state from items").fetchall())
    assert [s for link, s in rows.items() if link.endswith("/p500")] == ["failed"]
    assert sorted(rows.values()).count("done") == len(DRONES) - 1


CHILD = """
import sys
from monitor import config, fetch, poll, store
cfg = config.load(sys.argv[1], environ={})
poll.run_cycle(cfg, store.open_db(cfg.db_path), fetch.Fetcher(cfg.fetch))
"""


def test_worker_killed_for_real_midway_is_completed_by_the_next_poll(
        feed_url, reference, make_config, fresh_db):
    """SIGKILL runs no `finally`: only what was committed survives, and that is enough."""
    url, server = feed_url
    cfg = make_config(url, extra=FETCH.replace("timeout = 0.5", "timeout = 10"))
    page_hits: list[str] = []
    for n in DRONES:
        serve = server.routes[f"/p{n}"]

        def held(h, serve=serve):
            page_hits.append(h.path)
            if len(page_hits) == 3:
                h.pause(10)  # the worker hangs here until it is killed
            serve(h)

        server.routes[f"/p{n}"] = held
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(cfg.source)],
                             cwd=Path(__file__).resolve().parent.parent,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    failed = "the worker exited early"
    try:
        deadline = time.monotonic() + 20
        while len(page_hits) < 3 and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        if child.poll() is not None:
            failed += ": " + child.stderr.read().decode()[-2000:]
        assert len(page_hits) == 3, failed
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    done = fresh_db.execute("select count(*) from items where state = 'done'").fetchone()[0]
    assert done == 2
    cycle(cfg, fresh_db)
    assert _contents(fresh_db) == reference


@pytest.fixture
def processes():
    """Analysis processes for one test, stopped after it."""
    yield
    analysis.close_all()


def test_analysis_processes_store_what_one_process_stores(
        feed_url, reference, make_config, fresh_db, processes):
    url, _ = feed_url
    cycle(make_config(url, extra="workers = 2\n" + FETCH), fresh_db)
    assert _contents(fresh_db) == reference


def test_a_page_whose_analysis_overruns_is_marked_failed_and_the_poll_goes_on(
        make_config, fresh_db, processes):
    sentence = ("Russia launched {n} drones and 20 missiles at Ukraine overnight, Ukraine's air force "
                "said, and North Korea has sent about {n} troops to Russia, officials in Seoul said.")
    with LocalServer() as server:
        server.static("/normal", recording.page("Russia fires 728 drones", [sentence.format(n=728)]))
        server.static("/endless", recording.page("Russia fires drones", [
            sentence.format(n=1000 + i) for i in range(1500)]))   # seconds of analysis
        server.static("/feed", recording.rss("Wire", [
            {"title": f"Russia fires record drones at Ukraine, North Korea sends troops ({path})",
             "link": server.url(path), "summary": "The air force says it was the largest attack."}
            for path in ("/endless", "/normal")]), content_type="application/rss+xml")
        extra = "workers = 1\nanalysis_timeout = 0.3\n" + FETCH.replace("timeout = 0.5", "timeout = 5")
        result = cycle(make_config(server.url("/feed"), extra=extra), fresh_db)
    rows = dict(fresh_db.execute("select link, state || ': ' || coalesce(error, '') from items").fetchall())
    assert rows[server.url("/endless")] == "failed: analysis took longer than 0.3s; stopped"
    assert rows[server.url("/normal")] == "done: "
    assert result.feeds[0].status == "ok"


def test_the_store_is_a_wal_that_syncs_at_checkpoints(fresh_db):
    """Durable against the worker dying (WAL); not paying a disk sync per stored item."""
    assert fresh_db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert fresh_db.execute("PRAGMA synchronous").fetchone()[0] == 1   # NORMAL
