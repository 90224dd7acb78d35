"""`monitor health` (Docker's HEALTHCHECK) and `monitor status`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from monitor import store
from monitor.cli import cli


def record_poll(cfg, minutes_ago: float, status: str = "ok") -> None:
    db = store.open_db(cfg.db_path)
    when = (datetime.now(UTC) - timedelta(minutes=minutes_ago)).replace(microsecond=0).isoformat()
    db["runs"].insert({"id": store.stable_id(when, status), "kind": "poll", "started_at": when,
                       "finished_at": when, "status": status}, pk="id")
    db.close()


def health(cfg):
    return CliRunner().invoke(cli, ["--config", str(cfg.source), "health"])


def test_healthy_when_the_last_poll_finished_recently(make_config):
    cfg = make_config(extra="poll_interval_minutes = 30\n")
    record_poll(cfg, minutes_ago=20)
    result = health(cfg)
    assert result.exit_code == 0 and result.output.startswith("ok: last poll finished 20 min ago")


def test_unhealthy_after_three_missed_poll_intervals(make_config):
    cfg = make_config(extra="poll_interval_minutes = 30\n")
    record_poll(cfg, minutes_ago=91)
    result = health(cfg)
    assert result.exit_code == 1 and "limit 90 min" in result.output


def test_health_max_age_minutes_overrides_the_default(make_config):
    cfg = make_config(extra="poll_interval_minutes = 30\nhealth_max_age_minutes = 10\n")
    record_poll(cfg, minutes_ago=20)
    assert health(cfg).exit_code == 1


def test_unhealthy_before_any_poll(make_config):
    result = health(make_config())
    assert result.exit_code == 1 and "no poll has run yet" in result.output


def test_health_does_not_create_the_database(make_config):
    cfg = make_config()
    health(cfg)
    assert not cfg.db_path.exists()


def test_network_down_still_counts_as_alive(make_config):
    # Restarting the container would not bring the network back.
    cfg = make_config()
    record_poll(cfg, minutes_ago=5, status="network-down")
    assert health(cfg).exit_code == 0


def test_status_shows_last_success_last_error_and_failures(make_config):
    cfg = make_config("https://wire.example.com/rss")
    db = store.open_db(cfg.db_path)
    db["feeds"].insert({"url": "https://wire.example.com/rss",
                        "last_success": "2025-06-09T07:00:00", "last_error": "HTTP 503",
                        "failures": 3, "retired": 0}, pk="url", alter=True)
    db.close()
    out = CliRunner().invoke(cli, ["--config", str(cfg.source), "status"]).output
    assert "failing" in out and "2025-06-09T07:00:00" in out
    assert "HTTP 503" in out and "failures 3" in out


def test_status_shows_the_last_digest_and_why_it_failed(make_config):
    cfg = make_config()
    db = store.open_db(cfg.db_path)
    db["digests"].insert({"id": "d1", "created_at": "2025-06-10T07:00:00+00:00",
                          "status": "failed", "alerts": 2, "error": "connection refused"}, pk="id")
    db.close()
    out = CliRunner().invoke(cli, ["--config", str(cfg.source), "status"]).output
    assert "last digest 2025-06-10T07:00:00+00:00 (failed, 2 alerts): connection refused" in out
