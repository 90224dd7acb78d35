"""The worker: polls on an interval, sends the digest at a time of day, stops cleanly.

APScheduler runs both jobs with max_instances=1 and coalescing, so a slow poll is
never doubled up; the lock file in state_dir also refuses a poll while `monitor poll`
runs by hand. A digest that fell due while the worker was down is sent at start.
"""

from __future__ import annotations

import logging
import signal
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils
from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor import digest, lock, mailer, retention, store
from monitor.config import Config

log = logging.getLogger(__name__)

DIGEST_GRACE_SECONDS = 6 * 3600   # a digest delayed by a busy or suspended host is still sent
Cycle = Callable[[Config, sqlite_utils.Database, threading.Event], Any]


def network_cycle(cfg: Config, db: sqlite_utils.Database, stop: threading.Event) -> Any:
    """The real poll. Imported lazily: `monitor health` must start fast."""
    from monitor import fetch, poll

    fetcher = fetch.Fetcher(cfg.fetch)
    try:
        return poll.run_cycle(cfg, db, fetcher, stop=stop)
    finally:
        fetcher.close()


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Worker:
    """The two scheduled jobs; the poll cycle, mail transport and clock can be replaced."""

    cfg: Config
    stop: threading.Event = field(default_factory=threading.Event)
    cycle: Cycle = network_cycle
    transport: Callable = mailer.send
    clock: Callable[[], datetime] = _utcnow

    def poll(self) -> bool:
        """One poll, then retention and today's report. False if another poll holds the lock."""
        db = store.open_db(self.cfg.db_path)
        try:
            with lock.held(self.cfg.state_dir):
                result = self.cycle(self.cfg, db, self.stop)
            _log_cycle(result)
            if self.stop.is_set():
                return True
            retention.prune(db, self.cfg.retention_days, self.clock())
            digest.write_day_report(db, self.cfg, now=self.clock())
            if digest.retry_due(db):
                log.info("retrying the digest that failed to send")
                self._digest(db)
            return True
        except lock.Busy as exc:
            log.warning("poll skipped: %s", exc)
            return False
        finally:
            db.close()

    def digest(self) -> str:
        """The daily digest: sent when [email] is set up, always written to the report."""
        db = store.open_db(self.cfg.db_path)
        try:
            return self._digest(db)
        finally:
            db.close()

    def _digest(self, db: sqlite_utils.Database) -> str:
        now = self.clock()
        digest.mark_checked(db, now)
        status = "report-only"
        try:
            status = digest.send(db, self.cfg, now, self.transport).status
        except mailer.NotConfigured as exc:
            log.info("digest not emailed (%s); see the daily report", exc)
        except lock.Busy as exc:
            status = "busy"
            log.warning("digest skipped: %s", exc)
        digest.write_day_report(db, self.cfg, now=now)
        log.info("digest status=%s", status)
        return status


def _log_cycle(result: Any) -> None:
    feeds = getattr(result, "feeds", [])
    down = " (network down)" if getattr(result, "network_down", False) else ""
    log.info("poll done: feeds=%d failed=%d alerts=%d%s", len(feeds), getattr(result, "failed", 0),
             getattr(result, "alerts", 0), down)


def last_due(cfg: Config, now: datetime) -> datetime:
    """The most recent digest time at or before `now`, in the configured zone."""
    hour, minute = (int(p) for p in cfg.digest_time.split(":"))
    local = now.astimezone(ZoneInfo(cfg.timezone))
    due = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return due if due <= local else due - timedelta(days=1)


def missed_digest(last_checked: str | None, cfg: Config, now: datetime) -> bool:
    """True when a digest fell due after the last one ran: the worker was down then."""
    if not last_checked:
        return False
    return datetime.fromisoformat(last_checked) < last_due(cfg, now)


def _listener(event: JobExecutionEvent) -> None:
    if event.code == EVENT_JOB_MISSED:
        log.warning("job %s missed its run at %s", event.job_id, event.scheduled_run_time)
    elif event.code == EVENT_JOB_MAX_INSTANCES:
        log.warning("job %s still running at %s: this run skipped", event.job_id,
                    event.scheduled_run_time)
    elif event.exception is not None:
        log.error("job %s failed: %r", event.job_id, event.exception)


def build(worker: Worker) -> BackgroundScheduler:
    """The scheduler, not started: the first poll is due now, the digest at digest_time
    (or now too, when one was missed while the worker was down)."""
    cfg = worker.cfg
    now = worker.clock()
    db = store.open_db(cfg.db_path)
    try:
        checked = store.get_meta(db, digest.CHECKED_KEY)
        if checked is None:
            digest.mark_checked(db, now)  # a fresh install has missed nothing
    finally:
        db.close()
    sched = BackgroundScheduler(timezone=cfg.timezone)
    sched.add_listener(_listener, EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
    sched.add_job(worker.poll, IntervalTrigger(minutes=cfg.poll_interval_minutes), id="poll",
                  max_instances=1, coalesce=True,
                  misfire_grace_time=max(1, int(cfg.poll_interval_minutes * 60)),
                  next_run_time=now)
    hour, minute = (int(p) for p in cfg.digest_time.split(":"))
    first: dict[str, Any] = {}
    if missed_digest(checked, cfg, now):
        log.info("digest due at %s was missed while the worker was down: sending it now",
                 last_due(cfg, now).isoformat())
        first["next_run_time"] = now
    sched.add_job(worker.digest, CronTrigger(hour=hour, minute=minute, timezone=cfg.timezone),
                  id="digest", max_instances=1, coalesce=True,
                  misfire_grace_time=DIGEST_GRACE_SECONDS, **first)
    return sched


def run_forever(cfg: Config) -> None:
    """Run until SIGTERM/SIGINT; a running poll stops after its current feed."""
    worker = Worker(cfg)
    sched = build(worker)

    def _stop(signum: int, _frame: object) -> None:
        log.info("signal %d: stopping after the current feed", signum)
        worker.stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    sched.start()
    log.info("worker started: %d feeds, poll every %g min, digest at %s %s, state in %s",
             len(cfg.feeds), cfg.poll_interval_minutes, cfg.digest_time, cfg.timezone,
             cfg.state_dir)
    while not worker.stop.wait(1.0):
        pass
    sched.shutdown(wait=True)
    log.info("worker stopped")


@dataclass
class Health:
    ok: bool
    message: str


def health(cfg: Config, now: datetime | None = None) -> Health:
    """Healthy when a poll finished within health_max_age minutes (network down counts:
    the worker is alive, and restarting it would not bring the network back)."""
    if not cfg.db_path.exists():
        return Health(False, f"no database at {cfg.db_path}: no poll has run yet")
    # Read-only and without migrating: the check runs beside a busy worker every few minutes.
    conn = sqlite3.connect(f"{cfg.db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        row = conn.execute("select finished_at, status from runs where kind = 'poll' and "
                           "finished_at is not null order by finished_at desc limit 1").fetchone()
    except sqlite3.OperationalError as exc:
        return Health(False, f"cannot read {cfg.db_path}: {exc}")
    finally:
        conn.close()
    if not row:
        return Health(False, "no poll has finished yet")
    age = ((now or datetime.now(UTC)) - datetime.fromisoformat(row[0])).total_seconds() / 60
    limit = cfg.health_max_age
    text = f"last poll finished {age:.0f} min ago ({row[1]}); limit {limit:g} min"
    return Health(age <= limit, text)
