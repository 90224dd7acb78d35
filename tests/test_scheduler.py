"""The worker: digest catch-up after downtime, one poll at a time, clean stop.

The poll cycle and mail transport are replaced by fakes, so nothing here touches
the network; the scheduler itself is the real APScheduler with short intervals.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from monitor import config, digest, lock, mailer, scheduler, store
from monitor.cli import cli

EMAIL = ('[email]\nhost = "smtp.invalid"\nsender = "monitor@example.org"\n'
         'recipients = ["desk@example.org"]\n')


class Outbox:
    """A mail transport that keeps messages instead of sending them."""

    def __init__(self, fail: bool = False) -> None:
        self.messages: list = []
        self.fail = fail
        self.sent = threading.Event()

    def __call__(self, settings, msg) -> None:
        if self.fail:
            raise mailer.MailError("connection refused")
        self.messages.append(msg)
        self.sent.set()


def idle_cycle(cfg, db, stop) -> None:
    """A poll that finds nothing and records its run, like the real one."""
    now = store.now_iso()
    db["runs"].insert({"id": store.stable_id("run", now, time.monotonic()), "kind": "poll",
                       "started_at": now, "finished_at": now, "status": "ok"}, pk="id")


def add_alert(cfg) -> None:
    db = store.open_db(cfg.db_path)
    db["findings"].insert({"id": "f1", "kind": "update", "seed": "s", "seed_claim_id": "sc",
                           "seed_claim": "188 drones were launched.", "claim": "479 drones.",
                           "url": "https://bbc.example/drones", "feed": "", "old_value": "188",
                           "new_value": "479", "created_at": store.now_iso(),
                           "digested_at": None}, pk="id", alter=True)
    db.close()


def set_checked(cfg, when: datetime) -> None:
    db = store.open_db(cfg.db_path)
    digest.mark_checked(db, when)
    db.close()


def test_a_digest_missed_while_the_worker_was_down_is_sent_at_start(make_config):
    cfg = make_config("https://wire.example.com/rss", extra='digest_time = "07:00"\n' + EMAIL)
    add_alert(cfg)
    set_checked(cfg, datetime.now(UTC) - timedelta(days=2))  # down through a 07:00 digest
    outbox = Outbox()
    sched = scheduler.build(scheduler.Worker(cfg, cycle=idle_cycle, transport=outbox))
    sched.start()
    try:
        assert outbox.sent.wait(10), "catch-up digest was not sent at start"
    finally:
        sched.shutdown(wait=True)
    assert len(outbox.messages) == 1
    assert "https://bbc.example/drones" in outbox.messages[0].get_body(("plain",)).get_content()


def test_no_catch_up_when_the_last_digest_ran_after_it_was_due(make_config):
    cfg = make_config("https://wire.example.com/rss", extra=EMAIL)
    add_alert(cfg)
    set_checked(cfg, datetime.now(UTC))
    outbox = Outbox()
    polled = threading.Event()
    sched = scheduler.build(scheduler.Worker(
        cfg, cycle=lambda *a: (idle_cycle(*a), polled.set()), transport=outbox))
    sched.start()
    try:
        assert polled.wait(10)
        time.sleep(0.5)
        next_digest = sched.get_job("digest").next_run_time
    finally:
        sched.shutdown(wait=True)
    assert outbox.messages == []
    assert next_digest > datetime.now(UTC)


def test_a_fresh_install_has_missed_no_digest(make_config):
    cfg = make_config("https://wire.example.com/rss", extra=EMAIL)
    scheduler.build(scheduler.Worker(cfg, cycle=idle_cycle))
    db = store.open_db(cfg.db_path)
    assert store.get_meta(db, digest.CHECKED_KEY) is not None
    db.close()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_missed_digest_follows_the_configured_time_and_zone(make_config):
    cfg = make_config(extra='digest_time = "07:00"\ntimezone = "Europe/Berlin"\n')
    # 07:00 in Berlin in winter is 06:00 UTC.
    now = at("2025-01-15T06:45:00+00:00")
    assert scheduler.missed_digest("2025-01-15T05:30:00+00:00", cfg, now)
    assert not scheduler.missed_digest("2025-01-15T06:00:30+00:00", cfg, now)
    before_due = at("2025-01-15T05:00:00+00:00")
    assert scheduler.missed_digest("2025-01-13T06:30:00+00:00", cfg, before_due)
    assert not scheduler.missed_digest(None, cfg, now)


def test_poll_is_refused_while_another_poll_holds_the_lock(make_config):
    cfg = make_config("https://wire.example.com/rss")
    calls = []
    worker = scheduler.Worker(cfg, cycle=lambda *a: calls.append(a))
    with lock.held(cfg.state_dir):
        assert worker.poll() is False
    assert calls == []
    assert worker.poll() is True and len(calls) == 1


def test_monitor_poll_is_refused_while_the_worker_is_polling(make_config):
    cfg = make_config("https://wire.example.com/rss")
    with lock.held(cfg.state_dir):
        result = CliRunner().invoke(cli, ["--config", str(cfg.source), "poll"])
    assert result.exit_code == 1
    assert "another poll is running" in result.output


def test_scheduled_polls_never_overlap(make_config):
    cfg = make_config("https://wire.example.com/rss", extra="poll_interval_minutes = 0.005\n")
    running, most, calls = [0], [0], [0]
    guard = threading.Lock()

    def slow_cycle(cfg, db, stop):
        with guard:
            running[0] += 1
            calls[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(1.0)  # three intervals of 0.3 s
        with guard:
            running[0] -= 1

    sched = scheduler.build(scheduler.Worker(cfg, cycle=slow_cycle))
    sched.start()
    time.sleep(2.5)
    sched.shutdown(wait=True)
    assert calls[0] >= 2 and most[0] == 1


def test_failed_digest_is_retried_after_the_next_poll(make_config):
    cfg = make_config("https://wire.example.com/rss", extra=EMAIL)
    add_alert(cfg)
    outbox = Outbox(fail=True)
    worker = scheduler.Worker(cfg, cycle=idle_cycle, transport=outbox)
    assert worker.digest() == "failed"
    outbox.fail = False
    worker.poll()
    assert len(outbox.messages) == 1


def test_digest_without_email_settings_still_writes_the_report(make_config):
    cfg = make_config("https://wire.example.com/rss")
    add_alert(cfg)
    assert scheduler.Worker(cfg, cycle=idle_cycle).digest() == "report-only"
    assert "479 drones" in (cfg.reports_dir / f"{digest.today(cfg)}.md").read_text()


def test_sigterm_stops_the_worker_cleanly(tmp_path: Path, seeds_dir: Path):
    # A feed on a closed loopback port: every poll fails fast and never leaves the machine.
    conf = tmp_path / "monitor.toml"
    conf.write_text(f'state_dir = "state"\nseeds_dir = "{seeds_dir}"\n'
                    "[fetch]\nallow_private_addresses = true\ntimeout = 2\n"
                    '[[feeds]]\nurl = "http://127.0.0.1:9/feed"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    proc = subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(conf), "run"],
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        cfg = config.load(conf, environ={})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not scheduler.health(cfg).ok:
            time.sleep(0.2)
        assert scheduler.health(cfg).ok, "the first poll did not finish"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "worker stopped" in err
