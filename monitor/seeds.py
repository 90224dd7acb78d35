"""Seeds: the user's baseline articles, reduced to their own text and claims.

Saved web pages carry furniture (share buttons, captions, credits) and teasers for
other stories after the article ends. Those must not become seed claims, or every
later story about Canada Post or Google would look related. The article body is
found by topical coherence: its lead defines the topic, and the point after which
the remaining blocks stop sharing that topic is where the article ends.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from monitor import claims as claims_mod
from monitor import entities as entities_mod
from monitor.text import normalize, word_count

log = logging.getLogger(__name__)

SEED_SUFFIXES = (".txt", ".md")
MIN_BLOCK_WORDS = 12      # shorter blocks are buttons, captions, headings, credits
LEAD_BLOCKS = 3           # the opening paragraphs define what the article is about
ON_TOPIC = 0.2            # share of a block's vocabulary in the topic below which it is off-topic


class SeedError(Exception):
    """The seeds folder is missing, empty or unreadable."""


@dataclass
class Seed:
    id: str
    path: Path
    title: str
    text: str
    raw: str
    sha256: str
    dropped: list[str] = field(default_factory=list)
    claims: list[claims_mod.Claim] = field(default_factory=list)


def _blocks(raw: str) -> list[str]:
    """Non-empty lines; a line the page repeats (a photo caption doubled as alt text,
    a button label) is furniture, and every copy of it goes."""
    lines = [normalize(line) for line in raw.splitlines()]
    counts = Counter(line for line in lines if line)
    return [line for line in lines if line and counts[line] == 1]


def _is_body_block(block: str) -> bool:
    return word_count(block) >= MIN_BLOCK_WORDS and block.rstrip()[-1:] in ".\"'”’)!:;" \
        and not block.rstrip().endswith("?")


def _keysets(blocks: list[str], gaz: entities_mod.Gazetteer) -> list[set[str]]:
    return [set(claims_mod._keys(b, gaz)[0]) for b in blocks]


def story_vocabulary(leads: list[list[set[str]]]) -> set[str]:
    """Keys that at least two seed articles use in their opening paragraphs."""
    counts: Counter[str] = Counter()
    for lead in leads:
        counts.update(set().union(*lead) if lead else set())
    return {k for k, c in counts.items() if c >= 2}


def coherence(keysets: list[set[str]], story: set[str]) -> list[float]:
    """Share of each block's vocabulary that belongs to the article's topic.

    The topic is what the article's lead repeats plus what the other seeds' leads
    share: teasers for unrelated stories score near zero on both.
    """
    lead: Counter[str] = Counter()
    for ks in keysets[:LEAD_BLOCKS]:
        lead.update(ks)
    topic = {k for k, c in lead.items() if c >= 2} | story
    return [len(ks & topic) / len(ks) if ks else 0.0 for ks in keysets]


def _article_end(scores: list[float], boundaries: list[bool]) -> int:
    """Where the article ends: the split that leaves on-topic blocks before it and
    off-topic ones after it. Cuts are only tried where the page itself had a break
    (a heading, caption or button line between two paragraphs)."""
    best, best_k = 0.0, len(scores)
    for k in range(LEAD_BLOCKS, len(scores)):
        if not boundaries[k]:
            continue
        gain = sum(ON_TOPIC - s for s in scores[k:])
        if gain > best:
            best, best_k = gain, k
    return best_k


def clean(raw: str, gaz: entities_mod.Gazetteer | None = None,
          story: set[str] | None = None) -> tuple[str, list[str]]:
    """The article's own paragraphs, and the blocks that were dropped (for `monitor seeds -v`)."""
    gaz = gaz or entities_mod.load()
    blocks = _blocks(raw)
    body, boundaries, dropped = [], [], []
    gap = False
    for block in blocks:
        if _is_body_block(block):
            body.append(block)
            boundaries.append(gap)
            gap = False
        else:
            dropped.append(block)
            gap = True
    if not body:
        return "", dropped
    end = _article_end(coherence(_keysets(body, gaz), story or set()), boundaries)
    dropped += body[end:]
    return "\n\n".join(body[:end]), dropped


def _title(raw: str, text: str, gaz: entities_mod.Gazetteer) -> str:
    """The headline: the short line before the body that best matches the body;
    failing that, the start of the first sentence."""
    body_keys = set(claims_mod._keys(text, gaz)[0])
    best, best_score = "", 1
    for line in raw.splitlines():
        line = normalize(line)
        if _is_body_block(line):
            break
        if 4 <= word_count(line) <= 20 and not line.endswith("."):
            score = len(set(claims_mod._keys(line, gaz)[0]) & body_keys)
            if score > best_score:
                best, best_score = line, score
    if best:
        return best
    words = text.split()
    return " ".join(words[:14]) + ("…" if len(words) > 14 else "")


def load(seeds_dir: Path, gaz: entities_mod.Gazetteer | None = None) -> list[Seed]:
    gaz = gaz or entities_mod.load()
    if not seeds_dir.is_dir():
        raise SeedError(f"seeds folder not found: {seeds_dir}")
    files = sorted(p for p in seeds_dir.iterdir() if p.suffix in SEED_SUFFIXES and p.is_file())
    if not files:
        raise SeedError(f"no seed documents (*.txt, *.md) in {seeds_dir}")
    raws = {path: path.read_bytes() for path in files}
    leads = []
    for data in raws.values():
        body = [b for b in _blocks(data.decode("utf-8", errors="replace")) if _is_body_block(b)]
        leads.append(_keysets(body[:LEAD_BLOCKS], gaz))
    story = story_vocabulary(leads)
    seeds = []
    for path, data in raws.items():
        raw = data.decode("utf-8", errors="replace")
        text, dropped = clean(raw, gaz, story)
        seed = Seed(id=path.stem, path=path, title=_title(raw, text, gaz), text=text, raw=raw,
                    sha256=hashlib.sha256(data).hexdigest(), dropped=dropped)
        seed.claims = claims_mod.extract(text, published="", gaz=gaz)
        if not seed.claims:
            log.warning("seed %s: no claims found", seed.id)
        seeds.append(seed)
    return seeds
