"""The digest email: what it contains, that it is escaped, and that it is sent exactly once.

Findings are inserted straight into the findings table so these tests do not depend
on the comparator; mail goes to a real aiosmtpd server on 127.0.0.1.
"""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from monitor import config, digest, lock, store
from monitor.cli import cli

SEED = "001_141f0110176205f7"
DRONES_SEED = "Russia launched 188 drones at Ukraine overnight, the air force said."
TROOPS_SEED = "North Korea has sent about 11,000 troops to Russia's Kursk region."
BBC = "https://feeds.bbci.co.uk/news/world/rss.xml"
GUARDIAN = "https://www.theguardian.com/world/rss"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(msg)
        return "250 OK"


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def inbox(smtp_port):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture
def cfg(tmp_path, seeds_dir, smtp_port):
    path = tmp_path / "monitor.toml"
    path.write_text(f"""
state_dir = "state"
seeds_dir = "{seeds_dir}"

[email]
host = "127.0.0.1"
port = {smtp_port}
sender = "monitor@example.org"
recipients = ["desk@example.org", "editor@example.org"]

[[feeds]]
name = "BBC News - World"
url = "{BBC}"

[[feeds]]
name = "The Guardian - World"
url = "{GUARDIAN}"
""", encoding="utf-8")
    return config.load(path, environ={})


@pytest.fixture
def db(cfg):
    database = store.open_db(cfg.db_path)
    yield database
    database.close()


def add_finding(db, id: str, kind: str = "update", url: str = "https://bbc.example/drones",
                feed: str = BBC, claim: str = "Russia launched 479 drones at Ukraine overnight.",
                old: str = "188 drones", new: str = "479 drones", seed_claim_id: str = "sc-drones",
                seed_claim: str = DRONES_SEED, title: str = "Record drone attack",
                created_at: str | None = None) -> None:
    """A finding row as poll._finding_row writes it."""
    db["findings"].insert({
        "id": id, "kind": kind, "seed": SEED, "seed_claim_id": seed_claim_id,
        "seed_claim": seed_claim, "claim_id": "c-" + id, "claim": claim, "url": url,
        "title": title, "published": "2025-06-09T07:10:00+00:00", "feed": feed,
        "old_value": old, "new_value": new, "rule": "figure-update", "confidence": 0.9,
        "why": "same figure, larger",
        "fingerprint": store.stable_id(seed_claim_id, kind, new or claim),
        "created_at": created_at or store.now_iso(), "digested_at": None}, pk="id")


def parts(msg) -> tuple[str, str]:
    return (msg.get_body(preferencelist=("plain",)).get_content(),
            msg.get_body(preferencelist=("html",)).get_content())


def alerts_section(text: str) -> str:
    return text.split("UPDATES AND CONFLICTS", 1)[1].split("SUPPORTING REPORTS", 1)[0]


def test_digest_is_one_email_with_a_text_and_an_html_part(cfg, db, inbox):
    add_finding(db, "f1")
    assert digest.send(db, cfg).status == "sent"
    assert len(inbox.messages) == 1
    msg = inbox.messages[0]
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg["To"] == "desk@example.org, editor@example.org"
    assert "1 update" in msg["Subject"]
    for part in parts(msg):
        assert "1 update" in part and "0 conflicts" in part


def test_alert_links_appear_in_both_parts(cfg, db, inbox):
    add_finding(db, "f1", url="https://bbc.example/drones")
    add_finding(db, "f2", kind="conflict", url="https://guardian.example/troops", feed=GUARDIAN,
                claim="North Korea denied sending any troops.", old="", new="",
                seed_claim_id="sc-troops", seed_claim=TROOPS_SEED)
    digest.send(db, cfg)
    text, html = parts(inbox.messages[0])
    for link in ("https://bbc.example/drones", "https://guardian.example/troops"):
        assert link in text
        assert f'href="{link}"' in html


def test_alert_shows_seed_claim_new_sentence_values_source_and_date(cfg, db, inbox):
    add_finding(db, "f1")
    digest.send(db, cfg)
    text, html = parts(inbox.messages[0])
    for part in (text, html):
        assert DRONES_SEED in part.replace("&#39;", "'")
        assert "Russia launched 479 drones at Ukraine overnight." in part
        assert "188 drones" in part and "479 drones" in part
        assert "BBC News - World" in part
        assert "2025-06-09" in part


def test_supporting_and_unrelated_articles_are_not_among_the_alerts(cfg, db, inbox):
    add_finding(db, "f1", url="https://bbc.example/drones")
    add_finding(db, "s1", kind="support", url="https://bbc.example/restates", old="", new="",
                claim="Russia fired 188 drones at Ukraine.")
    db["articles"].insert({"id": "a9", "url": "https://bbc.example/football", "title": "Cup final",
                           "fetched_at": store.now_iso()}, pk="id")
    digest.send(db, cfg)
    text, html = parts(inbox.messages[0])
    assert "https://bbc.example/drones" in alerts_section(text)
    for part in (text, html):
        assert "https://bbc.example/restates" not in part
        assert "football" not in part
    assert "1 article restated 1 seed claim" in text


def test_article_markup_is_escaped_in_the_html_part(cfg, db, inbox):
    add_finding(db, "f1", claim='Russia launched 479 drones <script>alert("x")</script>'
                              '<a href="https://evil.example">click</a>.',
                title="<img src=x onerror=alert(1)>")
    digest.send(db, cfg)
    _, html = parts(inbox.messages[0])
    assert "<script>" not in html and "<img" not in html
    assert 'href="https://evil.example"' not in html
    assert "&lt;script&gt;" in html


def test_a_link_that_is_not_http_is_not_made_a_link(cfg, db, inbox):
    add_finding(db, "f1", url="javascript:alert(1)")
    digest.send(db, cfg)
    _, html = parts(inbox.messages[0])
    assert "javascript:" not in html


def test_second_send_without_new_findings_sends_nothing(cfg, db, inbox):
    add_finding(db, "f1")
    assert digest.send(db, cfg).status == "sent"
    assert digest.send(db, cfg).status == "nothing"
    assert len(inbox.messages) == 1


def test_next_digest_has_only_findings_new_since_the_last(cfg, db, inbox):
    add_finding(db, "f1", url="https://bbc.example/drones")
    digest.send(db, cfg)
    add_finding(db, "f2", kind="conflict", url="https://guardian.example/troops", feed=GUARDIAN,
                claim="North Korea denied sending troops.", old="", new="",
                seed_claim_id="sc-troops", seed_claim=TROOPS_SEED)
    digest.send(db, cfg)
    text, _ = parts(inbox.messages[1])
    assert "https://guardian.example/troops" in text
    assert "https://bbc.example/drones" not in text


def test_failed_send_is_retried_on_the_next_run(cfg, db, smtp_port):
    add_finding(db, "f1")
    first = digest.send(db, cfg)  # nothing listens on smtp_port yet
    assert first.status == "failed" and "127.0.0.1" in first.error
    assert digest.retry_due(db)
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        assert digest.send(db, cfg).status == "sent"
    finally:
        controller.stop()
    assert "https://bbc.example/drones" in parts(handler.messages[0])[0]
    assert not digest.retry_due(db)


def test_what_was_sent_is_recorded_before_send_returns(cfg, db, inbox):
    add_finding(db, "f1")
    outcome = digest.send(db, cfg)
    row = db["digests"].get(outcome.digest_id)
    assert row["status"] == "sent" and row["sent_at"]
    finding = db["findings"].get("f1")
    assert finding["digested_at"] and finding["digest_id"] == outcome.digest_id


def test_a_digest_interrupted_mid_send_is_not_sent_again(cfg, db, inbox):
    add_finding(db, "f1")

    def crash(settings, msg):
        raise SystemExit("killed mid-send")

    with pytest.raises(SystemExit):
        digest.send(db, cfg, transport=crash)
    assert digest.send(db, cfg).status == "nothing"
    assert inbox.messages == []
    assert [r["status"] for r in db["digests"].rows] == ["unknown"]


def test_same_fact_from_several_feeds_is_one_entry_listing_every_source(cfg, db, inbox):
    add_finding(db, "f1", url="https://bbc.example/drones", feed=BBC)
    add_finding(db, "f2", url="https://guardian.example/drones", feed=GUARDIAN,
                claim="Ukraine's air force said Russia fired 479 drones overnight.")
    add_finding(db, "f3", url="https://bbc.example/amp/drones", feed=BBC,
                claim="Russia launched 479 drones at Ukraine overnight.", new="479 drones")
    outcome = digest.send(db, cfg)
    assert len(outcome.digest.alerts) == 1
    sources = outcome.digest.alerts[0].sources
    assert [s.url for s in sources] == ["https://bbc.example/drones",
                                         "https://guardian.example/drones",
                                         "https://bbc.example/amp/drones"]
    assert [s.name for s in sources] == ["BBC News - World", "The Guardian - World",
                                          "BBC News - World"]


def test_near_identical_sentence_without_a_value_is_merged(cfg, db, inbox):
    conflict = {"kind": "conflict", "old": "", "new": "", "seed_claim_id": "sc-troops",
                "seed_claim": TROOPS_SEED}
    add_finding(db, "f1", url="https://a.example/1", claim="North Korea denied sending troops to "
                "Russia, state media said on Monday.", **conflict)
    add_finding(db, "f2", url="https://b.example/2", claim="North Korea denied sending troops to "
                "Russia, state media said Monday.", **conflict)
    assert len(digest.build(db, cfg).alerts) == 1


def test_different_new_values_stay_separate_entries(cfg, db, inbox):
    add_finding(db, "f1", url="https://a.example/1", new="479 drones")
    add_finding(db, "f2", url="https://b.example/2", new="500 drones",
                claim="Russia launched 500 drones in a new record attack.")
    assert len(digest.build(db, cfg).alerts) == 2


def test_nothing_new_sends_no_digest(cfg, db, inbox):
    assert digest.send(db, cfg).status == "nothing"
    assert inbox.messages == []


def test_send_empty_sends_a_digest_after_a_poll_with_nothing_new(cfg, db, inbox):
    cfg.email.send_empty = True
    db["runs"].insert({"id": "r1", "kind": "poll", "started_at": store.now_iso(),
                       "finished_at": store.now_iso(), "status": "ok"}, pk="id")
    assert digest.send(db, cfg).status == "sent"
    assert "no new alerts" in inbox.messages[0]["Subject"]
    assert digest.send(db, cfg).status == "nothing"


def test_coverage_names_failing_and_silent_feeds(cfg, db):
    now = datetime.now(UTC)
    old = (now - timedelta(hours=72)).replace(microsecond=0).isoformat()
    recent = (now - timedelta(hours=1)).replace(microsecond=0).isoformat()
    db["runs"].insert({"id": "r0", "kind": "poll", "started_at": old, "finished_at": old,
                       "status": "ok"}, pk="id")
    db["runs"].insert({"id": "r1", "kind": "poll", "started_at": recent, "finished_at": recent,
                       "status": "partial"}, pk="id")
    db["feeds"].insert_all([
        {"url": BBC, "name": "BBC", "last_checked": recent, "last_status": 304, "failures": 0,
         "retired": 0},
        {"url": GUARDIAN, "name": "Guardian", "last_checked": recent, "last_status": 503,
         "failures": 9, "failing_since": old, "last_error": "HTTP 503", "retired": 0},
    ], pk="url")
    cov = digest.build(db, cfg, now).coverage
    assert (cov.polls, cov.feeds_polled, cov.unchanged) == (2, 2, 1)
    assert [(f.url, f.stale) for f in cov.failing] == [(GUARDIAN, True)]
    assert [f.url for f in cov.silent] == [BBC]  # no item since polling began 72 h ago


def test_network_down_is_one_line_not_every_feed_failing(cfg, db):
    now = store.now_iso()
    db["runs"].insert({"id": "r1", "kind": "poll", "started_at": now, "finished_at": now,
                       "status": "network-down"}, pk="id")
    db["feeds"].insert_all([{"url": u, "name": u, "last_checked": now, "failures": 1,
                             "failing_since": now, "last_error": "ConnectionError", "retired": 0}
                            for u in (BBC, GUARDIAN)], pk="url")
    cov = digest.build(db, cfg).coverage
    assert cov.network_down_since and cov.failing == []


def test_daily_report_and_index_are_written_from_the_digest_data(cfg, db):
    add_finding(db, "f1", claim="Russia launched 479 drones [click](https://evil.example).")
    path = digest.write_day_report(db, cfg)
    text = path.read_text()
    assert path.parent == cfg.reports_dir and path.name == digest.today(cfg) + ".md"
    assert "(https://bbc.example/drones)" in text and "188 drones → 479 drones" in text
    assert "[click](https://evil.example)" not in text
    assert f"[{path.stem}]({path.name})" in (cfg.reports_dir / "index.md").read_text()


def _cli(cfg, *args):
    return CliRunner().invoke(cli, ["--config", str(cfg.source), *args], catch_exceptions=False)


def test_cli_digest_prints_a_preview_and_marks_nothing_sent(cfg, db):
    add_finding(db, "f1")
    result = _cli(cfg, "digest")
    assert result.exit_code == 0 and "https://bbc.example/drones" in result.output
    assert db["findings"].get("f1")["digested_at"] is None


def test_cli_digest_send_failure_says_it_will_retry(cfg, db):
    add_finding(db, "f1")
    result = _cli(cfg, "digest", "--send")
    assert result.exit_code == 1 and "next run retries" in result.output


def test_cli_digest_send_without_email_settings_names_the_key(make_config):
    cfg = make_config(BBC)
    result = _cli(cfg, "digest", "--send")
    assert result.exit_code == 1 and "email.host" in result.output


def test_a_second_sender_is_refused_while_a_digest_is_being_sent(cfg, db, inbox):
    add_finding(db, "f1")
    with lock.held(cfg.state_dir, "digest.lock"), pytest.raises(lock.Busy):
        digest.send(db, cfg)
    assert inbox.messages == []
    assert digest.send(db, cfg).status == "sent"
