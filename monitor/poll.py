"""One poll cycle: feeds → matching items → pages → claims → findings, all stored.

Each feed runs in its own try block and its state is saved whatever happens, so a
broken feed never stops the others. Items are written as `pending` before their
page is fetched and marked `done` after their findings are stored: a cycle killed
half-way leaves pending items that the next cycle finishes, and every write is an
upsert, so finishing twice adds nothing.
"""

from __future__ import annotations

import email.utils
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlite_utils

from monitor import analysis, feeds, pages
from monitor import entities as entities_mod
from monitor import seeds as seeds_mod
from monitor import story as story_mod
from monitor.config import Config, Feed
from monitor.fetch import AddressRefused, Fetcher, FetchError, Unreachable
from monitor.store import dumps, get_meta, now_iso, set_meta, stable_id

log = logging.getLogger(__name__)


@dataclass
class FeedOutcome:
    url: str
    status: str = "ok"          # ok, not-modified, error, skipped, retired
    http_status: int | None = None
    entries: int = 0
    new: int = 0
    relevant: int = 0
    alerts: int = 0
    error: str = ""
    ms: int = 0
    unreachable: bool = False   # no response at all (DNS, connection, timeout)
    backoff_before: dict = field(default_factory=dict, repr=False)


@dataclass
class CycleResult:
    run_id: str
    feeds: list[FeedOutcome] = field(default_factory=list)
    articles: int = 0
    alerts: int = 0
    network_down: bool = False

    @property
    def failed(self) -> int:
        return sum(1 for f in self.feeds if f.status == "error")


# ---------------------------------------------------------------- seeds

def sync_seeds(db: sqlite_utils.Database,
               seeds: list[seeds_mod.Seed]) -> dict[tuple[str, int], str]:
    """Store the seeds and their claims; return (seed, position) → claim id."""
    ids: dict[tuple[str, int], str] = {}
    rows = []
    for seed in seeds:
        db["seeds"].upsert({"id": seed.id, "path": str(seed.path), "title": seed.title,
                            "text": seed.text, "sha256": seed.sha256, "loaded_at": now_iso()},
                           pk="id")
        for claim in seed.claims:
            cid = stable_id("seed-claim", seed.id, claim.text)
            ids[(seed.id, claim.position)] = cid
            rows.append({"id": cid, "seed": seed.id, "position": claim.position, "text": claim.text,
                         "context": claim.context, "data": dumps(claim.to_dict())})
    with db.conn:
        db["seed_claims"].upsert_all(rows, pk="id")
        keep = {r["id"] for r in rows}
        stale = [r["id"] for r in db.query("select id from seed_claims") if r["id"] not in keep]
        for cid in stale:
            db["seed_claims"].delete(cid)
    return ids


def load_story(cfg: Config, db: sqlite_utils.Database) -> story_mod.Story:
    gaz = entities_mod.load(str(cfg.aliases_file) if cfg.aliases_file else None)
    seeds = seeds_mod.load(cfg.seeds_dir, gaz)
    ids = sync_seeds(db, seeds)
    return story_mod.build(seeds, gaz, ids)


# ---------------------------------------------------------------- feeds

BACKOFF_FIELDS = ("failures", "next_attempt", "failing_since")


def _feed_row(db: sqlite_utils.Database, feed: Feed) -> dict:
    try:
        return db["feeds"].get(feed.url)
    except sqlite_utils.db.NotFoundError:
        row = {"url": feed.url, "name": feed.name, "current_url": feed.url, "etag": None,
               "last_modified": None, "last_checked": None, "last_success": None,
               "last_status": None, "last_error": None, "failures": 0, "next_attempt": None,
               "retired": 0, "failing_since": None}
        db["feeds"].insert(row, pk="url")
        return row


def _iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def _retry_after(value: str | None, now: datetime, cap: float) -> datetime | None:
    """The server's Retry-After (seconds or an HTTP date), never sooner than now and
    never later than `cap` seconds away, so a hostile header cannot park a feed forever."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return now + timedelta(seconds=min(int(value[:12]), cap))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return min(max(when, now), now + timedelta(seconds=cap))


def _backoff(cfg: Config, failures: int, now: datetime) -> datetime:
    """base, 2×base, 4×base … per consecutive failure, capped at backoff_max."""
    exponent = min(max(0, failures - 1), 32)
    seconds = min(cfg.fetch.backoff_max, cfg.fetch.backoff_base * (2 ** exponent))
    return now + timedelta(seconds=seconds)


def _due(row: dict, now: datetime) -> bool:
    next_attempt = row.get("next_attempt")
    return not next_attempt or datetime.fromisoformat(next_attempt) <= now


def _changed(row: dict, update: dict) -> dict:
    """Only the fields whose value differs: a quiet feed costs one small write."""
    return {k: v for k, v in update.items() if row.get(k) != v}


def poll_feed(cfg: Config, db: sqlite_utils.Database, fetcher: Fetcher, story: story_mod.Story,
              feed: Feed, run_id: str, stop: threading.Event | None = None,
              now: datetime | None = None, analyser: analysis.Analyser | None = None) -> FeedOutcome:
    """Fetch one feed, store its new entries, then finish its pending items.

    The validators (ETag, Last-Modified) are saved only after the entries are, so a
    poll killed in between fetches the feed again instead of trusting a 304.
    """
    now = now or datetime.now(UTC)
    started = time.monotonic()
    row = _feed_row(db, feed)
    out = FeedOutcome(url=feed.url, backoff_before={k: row.get(k) for k in BACKOFF_FIELDS})
    if row.get("retired"):
        out.status = "retired"
        return out
    if not _due(row, now):
        out.status = "skipped"
        return out
    checked = _iso(now)
    update: dict = {"name": feed.name, "last_checked": checked}
    try:
        result = feeds.fetch(fetcher, row.get("current_url") or feed.url, row.get("etag"),
                             row.get("last_modified"))
    except (FetchError, feeds.FeedError) as exc:
        _record_failure(cfg, update, row, exc, now)
        db["feeds"].update(feed.url, _changed(row, update))
        out.status, out.error = "error", str(exc)[:500]
        out.http_status = update.get("last_status")
        out.unreachable = isinstance(exc, Unreachable)
        out.ms = int((time.monotonic() - started) * 1000)
        return out
    resp = result.response
    out.http_status = resp.status
    update.update(last_success=checked, last_error=None, failures=0, next_attempt=None,
                  failing_since=None)
    if resp.permanent_url:
        log.info("feed %s moved permanently to %s", feed.url, resp.permanent_url)
        update["current_url"] = resp.permanent_url
    update["last_status"] = resp.status
    if result.not_modified:
        out.status = "not-modified"
    else:
        if result.warning:
            log.info("feed %s parsed with warnings: %s", feed.url, result.warning)
        out.entries = len(result.entries)
        _take_entries(db, story, feed, result.entries, out)
        update.update(etag=resp.headers.get("etag"),
                      last_modified=resp.headers.get("last-modified"))
    db["feeds"].update(feed.url, _changed(row, update))
    process_pending(cfg, db, fetcher, story, feed.url, out, stop, analyser)
    out.ms = int((time.monotonic() - started) * 1000)
    return out


def _record_failure(cfg: Config, update: dict, row: dict, exc: Exception, now: datetime) -> None:
    """Count the failure and decide when to try again: 410 never, 429/503 when the
    server says, a refused address after the longest backoff, else exponentially."""
    failures = (row.get("failures") or 0) + 1
    status = getattr(exc, "status", None)
    update.update(last_error=str(exc)[:500], failures=failures, last_status=status,
                  failing_since=row.get("failing_since") or update["last_checked"])
    if status == 410:
        log.warning("feed %s is gone (HTTP 410): retired", row["url"])
        update["retired"] = 1
        return
    when = None
    if status in (429, 503):
        when = _retry_after(getattr(exc, "retry_after", None), now, cfg.fetch.backoff_max)
    if when is None and isinstance(exc, AddressRefused):
        when = now + timedelta(seconds=cfg.fetch.backoff_max)
    update["next_attempt"] = _iso(when or _backoff(cfg, failures, now))


def _forgive(db: sqlite_utils.Database, outcomes: list[FeedOutcome]) -> None:
    """Undo this cycle's backoff escalation: the network failed, not the feeds."""
    for out in outcomes:
        if out.status == "error" and out.backoff_before:
            db["feeds"].update(out.url, out.backoff_before)


def _take_entries(db: sqlite_utils.Database, story: story_mod.Story, feed: Feed,
                  entries: list[feeds.Entry], out: FeedOutcome) -> None:
    """Record unseen entries; the ones that match the story become pending work."""
    known = {r["id"] for r in db.query(
        "select id from items where id in (select value from json_each(?))",
        [dumps([e.id for e in entries])])}
    rows: dict[str, dict] = {}
    for e in entries:
        if e.id in known or e.id in rows:
            continue
        relevance = story.relevance(e.title, e.summary[:600])
        relevant = relevance >= story_mod.MIN_RELEVANCE
        rows[e.id] = {"id": e.id, "feed": feed.url, "guid": e.guid, "link": e.link,
                      "title": e.title, "summary": e.summary, "published": e.published,
                      "first_seen": now_iso(), "relevance": round(relevance, 3),
                      "state": "pending" if relevant else "skipped", "error": None}
        out.new += 1
        out.relevant += int(relevant)
    if rows:
        with db.conn:  # all or nothing, so a kill here leaves no half-recorded feed
            db["items"].insert_all(rows.values(), pk="id", ignore=True)


def process_pending(cfg: Config, db: sqlite_utils.Database, fetcher: Fetcher,
                    story: story_mod.Story, feed_url: str, out: FeedOutcome,
                    stop: threading.Event | None = None,
                    analyser: analysis.Analyser | None = None) -> None:
    """Finish this feed's pending items, including any a killed poll left behind.

    Pages are fetched here, in order and politely, while up to two per analysis
    process are being analysed; results are stored in the order the items came.
    An item whose analysis fails, overruns or kills its process is marked `failed`
    with the reason, so one poisonous page cannot block the items queued after it
    on every later poll.
    """
    analyser = analyser or analysis.Inline(story)
    window = max(1, 2 * analyser.workers)
    queued: deque[tuple[dict, analysis.Pending]] = deque()
    try:
        for item in list(db.query("select * from items where feed = ? and state = 'pending' "
                                  "order by first_seen, id", [feed_url])):
            if stop is not None and stop.is_set():
                log.info("stop requested: leaving %s items pending", feed_url)
                break
            try:
                got = pages.download(fetcher, item["link"])
                queued.append((item, analyser.submit(item, feed_url, got)))
            except Exception as exc:  # noqa: BLE001 - one item's bug must not stop the feed
                _fail(db, item, exc)
            while len(queued) >= window:
                out.alerts += finish_item(db, *queued.popleft())
    finally:
        # what is already being analysed is stored, even when stopping
        while queued:
            out.alerts += finish_item(db, *queued.popleft())


def finish_item(db: sqlite_utils.Database, item: dict, pending: analysis.Pending) -> int:
    """Store one item's analysis and mark it done; returns the number of alerts."""
    try:
        result = pending()
    except Exception as exc:  # noqa: BLE001 - one item's bug must not stop the feed
        _fail(db, item, exc)
        return 0
    with db.conn:
        db["articles"].upsert(result.article, pk="id")
        db["claims"].upsert_all(result.claims, pk="id")
        _store_findings(db, result.findings)
        db["items"].update(item["id"], {"state": "done", "error": result.error or None})
    if result.error:
        log.info("item %s: %s", item["link"], result.error)
    return result.alerts


def _fail(db: sqlite_utils.Database, item: dict, exc: BaseException) -> None:
    if isinstance(exc, TimeoutError):
        reason = f"analysis took longer than {exc.args[1] if len(exc.args) > 1 else 'the limit'}s; stopped"
    elif type(exc).__name__ == "ProcessExpired":
        reason = f"analysis process died (exit code {getattr(exc, 'exitcode', '?')})"
    else:
        log.error("item %s failed", item["link"], exc_info=exc)
        reason = f"internal error: {exc}"
    log.warning("item %s: %s", item["link"], reason)
    db["items"].update(item["id"], {"state": "failed", "error": reason[:500]})


def _store_findings(db: sqlite_utils.Database, rows: list[dict]) -> None:
    """Insert or refresh findings in one statement each, never touching when a finding
    was first seen or whether a digest already carried it (so a replay or a refetch
    can't make a sent alert look new, even while a digest is being sent)."""
    keep = {"id", "created_at", "digested_at", "digest_id"}
    by_columns: dict[tuple[str, ...], list[dict]] = {}
    for row in rows:
        by_columns.setdefault(tuple(row), []).append(row)
    for columns, same in by_columns.items():   # one statement for all rows of one shape
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keep)
        db.conn.executemany(f"insert into findings ({', '.join(columns)}) values ({', '.join('?' for _ in columns)}) "
                            f"on conflict(id) do update set {updates}", [[row[c] for c in columns] for row in same])


# ---------------------------------------------------------------- cycle

def _network_down(outcomes: list[FeedOutcome]) -> bool:
    """Every feed tried (two at least) got no response at all: blame the network."""
    attempted = [f for f in outcomes if f.status in ("ok", "not-modified", "error")]
    return len(attempted) > 1 and all(f.unreachable for f in attempted)


def _record_crash(db: sqlite_utils.Database, feed: Feed, exc: Exception) -> FeedOutcome:
    """A bug while polling one feed: keep it visible on the feed, then move on."""
    log.exception("feed=%s crashed", feed.url)
    error = f"internal error: {type(exc).__name__}: {exc}"[:500]
    try:
        db["feeds"].update(feed.url, {"last_error": error})
    except Exception:  # noqa: BLE001 - the store itself may be what failed
        log.exception("could not record the crash of %s", feed.url)
    return FeedOutcome(url=feed.url, status="error", error=error)


def _note_network(db: sqlite_utils.Database, result: CycleResult) -> None:
    """One "network down" record for the cycle instead of a failure on every feed."""
    if result.network_down:
        log.warning("network down: all %d feeds unreachable; feed backoff left as it was",
                    len(result.feeds))
        _forgive(db, result.feeds)
        if get_meta(db, "network_down_since") is None:
            set_meta(db, "network_down_since", now_iso())
    else:
        db["meta"].delete_where("key = ?", ["network_down_since"])


def run_cycle(cfg: Config, db: sqlite_utils.Database, fetcher: Fetcher,
              story: story_mod.Story | None = None,
              stop: threading.Event | None = None) -> CycleResult:
    """Poll every due feed once; one feed's failure never stops the others."""
    story = story or load_story(cfg, db)
    run_id = stable_id("run", now_iso(), time.monotonic())
    db["runs"].insert({"id": run_id, "kind": "poll", "started_at": now_iso(),
                       "status": "running"}, pk="id")
    result = CycleResult(run_id=run_id)
    analyser = analysis.analyser_for(story, str(cfg.aliases_file) if cfg.aliases_file else None,
                                     cfg.workers, cfg.analysis_timeout)
    for feed in cfg.feeds:
        if stop is not None and stop.is_set():
            break
        try:
            outcome = poll_feed(cfg, db, fetcher, story, feed, run_id, stop, analyser=analyser)
        except Exception as exc:  # noqa: BLE001 - one feed's bug must not stop the cycle
            outcome = _record_crash(db, feed, exc)
        result.feeds.append(outcome)
        log.info("feed=%s status=%s http=%s entries=%d new=%d relevant=%d alerts=%d ms=%d%s",
                 feed.url, outcome.status, outcome.http_status, outcome.entries, outcome.new,
                 outcome.relevant, outcome.alerts, outcome.ms,
                 f" error={outcome.error!r}" if outcome.error else "")
    result.network_down = _network_down(result.feeds)
    _note_network(db, result)
    result.alerts = sum(f.alerts for f in result.feeds)
    status = "network-down" if result.network_down else ("partial" if result.failed else "ok")
    note = "all feeds unreachable: network down" if result.network_down else None
    db["runs"].update(run_id, {"finished_at": now_iso(), "status": status,
                               "feeds": len(result.feeds), "failed": result.failed,
                               "items": sum(f.new for f in result.feeds),
                               "articles": sum(f.relevant for f in result.feeds),
                               "findings": result.alerts, "note": note})
    return result
