"""Retention: old items, article text and runs are pruned; findings are kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from monitor import retention


def iso(days_ago: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days_ago)).replace(microsecond=0).isoformat()


def fill(db) -> None:
    db["items"].insert_all([
        {"id": "old", "feed": "f", "first_seen": iso(100), "state": "done"},
        {"id": "old-pending", "feed": "f", "first_seen": iso(100), "state": "pending"},
        {"id": "new", "feed": "f", "first_seen": iso(1), "state": "done"}], pk="id")
    db["articles"].insert_all([{"id": "a-old", "fetched_at": iso(100)},
                               {"id": "a-new", "fetched_at": iso(1)}], pk="id")
    db["claims"].insert_all([{"id": "c-old", "article": "a-old"},
                             {"id": "c-new", "article": "a-new"}], pk="id")
    db["findings"].insert({"id": "finding", "kind": "update", "created_at": iso(100)}, pk="id")
    db["runs"].insert_all([{"id": "r-old", "kind": "poll", "started_at": iso(100)},
                           {"id": "r-new", "kind": "poll", "started_at": iso(1)}], pk="id")


def ids(db, table: str) -> set[str]:
    return {r["id"] for r in db[table].rows}


def test_old_items_articles_claims_and_runs_are_pruned(fresh_db):
    fill(fresh_db)
    pruned = retention.prune(fresh_db, retention_days=90)
    assert (pruned.items, pruned.articles, pruned.claims, pruned.runs) == (1, 1, 1, 1)
    assert ids(fresh_db, "articles") == {"a-new"} and ids(fresh_db, "claims") == {"c-new"}
    assert ids(fresh_db, "runs") == {"r-new"}


def test_findings_are_kept_whatever_their_age(fresh_db):
    fill(fresh_db)
    retention.prune(fresh_db, retention_days=90)
    assert ids(fresh_db, "findings") == {"finding"}


def test_pending_items_are_kept_for_the_next_poll_to_finish(fresh_db):
    fill(fresh_db)
    retention.prune(fresh_db, retention_days=90)
    assert ids(fresh_db, "items") == {"old-pending", "new"}


def test_the_latest_poll_is_kept_however_old(fresh_db):
    fresh_db["runs"].insert({"id": "only", "kind": "poll", "started_at": iso(400)}, pk="id")
    retention.prune(fresh_db, retention_days=90)
    assert ids(fresh_db, "runs") == {"only"}


def test_zero_days_keeps_everything(fresh_db):
    fill(fresh_db)
    assert retention.prune(fresh_db, retention_days=0).total == 0
