"""The worker: APScheduler runs the poll on an interval, one run at a time."""

from __future__ import annotations

import logging
import signal
import threading

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.blocking import BlockingScheduler

from monitor import fetch, lock, poll, store
from monitor.config import Config

log = logging.getLogger(__name__)


def poll_job(cfg: Config, stop: threading.Event) -> None:
    """One scheduled poll; a second one while this runs is refused by the lock."""
    db = store.open_db(cfg.db_path)
    fetcher = fetch.Fetcher(cfg.fetch)
    try:
        with lock.held(cfg.state_dir):
            result = poll.run_cycle(cfg, db, fetcher, stop=stop)
        log.info("poll done: feeds=%d failed=%d alerts=%d%s", len(result.feeds), result.failed,
                 result.alerts, " (network down)" if result.network_down else "")
    except lock.Busy as exc:
        log.warning("poll skipped: %s", exc)
    finally:
        fetcher.close()
        db.close()


def _listener(event: JobExecutionEvent) -> None:
    if event.code == EVENT_JOB_MISSED:
        log.warning("job %s missed its run at %s", event.job_id, event.scheduled_run_time)
    elif event.exception is not None:
        log.error("job %s failed: %r", event.job_id, event.exception)


def build(cfg: Config, stop: threading.Event) -> BlockingScheduler:
    sched = BlockingScheduler(timezone=cfg.timezone)
    sched.add_listener(_listener, EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    sched.add_job(poll_job, "interval", args=[cfg, stop], id="poll",
                  minutes=cfg.poll_interval_minutes, max_instances=1, coalesce=True,
                  misfire_grace_time=int(cfg.poll_interval_minutes * 30),
                  next_run_time=__import__("datetime").datetime.now(__import__("datetime").UTC))
    return sched


def run_forever(cfg: Config) -> None:
    stop = threading.Event()
    sched = build(cfg, stop)

    def _stop(signum: int, _frame: object) -> None:
        log.info("signal %d: stopping after the current feed", signum)
        stop.set()
        sched.shutdown(wait=False)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("worker started: %d feeds, poll every %g min, state in %s", len(cfg.feeds),
             cfg.poll_interval_minutes, cfg.state_dir)
    sched.start()
