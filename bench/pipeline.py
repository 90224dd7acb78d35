"""Benchmark: the pipeline's cost against the extraction floor, and how it grows.

Run with `make bench`. Prints one JSON object on stdout; progress goes to stderr.

Why each measurement is made the way it is:
- The corpus is synthetic but shaped like the real thing (feeds mixing on-story and
  unrelated items, 3-8 KB articles wrapped in nav, "most read" rails and footers), so
  the extractor and the story filter do the work they do in production, offline.
- Pages come from a loopback HTTP server, not a replay library, so the fetcher's real
  code path runs (streaming, headers, conditional GET) and bytes can be counted on
  the server side, where a client-side bug cannot hide them. The server runs in its
  own process, so its CPU time is not counted as the pipeline's.
- `ratio` is wall time, as the worker's users wait for it; `cpu_ratio` is the CPU
  time of all the worker's processes over the extractor's, i.e. what the pipeline
  costs. They differ when `--workers` analysis processes share the work.
- `trafilatura.extract` over the same pages is the floor: no pipeline that uses it
  can be faster, so `ratio` says how much the pipeline adds on top.
- The 10,000-item run happens in a child process that holds nothing but the worker,
  so its peak RSS is the worker's own and not the corpus's or this script's.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import logging
import os
import random
import re
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "seeds"
TARGETS = {"ratio": 1.5, "compare_scaling_100x": 3.0, "peak_rss_mb": 300.0,
           "conditional_bytes_ratio": 0.05}
# The same options monitor.pages.extract passes, so the floor is the same extraction.
EXTRACT_OPTIONS: dict[str, Any] = {"include_comments": False, "include_tables": False,
                                   "favor_precision": True, "deduplicate": True}


def progress(message: str) -> None:
    """Progress on stderr: stdout carries only the JSON object."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- corpus text

SOURCES = [
    "South Korea's National Intelligence Service", "the Pentagon",
    "Ukraine's military intelligence agency", "a senior US defence official",
    "Seoul's Joint Chiefs of Staff", "Nato Secretary General Mark Rutte",
    "Ukrainian President Volodymyr Zelensky", "the Institute for the Study of War",
    "a Western intelligence assessment", "officials in Kyiv",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# On-story sentences, close to what the seeds say but with other figures and wording.
STORY = [
    "North Korea has sent about {troops} troops to Russia, {src} said on {day}.",
    "{Src} estimated that roughly {troops} North Korean soldiers are now deployed in "
    "Russia's Kursk region.",
    "More than {troops} North Korean troops have joined Russian forces fighting Ukraine, "
    "according to {src}.",
    "At least {casualties} North Korean soldiers have been killed or wounded in the fighting, "
    "{src} said.",
    "Pyongyang is expected to send an additional {extra} troops to Russia in the coming months, "
    "{src} warned.",
    "South Korea is considering supplying weapons directly to Ukraine, President Yoon Suk Yeol "
    "said on {day}.",
    "Seoul has so far declined to provide lethal weapons to Kyiv, citing a long-standing policy "
    "against arming countries at war.",
    "South Korea will not rule out sending artillery shells to Ukraine if North Korean "
    "involvement deepens, an official in Seoul said.",
    "A Gallup Korea poll found that {pct}% of South Koreans oppose sending weapons to Ukraine.",
    "In a separate survey, {pct2}% of respondents said Seoul should limit its support for "
    "Ukraine to humanitarian aid.",
    "Russia launched {drones} drones and {missiles} missiles at Ukraine overnight, Ukraine's "
    "air force said.",
    "The air force said {downed} of the drones were shot down or jammed by electronic warfare.",
    "The drones targeted {regions} of Ukraine's regions, damaging energy infrastructure, "
    "officials said.",
    "Ukrainian Defence Minister Rustem Umerov met South Korean officials in Seoul on {day} to "
    "discuss arms support.",
    "Moscow warned that the use of South Korean weapons to kill Russian citizens would destroy "
    "relations between the two countries.",
    "Russia and North Korea have both denied that Pyongyang transferred weapons to Moscow.",
    "North Korea has supplied millions of artillery shells and dozens of ballistic missiles to "
    "Russia, {src} said.",
    "The Kremlin said military cooperation with Pyongyang was a sovereign matter for the two "
    "countries.",
    "Ukraine's President Volodymyr Zelensky urged Seoul to supply air defence systems to Kyiv "
    "as Russian strikes intensified.",
    "The United States confirmed on {day} that North Korean troops are fighting alongside "
    "Russian forces in Kursk.",
    "Seoul summoned the Russian ambassador to protest against the deployment of North Korean "
    "troops.",
    "Analysts said the deployment was North Korea's largest foreign military engagement since "
    "the Korean War.",
    "South Korea has sent Kyiv financial aid and supplied vehicles and de-mining equipment, "
    "but no weapons.",
    "Kim Jong Un and Vladimir Putin signed a mutual defence treaty in Pyongyang last year, "
    "pledging military assistance if either is attacked.",
]
# Background sentences a wire story carries around its facts.
FILLER = [
    "The war in Ukraine is now approaching its {nth} year, with heavy fighting along the "
    "eastern front.",
    "Officials in Washington and Brussels have described the deployment as a dangerous "
    "escalation.",
    "Diplomats said the issue would feature prominently at the next meeting of G7 foreign "
    "ministers in {city}.",
    "The ministry did not immediately respond to a request for comment on {day}.",
    "Satellite images reviewed by analysts showed increased rail traffic near the border "
    "crossing at Tumangang over the past {n} weeks.",
    "The claims could not be independently verified by reporters in the region.",
    "Markets in Seoul were little changed after the announcement, with the Kospi index "
    "closing {updown} {small}%.",
    "Some lawmakers in the opposition Democratic Party called for a parliamentary debate "
    "before any decision is taken.",
    "Experts cautioned that battlefield figures from both sides are often inflated for "
    "political effect.",
    "“We are watching the situation very closely,” a senior official told reporters in "
    "{city}.",
    "The foreign ministry in Seoul said it would respond in step with the level of "
    "cooperation between Moscow and Pyongyang.",
    "Relations between the two Koreas have deteriorated sharply over the past {n} months, "
    "with balloons and loudspeakers back at the border.",
    "Residents of border towns said they had grown used to the sound of artillery drills.",
    "The government is expected to publish a defence white paper in {month}.",
]
UNRELATED_TOPICS: dict[str, dict[str, list[str]]] = {
    "economy": {
        "titles": ["Central bank holds rates at {small}% as inflation cools",
                   "Retail sales rise {small}% in {month}, beating forecasts",
                   "Oil prices slip as traders weigh demand outlook"],
        "sentences": [
            "The central bank kept its benchmark rate at {small}% on {day}, in line with "
            "forecasts.",
            "Consumer prices rose {small}% in {month} from a year earlier, the statistics "
            "office said.",
            "Economists polled by the newspaper expect {n} further cuts before the end of the "
            "year.",
            "Shares in {company} rose {small}% after the company raised its profit forecast.",
            "The governor said the labour market remained tight but was cooling gradually.",
            "Mortgage approvals climbed to {big} in {month}, the highest level in two years.",
        ]},
    "sport": {
        "titles": ["{team} beat {team2} {n}-{m} to go top of the league",
                   "Injury blow for {team} ahead of cup final",
                   "{team} appoint new manager after poor start"],
        "sentences": [
            "{team} came from behind to beat {team2} {n}-{m} in front of {big} fans on "
            "{day}.",
            "The striker has now scored {n} goals in his last {m} matches.",
            "The manager said he was proud of the way his players responded after the break.",
            "Tickets for the final sold out within {n} hours of going on sale.",
            "The club confirmed the midfielder would miss at least {n} weeks with a hamstring "
            "injury.",
            "Attendance across the division has risen {small}% this season.",
        ]},
    "technology": {
        "titles": ["Judge rejects bid to force {company} to sell its browser",
                   "{company} unveils new phone with longer battery life",
                   "Regulators open inquiry into cloud computing contracts"],
        "sentences": [
            "A federal judge on {day} declined to order {company} to sell its browser, "
            "handing the company a partial win.",
            "The ruling orders data-sharing remedies instead, which critics called too weak.",
            "{company} said the new device would go on sale in {month} for about {big} "
            "dollars.",
            "Analysts expect shipments of {n} million units in the first year.",
            "The regulator said it had received complaints from {n} smaller cloud providers.",
            "The company said it would appeal against the decision.",
        ]},
    "weather": {
        "titles": ["Heatwave brings record temperatures to {city}",
                   "Storm warnings issued as heavy rain moves north",
                   "Drought hits harvest across southern farms"],
        "sentences": [
            "Temperatures reached {n}C in {city} on {day}, the highest since records began.",
            "Forecasters issued amber warnings for heavy rain across {n} counties.",
            "Farmers said the dry spring had cut wheat yields by about {small}%.",
            "Residents were advised to stay indoors during the hottest part of the day.",
            "The weather service said the pattern was likely to persist into {month}.",
            "Emergency services reported {n} rescues from flooded roads overnight.",
        ]},
}
CITIES = ["Brussels", "Tokyo", "Berlin", "Paris", "London", "Warsaw", "Geneva", "Ottawa"]
COMPANIES = ["Google", "Samsung", "Nokia", "Siemens", "Unilever", "Orange", "Vodafone"]
TEAMS = ["Arsenal", "Celtic", "Ajax", "Benfica", "Porto", "Lazio", "Sevilla", "Valencia"]
MONTHS = ["January", "February", "March", "April", "June", "July", "September", "October"]
STORY_TITLES = [
    "North Korean troops in Russia: Seoul weighs sending weapons to Ukraine",
    "South Korea may arm Ukraine as North Korean soldiers join Russian forces",
    "Russia fires {drones} drones at Ukraine in overnight attack",
    "Poll: most South Koreans oppose sending weapons to Ukraine",
    "Pentagon says {troops} North Korean troops now in Russia",
    "Ukraine's defence minister meets Yoon in Seoul over arms support",
    "Kremlin warns Seoul against supplying weapons to Kyiv",
    "North Korean soldiers suffer heavy losses fighting for Russia in Kursk",
]
NAV = ["Home", "World", "Asia", "Europe", "Americas", "Africa", "Middle East", "Business",
       "Markets", "Technology", "Science", "Health", "Climate", "Sport", "Football", "Tennis",
       "Culture", "Books", "Film", "Music", "Travel", "Opinion", "Video", "Audio", "Newsletters",
       "Weather", "Puzzles", "Obituaries", "Corrections", "Live"]
CSS = "".join(f".c{i}{{margin:{i % 7}px;padding:{i % 5}px;color:#{i * 37 % 4096:03x}}}"
              for i in range(120))
# Real news pages are 100-500 KB, mostly menus, scripts and state blobs; these are lighter.
NAV_SUB = ["Latest", "Analysis", "Explainers", "Photos", "Video"]
JS = "".join(f"window.__cfg{i}={{slot:'ad-{i}',sizes:[[300,250],[728,90]],lazy:true}};"
             for i in range(150))


def _fields(rng: random.Random) -> dict[str, str]:
    """Varied figures for one sentence, so no two articles repeat each other's numbers."""
    troops = rng.choice([3000, 8000, 10000, 11000, 12000, 15000]) + rng.randrange(0, 10) * 100
    src = rng.choice(SOURCES)
    return {
        "troops": f"{troops:,}", "extra": f"{rng.randrange(2, 30) * 500:,}",
        "casualties": f"{rng.randrange(3, 60) * 50:,}", "pct": str(rng.randrange(55, 90)),
        "pct2": str(rng.randrange(30, 75)), "drones": str(rng.randrange(90, 500)),
        "missiles": str(rng.randrange(2, 40)), "downed": str(rng.randrange(50, 300)),
        "regions": str(rng.randrange(5, 20)), "src": src, "Src": src[0].upper() + src[1:],
        "day": rng.choice(DAYS), "nth": rng.choice(["third", "fourth"]),
        "city": rng.choice(CITIES), "n": str(rng.randrange(2, 12)), "m": str(rng.randrange(0, 5)),
        "small": f"{rng.uniform(0.1, 5.0):.1f}", "big": f"{rng.randrange(10, 90) * 1000:,}",
        "updown": rng.choice(["up", "down"]), "month": rng.choice(MONTHS),
        "company": rng.choice(COMPANIES), "team": rng.choice(TEAMS), "team2": rng.choice(TEAMS),
    }


def _sentence(rng: random.Random, pool: list[str]) -> str:
    return rng.choice(pool).format(**_fields(rng))


def article_text(rng: random.Random, topic: str) -> list[str]:
    """Paragraphs of 3-8 KB: on-story facts mixed with background, or an unrelated story."""
    target = rng.randrange(3000, 8000)
    paragraphs: list[str] = []
    size = 0
    while size < target:
        pool = UNRELATED_TOPICS.get(topic, {}).get("sentences") or (
            STORY if rng.random() < 0.6 else FILLER)
        para = " ".join(_sentence(rng, pool) for _ in range(rng.randrange(1, 4)))
        paragraphs.append(para)
        size += len(para) + 2
    return paragraphs


# ---------------------------------------------------------------- corpus documents

@dataclass
class Item:
    key: str
    topic: str              # "story" or one of UNRELATED_TOPICS
    title: str
    summary: str
    published: datetime
    seed: int               # the page is rendered from this, so it can be made on demand

    @property
    def path(self) -> str:
        return f"/news/{self.published:%Y/%m/%d}/{self.key}.html"


@dataclass
class Corpus:
    items: list[Item] = field(default_factory=list)
    feeds: dict[str, bytes] = field(default_factory=dict)     # path -> feed document
    pages: dict[str, bytes] = field(default_factory=dict)     # path -> rendered page
    lazy: dict[str, Item] = field(default_factory=dict)       # path -> page made on request


def make_items(rng: random.Random, prefix: str, story: int, unrelated: int) -> list[Item]:
    """Items in a shuffled order, as a newsroom's feed mixes its desks."""
    kinds = ["story"] * story + [rng.choice(list(UNRELATED_TOPICS)) for _ in range(unrelated)]
    rng.shuffle(kinds)
    base = datetime(2025, 6, 9, 6, 0, tzinfo=UTC)
    items = []
    for i, topic in enumerate(kinds):
        f = _fields(rng)
        if topic == "story":
            title = rng.choice(STORY_TITLES).format(**f)
            summary = " ".join(_sentence(rng, STORY) for _ in range(2))
        else:
            title = rng.choice(UNRELATED_TOPICS[topic]["titles"]).format(**f)
            summary = _sentence(rng, UNRELATED_TOPICS[topic]["sentences"])
        items.append(Item(key=f"{prefix}-{i:05d}", topic=topic, title=title, summary=summary,
                          published=base + timedelta(minutes=7 * i), seed=rng.randrange(1 << 30)))
    return items


# Article pages of large news sites commonly weigh 150-500 KB, mostly menus, teasers and
# inlined app state. "full" pages (about 120 KB, 1,700 elements) add those to the
# article: a mega-menu, a grid of teaser cards and the state as JSON (which repeats the
# article and its neighbours). "light" pages (about 36 KB, 400 elements) were the only
# kind before; they make extraction, and so the floor, about 2.5 times cheaper.
PAGE_WEIGHTS = ("full", "light")
PAGE_WEIGHT = {"value": "full"}


def heavy_furniture(rng: random.Random, item: Item, paragraphs: list[str],
                    rails: list[str]) -> tuple[str, str]:
    """The markup a large site adds before and after the article: (header, tail)."""
    sections = [f"{n} {s}" for n in NAV for s in ("News", "Analysis", "Video", "Live",
                                                   "Explainers", "Opinion", "Photos",
                                                   "Podcasts", "Data", "Interactive")]
    mega = "".join(f"<li class='mm-item'><a class='mm-link' data-track='nav-{i}' "
                   f"href='/{s.lower().replace(' ', '/')}'>{escape(s)}</a></li>"
                   for i, s in enumerate(sections))
    cards = "".join(
        f"<div class='card card--{i % 3}'><a href='/news/{rng.randrange(1 << 24)}'>"
        f"<picture><source srcset='/img/{i}-w640.webp 640w, /img/{i}-w1280.webp 1280w'>"
        f"<img src='/img/{i}.jpg' alt='' loading='lazy'></picture>"
        f"<span class='kicker'>{rng.choice(NAV)}</span><h3>{escape(rng.choice(rails))}</h3>"
        f"</a><time>{rng.randrange(1, 23)}h ago</time></div>" for i in range(60))
    state = json.dumps({"props": {"page": {
        "article": {"id": item.key, "headline": item.title, "paragraphs": paragraphs},
        "related": [{"id": rng.randrange(1 << 24), "headline": rng.choice(rails),
                     "standfirst": _sentence(rng, FILLER), "image": f"/img/r{i}.jpg"}
                    for i in range(120)]}}}).replace("</", "<\\/")  # as sites inline it
    header = f"<div class='mega-menu' hidden><ul>{mega}</ul></div>"
    tail = (f"<section class='grid'><h2>Top stories</h2>{cards}</section>"
            f"<script id='app-state' type='application/json'>{state}"
            f"</script>")
    return header, tail


def render_page(item: Item, rails: list[str]) -> bytes:
    """An article page with the furniture real news sites wrap around the text."""
    rng = random.Random(item.seed)
    paragraphs = article_text(rng, item.topic)
    header, tail = ("", "")
    if PAGE_WEIGHT["value"] == "full":
        header, tail = heavy_furniture(random.Random(item.seed + 1), item, paragraphs, rails)
    body: list[str] = []
    for i, para in enumerate(paragraphs):
        body.append(f"<p>{escape(para)}</p>")
        if i == 2:
            body.append("<div class='newsletter'><h3>Sign up for our morning briefing</h3><p>The "
                        "day's top stories in your inbox.</p><button>Sign up</button></div>")
        if i == 5:
            body.append(f"<p class='read-more'><a href='/news/more'>Read more: "
                        f"{escape(rng.choice(rails))}</a></p>")
        if i == 7:
            body.append("<h2>What happens next</h2>")
    nav = "".join(
        f"<li class='menu'><a href='/{n.lower().replace(' ', '-')}'>{n}</a><ul class='sub'>"
        + "".join(f"<li><a href='/{n.lower().replace(' ', '-')}/{s.lower()}'>{s}</a></li>"
                  for s in NAV_SUB) + "</ul></li>" for n in NAV)
    most_read = "".join(f"<li><a href='/news/{rng.randrange(1 << 20)}'>{escape(t)}</a></li>"
                        for t in rng.sample(rails, 10))
    related = "".join(f"<article class='teaser'><h3><a href='/news/{rng.randrange(1 << 20)}'>"
                      f"{escape(t)}</a></h3><p>{escape(_sentence(rng, FILLER))}</p></article>"
                      for t in rng.sample(rails, 12))
    footer = "".join(f"<a href='/about/{n.lower().replace(' ', '-')}'>{n}</a> "
                     for n in NAV + ["Contact us", "Privacy", "Cookies", "Terms", "Advertise"])
    published = item.published.isoformat()
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                     "headline": item.title, "datePublished": published,
                     "author": {"@type": "Person", "name": "Staff reporter"}})
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(item.title)} | Daily Wire Service</title>
<meta name="description" content="{escape(item.summary[:200])}">
<meta property="og:title" content="{escape(item.title)}">
<meta property="article:published_time" content="{published}">
<link rel="canonical" href="{item.path}">
<script type="application/ld+json">{ld}</script>
<style>{CSS}</style><script>{JS}</script></head>
<body>{header}<div class="cookie-banner"><p>We use cookies to improve your experience and to show you
personalised advertising. <button>Accept all</button> <button>Manage settings</button></p></div>
<header><a class="logo" href="/">Daily Wire Service</a><nav><ul>{nav}</ul></nav>
<form class="search"><input name="q" placeholder="Search"></form></header>
<main><article><h1>{escape(item.title)}</h1>
<p class="byline">By Staff reporter ·
<time datetime="{published}">{item.published:%d %B %Y}</time></p>
<figure><img src="/img/{item.key}.jpg" alt="Photo">
<figcaption>File photo. Credit: Agency</figcaption></figure>
<div class="article-body">{''.join(body)}</div>
<div class="tags"><a href="/tag/world">World</a> <a href="/tag/asia">Asia</a></div>
<div class="share">Share this article: <a href="#">Facebook</a> <a href="#">X</a>
<a href="#">Email</a></div>
</article>
<aside class="most-read"><h2>Most read</h2><ol>{most_read}</ol></aside>
<section class="related"><h2>More from World</h2>{related}</section>{tail}</main>
<footer><nav>{footer}</nav><p>© 2025 Daily Wire Service. All rights reserved.</p>
<p>Daily Wire Service Ltd, 1 Example Street, London.</p></footer></body></html>"""
    return html.encode("utf-8")


def render_feed(title: str, base_url: str, items: list[Item], atom: bool) -> bytes:
    """RSS 2.0 or Atom: feeds in the wild come in both."""
    if atom:
        entries = "".join(
            f"<entry><title>{escape(i.title)}</title><link href=\"{base_url}{i.path}\"/>"
            f"<id>tag:wire.example,2025:{i.key}</id><updated>{i.published.isoformat()}</updated>"
            f"<summary type=\"html\">{escape('<p>' + i.summary + '</p>')}</summary></entry>"
            for i in items)
        doc = (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
               f"<title>{escape(title)}</title><id>{base_url}/{title}</id>"
               f"<updated>{items[-1].published.isoformat()}</updated>{entries}</feed>")
    else:
        entries = "".join(
            f"<item><title>{escape(i.title)}</title><link>{base_url}{i.path}</link>"
            f"<guid isPermaLink=\"false\">{i.key}</guid>"
            f"<pubDate>{format_datetime(i.published)}</pubDate>"
            f"<description>{escape(i.summary)}</description></item>" for i in items)
        doc = (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
               f"<title>{escape(title)}</title><link>{base_url}/</link>"
               f"<description>Latest news</description>{entries}</channel></rss>")
    return doc.encode("utf-8")


def build_corpus(corpus: Corpus, base_url: str, prefix: str, story: int, unrelated: int,
                 per_feed: int, seed: int, prerender: bool) -> list[str]:
    """Add one corpus under /prefix to the served set; returns its feed URLs.

    On-story pages are rendered up front when `prerender`, so rendering never runs
    inside a timed cycle; unrelated pages are only made if something asks for them.
    """
    rng = random.Random(seed)
    items = make_items(rng, prefix, story, unrelated)
    rails = [i.title for i in rng.sample(items, min(len(items), 40))]
    rails += [t.format(**_fields(rng)) for t in STORY_TITLES]
    urls = []
    for n, start in enumerate(range(0, len(items), per_feed)):
        chunk = items[start:start + per_feed]
        path = f"/{prefix}/feed-{n:03d}.xml"
        corpus.feeds[path] = render_feed(f"{prefix} desk {n}", base_url, chunk, atom=n % 4 == 3)
        urls.append(base_url + path)
    for item in items:
        if prerender and item.topic == "story":
            corpus.pages[item.path] = render_page(item, rails)
        else:
            corpus.lazy[item.path] = item
    corpus.items.extend(items)
    _RAILS[prefix] = rails
    return urls


_RAILS: dict[str, list[str]] = {}


# ---------------------------------------------------------------- loopback server

@dataclass
class Traffic:
    """Bytes the server wrote (status line, headers and body), by kind of resource."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    bytes: dict[str, int] = field(default_factory=dict)
    responses: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, n: int) -> None:
        with self.lock:
            self.bytes[kind] = self.bytes.get(kind, 0) + n

    def count(self, key: str) -> None:
        with self.lock:
            self.responses[key] = self.responses.get(key, 0) + 1

    def reset(self) -> dict[str, Any]:
        with self.lock:
            out = {"bytes": dict(self.bytes), "responses": dict(self.responses)}
            self.bytes.clear()
            self.responses.clear()
        return out


class _CountingWriter:
    """Wraps the socket writer so every byte sent is counted, headers included."""

    def __init__(self, raw: Any, on_write: Callable[[int], None]):
        self.raw = raw
        self.on_write = on_write

    def write(self, data: bytes) -> int:
        self.on_write(len(data))
        return self.raw.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)   # flush, close, closed: the socket writer's own


def make_handler(corpus: Corpus, traffic: Traffic) -> type[BaseHTTPRequestHandler]:
    etags: dict[str, str] = {}
    render_lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"   # keep-alive, as real servers do
        kind = "other"

        def setup(self) -> None:
            super().setup()
            # as production servers do: without it, Nagle's algorithm holds a small body
            # back until the client's delayed ACK, 40 ms per page on small pages
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.wfile = _CountingWriter(self.wfile, lambda n: traffic.add(self.kind, n))

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
            pass

        def _body(self, path: str) -> tuple[bytes, str] | None:
            if path in corpus.feeds:
                return corpus.feeds[path], "application/rss+xml; charset=utf-8"
            if path not in corpus.pages and path in corpus.lazy:
                item = corpus.lazy[path]
                with render_lock:
                    corpus.pages[path] = render_page(item, _RAILS[item.key.split("-")[0]])
            if path in corpus.pages:
                return corpus.pages[path], "text/html; charset=utf-8"
            return None

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            path = self.path.split("?")[0]
            if path == TRAFFIC_PATH:
                self._send_traffic()
                return
            self.kind = "feeds" if path in corpus.feeds else "pages"
            found = self._body(path)
            if found is None:
                traffic.count(f"{self.kind}:404")
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body, ctype = found
            etag = etags.get(path) or etags.setdefault(
                path, '"' + hashlib.sha1(body).hexdigest()[:20] + '"')
            if etag in (self.headers.get("If-None-Match") or "").split(", "):
                traffic.count(f"{self.kind}:304")
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            traffic.count(f"{self.kind}:200")
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def _send_traffic(self) -> None:
            self.kind = "control"
            taken = traffic.reset()
            taken["bytes"].pop("control", None)   # the benchmark's own queries
            body = json.dumps(taken).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


TRAFFIC_PATH = "/__bench/traffic"


def bind(corpus: Corpus, traffic: Traffic) -> ThreadingHTTPServer:
    """Bind first, so the corpus can carry the port in its links before serving starts."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(corpus, traffic))
    server.daemon_threads = True
    return server


def serve_elsewhere(server: ThreadingHTTPServer) -> Any:
    """Serve from a forked process: in this one, the server's threads would take the GIL
    from the pipeline and its CPU time would count as the pipeline's. The child has
    the whole corpus, since it is forked after the corpus is built."""
    import multiprocessing

    proc = multiprocessing.get_context("fork").Process(target=server.serve_forever,
                                                       daemon=True, name="bench-http")
    proc.start()
    server.socket.close()   # the child listens; this process only connects
    return proc


def take_traffic(base_url: str) -> dict[str, Any]:
    """The server's byte and response counts since the last call (it resets them)."""
    from urllib.request import urlopen

    with urlopen(base_url + TRAFFIC_PATH, timeout=10) as resp:
        return json.loads(resp.read())


# ---------------------------------------------------------------- worker setup

WORKERS = {"value": 2}


def write_config(state_dir: Path, feed_urls: list[str]) -> Path:
    """A real config file, so the benchmark goes through the same validation as the worker."""
    lines = [f'state_dir = "{state_dir}"', f'seeds_dir = "{SEEDS_DIR}"',
             f"workers = {WORKERS['value']}", "",
             "[fetch]", "allow_private_addresses = true", "host_delay = 0", ""]
    for url in feed_urls:
        lines += ["[[feeds]]", f'url = "{url}"']
    path = state_dir.parent / f"{state_dir.name}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@contextmanager
def worker(config_path: Path) -> Iterator[tuple[Any, Any, Any]]:
    """Config, store and fetcher as the scheduler's poll job opens them, and the analysis
    processes already started, as they are in `monitor run` after its first poll."""
    from monitor import analysis, fetch, poll, store
    from monitor import config as config_mod

    cfg = config_mod.load(config_path, environ={})
    db = store.open_db(cfg.db_path)
    fetcher = fetch.Fetcher(cfg.fetch)
    started = time.perf_counter()
    analyser = analysis.analyser_for(poll.load_story(cfg, db), str(cfg.aliases_file or "") or None,
                                     cfg.workers, cfg.analysis_timeout)
    if isinstance(analyser, analysis.Pool):
        analyser.warm()
        progress(f"{cfg.workers} analysis processes started in {time.perf_counter() - started:.1f} s")
    try:
        yield cfg, db, fetcher
    finally:
        fetcher.close()
        db.close()


def cycle(cfg: Any, db: Any, fetcher: Any, profile: Path | None = None) -> dict[str, Any]:
    """One whole poll cycle through run_cycle (story loading included, as in the worker)."""
    from monitor import poll

    profiler = None
    if profile is not None:
        from pyinstrument import Profiler  # optional: pip install pyinstrument

        profiler = Profiler(interval=0.001)
        profiler.start()
    started, cpu_started = time.perf_counter(), time.process_time() + _children_cpu_s()
    result = poll.run_cycle(cfg, db, fetcher)
    seconds = time.perf_counter() - started
    cpu = time.process_time() + _children_cpu_s() - cpu_started   # analysis processes included
    if profiler is not None:
        profiler.stop()
        profile.write_text(profiler.output_text(unicode=True, color=False), encoding="utf-8")
        profiler.write_html(str(profile.with_suffix(".html")))
    count = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731 - four one-line queries
    return {"seconds": round(seconds, 3), "cpu_s": round(cpu, 3),
            "pages": count("select count(*) from articles where source = 'page'"),
            "items": count("select count(*) from items"),
            "relevant": count("select count(*) from items where state != 'skipped'"),
            "failed_feeds": result.failed, "findings": count("select count(*) from findings"),
            "alerts": result.alerts}


# ---------------------------------------------------------------- measurements

def extract_only(pages: list[tuple[str, bytes]], rounds: int) -> dict[str, float]:
    """The floor: trafilatura alone over the same bytes; then with pages.py's metadata pass.

    Each figure is the best of `rounds` passes: on a shared 2-core machine one pass can
    be slowed by a neighbour, and a slow floor would flatter the ratio.
    """
    import trafilatura
    from trafilatura.meta import reset_caches

    # htmldate logs an ERROR for each cache it cannot clear; harmless, and noise here.
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)

    cpu: dict[Callable[..., object], float] = {}

    def best(one_page: Callable[[str, bytes], object]) -> float:
        fastest = float("inf")
        for _ in range(rounds):
            reset_caches()   # the deduplication cache is global: a warm one drops paragraphs
            started, cpu_started = time.perf_counter(), time.process_time()
            for url, content in pages:
                one_page(url, content)
            took = time.perf_counter() - started
            if took < fastest:
                fastest, cpu[one_page] = took, time.process_time() - cpu_started
        reset_caches()
        return fastest

    def with_metadata(url: str, content: bytes) -> None:
        trafilatura.extract(content, url=url, **EXTRACT_OPTIONS)
        trafilatura.extract_metadata(content, default_url=url)

    def floor(url: str, content: bytes) -> None:
        trafilatura.extract(content, url=url, **EXTRACT_OPTIONS)

    return {
        "extract_only_s": best(floor),
        "extract_and_metadata_s": best(with_metadata),
        "bare_extraction_with_metadata_s": best(
            lambda url, c: trafilatura.bare_extraction(c, url=url, with_metadata=True,
                                                       **EXTRACT_OPTIONS)),
        "extract_only_cpu_s": cpu[floor],
    }


_NUMBER = re.compile(r"\d[\d,]*")


def _vary(text: str, k: int) -> str:
    """The same sentence with every figure moved, so replicas are new facts, not copies."""
    def bump(m: re.Match[str]) -> str:
        value = int(m.group(0).replace(",", "") or 0)
        new = value + k * max(1, value // 50)
        return f"{new:,}" if "," in m.group(0) else str(new)

    return _NUMBER.sub(bump, text)


def replicate(seed_claims: list[Any], factor: int, gaz: Any) -> list[Any]:
    """`factor` copies of the seed claims; claims with figures are rebuilt with new figures."""
    from monitor import claims as claims_mod
    from monitor.compare import SeedClaim

    out = list(seed_claims)
    for k in range(1, factor):
        for sc in seed_claims:
            claim = sc.claim
            if _NUMBER.search(claim.text):
                claim = claims_mod.build(_vary(claim.text, k), claim.context, claim.published, gaz,
                                         claim.position)
            else:
                claim = dataclasses.replace(claim)
            out.append(SeedClaim(id=f"{sc.id}-x{k}", seed=sc.seed, claim=claim))
    return out


def compare_scaling(config_path: Path, n_articles: int, factors: tuple[int, ...],
                    rounds: int) -> dict[str, Any]:
    """Per-article comparison time as the seed set grows: flat if retrieval is indexed."""
    from monitor import claims as claims_mod
    from monitor import compare, poll, store
    from monitor import config as config_mod

    cfg = config_mod.load(config_path, environ={})
    db = store.open_db(cfg.db_path)
    story = poll.load_story(cfg, db)
    rows = list(db.query("select text, published from articles where source = 'page' "
                         "order by id limit ?", [n_articles]))
    db.close()
    articles = [claims_mod.extract(r["text"], published=r["published"] or "", gaz=story.gaz)
                for r in rows]
    ms: dict[str, float] = {}
    build_s: dict[str, float] = {}
    sizes: dict[str, int] = {}
    decisions: dict[str, int] = {}
    for factor in factors:
        seed_claims = replicate(story.index.claims, factor, story.gaz)
        started = time.perf_counter()
        index = compare.SeedIndex(seed_claims)
        build_s[f"{factor}x"] = round(time.perf_counter() - started, 3)
        sizes[f"{factor}x"] = len(seed_claims)
        best = float("inf")
        for _ in range(rounds):
            started = time.perf_counter()
            found = sum(len(compare.compare_article(index, claims)) for claims in articles)
            best = min(best, time.perf_counter() - started)
        ms[f"{factor}x"] = round(best / len(articles) * 1000, 3)
        decisions[f"{factor}x"] = found
        progress(f"compare {factor}x: {len(seed_claims)} seed claims, "
                 f"{ms[f'{factor}x']:.2f} ms/article")
    base = ms[f"{factors[0]}x"]
    return {**{k: round(v / base, 3) for k, v in ms.items()}, "ms_per_article": ms,
            "seed_claims": sizes, "index_build_s": build_s, "decisions": decisions,
            "articles": len(articles), "claims": sum(len(c) for c in articles)}


def _vm_hwm_mb(pid: str = "self") -> float | None:
    """The kernel's high-water mark for one address space alone (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def _children_cpu_s() -> float:
    """CPU seconds used so far by this process's live children (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in _children():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks   # utime, stime
    return total


def _children() -> set[str]:
    pids: set[str] = set()
    for task in Path("/proc/self/task").iterdir():
        try:
            pids.update((task / "children").read_text().split())
        except OSError:
            continue
    return pids


def _children_hwm_mb() -> dict[str, float]:
    """High-water marks of this process's live children: the analysis processes."""
    return {pid: hwm for pid in sorted(_children()) if (hwm := _vm_hwm_mb(pid)) is not None}


def rss_child() -> None:
    """Child mode: wait for a config path on stdin, run one cycle, report peak RSS.

    It waits before importing anything heavy, so it costs nothing while the parent
    times the other measurements.
    """
    config_path = sys.stdin.readline().strip()
    if not config_path:
        return

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    with worker(Path(config_path)):
        pass   # imports, the gazetteer and the story: the worker's resting size
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with worker(Path(config_path)) as opened:
        result = cycle(*opened)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = _children_hwm_mb()   # the analysis processes, still alive
    # the worker's footprint is all of its processes together, each at its peak
    print(json.dumps({"peak_rss_mb": round(own + sum(children.values()), 1),
                      "main_peak_rss_mb": round(own, 1),
                      "analysis_processes_mb": list(children.values()),
                      "baseline_rss_mb": round(baseline, 1), "vm_hwm_mb": _vm_hwm_mb(), **result}))


def start_rss_child() -> tuple[subprocess.Popen[str], float]:
    """Start the child first thing, while this process is still small.

    On Linux a child's ru_maxrss starts from its parent's high-water mark at the time
    of the spawn (it survives exec), so a child started after the corpus is built
    would report the corpus's memory as its own.
    """
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    proc = subprocess.Popen([sys.executable, __file__, "--rss-child"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, parent


def peak_rss(proc: subprocess.Popen[str], state_root: Path,
             feed_urls: list[str]) -> dict[str, Any]:
    config_path = write_config(state_root / "rss-state", feed_urls)
    started = time.perf_counter()
    out, err = proc.communicate(str(config_path) + "\n")
    if proc.returncode != 0:
        sys.stderr.write(err)
        raise SystemExit(f"the 10,000-item child failed with exit code {proc.returncode}")
    result = json.loads(out.strip().splitlines()[-1])
    result["wall_s"] = round(time.perf_counter() - started, 2)
    return result


def _target(value: float, limit: float) -> dict[str, Any]:
    return {"value": value, "max": limit, "ok": value <= limit}


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=500, help="on-story pages to process")
    parser.add_argument("--unrelated", type=float, default=0.4,
                        help="unrelated items per on-story item in the main corpus")
    parser.add_argument("--per-feed", type=int, default=30, help="items per feed")
    parser.add_argument("--rss-items", type=int, default=10_000, help="items in the RSS run")
    parser.add_argument("--rss-story-share", type=float, default=0.03,
                        help="share of the RSS run's items that are on-story (pages fetched)")
    parser.add_argument("--pages", choices=PAGE_WEIGHTS, default="full",
                        help="page weight: 'full' (~180 KB, as large news sites serve) or "
                        "'light' (~36 KB, article and basic furniture only)")
    parser.add_argument("--workers", type=int, default=2,
                        help="analysis processes, as the `workers` setting (0: one process)")
    parser.add_argument("--extract-rounds", type=int, default=2)
    parser.add_argument("--compare-articles", type=int, default=40)
    parser.add_argument("--compare-rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20250609)
    parser.add_argument("--profile", type=Path, help="write a pyinstrument profile of the "
                        "first cycle here (.txt, plus .html); slows the timed cycle")
    parser.add_argument("--skip-rss", action="store_true", help="skip the 10,000-item run")
    parser.add_argument("--rss-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rss_child:
        rss_child()
        return
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    PAGE_WEIGHT["value"] = args.pages
    WORKERS["value"] = args.workers
    began = time.perf_counter()
    child, parent_rss_at_spawn = start_rss_child()

    corpus, traffic = Corpus(), Traffic()
    server = bind(corpus, traffic)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    feed_urls = build_corpus(corpus, base_url, "main", args.articles,
                             round(args.articles * args.unrelated), args.per_feed, args.seed,
                             prerender=True)
    page_list = [(base_url + i.path, corpus.pages[i.path]) for i in corpus.items
                 if i.topic == "story"]
    rss_urls: list[str] = []
    story_n = round(args.rss_items * args.rss_story_share)
    if not args.skip_rss:
        rss_urls = build_corpus(corpus, base_url, "rss", story_n, args.rss_items - story_n,
                                50, args.seed + 1, prerender=True)
    server_proc = serve_elsewhere(server)
    progress(f"corpus: {len(feed_urls)} feeds, {len(corpus.items)} items, "
             f"{len(page_list)} on-story pages")

    import trafilatura

    trafilatura.extract(page_list[0][1], url=page_list[0][0])   # imports and lazy setup
    progress("extract-only passes")
    floor = extract_only(page_list, args.extract_rounds)
    progress(f"extract only: {floor['extract_only_s']:.2f} s")

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        root = Path(tmp)
        config_path = write_config(root / "state", feed_urls)
        with worker(config_path) as opened:
            take_traffic(base_url)
            progress("pipeline: first cycle")
            first = cycle(*opened, profile=args.profile)
            first_traffic = take_traffic(base_url)
            progress(f"pipeline: {first['seconds']:.2f} s for {first['pages']} pages")
            repeat = cycle(*opened)
            repeat_traffic = take_traffic(base_url)
            progress(f"unchanged feeds: {repeat['seconds']:.2f} s")

        scaling = compare_scaling(config_path, args.compare_articles, (1, 10, 100),
                                  args.compare_rounds)
        rss: dict[str, Any] = {}
        if not args.skip_rss:
            progress(f"peak RSS run: {args.rss_items} items in {len(rss_urls)} feeds, "
                     f"{story_n} on-story, in a child process")
            rss = peak_rss(child, root, rss_urls)
            rss["parent_rss_at_spawn_mb"] = round(parent_rss_at_spawn, 1)
            progress(f"peak RSS: {rss['peak_rss_mb']} MB in {rss['wall_s']} s")
    # first: the server was forked holding the child's stdin, which must close for EOF
    server_proc.terminate()
    server_proc.join()
    if child.poll() is None:
        child.communicate("")   # --skip-rss: let the idle child exit
    print(json.dumps(report(page_list, floor, first, repeat, first_traffic, repeat_traffic,
                            scaling, rss, began), indent=2))


def report(page_list: list[tuple[str, bytes]], floor: dict[str, float], first: dict[str, Any],
           repeat: dict[str, Any], first_traffic: dict[str, Any], repeat_traffic: dict[str, Any],
           scaling: dict[str, Any], rss: dict[str, Any], began: float) -> dict[str, Any]:
    """The figures, with each target beside the value it judges."""
    pipeline_s = first["seconds"]
    ratio = round(pipeline_s / floor["extract_only_s"], 3)
    feed_first = first_traffic["bytes"].get("feeds", 0)
    feed_repeat = repeat_traffic["bytes"].get("feeds", 0)
    all_first = sum(first_traffic["bytes"].values())
    all_repeat = sum(repeat_traffic["bytes"].values())
    conditional = round(feed_repeat / feed_first, 4) if feed_first else None
    out: dict[str, Any] = {
        "articles": first["pages"],
        "pipeline_s": pipeline_s,
        "extract_only_s": round(floor["extract_only_s"], 3),
        "ratio": ratio,
        "pipeline_ms_per_article": round(pipeline_s / max(1, first["pages"]) * 1000, 2),
        # CPU time of all the worker's processes: what the pipeline costs, whatever the
        # wall clock says; with analysis processes it can exceed the elapsed time
        "cpu_ratio": round(first["cpu_s"] / floor["extract_only_cpu_s"], 3),
        "pipeline_cpu_s": first["cpu_s"],
        "extract_only_cpu_s": round(floor["extract_only_cpu_s"], 3),
        "page_weight": PAGE_WEIGHT["value"],
        "extract_and_metadata_s": round(floor["extract_and_metadata_s"], 3),
        "bare_extraction_with_metadata_s": round(floor["bare_extraction_with_metadata_s"], 3),
        "corpus": {"items": first["items"], "relevant_items": first["relevant"],
                   "pages_served": len(page_list),
                   "page_kb_mean": round(sum(len(b) for _, b in page_list)
                                         / len(page_list) / 1024, 1),
                   "findings": first["findings"], "alerts": first["alerts"]},
        "compare_scaling": scaling,
        "peak_rss_mb": rss.get("peak_rss_mb"),
        "rss_run": rss,
        "conditional_bytes_ratio": conditional,
        "conditional": {"feed_bytes_first": feed_first, "feed_bytes_second": feed_repeat,
                        "all_bytes_first": all_first, "all_bytes_second": all_repeat,
                        "all_bytes_ratio": round(all_repeat / all_first, 5) if all_first else None,
                        "responses_first": first_traffic["responses"],
                        "responses_second": repeat_traffic["responses"],
                        "second_cycle_s": repeat["seconds"]},
    }
    targets = {"ratio": _target(ratio, TARGETS["ratio"]),
               "compare_scaling_100x": _target(scaling["100x"], TARGETS["compare_scaling_100x"])}
    if rss:
        targets["peak_rss_mb"] = _target(rss["peak_rss_mb"], TARGETS["peak_rss_mb"])
    if conditional is not None:
        targets["conditional_bytes_ratio"] = _target(conditional,
                                                     TARGETS["conditional_bytes_ratio"])
    out["targets"] = targets
    out["total_s"] = round(time.perf_counter() - began, 1)
    return out


if __name__ == "__main__":
    main()
