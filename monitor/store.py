"""The SQLite store: one file under state_dir, opened through sqlite-utils.

Every write is an upsert keyed by a stable id, so replaying the same input adds
nothing. Schema changes are numbered migrations recorded in the database itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def stable_id(*parts: object) -> str:
    """A short content hash: the same inputs always give the same row id."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _m001_initial(db: sqlite_utils.Database) -> None:
    db["seeds"].create({"id": str, "path": str, "title": str, "text": str, "sha256": str,
                        "loaded_at": str}, pk="id")
    db["seed_claims"].create({"id": str, "seed": str, "position": int, "text": str,
                              "context": str, "data": str}, pk="id", foreign_keys=[("seed", "seeds")])
    db["feeds"].create({"url": str, "name": str, "current_url": str, "etag": str,
                        "last_modified": str, "last_checked": str, "last_success": str,
                        "last_status": int, "last_error": str, "failures": int,
                        "next_attempt": str, "retired": int, "failing_since": str}, pk="url")
    db["items"].create({"id": str, "feed": str, "guid": str, "link": str, "title": str,
                        "summary": str, "published": str, "first_seen": str, "relevance": float,
                        "state": str, "error": str}, pk="id")
    db["articles"].create({"id": str, "item": str, "url": str, "title": str, "published": str,
                           "text": str, "source": str, "fetched_at": str, "fingerprint": str},
                          pk="id")
    db["claims"].create({"id": str, "article": str, "position": int, "text": str,
                         "data": str}, pk="id")
    db["findings"].create({"id": str, "kind": str, "seed": str, "seed_claim_id": str,
                           "seed_claim": str, "claim_id": str, "claim": str, "url": str,
                           "title": str, "published": str, "feed": str, "old_value": str,
                           "new_value": str, "rule": str, "confidence": float, "why": str,
                           "fingerprint": str, "created_at": str, "digested_at": str}, pk="id")
    db["runs"].create({"id": str, "kind": str, "started_at": str, "finished_at": str,
                       "status": str, "feeds": int, "failed": int, "items": int,
                       "articles": int, "findings": int, "note": str}, pk="id")
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["items"].create_index(["feed"], if_not_exists=True)
    db["findings"].create_index(["kind"], if_not_exists=True)
    db["claims"].create_index(["article"], if_not_exists=True)


def _m002_digests(db: sqlite_utils.Database) -> None:
    """Each digest is recorded before it is sent, so a crash or a failed send is visible.

    status: sending (recorded, SMTP not finished), sent, failed (retried next run),
    unknown (the process died mid-send; not resent, so nothing is mailed twice).
    """
    db["digests"].create({"id": str, "created_at": str, "since": str, "status": str,
                          "subject": str, "message_id": str, "recipients": str,
                          "finding_ids": str, "alerts": int, "attempts": int, "sent_at": str,
                          "error": str}, pk="id")
    db["digests"].create_index(["status"], if_not_exists=True)
    db["findings"].add_column("digest_id", str)
    db["findings"].create_index(["digested_at"], if_not_exists=True)


MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("001_initial", _m001_initial),
    ("002_digests", _m002_digests),
]


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations this database has not seen yet.

    The check and the changes run under one write lock (BEGIN IMMEDIATE), so two
    processes opening a new database at once cannot both apply the same step.
    """
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("create table if not exists _migrations (name text primary key, applied_at text)")
        done = {row[0] for row in conn.execute("select name from _migrations")}
        applied = []
        for name, step in MIGRATIONS:
            if name in done:
                continue
            step(db)
            conn.execute("insert into _migrations (name, applied_at) values (?, ?)", [name, now_iso()])
            applied.append(name)
        if conn.in_transaction:
            conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return applied


def open_db(path: Path) -> sqlite_utils.Database:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.conn.execute("PRAGMA busy_timeout = 10000")
    db.enable_wal()
    # in WAL mode NORMAL syncs at checkpoints, not at every commit: a crash of the worker
    # loses nothing, a power cut at most the last items, which the next poll fetches again
    db.conn.execute("PRAGMA synchronous = NORMAL")
    migrate(db)
    return db


def get_meta(db: sqlite_utils.Database, key: str, default: str | None = None) -> str | None:
    rows = list(db.query("select value from meta where key = ?", [key]))
    return rows[0]["value"] if rows else default


def set_meta(db: sqlite_utils.Database, key: str, value: str) -> None:
    db["meta"].upsert({"key": key, "value": value}, pk="key")


def dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
