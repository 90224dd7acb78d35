"""Analysis processes: the same rows as one process, and no lost items when they fail."""

from __future__ import annotations

import logging
from pathlib import Path

from monitor import analysis, pages, store
from tests import recording
from tests.polling import story

PAGE = recording.page("Russia fires 728 drones", [
    "Russia launched 728 drones and 13 missiles at Ukraine overnight, the largest aerial attack "
    "of the war, Ukraine's air force said on Wednesday."])
ITEM = {"id": "item-1", "link": "https://wire.example.com/728", "title": "Russia fires 728 drones",
        "summary": "The largest aerial attack of the war.", "published": "2025-07-09T06:00:00+00:00"}


def test_a_pool_whose_processes_cannot_start_analyses_in_this_process(tmp_path: Path, caplog):
    s = story(store.open_db(tmp_path / "monitor.db"))
    broken_aliases = tmp_path / "aliases.toml"
    broken_aliases.write_text("this is not = = toml\n", encoding="utf-8")   # read only by the processes
    ids = {(sc.seed, sc.claim.position): sc.id for sc in s.index.claims}
    got = pages.Download(url=ITEM["link"], content=PAGE.encode())
    pool = analysis.Pool(s, str(broken_aliases), ids, workers=1, timeout=60)
    try:
        with caplog.at_level(logging.ERROR, logger="monitor.analysis"):
            result = pool.submit(ITEM, "https://wire.example.com/rss", got)()
    finally:
        pool.close()
    assert pool.broken and "analysis processes failed" in caplog.text
    inline = analysis.Inline(s).submit(ITEM, "https://wire.example.com/rss", got)()
    assert result.alerts == 1 and _rows(result) == _rows(inline)


def _rows(result: analysis.Result) -> list[dict]:
    """What was found, without the clock's stamps."""
    stamps = {"fetched_at", "created_at"}
    return [{k: v for k, v in row.items() if k not in stamps}
            for row in [result.article, *result.claims, *result.findings]]
