"""Run poll cycles in tests without re-reading the seeds every time.

Every test copies the same seeds directory, and reading it costs more than most
of the polls under test, so the parsed seeds are kept for the whole session;
they are still written to each test's own database, as a real cycle does.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import sqlite_utils

from monitor import entities, fetch, poll
from monitor import seeds as seeds_mod
from monitor import story as story_mod
from monitor.config import Config

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@cache
def _seeds() -> tuple[list[seeds_mod.Seed], entities.Gazetteer]:
    gaz = entities.load(str(SEEDS / "aliases.toml"))
    return seeds_mod.load(SEEDS, gaz), gaz


def story(db: sqlite_utils.Database) -> story_mod.Story:
    seeds, gaz = _seeds()
    return story_mod.build(seeds, gaz, poll.sync_seeds(db, seeds))


def cycle(cfg: Config, db: sqlite_utils.Database) -> poll.CycleResult:
    """One poll cycle with a fresh Fetcher, as `monitor poll` runs it."""
    fetcher = fetch.Fetcher(cfg.fetch)
    try:
        return poll.run_cycle(cfg, db, fetcher, story=story(db))
    finally:
        fetcher.close()
