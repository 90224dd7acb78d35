"""Polite, bounded fetching against a real HTTP server on 127.0.0.1.

The address guard is off for these tests (allow_private_addresses = true) except
where a test is about the guard itself.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from datetime import UTC, datetime, timedelta
from itertools import repeat

import pytest
from click.testing import CliRunner

from monitor import feeds, fetch, poll
from monitor.cli import cli
from monitor.config import FetchSettings
from tests import polling, recording
from tests.localserver import LocalServer
from tests.polling import cycle

FETCH = """
[fetch]
timeout = 0.5
max_bytes = 100000
max_redirects = 3
host_delay = 0
backoff_base = 60
backoff_max = 3600
allow_private_addresses = true
"""

ITEM = {"title": "Russia fires record 479 drones at Ukraine", "link": "https://wire.example.com/a",
        "summary": "The air force says it was the largest aerial attack of the war."}
FEED = recording.rss("Wire", [ITEM])



@pytest.fixture
def settings() -> FetchSettings:
    return FetchSettings(timeout=0.5, max_bytes=100_000, max_redirects=3, host_delay=0,
                         allow_private_addresses=True)



def _closed_port_url() -> str:
    """A loopback URL nothing listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed"


def _conditional_feed(server: LocalServer) -> str:
    @server.route("/feed")
    def feed(h):
        if h.headers.get("If-None-Match") == '"v1"':
            h.reply(304, headers={"ETag": '"v1"'})
        else:
            h.reply(200, FEED.encode(), "application/rss+xml",
                    {"ETag": '"v1"', "Last-Modified": "Mon, 09 Jun 2025 07:10:00 GMT"})
    return server.url("/feed")


# ---------------------------------------------------------------- conditional GET

def test_second_poll_of_unchanged_feed_gets_304_and_no_body(server, make_config, fresh_db):
    cfg = make_config(_conditional_feed(server), extra=FETCH)
    cycle(cfg, fresh_db)
    cycle(cfg, fresh_db)
    first, second = server.hits_for("/feed")
    assert first.status == 200 and first.body_bytes > 0
    assert second.headers["if-none-match"] == '"v1"'
    assert second.headers["if-modified-since"] == "Mon, 09 Jun 2025 07:10:00 GMT"
    assert second.status == 304 and second.body_bytes == 0


def test_not_modified_feed_is_not_parsed_and_only_check_times_change(
        server, make_config, fresh_db, monkeypatch):
    url = _conditional_feed(server)
    cfg = make_config(url, extra=FETCH)
    cycle(cfg, fresh_db)
    before = fresh_db["feeds"].get(url)
    items = fresh_db.execute("select count(*) from items").fetchone()[0]
    monkeypatch.setattr(feeds, "parse", lambda *a: pytest.fail("a 304 was parsed"))
    result = cycle(cfg, fresh_db)
    after = fresh_db["feeds"].get(url)
    assert result.feeds[0].status == "not-modified"
    changed = {k for k in after if after[k] != before[k]}
    assert changed <= {"last_checked", "last_success", "last_status"}
    assert fresh_db.execute("select count(*) from items").fetchone()[0] == items


# ---------------------------------------------------------------- status handling

def test_permanent_redirect_updates_the_feed_url(server, make_config, fresh_db):
    server.static("/new", FEED, content_type="application/rss+xml")
    server.static("/old", "", status=301, headers={"Location": "/new"})
    cfg = make_config(server.url("/old"), extra=FETCH)
    cycle(cfg, fresh_db)
    assert fresh_db["feeds"].get(server.url("/old"))["current_url"] == server.url("/new")
    cycle(cfg, fresh_db)
    assert len(server.hits_for("/old")) == 1 and len(server.hits_for("/new")) == 2


def test_temporary_redirect_keeps_the_feed_url(server, make_config, fresh_db):
    server.static("/new", FEED, content_type="application/rss+xml")
    server.static("/old", "", status=302, headers={"Location": "/new"})
    cfg = make_config(server.url("/old"), extra=FETCH)
    cycle(cfg, fresh_db)
    assert fresh_db["feeds"].get(server.url("/old"))["current_url"] == server.url("/old")


def test_redirect_loop_stops_after_max_redirects(server, settings):
    server.static("/loop", "", status=302, headers={"Location": "/loop"})
    with pytest.raises(fetch.FetchError, match="more than 3 redirects"):
        fetch.Fetcher(settings).get(server.url("/loop"))
    assert len(server.hits_for("/loop")) == 4


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_seconds_sets_the_next_attempt(server, make_config, fresh_db, status):
    url = server.static("/feed", "busy", status=status, headers={"Retry-After": "120"})
    cfg = make_config(url, extra=FETCH)
    cycle(cfg, fresh_db)
    row = fresh_db["feeds"].get(url)
    wait = datetime.fromisoformat(row["next_attempt"]) - datetime.now(UTC)
    assert timedelta(seconds=110) < wait <= timedelta(seconds=120)
    assert row["failures"] == 1 and row["last_error"] == f"HTTP {status}"


def test_retry_after_date_is_honoured(server, make_config, fresh_db):
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=30)
    url = server.static("/feed", "busy", status=503,
                        headers={"Retry-After": when.strftime("%a, %d %b %Y %H:%M:%S GMT")})
    cfg = make_config(url, extra=FETCH)
    cycle(cfg, fresh_db)
    assert datetime.fromisoformat(fresh_db["feeds"].get(url)["next_attempt"]) == when


def test_feed_is_not_requested_before_its_retry_after(server, make_config, fresh_db):
    url = server.static("/feed", "busy", status=429, headers={"Retry-After": "120"})
    cfg = make_config(url, extra=FETCH)
    cycle(cfg, fresh_db)
    result = cycle(cfg, fresh_db)
    assert result.feeds[0].status == "skipped"
    assert len(server.hits_for("/feed")) == 1


def test_huge_retry_after_is_capped_at_backoff_max(server, make_config, fresh_db):
    url = server.static("/feed", "busy", status=503, headers={"Retry-After": "99999999999999"})
    cfg = make_config(url, extra=FETCH)
    cycle(cfg, fresh_db)
    wait = datetime.fromisoformat(fresh_db["feeds"].get(url)["next_attempt"]) - datetime.now(UTC)
    assert wait <= timedelta(seconds=3600)


def test_failures_back_off_exponentially_up_to_the_cap(server, make_config, fresh_db):
    url = server.static("/feed", "oops", status=500)
    cfg = make_config(url, extra=FETCH.replace("backoff_max = 3600", "backoff_max = 200"))
    story = polling.story(fresh_db)
    fetcher = fetch.Fetcher(cfg.fetch)
    now = datetime(2025, 6, 9, tzinfo=UTC)
    waits = []
    for _ in range(4):
        poll.poll_feed(cfg, fresh_db, fetcher, story, cfg.feeds[0], "run", now=now)
        following = datetime.fromisoformat(fresh_db["feeds"].get(url)["next_attempt"])
        waits.append((following - now).total_seconds())
        now = following
    assert waits == [60, 120, 200, 200]
    assert fresh_db["feeds"].get(url)["failures"] == 4


def test_success_after_failures_resets_the_count(server, make_config, fresh_db):
    responses = iter([(500, b"oops"), (200, FEED.encode())])
    server.route("/feed")(lambda h: h.reply(*next(responses), "application/rss+xml"))
    cfg = make_config(server.url("/feed"), extra=FETCH)
    story = polling.story(fresh_db)
    fetcher = fetch.Fetcher(cfg.fetch)
    now = datetime.now(UTC)
    poll.poll_feed(cfg, fresh_db, fetcher, story, cfg.feeds[0], "run", now=now)
    poll.poll_feed(cfg, fresh_db, fetcher, story, cfg.feeds[0], "run", now=now + timedelta(hours=1))
    row = fresh_db["feeds"].get(server.url("/feed"))
    assert (row["failures"], row["last_error"], row["next_attempt"]) == (0, None, None)


def test_gone_feed_is_retired_and_not_requested_again(server, make_config, fresh_db):
    url = server.static("/feed", "gone", status=410)
    cfg = make_config(url, extra=FETCH)
    cycle(cfg, fresh_db)
    result = cycle(cfg, fresh_db)
    assert fresh_db["feeds"].get(url)["retired"] == 1
    assert result.feeds[0].status == "retired"
    assert len(server.hits_for("/feed")) == 1


def test_one_failing_feed_does_not_stop_the_others(server, make_config, fresh_db):
    broken = server.static("/broken", "oops", status=500)
    good = server.static("/good", FEED, content_type="application/rss+xml")
    cfg = make_config(broken, good, extra=FETCH)
    cycle(cfg, fresh_db)
    assert fresh_db["feeds"].get(broken)["last_error"] == "HTTP 500"
    assert fresh_db["feeds"].get(good)["last_error"] is None
    assert fresh_db.execute("select count(*) from items where feed = ?", [good]).fetchone()[0] == 1


def test_status_command_shows_failures_and_last_error(server, make_config, fresh_db):
    url = server.static("/feed", "oops", status=500)
    cfg = make_config(url, extra=FETCH)
    cycle(cfg, fresh_db)
    output = CliRunner().invoke(cli, ["--config", str(cfg.source), "status"],
                                catch_exceptions=False).output
    assert "failures 1" in output and "last error: HTTP 500" in output


def test_network_down_is_one_record_and_leaves_feed_backoff_alone(make_config, fresh_db):
    cfg = make_config(_closed_port_url(), _closed_port_url(), extra=FETCH)
    result = cycle(cfg, fresh_db)
    assert result.network_down
    run = fresh_db["runs"].get(result.run_id)
    assert run["status"] == "network-down"
    assert fresh_db["meta"].get("network_down_since")["value"]
    for feed in cfg.feeds:
        row = fresh_db["feeds"].get(feed.url)
        assert (row["failures"], row["next_attempt"]) == (0, None)
        assert "ConnectionError" in row["last_error"]


def test_network_back_clears_the_network_down_record(server, make_config, fresh_db):
    cfg = make_config(_closed_port_url(), _closed_port_url(), extra=FETCH)
    cycle(cfg, fresh_db)
    cfg.feeds[1].url = server.static("/feed", FEED, content_type="application/rss+xml")
    result = cycle(cfg, fresh_db)
    assert not result.network_down
    assert fresh_db.execute("select count(*) from meta where key = 'network_down_since'"
                            ).fetchone()[0] == 0
    assert fresh_db["feeds"].get(cfg.feeds[0].url)["failures"] == 1


# ---------------------------------------------------------------- limits

def test_slow_server_times_out(server, settings):
    settings.timeout = 0.2
    server.route("/slow")(lambda h: (h.pause(3), h.reply(200, b"late")))
    started = time.monotonic()
    with pytest.raises(fetch.Unreachable, match="(?i)timed? ?out"):
        fetch.Fetcher(settings).get(server.url("/slow"))
    assert time.monotonic() - started < 1.2


def test_dripping_body_is_stopped_by_the_deadline(server, settings):
    """One byte every 0.05 s never trips a 0.2 s read timeout; the 0.6 s deadline does."""
    settings.timeout = 0.2

    def drip(h):
        h.stream(h.pause(0.05) or b"x" for _ in repeat(None))
    server.route("/drip")(drip)
    started = time.monotonic()
    with pytest.raises(fetch.FetchError, match="took longer"):
        fetch.Fetcher(settings).get(server.url("/drip"))
    assert time.monotonic() - started < 1.2


def test_endless_body_is_cut_at_the_cap(server, settings):
    server.route("/endless")(lambda h: h.stream(repeat(b"A" * 65536)))
    resp = fetch.Fetcher(settings).get(server.url("/endless"))
    assert resp.truncated and len(resp.content) == settings.max_bytes


def test_endless_feed_is_a_recorded_error(server, make_config, fresh_db):
    server.route("/feed")(lambda h: h.stream(repeat(b"<rss>" * 10000), "application/rss+xml"))
    cfg = make_config(server.url("/feed"), extra=FETCH)
    cycle(cfg, fresh_db)
    assert "larger than 100000 bytes" in fresh_db["feeds"].get(server.url("/feed"))["last_error"]


def test_host_delay_spaces_requests_to_one_host(server, settings):
    settings.host_delay = 0.3
    url = server.static("/page", "<p>hi</p>")
    fetcher = fetch.Fetcher(settings)
    started = time.monotonic()
    fetcher.get(url)
    fetcher.get(url)
    assert time.monotonic() - started >= 0.3


# ---------------------------------------------------------------- address guard

def _loopback_allowed(addr: fetch.IPAddress) -> bool:
    """The default guard, except for the test server's own loopback address."""
    return fetch.non_public(addr) and not addr.is_loopback


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/",
                                    "http://10.0.0.1/", "http://192.168.1.1:8080/",
                                    "http://224.0.0.1/"])
def test_redirect_to_private_address_is_refused_when_guard_is_on(server, settings, target):
    settings.allow_private_addresses = False
    server.static("/feed", "", status=302, headers={"Location": target})
    with pytest.raises(fetch.AddressRefused):
        fetch.Fetcher(settings, refuse=_loopback_allowed).get(server.url("/feed"))


def test_loopback_feed_is_refused_by_default(server):
    url = server.static("/feed", FEED)
    with pytest.raises(fetch.AddressRefused, match="127.0.0.1"):
        fetch.Fetcher(FetchSettings()).get(url)
    assert server.hits == []


def test_address_is_checked_again_on_the_connected_socket(server, monkeypatch):
    """DNS may answer a public address to the check and a private one to the connect."""
    url = server.static("/feed", FEED)
    monkeypatch.setattr(fetch, "_resolve", lambda host, port: [ipaddress.ip_address("8.8.8.8")])
    with pytest.raises(fetch.AddressRefused, match="connected to"):
        fetch.Fetcher(FetchSettings()).get(url)
    assert server.hits == []


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.0.1",
                                     "169.254.169.254", "224.0.0.1", "0.0.0.0", "100.64.0.1",
                                     "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "ff02::1"])
def test_non_public_addresses_are_recognised(address):
    assert fetch.non_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address):
    assert not fetch.non_public(ipaddress.ip_address(address))


def test_non_web_scheme_is_refused(settings):
    with pytest.raises(fetch.FetchError, match="unsupported URL"):
        fetch.Fetcher(settings).get("file:///etc/passwd")
