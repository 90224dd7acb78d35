"""Evaluate the comparator on a labelled spec: replay it, then count right and wrong alerts.

A spec lists feeds and articles (the format of the shared dev set): each article
has a label — `alert` (with `expect`: seed id prefixes and a regex on the seed
claim), `support`, `none`, `error` or `ignore`. The spec is turned into recorded
responses, replayed through a fresh state folder, and every update/conflict
finding is checked against the labels.
"""

from __future__ import annotations

import email.utils
import html
import re
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

ALERTS = ("update", "conflict")


@dataclass
class Score:
    true_alerts: list[dict] = field(default_factory=list)
    false_alerts: list[tuple[dict, str]] = field(default_factory=list)
    missed: list[tuple[str, dict]] = field(default_factory=list)
    expected: int = 0

    @property
    def precision(self) -> float:
        n = len(self.true_alerts) + len(self.false_alerts)
        return len(self.true_alerts) / n if n else 1.0

    @property
    def recall(self) -> float:
        return (self.expected - len(self.missed)) / self.expected if self.expected else 1.0


def _date(value: object) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _page(article: dict) -> str:
    paragraphs = [p for p in str(article.get("body", "")).split("\n\n") if p.strip()]
    body = "".join(f"<p>{html.escape(' '.join(p.split()))}</p>\n" for p in paragraphs)
    title = html.escape(article.get("title", ""))
    when = _date(article["date"]).isoformat()
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
            f"<meta property='article:published_time' content='{when}'></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><main><article>"
            f"<h1>{title}</h1>\n{body}</article><aside><h2>Most read</h2><ul>"
            f"<li><a href='/a'>Markets close mixed</a></li><li><a href='/b'>Weekend weather</a></li>"
            f"</ul></aside></main><footer>All rights reserved.</footer></body></html>")


def _feed(feed: dict, articles: list[dict]) -> tuple[str, str]:
    if feed.get("format") == "atom":
        entries = "".join(
            f"<entry><title>{html.escape(a['title'])}</title><link href=\"{html.escape(a['url'])}\"/>"
            f"<id>{html.escape(a['id'])}</id><updated>{_date(a['date']).isoformat()}</updated>"
            f"<summary>{html.escape(a.get('summary', ''))}</summary></entry>" for a in articles)
        return ("application/atom+xml", "<?xml version='1.0' encoding='utf-8'?>"
                f"<feed xmlns='http://www.w3.org/2005/Atom'><title>{html.escape(feed['title'])}</title>"
                f"<id>{html.escape(feed['url'])}</id>{entries}</feed>")
    items = "".join(
        f"<item><title>{html.escape(a['title'])}</title><link>{html.escape(a['url'])}</link>"
        f"<guid isPermaLink='false'>{html.escape(a['id'])}</guid>"
        f"<pubDate>{email.utils.format_datetime(_date(a['date']))}</pubDate>"
        f"<description>{html.escape(a.get('summary', ''))}</description></item>" for a in articles)
    return ("application/rss+xml", "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel>"
            f"<title>{html.escape(feed['title'])}</title><link>{html.escape(feed['url'])}</link>"
            f"<description>feed</description>{items}</channel></rss>")


def recording(spec: dict) -> dict:
    """The spec's feeds and pages as a `responses` recording."""
    by_id = {a["id"]: a for a in spec["articles"]}
    out = []
    for feed in spec["feeds"]:
        ctype, body = _feed(feed, [by_id[i] for i in feed["items"]])
        out.append({"response": {"method": "GET", "url": feed["url"], "body": body, "status": 200,
                                 "content_type": ctype, "auto_calculate_content_length": False}})
    for a in spec["articles"]:
        status = int(a.get("status", 200))
        body = _page(a) if status == 200 else "<html><body>Not available</body></html>"
        out.append({"response": {"method": "GET", "url": a["url"], "body": body, "status": status,
                                 "content_type": "text/html", "auto_calculate_content_length": False}})
    return {"responses": out}


def score(spec: dict, findings: list[dict]) -> Score:
    articles = {a["url"].rstrip("/"): a for a in spec["articles"]}
    result = Score()
    hit: set[tuple[str, int]] = set()
    for f in findings:
        if f["kind"] not in ALERTS:
            continue
        article = articles.get((f.get("url") or "").rstrip("/"))
        if article is None:
            result.false_alerts.append((f, "url not in the spec"))
            continue
        label = article.get("label", "none")
        if label == "ignore":
            continue
        if label != "alert":
            result.false_alerts.append((f, f"{article['id']} is labelled {label}"))
            continue
        for i, exp in enumerate(article.get("expect", [])):
            if any(str(f["seed"]).startswith(str(p)) for p in exp["seeds"]) and \
                    re.search(exp["claim"], f["seed_claim"] or "", re.I):
                hit.add((article["id"], i))
                result.true_alerts.append(f)
                break
        else:
            result.false_alerts.append((f, f"{article['id']}: no expected seed claim matches"))
    for a in spec["articles"]:
        if a.get("label") != "alert":
            continue
        for i, exp in enumerate(a.get("expect", [])):
            result.expected += 1
            if (a["id"], i) not in hit:
                result.missed.append((a["id"], exp))
    return result


def run(spec_path: Path, seeds_dir: Path, aliases_file: Path | None = None) -> tuple[Score, list[dict]]:
    """Replay one spec into a throwaway state folder and score what it found."""
    from monitor import config as config_mod
    from monitor import fetch, poll, replay, report, store

    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        cassette = Path(tmp) / "cassette.yaml"
        cassette.write_text(yaml.safe_dump(recording(spec), allow_unicode=True, width=10**6),
                            encoding="utf-8")
        cfg = config_mod.Config(state_dir=Path(tmp) / "state", seeds_dir=seeds_dir,
                                aliases_file=aliases_file,
                                feeds=[config_mod.Feed(url=f["url"], name=f.get("title", f["url"]))
                                       for f in spec["feeds"]])
        cfg.fetch.host_delay = 0.0
        db = store.open_db(cfg.db_path)
        fetcher = fetch.Fetcher(cfg.fetch, check_addresses=False)
        with replay.cassettes([cassette]):
            poll.run_cycle(cfg, db, fetcher)
        fetcher.close()
        found = report.findings(db)
        db.close()
    return score(spec, found), found
