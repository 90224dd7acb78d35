"""The digest: what was found since the last one, grouped for people, and sent once.

One new fact often arrives several times: the same wire story syndicated under
several URLs, or several outlets reporting the same figure. Readers want it once,
with every source listed, so findings are merged by seed claim, kind and new value
(or near-identical sentence) before anything is rendered.

Sending is recorded in the `digests` table before the SMTP call and marked `sent`
before `send` returns; a failed send leaves its findings undelivered, so the next
run sends them again instead of losing them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import sqlite_utils

from monitor import lock, mailer, report
from monitor.config import Config
from monitor.store import dumps, set_meta, stable_id

log = logging.getLogger(__name__)

ALERT_KINDS = ("update", "conflict")
SIMILAR = 0.8  # token overlap (Jaccard) above which two sentences state the same fact
CHECKED_KEY = "digest_checked_at"  # meta: when a digest last ran, for catch-up after downtime


@dataclass
class Source:
    name: str
    title: str
    url: str
    date: str


@dataclass
class Entry:
    """One new fact about one seed claim, with every source that reported it."""

    kind: str
    seed: str
    seed_claim_id: str
    seed_claim: str
    claim: str
    old_value: str
    new_value: str
    why: str
    fingerprint: str
    sources: list[Source] = field(default_factory=list)
    finding_ids: list[str] = field(default_factory=list)


@dataclass
class ClaimGroup:
    seed: str
    seed_claim: str
    entries: list[Entry]
    seed_title: str = ""


@dataclass
class FeedNote:
    name: str
    url: str
    since: str
    detail: str = ""
    stale: bool = False


@dataclass
class Coverage:
    polls: int = 0
    feeds_total: int = 0
    feeds_polled: int = 0
    unchanged: int = 0
    articles: int = 0
    failing: list[FeedNote] = field(default_factory=list)
    silent: list[FeedNote] = field(default_factory=list)
    network_down_since: str = ""
    stale_hours: float = 0.0


@dataclass
class Digest:
    generated: str              # for display, in the configured time zone
    since: str                  # for display; "" before the first digest
    since_iso: str              # UTC ISO, for queries
    groups: list[ClaimGroup]
    review: list[Entry]
    supports: int
    supported_claims: int
    coverage: Coverage
    finding_ids: list[str]

    @property
    def alerts(self) -> list[Entry]:
        return [e for g in self.groups for e in g.entries]

    @property
    def counts(self) -> dict[str, int]:
        return {k: sum(1 for e in self.alerts if e.kind == k) for k in ALERT_KINDS}

    @property
    def is_empty(self) -> bool:
        return not self.finding_ids


@dataclass
class Outcome:
    status: str                 # sent, nothing, failed
    digest: Digest
    error: str = ""
    digest_id: str = ""


# ---------------------------------------------------------------- merging

def _tokens(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", (text or "").lower()))


def _value_key(value: str | None) -> str:
    return " ".join(re.findall(r"\w+", (value or "").lower()))


def same_fact(entry: Entry, row: dict) -> bool:
    """The same fingerprint (a new figure is one fact whichever seed sentence it was
    matched to), or the same seed claim and kind with the same new value or nearly
    the same sentence."""
    if row.get("fingerprint") and entry.fingerprint == row["fingerprint"]:
        return True
    if entry.kind != row["kind"] or entry.seed_claim_id != row["seed_claim_id"]:
        return False
    value = _value_key(row.get("new_value"))
    if value and value == _value_key(entry.new_value):
        return True
    a, b = _tokens(entry.claim), _tokens(row["claim"])
    return bool(a and b) and len(a & b) / len(a | b) >= SIMILAR


def _date(row: dict) -> str:
    published = row.get("published") or ""
    if re.match(r"\d{4}-\d{2}-\d{2}", published):
        return published[:10]
    return (row.get("created_at") or "")[:10]


def merge(rows: list[dict], names: dict[str, str]) -> list[Entry]:
    """Findings → entries, one per distinct fact, sources in the order they were published."""
    entries: list[Entry] = []
    for row in sorted(rows, key=lambda r: (_date(r), r.get("created_at") or "", r["id"])):
        url = report.safe_url(row["url"])
        source = Source(name=names.get(row["feed"] or "", "") or _host(row["feed"] or url),
                        title=row["title"] or "", url=url, date=_date(row))
        entry = next((e for e in entries if same_fact(e, row)), None)
        if entry is None:
            entry = Entry(kind=row["kind"], seed=row["seed"], seed_claim_id=row["seed_claim_id"],
                          seed_claim=row["seed_claim"] or "", claim=row["claim"] or "",
                          old_value=row["old_value"] or "", new_value=row["new_value"] or "",
                          why=row["why"] or "", fingerprint=row.get("fingerprint") or "")
            entries.append(entry)
        if not any(s.name == source.name and s.url == source.url for s in entry.sources):
            entry.sources.append(source)
        entry.finding_ids.append(row["id"])
    return entries


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def group(entries: list[Entry], positions: dict[str, int]) -> list[ClaimGroup]:
    """Alerts by seed claim, in seed order; conflicts before updates inside a claim."""
    groups: dict[str, ClaimGroup] = {}
    for e in entries:
        groups.setdefault(e.seed_claim_id, ClaimGroup(e.seed, e.seed_claim, [])).entries.append(e)
    for g in groups.values():
        g.entries.sort(key=lambda e: e.kind != "conflict")
    return sorted(groups.values(), key=lambda g: (
        g.seed, positions.get(g.entries[0].seed_claim_id, 10**6), g.seed_claim))


# ---------------------------------------------------------------- reading the store

def feed_names(db: sqlite_utils.Database, cfg: Config) -> dict[str, str]:
    names = {r["url"]: r["name"] for r in db.query("select url, name from feeds") if r["name"]}
    names.update({f.url: f.name for f in cfg.feeds if f.name and f.name != f.url})
    return names


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).replace(microsecond=0).isoformat()


def _shower(cfg: Config) -> Callable[[str | None], str]:
    tz = ZoneInfo(cfg.timezone)

    def show(value: str | None) -> str:
        if not value:
            return ""
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            return value
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        return when.astimezone(tz).strftime("%Y-%m-%d %H:%M ") + cfg.timezone
    return show


def _network_down_since(db: sqlite_utils.Database) -> str:
    """Start of the current run of all-feeds-failed polls, or "" if the last poll got through."""
    since = ""
    for run in db.query("select started_at, status from runs where kind = 'poll' "
                        "and finished_at is not null order by started_at desc"):
        if run["status"] != "network-down":
            break
        since = run["started_at"]
    return since


def coverage(db: sqlite_utils.Database, cfg: Config, since: str, until: str,
             now: datetime) -> Coverage:
    """What the monitor read between `since` and `until` (UTC ISO), and which feeds are unwell."""
    show = _shower(cfg)
    names = feed_names(db, cfg)
    start = since or "0000"
    one = lambda sql, params: db.execute(sql, params).fetchone()[0]  # noqa: E731 - local shorthand
    cov = Coverage(stale_hours=cfg.stale_feed_hours)
    cov.polls = one("select count(*) from runs where kind = 'poll' and started_at > ? "
                    "and started_at <= ?", [start, until])
    configured = [f.url for f in cfg.feeds]
    cov.feeds_total = len(configured)
    rows = {r["url"]: r for r in db.query("select * from feeds")}
    checked = [r for u, r in rows.items() if u in configured and r["last_checked"]
               and start < r["last_checked"] <= until]
    cov.feeds_polled = len(checked)
    cov.unchanged = sum(1 for r in checked if r["last_status"] == 304)
    cov.articles = one("select count(*) from articles where fetched_at > ? and fetched_at <= ?",
                       [start, until])
    down = _network_down_since(db)
    cov.network_down_since = show(down)
    stale_before = _iso(now - timedelta(hours=cfg.stale_feed_hours)) if cfg.stale_feed_hours else ""
    first_poll = one("select min(started_at) from runs where kind = 'poll'", []) or ""
    for url in configured:
        row = rows.get(url)
        if row is None:
            continue
        name = names.get(url) or _host(url)
        if row["retired"]:
            cov.failing.append(FeedNote(name, url, show(row["last_checked"]),
                                        "gone (HTTP 410), no longer polled", stale=True))
            continue
        failing_since = row["failing_since"] or ""
        if row["failures"] and not (down and failing_since >= down):
            cov.failing.append(FeedNote(name, url, show(failing_since), row["last_error"] or "",
                                        stale=bool(stale_before) and failing_since < stale_before))
            continue
        if not stale_before or row["failures"]:
            continue
        newest = one("select max(first_seen) from items where feed = ?", [url])
        if newest and newest < stale_before:
            cov.silent.append(FeedNote(name, url, show(newest), "no new items", stale=True))
        elif not newest and first_poll and first_poll < stale_before:
            cov.silent.append(FeedNote(name, url, show(first_poll), "no items at all", stale=True))
    return cov


def collect(db: sqlite_utils.Database, cfg: Config, rows: list[dict], since: str,
            now: datetime | None = None) -> Digest:
    """Build the digest data (shared by the email and the Markdown report) from findings."""
    now = now or datetime.now(UTC)
    show = _shower(cfg)
    names = feed_names(db, cfg)
    positions = {r["id"]: r["position"] for r in db.query("select id, position from seed_claims")}
    alerts = merge([r for r in rows if r["kind"] in ALERT_KINDS], names)
    groups = group(alerts, positions)
    titles = {r["id"]: r["title"] for r in db.query("select id, title from seeds")}
    for g in groups:
        g.seed_title = titles.get(g.seed) or g.seed
    supports = [r for r in rows if r["kind"] == "support"]
    return Digest(
        generated=show(_iso(now)), since=show(since), since_iso=since,
        groups=groups,
        review=merge([r for r in rows if r["kind"] == "review"], names),
        supports=len({r["url"] for r in supports}),
        supported_claims=len({r["seed_claim_id"] for r in supports}),
        coverage=coverage(db, cfg, since, _iso(now), now),
        finding_ids=[r["id"] for r in rows])


def last_digest_at(db: sqlite_utils.Database) -> str:
    """When the last delivered digest was built: the start of "new since the last digest"."""
    row = db.execute("select max(created_at) from digests where status in ('sent', 'unknown')"
                     ).fetchone()
    return row[0] or ""


def build(db: sqlite_utils.Database, cfg: Config, now: datetime | None = None) -> Digest:
    """Everything not yet delivered in a digest."""
    rows = list(db.query("select * from findings where digested_at is null"))
    return collect(db, cfg, rows, last_digest_at(db), now)


def for_day(db: sqlite_utils.Database, cfg: Config, day: str,
            now: datetime | None = None) -> Digest:
    """Findings first seen on `day` (YYYY-MM-DD in the configured time zone)."""
    tz = ZoneInfo(cfg.timezone)
    start = datetime.fromisoformat(day).replace(tzinfo=tz)
    end = min(start + timedelta(days=1), now or datetime.now(UTC))
    rows = list(db.query("select * from findings where created_at >= ? and created_at < ?",
                         [_iso(start), _iso(start + timedelta(days=1))]))
    return collect(db, cfg, rows, _iso(start), end)


def today(cfg: Config, now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(cfg.timezone)).strftime("%Y-%m-%d")


def write_day_report(db: sqlite_utils.Database, cfg: Config, day: str | None = None,
                     now: datetime | None = None) -> Path:
    day = day or today(cfg, now)
    return report.write_report(cfg.reports_dir, day, for_day(db, cfg, day, now))


# ---------------------------------------------------------------- sending

def mark_checked(db: sqlite_utils.Database, now: datetime) -> None:
    set_meta(db, CHECKED_KEY, _iso(now))


def recover(db: sqlite_utils.Database) -> None:
    """A digest left `sending` means the process died mid-send. It may have arrived,
    so it is not sent again (never twice); its findings stay in the daily reports."""
    for row in list(db.query("select id, finding_ids, created_at from digests "
                             "where status = 'sending'")):
        log.error("digest %s was interrupted while sending; not resending it", row["id"])
        with db.conn:
            db["digests"].update(row["id"], {"status": "unknown"})
            _mark_delivered(db, row["id"], row["created_at"], row["finding_ids"])


def _mark_delivered(db: sqlite_utils.Database, digest_id: str, when: str, ids_json: str) -> None:
    db.execute("update findings set digested_at = ?, digest_id = ? where id in "
               "(select value from json_each(?))", [when, digest_id, ids_json])


def retry_due(db: sqlite_utils.Database) -> bool:
    """True when the most recent digest failed to send and nothing has been sent since."""
    row = db.execute("select status from digests order by created_at desc, rowid desc limit 1"
                     ).fetchone()
    return bool(row) and row[0] == "failed"


def _polled_since(db: sqlite_utils.Database, since: str) -> bool:
    return bool(db.execute("select count(*) from runs where kind = 'poll' and started_at > ?",
                           [since or "0000"]).fetchone()[0])


def send(db: sqlite_utils.Database, cfg: Config, now: datetime | None = None,
         transport: Callable = mailer.send) -> Outcome:
    """Send the digest of undelivered findings, at most once; record the result first.

    Raises lock.Busy if another process is sending a digest from the same state_dir.
    """
    mailer.check(cfg.email)
    with lock.held(cfg.state_dir, "digest.lock", what="digest is being sent"):
        return _send(db, cfg, now or datetime.now(UTC), transport)


def _send(db: sqlite_utils.Database, cfg: Config, now: datetime, transport: Callable) -> Outcome:
    mark_checked(db, now)
    recover(db)
    digest = build(db, cfg, now)
    if digest.is_empty and not (cfg.email.send_empty and _polled_since(db, digest.since_iso)):
        return Outcome("nothing", digest)
    subject, text, html = report.render_digest(digest)
    digest_id = stable_id("digest", _iso(now), *digest.finding_ids)
    msg = mailer.build_message(cfg.email, subject, text, html)
    attempts = db.execute("select count(*) from digests where status = 'failed' and "
                          "created_at > ?", [digest.since_iso or "0000"]).fetchone()[0]
    row = {"id": digest_id, "created_at": _iso(now), "since": digest.since_iso, "status": "sending",
           "subject": subject, "message_id": msg["Message-ID"],
           "recipients": ", ".join(cfg.email.recipients), "finding_ids": dumps(digest.finding_ids),
           "alerts": len(digest.alerts), "attempts": attempts + 1, "sent_at": None, "error": None}
    with db.conn:
        db["digests"].upsert(row, pk="id")
    try:
        transport(cfg.email, msg)
    except Exception as exc:  # noqa: BLE001 - any failure before delivery means: retry later
        with db.conn:
            db["digests"].update(digest_id, {"status": "failed", "error": str(exc)[:500]})
        log.error("digest %s not sent, will retry: %s", digest_id, exc)
        return Outcome("failed", digest, str(exc), digest_id)
    sent_at = _iso(datetime.now(UTC))
    with db.conn:
        db["digests"].update(digest_id, {"status": "sent", "sent_at": sent_at})
        _mark_delivered(db, digest_id, sent_at, row["finding_ids"])
    log.info("digest %s sent: alerts=%d findings=%d to=%s", digest_id, len(digest.alerts),
             len(digest.finding_ids), row["recipients"])
    return Outcome("sent", digest, digest_id=digest_id)
