"""The story: what the seeds are about, used to pick feed items worth fetching.

Fetching every page of every feed would be slow and impolite, so an item's title
and summary must first share enough of the seeds' distinctive vocabulary.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from monitor import claims as claims_mod
from monitor import entities as entities_mod
from monitor.compare import SeedClaim, SeedIndex
from monitor.seeds import Seed

MIN_RELEVANCE = 2.5     # summed weight of story keys an item must mention
MIN_KEYS = 2            # and at least this many distinct ones
# words capitalised before a name that are not the name
_TITLES = {"president", "prime", "minister", "foreign", "defense", "defence", "secretary", "general", "leader",
           "supreme", "chairman", "spokesperson", "spokesman", "deputy", "vice", "former", "the", "according"}


@dataclass
class Story:
    seeds: list[Seed]
    index: SeedIndex
    weights: dict[str, float]
    gaz: entities_mod.Gazetteer

    def relevance(self, *texts: str) -> float:
        """Summed weight of the story words an item uses; an item that names two of a
        seed claim's parties and one of its other words scores at least the threshold."""
        keys = set()
        for text in texts:
            # a country's people count as the country here: "South Koreans" is on-story
            keys.update(k.removesuffix("_people") for k in claims_mod._keys(text, self.gaz)[0])
        hits = [self.weights[k] for k in keys if k in self.weights]
        score = sum(hits) if len(hits) >= MIN_KEYS else 0.0
        if score < MIN_RELEVANCE and self._echoes_a_claim(keys):
            score = MIN_RELEVANCE
        return score

    def _echoes_a_claim(self, keys: set[str]) -> bool:
        """Two of a seed claim's parties or people ("Yoon", "Trump") and one of its other
        words: "Planned Yoon-Trump meeting shelved" is about "Yoon and Trump agreed to meet"."""
        probe = claims_mod.Claim(text="", keys=sorted(keys))
        for sc in self.index.candidates(probe, limit=8):
            shared = keys & {k.removesuffix("_people") for k in sc.claim.keys}
            people = {w.lower() for w in re.findall(r"\b[A-Z][a-z]{2,}", sc.claim.text)} - _TITLES
            parties = [k for k in shared if k.startswith("@") or k in people]
            if len(parties) >= 2 and len(shared) - len(parties) >= 1:
                return True
        return False

    def matches(self, *texts: str) -> bool:
        return self.relevance(*texts) >= MIN_RELEVANCE


def build(seeds: list[Seed], gaz: entities_mod.Gazetteer, claim_ids: dict[tuple[str, int], str]) -> Story:
    """Story vocabulary: keys used by several seeds weigh most; one-off words little."""
    doc_freq: Counter[str] = Counter()
    for seed in seeds:
        doc_freq.update({k.removesuffix("_people") for c in seed.claims for k in c.keys})
    n = len(seeds)
    weights = {k: math.log(1 + c) / math.log(1 + n) for k, c in doc_freq.items() if c >= 2 or n == 1}
    seed_claims = [SeedClaim(id=claim_ids[(s.id, c.position)], seed=s.id, claim=c)
                   for s in seeds for c in s.claims]
    return Story(seeds=seeds, index=SeedIndex(seed_claims), weights=weights, gaz=gaz)
