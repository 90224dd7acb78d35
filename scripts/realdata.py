"""Replay real third-party feed snapshots and list the alerts they raise.

Why: the labelled case sets are written for evaluation; real feeds are larger,
messier and almost entirely unrelated to the seeds' story, so every alert they
raise should be one a maintainer would thank us for. Run this after any change
to claims or comparison:

    .venv/bin/python scripts/realdata.py [FOLDER]     # default ../shared/realdata

Each RSS/Atom snapshot is served as a feed; JSON link-database dumps become RSS;
an HTML page copy is served at the link its feed item points to. Pages that were
not recorded fail to fetch, so the worker falls back to each item's summary.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

ROOT = Path(__file__).resolve().parent.parent
MONITOR = str(Path(sys.executable).parent / "monitor")


def _rss_from_entries(entries: list[dict]) -> str:
    items = []
    for e in entries:
        date = format_datetime(datetime.fromisoformat(e["date_published"]))
        items.append(
            f"<item><title>{escape(e.get('title') or '')}</title><link>{escape(e['link'])}</link>"
            f"<guid>{escape(e['link'])}</guid><pubDate>{date}</pubDate>"
            f"<description>{escape((e.get('description') or '').strip())}</description></item>")
    return ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>snapshot</title>"
            "<link>https://snapshot.example/</link><description>x</description>"
            + "".join(items) + "</channel></rss>")


def _pages_linked(feed_xml: str, folder: Path) -> list[dict]:
    """Serve each recorded page copy at the link of the feed item that names it."""
    import feedparser

    pages = []
    for html in folder.glob("*.html"):
        text = html.read_text(encoding="utf-8")
        for entry in feedparser.parse(feed_xml).entries:
            if entry.get("title") and entry.title in text:
                pages.append({"response": {"method": "GET", "url": entry.link, "body": text,
                                           "status": 200, "content_type": "text/html",
                                           "auto_calculate_content_length": False}})
    return pages


def build(folder: Path, work: Path) -> tuple[Path, Path]:
    recordings: list[dict] = []
    urls = []
    for n, path in enumerate(sorted(folder.iterdir())):
        if path.suffix == ".xml":
            body = path.read_text(encoding="utf-8")
            recordings += _pages_linked(body, folder)
        elif path.suffix == ".json":
            body = _rss_from_entries(json.loads(path.read_text(encoding="utf-8")))
        else:
            continue
        url = f"https://snapshot{n}.example/feed"
        urls.append(url)
        recordings.append({"response": {"method": "GET", "url": url, "body": body, "status": 200,
                                        "content_type": "application/xml", "auto_calculate_content_length": False}})
    cassette = work / "cassette.yaml"
    cassette.write_text(yaml.safe_dump({"responses": recordings}, allow_unicode=True), encoding="utf-8")
    config = work / "monitor.toml"
    feeds = "".join(f'[[feeds]]\nurl = "{u}"\n' for u in urls)
    config.write_text(f'state_dir = "{work}/state"\nseeds_dir = "{ROOT}/seeds"\n{feeds}', encoding="utf-8")
    return config, cassette


def main() -> int:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "realdata")
    with tempfile.TemporaryDirectory() as tmp:
        config, cassette = build(folder, Path(tmp))
        run = subprocess.run([MONITOR, "--config", str(config), "replay", str(cassette)],
                             capture_output=True, text=True)
        print(run.stdout, end="")
        if run.returncode:
            print(run.stderr, file=sys.stderr)
            return run.returncode
        out = subprocess.run([MONITOR, "--config", str(config), "findings", "--json"],
                             check=True, capture_output=True, text=True).stdout
    rows = json.loads(out)
    for r in rows:
        if r["kind"] in ("update", "conflict"):
            print(f"\n{r['kind'].upper()} seed {r['seed'][:20]}  [{r['old_value']} -> {r['new_value']}]")
            print(f"  seed: {r['seed_claim'][:200]}")
            print(f"  new:  {r['claim'][:200]}")
            print(f"  {r['url']}")
    print("\n" + json.dumps(dict(Counter(r["kind"] for r in rows))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
