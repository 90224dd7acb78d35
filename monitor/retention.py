"""Retention: forget old feed items, article text and poll runs; keep every finding.

Article text is the bulk of the database and is only needed while its findings
are fresh; findings carry their own copy of the sentence, values and link, so the
history people read stays complete. Pending items are never pruned: they are work
the next poll still has to finish.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlite_utils

log = logging.getLogger(__name__)


@dataclass
class Pruned:
    items: int = 0
    articles: int = 0
    claims: int = 0
    runs: int = 0

    @property
    def total(self) -> int:
        return self.items + self.articles + self.claims + self.runs


def prune(db: sqlite_utils.Database, retention_days: int, now: datetime | None = None) -> Pruned:
    """Delete rows older than `retention_days` (0 keeps everything)."""
    out = Pruned()
    if retention_days <= 0:
        return out
    cutoff = ((now or datetime.now(UTC)) - timedelta(days=retention_days)).astimezone(UTC)
    cutoff_iso = cutoff.replace(microsecond=0).isoformat()
    with db.conn:
        old_articles = "select id from articles where fetched_at < ?"
        out.claims = db.execute(f"delete from claims where article in ({old_articles})",
                                [cutoff_iso]).rowcount
        out.articles = db.execute("delete from articles where fetched_at < ?",
                                  [cutoff_iso]).rowcount
        out.items = db.execute("delete from items where first_seen < ? and state != 'pending'",
                               [cutoff_iso]).rowcount
        # Keep the latest poll whatever its age: `monitor health` and coverage read it.
        latest = "select id from runs where kind = 'poll' order by started_at desc limit 1"
        out.runs = db.execute(f"delete from runs where started_at < ? "
                              f"and id != coalesce(({latest}), '')", [cutoff_iso]).rowcount
    if out.total:
        log.info("retention: pruned items=%d articles=%d claims=%d runs=%d (older than %d days)",
                 out.items, out.articles, out.claims, out.runs, retention_days)
    return out
