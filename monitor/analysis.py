"""Analysis of one fetched page: text → claims → decisions, as rows ready to store.

This is the CPU-heavy part of a poll (extraction, claim analysis, comparison), so
it can run in separate processes while the main one fetches and writes:
`workers = N` in the config gives N analysis processes, `workers = 0` analyses in
the main process. A process also bounds the damage a pathological page can do:
one that takes longer than `analysis_timeout` is killed with its process, and the
item is marked failed instead of stalling the worker.

Everything that crosses the process boundary is plain data (bytes, strings,
dicts), and `analyse` is a pure function of its inputs and the story, so an item
gives the same rows whichever process analysed it.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import partial

from monitor import claims as claims_mod
from monitor import compare, pages
from monitor import entities as entities_mod
from monitor import story as story_mod
from monitor.store import dumps, now_iso, stable_id

log = logging.getLogger(__name__)


@dataclass
class Result:
    """The rows one item adds: its article, the claims behind findings, the findings."""

    article: dict
    claims: list[dict] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    alerts: int = 0
    error: str = ""           # why the page itself was not used ('' when it was)


def analyse(story: story_mod.Story, item: dict, feed_url: str, got: pages.Download) -> Result:
    """Extract, analyse and compare one item's page (or its summary)."""
    # the page's own title and date are only needed when the feed gave none
    page = pages.read(got, item["summary"] or "", metadata=not (item["published"] and item["title"]))
    published = item["published"] or page.date or ""
    article_id = stable_id("article", item["link"] or item["id"])
    text = page.text or ""
    claims = claims_mod.extract(text, published=published, gaz=story.gaz) if text else []
    decisions = compare.compare_article(story.index, claims) if claims else []
    article = {"id": article_id, "item": item["id"], "url": item["link"],
               "title": item["title"] or page.title, "published": published, "text": text,
               "source": page.source, "fetched_at": now_iso(),
               "fingerprint": stable_id(" ".join(text.split()))}
    # only the claims behind findings are kept, with their analysis, as evidence: the
    # article's text is stored, so the rest can be derived again and need not be written
    evidence = {id(d.claim): d.claim for d in decisions}
    claim_rows = [{"id": stable_id(article_id, c.position, c.text), "article": article_id,
                   "position": c.position, "text": c.text, "data": dumps(c.to_dict())}
                  for c in evidence.values()]
    return Result(article=article, claims=claim_rows,
                  findings=[finding_row(d, article, feed_url) for d in decisions],
                  alerts=sum(1 for d in decisions if d.is_alert), error=page.error)


def finding_row(d: compare.Decision, article: dict, feed_url: str) -> dict:
    return {
        "id": stable_id("finding", article["url"] or article["id"], d.seed_claim.id),
        "kind": d.kind, "seed": d.seed_claim.seed, "seed_claim_id": d.seed_claim.id,
        "seed_claim": d.seed_claim.claim.text,
        "claim_id": stable_id(article["id"], d.claim.position, d.claim.text),
        "claim": d.claim.sentence or d.claim.text, "url": article["url"], "title": article["title"],
        "published": article["published"], "feed": feed_url, "old_value": d.old_value,
        "new_value": d.new_value, "rule": d.rule, "confidence": round(d.confidence, 3),
        "why": d.why,
        # a new figure is one fact wherever it is reported and whichever seed sentence it
        # was matched to; a change of stance is a fact about its seed claim
        "fingerprint": (stable_id("figure", d.kind, d.details.get("unit"), d.new_value) if d.rule.startswith("figure")
                        else stable_id(d.seed_claim.id, d.kind, d.new_value or d.claim.text)),
        "created_at": now_iso(), "digested_at": None,
    }


# ---------------------------------------------------------------- where it runs

Pending = Callable[[], Result]   # call it for the result; it waits if it must


class Inline:
    """Analysis in the calling process: no start-up cost, no time limit."""

    workers = 0

    def __init__(self, story: story_mod.Story):
        self.story = story

    def submit(self, item: dict, feed_url: str, got: pages.Download) -> Pending:
        return partial(analyse, self.story, item, feed_url, got)


_WORKER_STORY: story_mod.Story | None = None


def _start_worker(seeds: list, aliases_file: str | None, ids: dict) -> None:
    """Each analysis process builds the story once, from the seeds the main process read
    (not from disk again, so all processes compare against the same baseline)."""
    global _WORKER_STORY
    gaz = entities_mod.load(aliases_file)
    _WORKER_STORY = story_mod.build(seeds, gaz, ids)


def _ready() -> bool:
    return _WORKER_STORY is not None


def _analyse_in_worker(item: dict, feed_url: str, got: pages.Download) -> Result:
    assert _WORKER_STORY is not None, "analysis process started without its story"
    return analyse(_WORKER_STORY, item, feed_url, got)


class Pool:
    """`workers` analysis processes, each with a time limit per page (pebble kills a
    process whose task overruns and starts a fresh one).

    If the processes cannot start at all (pebble then reports the pool broken), the
    pages are analysed in the calling process instead, with one error logged: a
    deployment problem must not turn every item into a failure.
    """

    def __init__(self, story: story_mod.Story, aliases_file: str | None, ids: dict,
                 workers: int, timeout: float):
        from pebble import ProcessPool

        self.story = story
        self.workers = workers
        self.timeout = timeout
        self.broken = False
        # spawn, not fork: the scheduler's threads make forking the worker unsafe
        self._pool = ProcessPool(max_workers=workers, initializer=_start_worker,
                                 initargs=(story.seeds, aliases_file, ids),
                                 context=multiprocessing.get_context("spawn"))

    def submit(self, item: dict, feed_url: str, got: pages.Download) -> Pending:
        if not self.broken:
            try:
                future = self._pool.schedule(_analyse_in_worker, args=(item, feed_url, got),
                                             timeout=self.timeout)
            except RuntimeError as exc:   # the pool is no longer running
                self._broke(exc)
            else:
                return partial(self._result, future, item, feed_url, got)
        return partial(analyse, self.story, item, feed_url, got)

    def _result(self, future: Future, item: dict, feed_url: str, got: pages.Download) -> Result:
        try:
            return future.result()
        except BrokenProcessPool as exc:
            self._broke(exc)
            return analyse(self.story, item, feed_url, got)

    def _broke(self, exc: BaseException) -> None:
        if not self.broken:
            log.error("analysis processes failed (%s); analysing in the main process until "
                      "the next poll starts them again", exc)
        self.broken = True

    def warm(self) -> None:
        """Start every process now rather than on the first page."""
        for future in [self._pool.schedule(_ready) for _ in range(self.workers)]:
            future.result()

    def close(self) -> None:
        self._pool.stop()
        self._pool.join(timeout=10)


Analyser = Inline | Pool
_SHARED: dict[str, Pool] = {}


def analyser_for(story: story_mod.Story, aliases_file: str | None, workers: int,
                 timeout: float) -> Analyser:
    """The analyser a poll should use. Processes outlive the poll, since starting them
    costs a second or two each; they are replaced when the seeds or settings change."""
    if workers <= 0:
        return Inline(story)
    ids = {(sc.seed, sc.claim.position): sc.id for sc in story.index.claims}
    key = hashlib.sha256(dumps([sorted(ids.values()), aliases_file, workers, timeout]).encode()).hexdigest()
    if key not in _SHARED or _SHARED[key].broken:
        close_all()
        log.info("starting %d analysis processes", workers)
        _SHARED[key] = Pool(story, aliases_file, ids, workers, timeout)
    return _SHARED[key]


def close_all() -> None:
    """Stop the analysis processes (at exit, or before replacing them)."""
    while _SHARED:
        _, pool = _SHARED.popitem()
        pool.close()


atexit.register(close_all)
