"""Compare: does a new claim update, contradict or restate a seed claim?

Retrieval and decision are separate. A BM25 index over the seed claims' normalised
keys (`retrieve.py`) finds the few candidates that talk about the same thing; explicit
rules then decide, and each decision records the rule, a confidence and the two
values compared, so a maintainer can see why an alert was raised.

The rules lean towards silence: a false alert costs more than a missed one, so
anything uncertain becomes `review`, which is reported but never alerted.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from monitor.claims import ATTRIBUTION_VERBS, DECISION_WORDS, Claim, _is_number_word, key_of
from monitor.claims import _negation as negation
from monitor.entities import key_for
from monitor.entities import load as load_gazetteer
from monitor.figures import Figure
from monitor.retrieve import Bm25Index
from monitor.text import STOPWORDS

ALERT_KINDS = ("update", "conflict")

# Thresholds on the weighted key overlap (0..1) between a new claim and a seed claim.
FIGURE_SIM = 0.15      # two claims with figures: the least overlap worth comparing them
STANCE_SIM = 0.34      # same proposition: needed before a polarity flip means anything
SUPPORT_SIM = 0.40     # a restatement
UNNAMED_SIM = 0.25     # a seed claim naming no party must match this well as a whole
CALLED_OFF_SIM = 0.15  # "the planned Yoon–Trump meeting will not take place": see _calls_off
ALERT_CONFIDENCE = 0.6  # below this an update/conflict becomes "review"

COMMITMENT = {"decide", "agree", "approve", "begin", "start", "sign", "announce", "launch",
              "complete", "finalize", "finalise", "confirm", "deliver", "hold", "met", "meet"}
REVISION_WORDS = {"now", "latest", "revised", "raise", "raised", "updated", "new", "rose",
                  "risen", "increase", "increased", "grown", "grew", "climb", "jump", "additional"}


@dataclass
class SeedClaim:
    id: str
    seed: str
    claim: Claim


@dataclass
class Decision:
    kind: str
    seed_claim: SeedClaim
    claim: Claim
    rule: str
    confidence: float
    similarity: float
    old_value: str = ""
    new_value: str = ""
    why: str = ""
    details: dict = field(default_factory=dict)

    @property
    def is_alert(self) -> bool:
        return self.kind in ALERT_KINDS


class SeedIndex:
    """Seed claims with a BM25 index of their keys, and key weights from the seeds.

    Seed claims with the same keys (wire copy, or the same sentence with other
    figures) share one index row, so retrieval cost follows the number of distinct
    statements, not the number of seed sentences.
    """

    MAX_TERMS = 8   # the rarest words of a claim are enough to find its peers

    def __init__(self, seed_claims: list[SeedClaim]):
        self.claims = seed_claims
        self.groups: dict[int, list[SeedClaim]] = {}
        df: Counter[str] = Counter()
        for sc in seed_claims:
            df.update(set(sc.claim.keys) | set(sc.claim.context_keys))
        n = max(1, len(seed_claims))
        self.df = df
        self.idf = {k: math.log((n + 1) / (c + 0.5)) + 1.0 for k, c in df.items()}
        self.default_idf = math.log((n + 1) / 0.5) + 1.0
        self._seed_weights: dict[int, tuple[dict[str, float], dict[str, float], float]] = {}
        self._new_weights: tuple[Claim, dict[str, float], float] | None = None
        self._tables: dict[int, FigureTable] = {}
        # the claim's own words and the sentence before it are separate columns, the
        # latter weighted low: context helps find "such measures", it must not dominate
        rows: dict[tuple[tuple, tuple], int] = {}
        for sc in seed_claims:
            units = sorted({_unit_term(f.unit) for f in sc.claim.figures if f.unit})
            row = (tuple(sc.claim.keys) + tuple(units), tuple(sc.claim.context_keys))
            rowid = rows.setdefault(row, len(rows))
            self.groups.setdefault(rowid, []).append(sc)
        self.retrieval = Bm25Index(list(rows), weights=(1.0, 0.3))
        self.settled = self._settled_possibilities()
        # every seed figure by measure, sorted, to tell in one bisection whether a new
        # figure is one the seeds already give (see compare_claim)
        given: dict[tuple, list[float]] = {}
        for sc in seed_claims:
            for f in sc.claim.figures:
                if f.unit and f.high <= f.low * 1.25:   # a stated figure, not "several thousand"
                    given.setdefault((f.unit, tuple(sorted(f.roles)), f.superlative), []).append(f.value)
        self.given = {slot: sorted(values) for slot, values in given.items()}

    def gives(self, new: Claim, fn: Figure) -> bool:
        """Does some seed state this very figure (same measure, same number), whoever it is
        about? A figure the baseline holds is not news, even when the new sentence leaves
        out the parties that would tie it to its seed sentence."""
        values = self.given.get((fn.unit, tuple(sorted(_roles(new, fn))), fn.superlative), [])
        i = bisect.bisect_left(values, fn.value * 0.995)
        return i < len(values) and values[i] <= fn.value * 1.005

    def _settled_possibilities(self) -> set[int]:
        """Seed claims that call something possible which another seed claim reports
        as fact ("troops could soon join" beside "troops are fighting"): the baseline
        already holds the outcome, so a later report of it is not news. Claims worded
        alike are decided once."""
        settled: set[int] = set()
        decided: dict[tuple, bool] = {}
        for sc in self.claims:
            claim = sc.claim
            if claim.stance != "possible" or not claim.hedge_heads:
                continue
            signature = (tuple(claim.keys), tuple(claim.hedge_heads), tuple(claim.entities))
            if signature not in decided:
                decided[signature] = self._is_settled(claim)
            if decided[signature]:
                settled.add(id(claim))
        return settled

    def _is_settled(self, claim: Claim) -> bool:
        heads = set(claim.hedge_heads)
        for other in self.candidates(claim, limit=8):
            o = other.claim
            if o is claim or o.stance != "asserted" or not _same_parties(claim, o):
                continue
            shared = {k for k in set(claim.keys) & set(o.keys) if not k.startswith("@")}
            if len(shared) < 2 or not shared & heads:
                continue
            doer, other_doer = _agent(claim.text, list(heads)), _agent(o.text, list(heads))
            if doer and other_doer and doer != other_doer:
                continue  # Russia supplying North Korea is not North Korea supplying Russia
            if len(shared & heads) >= 2 or self.similarity(claim, o, context=0.0) >= 0.5:
                return True
        return False

    def weight(self, key: str) -> float:
        return self.idf.get(key, self.default_idf)

    def _terms(self, keys: list[str]) -> list[str]:
        known = sorted({k for k in keys if k in self.idf}, key=lambda k: (self.df[k], k))
        return known[:self.MAX_TERMS]

    def candidates(self, claim: Claim, limit: int = 16) -> list[SeedClaim]:
        return [sc for group in self.candidate_groups(claim, limit) for sc in group]

    def figure_table(self, group: list[SeedClaim]) -> FigureTable:
        key = id(group)
        if key not in self._tables:
            self._tables[key] = FigureTable(group)
        return self._tables[key]

    def candidate_groups(self, claim: Claim, limit: int = 16) -> list[list[SeedClaim]]:
        """Best BM25 matches on the claim's rarest words, on its main clause, and among
        seed claims that count the same kind of thing (so a figure meets its peers);
        each match is a group of seed claims worded alike."""
        terms = self._terms(claim.keys)
        if not terms:
            return []
        found = self.retrieval.search(terms, limit)
        # and once more without the heads of compounds ("defense" of "air-defense"), which
        # are rare in the seeds and would otherwise crowd out the claim's plainer words
        heads = {k for k in claim.keys if any(o.endswith("-" + k) for o in claim.keys)}
        if heads & set(terms):
            found += self.retrieval.search(self._terms([k for k in claim.keys if k not in heads]), limit)
        core = self._terms(claim.core_keys)
        if core:
            found += self.retrieval.search(core, limit // 2)
        for unit in sorted({f.unit for f in claim.figures if f.unit}):
            found += self.retrieval.search(terms, limit // 2, required=_unit_term(unit))
            # and the seed figures of that measure about the same parties, however worded
            parties = sorted({key_for(e) for f in claim.figures if f.unit == unit
                              for e in f.entities + ([f.owner] if f.owner else [])} & self.idf.keys())
            if parties:
                found += self.retrieval.search(parties, limit // 2, required=_unit_term(unit))
        return [self.groups[rowid] for rowid in dict.fromkeys(found)]

    def _seed(self, seed: Claim) -> tuple[dict[str, float], dict[str, float], float]:
        cached = self._seed_weights.get(id(seed))
        if cached is None:
            own = {k: self.weight(k) for k in seed.keys}
            with_context = {k: self.weight(k) * 0.5 for k in seed.context_keys}
            with_context.update(own)
            cached = (own, with_context, sum(own.values()))
            self._seed_weights[id(seed)] = cached
        return cached

    def _new(self, new: Claim) -> tuple[dict[str, float], float]:
        if self._new_weights is None or self._new_weights[0] is not new:
            b = {k: self.weight(k) for k in new.keys}
            self._new_weights = (new, b, sum(b.values()))
        return self._new_weights[1], self._new_weights[2]

    def similarity(self, seed: Claim, new: Claim, context: float = 0.5) -> float:
        """Weighted Dice overlap; the seed's previous sentence counts at half weight
        (`context` 0.5) or not at all (0)."""
        with_context, own, _ = self.overlaps(seed, new)
        return with_context if context else own

    def overlaps(self, seed: Claim, new: Claim) -> tuple[float, float, float]:
        """Similarity with context, similarity without, and coverage, in one pass:
        decide needs all three for every candidate, and this is its inner loop."""
        own, with_context, total = self._seed(seed)
        b, b_total = self._new(new)
        shared_own = covered = shared_context = 0.0
        # in the new claim's word order: a set's order changes with the hash seed, and so
        # would the last digit of these sums, and with it which of two tied seeds wins
        for k, wb in b.items():
            wa = with_context.get(k)
            if wa is None:
                continue
            shared_context += wa if wa < wb else wb
            wo = own.get(k)
            if wo is not None:
                covered += wo
                shared_own += wo if wo < wb else wb
        denom = total + b_total
        if not denom:
            return 0.0, 0.0, 0.0
        return 2 * shared_context / denom, 2 * shared_own / denom, covered / total if total else 0.0


def _unit_term(unit: str) -> tuple[str, str]:
    """What a figure counts, as a search term no word can equal."""
    return ("unit", unit)


# ---------------------------------------------------------------- figures

def _roles(claim: Claim, fig: Figure) -> list[str]:
    """A share of people who say something "should not" happen are opposed to it, when
    the negation is in the share's own stretch of the sentence: in "66 percent said Seoul
    should limit itself to aid, and a further 16 percent said it should give no help",
    only the 16 percent refuse anything."""
    if fig.unit == "percent" and not fig.roles and claim.stance == "denied" and _negated_near(claim, fig):
        return ["oppose"]
    return fig.roles


def _negated_near(claim: Claim, fig: Figure) -> bool:
    """Negation between the figures either side of this one (or the sentence's ends)."""
    start = max((f.end for f in claim.figures if f.end <= fig.start), default=0)
    end = min((f.start for f in claim.figures if f.start >= fig.end), default=len(claim.text))
    return negation(claim.text[start:end])[0]


def same_slot(index: SeedIndex | None, seed: Claim, fs: Figure, new: Claim, fn: Figure) -> bool:
    """Do two figures measure the same thing?

    Same unit, same fate (killed ≠ deployed), records only against records, and
    the parties named around the seed figure present in the new claim.
    """
    if fs.unit is None or fn.unit is None or fs.unit != fn.unit or fn.former:
        return False
    if fs.unit == "percent" and (fs.delta or fn.delta):
        return False  # "a further 16 percent said …" is one part of a poll's answers, not the whole
    if set(fs.roles) != set(_roles(new, fn)):
        return False
    if fs.superlative != fn.superlative:
        return False  # a record is comparable only with another record
    if (fs.event or fn.event) and not (fs.superlative and fn.superlative):
        return False  # one night's count is not revised by another night's
    if not set(fs.entities) <= set(new.entities):
        return False
    if fs.unit == "percent" and not {_nation(p) for p in _parties(seed)} <= _share_parties(seed, new):
        return False  # a share of whom, asked about what: "61 per cent were against such a delivery" (Germans)
    # and whose things the new figure counts must be a party of the seed claim:
    # "337 Ukrainian drones" do not count what "188 drones launched by Russia" counts
    if fs.owner and fn.owner:
        return _nation(fs.owner) == _nation(fn.owner)
    return not fn.owner or _nation(fn.owner) in {_nation(p) for p in _parties(seed)}


def _share_parties(seed: Claim, new: Claim) -> set[str]:
    """Whose share and on what: the claim's own parties, and its sentence's when the claim
    names nobody else ("…, saying 78 percent of South Koreans opposed supplying arms"
    asks about the Ukraine its sentence names; "61 per cent of respondents in Germany"
    borrows no South Korea from a clause comparing them)."""
    own = {_nation(p) for p in _parties(new)}
    if own - {_nation(p) for p in _parties(seed)}:
        return own
    return own | {_nation(p) for p in _sentence_parties(new)}


def _nation(party: str) -> str:
    """"South Korea people" and "South Korea" are the same side of a count or a share."""
    return party.removesuffix(" people")


def _parties(claim: Claim) -> set[str]:
    """The claim's entities and those of the sentence before it (for "such measures")."""
    names = _entity_names()
    return set(claim.entities) | {names.get(k[1:], k[1:]) for k in claim.context_keys if k.startswith("@")}


@lru_cache(maxsize=1)
def _entity_names() -> dict[str, str]:
    """Entity key ("north_korea") → canonical name ("North Korea")."""
    from monitor import entities as entities_mod

    return {entities_mod.key_for(n)[1:]: n for n in set(entities_mod.load().forms.values())}


def _relation(seed: Claim, fs: Figure, new: Claim, fn: Figure) -> str | None:
    """How a new figure stands to a seed figure that measures the same thing."""
    if fn.low > 0 and fn.high / fn.low >= 2.5:
        # "thousands of soldiers" told in passing revises no estimate, even with a "now"
        return "support" if fs.overlaps(fn) and fs.delta == fn.delta else None
    if fs.superlative and fn.superlative and not fs.overlaps(fn) and not _beats(fs, new, fn):
        return None  # a smaller "largest attack" is the record of one city or month, or an old one
    if fn.delta and not fs.delta:
        return "update"            # an increment on a known total
    if (fn.change or _revised_up_or_down(new)) and abs(fn.value - fs.value) > 0.05 * max(fs.value, 1):
        return "update"            # "has risen to about 12,000": a revision, not a rounding
    if _agrees(fs, fn):
        return "support" if fs.delta == fn.delta else None  # "3,000 more" is not "3,000 in total"
    if fn.change or _revised(new) or _later(seed, new):
        return "update"
    return "conflict"


def _agrees(fs: Figure, fn: Figure) -> bool:
    """One figure's value lies in the other's range: "some 11,000" agrees with "about
    10,000", but "11,000 to 12,000" only touches its edge and is a higher estimate."""
    return fs.low <= fn.value <= fs.high or fn.low <= fs.value <= fn.high


def _beats(fs: Figure, new: Claim, fn: Figure) -> bool:
    """Does the new record go past the old one, upwards (or downwards for the fewest)?"""
    if re.search(r"\b(?:lowest|smallest|fewest)\b|(?<!\bat )\bleast\b", new.text, re.I):
        return fn.value < fs.value
    return fn.value > fs.value


_ORDER = {"update": 3, "conflict": 2, "support": 4}


def compare_figures(index: SeedIndex, seed: Claim, new: Claim) -> tuple[str, Figure, Figure] | None:
    """The strongest figure relation between two claims: support, update or conflict."""
    best: tuple[str, Figure, Figure] | None = None
    for fs in seed.figures:
        for fn in new.figures:
            if not same_slot(index, seed, fs, new, fn):
                continue
            kind = _relation(seed, fs, new, fn)
            if kind and (best is None or _ORDER[kind] > _ORDER[best[0]]):
                best = (kind, fs, fn)
    return best


class FigureTable:
    """The figures of a group of seed claims that share their wording, by measure.

    Many seed sentences that differ only in their numbers would make a pairwise
    comparison linear in their count; sorted by range, the few that can overlap a
    new figure are found by bisection, and one of the rest stands for all of them.
    """

    def __init__(self, members: list[SeedClaim]):
        by_slot: dict[tuple, list[tuple[float, float, SeedClaim, Figure]]] = {}
        for sc in members:
            for fs in sc.claim.figures:
                if fs.unit is None:
                    continue
                if fs.event and not fs.superlative:
                    continue  # event counts compare only as records; see same_slot
                slot = (fs.unit, tuple(sorted(fs.roles)), fs.superlative, frozenset(fs.entities))
                by_slot.setdefault(slot, []).append((fs.low, fs.high, sc, fs))
        self.slots = {}
        for slot, entries in by_slot.items():
            entries.sort(key=lambda e: (e[0], e[1]))
            lows = [e[0] for e in entries]
            reach, top = [], float("-inf")
            for e in entries:
                top = max(top, e[1])
                reach.append(top)
            self.slots[slot] = (entries, lows, reach)

    def nearby(self, fn: Figure, new: Claim) -> list[tuple[SeedClaim, Figure]]:
        """Seed figures of the same measure that overlap fn, plus the nearest on each side."""
        found = []
        for (unit, roles, superlative, parties), (entries, lows, reach) in self.slots.items():
            if unit != fn.unit or roles != tuple(sorted(_roles(new, fn))) or superlative != fn.superlative:
                continue
            if fn.event and not superlative:
                continue
            if not parties <= set(new.entities):
                continue
            end = bisect.bisect_right(lows, fn.high)      # entries starting at or below fn.high
            start = bisect.bisect_left(reach, fn.low, 0, end)  # first whose reach gets to fn.low
            picked = list(range(start, end))
            if start > 0:
                picked.append(start - 1)
            if end < len(entries):
                picked.append(end)
            found += [(entries[i][2], entries[i][3]) for i in picked]
            delta_free = next((e for e in entries if not e[3].delta), None)
            if fn.delta and delta_free:
                found.append((delta_free[2], delta_free[3]))
        return found


def compare_figures_in_group(table: FigureTable, new: Claim) -> tuple[str, SeedClaim, Figure, Figure] | None:
    """compare_figures over a whole group of seed claims, through its FigureTable."""
    best: tuple[str, SeedClaim, Figure, Figure] | None = None
    for fn in new.figures:
        if fn.unit is None:
            continue
        for sc, fs in table.nearby(fn, new):
            if not same_slot(None, sc.claim, fs, new, fn):
                continue
            kind = _relation(sc.claim, fs, new, fn)
            if kind and (best is None or _ORDER[kind] > _ORDER[best[0]]):
                best = (kind, sc, fs, fn)
    return best


_REVISION_VERBS = {"revise", "raise", "rise", "increase", "grow", "climb", "jump", "upgrade", "lower", "cut",
                   "reduce", "fall", "drop", "decline"}


def _revised_up_or_down(claim: Claim) -> bool:
    """An explicit revision verb anywhere in the sentence: '…, revising its figure upward'."""
    return any(key_of(w) in _REVISION_VERBS for w in re.findall(r"[A-Za-z]+", claim.sentence or claim.text))


def _revised(claim: Claim) -> bool:
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", claim.text)}
    return bool(words & REVISION_WORDS)


def _later(seed: Claim, new: Claim) -> bool:
    if not new.published:
        return False
    if not seed.published:
        return True  # seeds are the baseline: anything dated is reported after them
    return new.published[:10] > seed.published[:10]


# ---------------------------------------------------------------- stance

def _scope_hits(negated_claim: Claim, other: Claim, within: list[str] | None = None) -> bool:
    """Does the negation cover the other claim's proposition, not just a side word?

    Of the content words the negation governs, one of the first two ("declined to
    *provide*", "no date has been *set*") must be in the other claim, and so must at
    least half of them (two at least, when there are two), with two words shared
    in all counting the parties named in the scope.
    """
    scope = [k for k in negated_claim.negation_scope if len(k) > 2]
    if within is not None:
        other_keys = set(within)
    else:
        other_keys = set(other.keys) | {key_of(w) for w in re.findall(r"[A-Za-z]+", other.text)}
    words = list(dict.fromkeys(k for k in scope if not k.startswith("@") and not _is_number_word(k)
                               and k not in _SCOPE_FILLER))
    if not words or not any(h in other_keys for h in words[:2]):
        return False
    # "no public confirmation of these transfers": what is unconfirmed must come back,
    # not only the confirming ("the first public confirmation that the troops fought")
    things = [k for k in words if k not in _EVIDENCE]
    if len(things) < len(words) and things and not any(k in other_keys for k in things):
        return False
    # a party the negation names comes back too: "declined to provide weapons *to
    # Ukraine*" is not answered by "South Korea's arms exports reached $9.5 billion"
    parties = {k for k in scope if k.startswith("@")}
    if parties and not parties & (other_keys | {key_for(e) for e in _sentence_parties(other)}):
        return False
    shared_words = [k for k in words if k in other_keys]
    if len(shared_words) / len(words) < 0.5:
        return False
    if len(shared_words) < min(2, len(words)) and not _restates(other, negated_claim):
        return False
    return len({k for k in scope if k in other_keys}) >= 2


def _sentence_parties(claim: Claim) -> list[str]:
    """The parties of the whole sentence, its speaker's too ("*Ukrainian* President
    Zelenskyy said he planned to present a request to Seoul")."""
    return claim.entities + load_gazetteer().entities(claim.sentence)


# Words that sit in a denial's scope without being what is denied: "no *military* units
# on the *territory* of Russia" denies the units.
# words about knowing or saying a thing, not the thing itself
_EVIDENCE = {"public", "publicly", "official", "officially", "confirmation", "confirm", "evidence", "proof", "sign",
             "indication", "comment", "word", "verification", "verify", "acknowledgement", "acknowledgment",
             "acknowledge", "report"}
_SCOPE_FILLER = {"military", "territory", "soil", "region", "area", "single", "currently", "active", "between",
                 "go", "ahead", "take", "place", "happen", "proceed", "occur"}


def _restates(short: Claim, long: Claim) -> bool:
    """Does `long` name nearly everything `short` says ("has troops in Russia")?"""
    keys = set(short.keys)
    return bool(keys) and len(keys & set(long.keys)) / len(keys) >= 0.75


def _realises(seed: Claim, new: Claim) -> str:
    """Does the new claim report as done what the seed only called possible?

    The thing hedged in the seed ("a *visit* to Russia is likely") must appear in
    the new claim next to a sign of completion ("arrived … for a visit", "decided
    to supply", "visited"), and next to the same party the seed put beside it.
    """
    heads = [h for h in seed.hedge_heads if len(h) > 2]
    if not heads or not _same_thing(seed, new, heads):
        return ""
    countries = _near_entities(seed.text, heads, 6, names=False)
    if not {_nation(c) for c in countries} <= {_nation(e) for e in new.entities}:
        return ""  # "Russia … supply North Korea with …" is realised only towards North Korea
    anchors = countries or _near_entities(seed.text, heads, 6)
    found = list(re.finditer(r"[A-Za-z']+", new.text))
    tokens, tokens_at = [m.group(0) for m in found], [m.start() for m in found]
    words = [w.lower() for w in tokens]
    keys = [key_of(w) for w in words]
    if heads[0] not in keys:
        return ""  # the act itself must come back: "officials asked about weapons" supplies none
    for i, k in enumerate(keys):
        if k not in heads:
            continue
        before = keys[max(0, i - 3):i]
        if i and words[i - 1] == "to" and set(keys[max(0, i - 5):i]) & _URGING:
            continue  # "encouraged Trump to resume contacts": asked for, not done
        completed = (set(before) & COMMITMENT or _past_tense(words[i]) or _took_place(words, i)
                     or any(_past_tense(w) and key_of(w) not in ATTRIBUTION_VERBS for w in words[:i]))
        if _only_named(words, keys, i, heads):
            continue
        if not completed:
            continue
        near = set(_near_entities(new.text, [k], 8)) | set(_near_entities(new.text, [k], 8, names=False))
        if anchors and not (near & set(anchors)):
            continue
        # the doer of the seed's own act, not of the thing it moves: in "Pyongyang has
        # supplied Moscow with missiles" Moscow stands before "missiles", not "supplied"
        seed_agent, new_agent = _agent(seed.text, heads), _agent(new.text, heads[:1])
        if seed_agent and new_agent and seed_agent != new_agent:
            continue  # "Russia begins supplying North Korea" is not "North Korea ships to Russia"
        if seed_agent and seed_agent == _destination(new.text[tokens_at[i]:], heads):
            continue  # "… confirming that it had shipped missiles to Russia": the other way round
        owner = _OWNER_BEFORE.search(new.text[max(0, tokens_at[i] - 60):tokens_at[i]])
        if owner and _destination(seed.text, heads) in load_gazetteer().entities(owner.group(1)):
            continue  # "a visit to Russia by Kim" is not "the Russian leader's state visit"
        if not anchors and index_free_similarity(seed, new) < 0.5:
            continue
        return words[i]
    return ""


def _same_thing(seed: Claim, new: Claim, heads: list[str]) -> bool:
    """The new claim has what the seed's hedged act would move: "supplying *weapons*"
    is not "transferring technology"."""
    thing = _object_after(seed.text, heads)
    if not thing:
        return True
    moved = _object_after(new.text, heads)
    itemised = re.search(r"\b(?:including|such as|in the form of)\b", new.text) and _ARMS & set(new.keys)
    if moved and moved[0] in _KNOW_HOW and thing[-1] not in _KNOW_HOW and not itemised:
        return False  # "transferred technology for … guidance systems" moves no systems
    if thing[-1] in new.keys:
        return True
    return bool(set(thing) & (_ARMS | {"defense"})) and bool(_ARMS & set(new.keys))


_KNOW_HOW = {"technology", "know-how", "expertise", "assistance", "help", "aid", "support", "training", "advice"}


_PRONOUN = re.compile(r"\b(?:it|he|she|they|we)\b", re.I)
# verbs that ask for, plan or promise what follows "to", which is then not done
_URGING = {"encourage", "urge", "ask", "call", "press", "push", "want", "hope", "seek", "propose",
           "suggest", "invite", "plan", "intend", "aim", "expect", "try", "attempt", "offer", "threaten",
           "promise", "pledge", "vow", "prepare", "consider", "refuse", "fail", "wish", "demand", "appeal"}


def _agent(text: str, heads: list[str]) -> str:
    """The party named last before the first head word, in its clause: who does it.
    A pronoun in between means the doer is named elsewhere: unknown."""
    from monitor import entities as entities_mod

    for m in re.finditer(r"[A-Za-z']+", text):
        if key_of(m.group(0)) in heads:
            clauses = re.split(r"[,;:]", text[:m.start()])
            clause = clauses[-1]
            if len(clauses) > 1 and re.match(r"\s*(?:which|who)\b", clause) and not entities_mod.load().find(clause):
                clause = clauses[-2]   # "deals with Poland, which can then send …": Poland sends
            found = entities_mod.load().find(clause)
            if not found:
                return ""
            start, end, canon = found[-1]
            return "" if _PRONOUN.search(clause[end:]) else canon
    return ""


# "the Russian leader's state …", "Russia's …": whose act the next word is
_OWNER_BEFORE = re.compile(r"([A-Z][\w-]*(?:\s+[a-z]+)?)['’]s\s+(?:[a-z]+\s+){0,2}$")


def _destination(text: str, heads: list[str]) -> str:
    """The party an act is aimed at, named just after it: "a visit *to Russia*"."""
    for m in re.finditer(r"[A-Za-z']+", text):
        if key_of(m.group(0)) in heads:
            to = re.match(r"\s+(?:[a-z][\w-]*\s+){0,3}?(?:to|toward|towards|into)\s+"
                          r"((?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)", text[m.end():])
            found = load_gazetteer().entities(to.group(1)) if to else []
            return found[0] if found else ""
    return ""


# Kinds of weapon: "155mm artillery shells" are the weapons a seed said might be sent.
_ARMS = {"weapon", "artillery", "shell", "missile", "howitzer", "tank", "rocket", "ammunition", "interceptor",
         "munition", "drone", "air-defense"}


def _object_after(text: str, heads: list[str]) -> list[str]:
    """The thing a hedged verb acts on, as keys: "could begin supplying *weapons* to
    Kyiv", "supply North Korea with *missile defense systems*" (its head noun last)."""
    words = re.findall(r"[A-Za-z'’-]+|[^\sA-Za-z'’-]", text)
    for i, w in enumerate(words):
        if key_of(w) not in heads:
            continue
        j = i + 1
        while j < len(words) and words[j][:1].isupper():
            j += 1   # "supply North Korea with …": the party first, the object after "with"
        if j > i + 1:
            if j >= len(words) or words[j].lower() != "with":
                return []   # "visit Russia in the coming weeks": a party, no object
            j += 1
        phrase: list[str] = []
        for x in words[j:j + 4]:
            if not x[:1].isalpha() or x[:1].isupper():
                break
            k = key_of(x)
            if x.lower() in STOPWORDS or len(k) < 3:
                if phrase:
                    break
                continue
            if k != key_of(w):
                phrase.append(k)
        return phrase
    return []


def _took_place(words: list[str], i: int) -> bool:
    """'the meeting had taken place', 'talks were held': the thing happened."""
    after = " ".join(words[i + 1:i + 5])
    return bool(re.match(r"(?:had |has |have |was |were )?(?:taken place|took place|held|happened|went ahead)", after))


def _near_entities(text: str, heads: list[str], span: int, names: bool = True) -> list[str]:
    """Parties within `span` words of any of the head words: countries (normalised)
    and other names ("Trump", "Yoon"), so an anchor works for people too."""
    from monitor import entities as entities_mod

    gaz = entities_mod.load()
    matches = list(re.finditer(r"[A-Za-z']+", text))
    found: list[str] = []
    for i, m in enumerate(matches):
        if key_of(m.group(0)) not in heads:
            continue
        lo = matches[max(0, i - span)].start()
        hi = matches[min(len(matches) - 1, i + span)].end()
        window = text[lo:hi]
        near = gaz.entities(window)
        if names:
            near = [w.lower() for w in re.findall(r"(?<=\s)[A-Z][a-z]+", window)
                    if gaz.canonical(w) is None and w.lower() not in STOPWORDS]
        found += [e for e in near if e not in found]
    return found


def index_free_similarity(seed: Claim, new: Claim) -> float:
    a, b = set(seed.keys), set(new.keys)
    # a compound and its head ("air-defense", "defense") are one word here, unless the other side has the head
    a = {k for k in a if k in b or not any(o.endswith("-" + k) for o in a)}
    b = {k for k in b if k in a or not any(o.endswith("-" + k) for o in b)}
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


_IRREGULAR_PAST = {"met", "sent", "gave", "began", "held", "made", "took", "went", "sold", "fought",
                   "brought", "bought", "struck", "shot", "won", "lost", "told", "came", "left"}


_BE = {"is", "are", "was", "were", "been", "be"}


def _under_way(words: list[str], keys: list[str], j: int) -> bool:
    """Is the -ing form at j reported as happening: "is sending", "began sending"?"""
    return bool(set(keys[max(0, j - 3):j]) & COMMITMENT or (j and words[j - 1] in _BE))


def _only_named(words: list[str], keys: list[str], i: int, heads: list[str]) -> bool:
    """Is the hedged act at i (or just before the thing at i) an -ing form that names
    it without doing it? "debated sending weapons", "warned that sending weapons would …";
    but "is sending weapons" and "began sending weapons" report it under way."""
    for j in range(i, max(-1, i - 4), -1):
        if words[j].endswith("ing") and keys[j] in heads:
            return not (_under_way(words, keys, j) or _took_place(words, j))
    return False


def _past_tense(word: str) -> bool:
    return word in _IRREGULAR_PAST or (word.endswith("ed") and len(word) > 4)


def _calls_off(seed: Claim, new: Claim) -> bool:
    """A plan the seed called possible, called off in other words: the denial names
    the plan itself and two of the seed's people, and says so firmly ("will not"), or
    says the plan was shelved, cancelled or halted."""
    if seed.stance != "possible":
        return False
    # the plan is a hedged word of the seed's, not one of the people named ("a meeting
    # between Trump and Yoon will not take place" calls off no "shift" Yoon signalled),
    # and it is what the negation denies: "will not *meet*", "the meeting … will not *take place*"
    plan = (set(new.keys) & set(seed.hedge_heads) & _PLANNED) - _names(new.text)
    if not plan or len(_names(seed.text) & _names(new.text)) < 2:
        return False
    if new.stance == "denied" and _decides(new):
        scope = {k for k in new.negation_scope if not k.startswith("@")}
        return bool(plan & scope) or bool(_HAPPEN & scope)
    return new.stance == "asserted" and bool(_CANCELLED.search(new.text))


_CANCELLED = re.compile(r"\b(?:shelv|cancel|call(?:ed|s)? off|scrap|postpon|halt|abandon|suspend)\w*", re.I)


_HAPPEN = {"place", "happen", "proceed", "ahead", "occur", "hold"}
# things that are planned and then happen or not: a meeting, a visit, a trip
_PLANNED = {"meet", "meeting", "visit", "summit", "talk", "trip", "tour", "conference", "ceremony", "parade"}


def _names(text: str) -> set[str]:
    """Capitalised words inside a sentence: the people and bodies it names."""
    return {w.lower() for w in re.findall(r"(?<=\s)[A-Z][a-z]{2,}", text) if w.lower() not in STOPWORDS}


def _decides(claim: Claim) -> bool:
    words = {w.lower() for w in re.findall(r"[A-Za-z']+", claim.text)}
    lemmas = {key_of(w) for w in words}
    return bool((words | lemmas) & DECISION_WORDS)


def compare_stance(seed: Claim, new: Claim, settled: bool = False, overlap: float = 1.0) -> tuple[str, str] | None:
    """Relation from stance alone: asserted / possible / denied."""
    s, n = seed.stance, new.stance
    if s == n:
        return ("support", f"both {s}")
    if _CONTRAST.search(new.sentence):
        return None  # "rather than arming Kyiv directly, Seoul …", "not X, but Y": says both
    # a contradiction needs the new claim's own party to be one the seed claim is about;
    # a seed claim that names no country must share two other names ("Yoon", "Trump")
    # or be matched by the new sentence as a whole, not just by its denial's words
    if seed.entities:
        mutual = bool(new.entities) and new.entities[0] in seed.entities
    else:
        mutual = len(_names(seed.text) & _names(new.text)) >= 2 or overlap >= UNNAMED_SIM
    if n == "denied" and _URGED_TO_STOP.search(new.text) and not negation(_URGED_TO_STOP.sub(" ", new.text))[0]:
        return None  # "urged Pyongyang to stop its support": asked, not denied
    if n == "denied" and s == "asserted":
        # and the same doer: "Seoul should not provide support" leaves "the support Russia
        # is providing" as it was
        # the negated verb, past "is not planning to": "… to *send* troops"
        denied_act = [k for k in new.negation_scope if not k.startswith("@") and k not in _URGING][:1]
        denied_act = [k for k in denied_act if k in seed.keys]
        if mutual and _scope_hits(new, seed, within=seed.keys) and not _nearly_none(seed, new) \
                and not _doers_differ(seed, new, denied_act):
            return ("conflict", "seed asserted, new denied")
        return None
    if n == "denied" and s == "possible":
        # "has not sent" leaves a possibility open; "will not send" / "ruled out" closes it,
        # but "has long refused" tells a standing policy, which the seed already weighed
        if mutual and _scope_hits(new, seed) and _decides(new) and not _HABITUAL.search(new.text):
            return ("conflict", "seed possible, new ruled out")
        return None
    if s == "denied" and n == "asserted":
        refused = [k for k in seed.negation_scope if not k.startswith("@")][:1]   # the refused verb
        if mutual and _scope_hits(seed, new, within=new.keys) and _asserts_act(seed, new) \
                and _answers_deniers(seed, new) and not _doers_differ(seed, new, refused):
            return ("conflict", "seed denied, new asserted")
        return None
    if s == "possible" and n == "asserted":
        done = _realises(seed, new) if not settled else ""
        if done:
            return ("update", f"seed possible, new done ({done})")
        act = [h for h in seed.hedge_heads if len(h) > 2][:1]   # the hedged verb: "could begin *supplying*"
        if mutual and _first_acknowledged(new, seed) and not _other_agent(seed, new) \
                and _same_thing(seed, new, act):
            # others may have reported it (the seeds too); a party owning it is the news
            return ("update", "seed possible, now acknowledged for the first time")
        return None
    return None


# "urged Pyongyang to stop …", "called on Moscow to withdraw …": a demand, not a denial
_URGED_TO_STOP = re.compile(r"\b(?:urg|ask|press|demand|appeal|call(?:ed|s|ing)? on|call(?:ed|s|ing)? for)\w*\b"
                            r"[^.;]{0,50}?\bto (?:stop|end|halt|cease|withdraw|pull out|suspend)\b", re.I)
# "not X, but Y" between two things; "would not provide weapons, but would expand aid"
# (a clause of its own after "but") is a refusal with an alternative, and still a refusal
_CONTRAST = re.compile(r"\b(?:rather than|instead of)\b|\bnot\b[^.;]{1,60}?,\s*but\b(?!\s+(?:would|will|could|should|"
                       r"can|may|might|must|has|have|had|is|are|was|were|did|does|do|it|he|she|they|we|also)\b)",
                       re.I)

# "confirmed for the first time that …", "the first time Pyongyang has publicly admitted …"
_ACKNOWLEDGE = r"(?:confirm|admit|acknowledg|conced)\w*"
_FIRST_ACKNOWLEDGED = re.compile(
    r"\b" + _ACKNOWLEDGE + r"\s+(?:on \w+day\s+)?for the first time\b"
    r"|\bfor the first time\s*,?\s+(?:\w+\s+){0,3}?(?:publicly |officially |openly )?" + _ACKNOWLEDGE +
    r"|\bthe first time\s+(?:\w+\s+){1,3}?(?:publicly|officially|openly)\s+" + _ACKNOWLEDGE +
    r"|\bfirst (?:public|official) (?:admission|acknowledg\w*|confirmation)\b", re.I)


def _first_acknowledged(new: Claim, seed: Claim) -> bool:
    """A party of the seed claim owning, for the first time, something done: the one who
    acknowledges is named just before the words, and what is acknowledged is in the past
    ("sent", "had fought"), not "is under review" or "are in Russia"."""
    m = _FIRST_ACKNOWLEDGED.search(new.text)
    if not m:
        return False
    before = load_gazetteer().entities(new.text[max(0, m.start() - 40):m.end()])
    if not before or before[-1] not in seed.entities:
        return False
    rest = re.findall(r"[A-Za-z']+", (new.text[:m.start()] + " " + new.text[m.end():]).lower())
    return any(_past_tense(w) and key_of(w) not in ATTRIBUTION_VERBS for w in rest)


def _other_agent(seed: Claim, new: Claim) -> bool:
    """Different doers of the hedged act: "Russia … supply North Korea" is not "North Korea sent"."""
    return _doers_differ(seed, new, [h for h in seed.hedge_heads if len(h) > 2])


def _doers_differ(a: Claim, b: Claim, heads: list[str]) -> bool:
    """Each claim names who does the act, and they are not the same party."""
    if not heads:
        return False
    doer_a, doer_b = _agent(a.text, heads), _agent(b.text, heads)
    return bool(doer_a and doer_b and doer_a != doer_b)


def _nearly_none(seed: Claim, new: Claim) -> bool:
    """"has shown *little* willingness" already says about what "has shown *no*
    willingness" says: a seed near-negative is restated, not contradicted, by a negation."""
    head = next((k for k in new.negation_scope if not k.startswith("@")), "")
    words = re.findall(r"[A-Za-z']+", seed.text.lower())
    return any(w in ("little", "scant", "few", "limited", "hardly", "barely") and head in
               {key_of(x) for x in words[i + 1:i + 3]} for i, w in enumerate(words))


def _answers_deniers(seed: Claim, new: Claim) -> bool:
    """"Moscow and Pyongyang have both denied the transfer": a third party saying the
    shells were sent repeats the allegation the denial answered; only the deniers
    themselves, saying so, contradict it. A denial nobody voiced has no such limit."""
    if key_of(seed.speech_verb.lower()) != "deny":
        return True
    deniers = set(load_gazetteer().entities(seed.speaker))
    if not deniers:
        return True
    voices = set(load_gazetteer().entities(new.speaker)) if new.speaker else set()
    for m in _VOICED.finditer(new.sentence):
        voices |= set(load_gazetteer().entities(m.group(1)))
    if new.entities and _ADMISSION.search(new.sentence):
        voices.add(new.entities[0])   # "Russia has received …, the first acknowledgement of …"
    return bool(deniers & voices)


_ADMISSION = re.compile(r"\bfirst\s+(?:public\s+|official\s+)?(?:admission|acknowledg\w*|confirmation)\b", re.I)


# who says it, anywhere in the sentence: "the Kremlin spokesman said", "Pyongyang has
# openly described", "North Korea has publicly acknowledged"
_VOICED = re.compile(r"\b((?:[A-Z][\w'’.-]*\s+){0,3}[A-Z][\w'’.-]*)\s+(?:[a-z]+\s+){0,2}?(?:said|says|told|"
                     r"reported|admitted|acknowledged|confirmed|announced|stated|described|disclosed|"
                     r"revealed|conceded)\b")


# the refusal itself told as a habit ("has long refused"), not a ban kept by a new decision
_HABITUAL = re.compile(r"\b(?:has|have|had) (?:long|always|traditionally)\b|\btraditionally\b"
                       r"|\bfor (?:decades|years)\b"
                       r"|\b(?:practice|policy|tradition|principle) of (?:not|never)\b", re.I)


def _asserts_act(seed: Claim, new: Claim) -> bool:
    """Does the new claim report the act the seed denies, not just name it? "Seoul armed
    Kyiv" does; "That is not the same as Seoul arming Kyiv" names it after a preposition."""
    scope = {k for k in seed.negation_scope if not k.startswith("@")}
    words = [w.lower() for w in re.findall(r"[A-Za-z']+", new.text)]
    keys = [key_of(w) for w in words]
    named_until = -1   # words of a phrase that only names the act ("hard to ship weapons")
    for i, k in enumerate(keys):
        if i <= named_until:
            continue
        gerund = words[i].endswith("ing") and not _under_way(words, keys, i)
        infinitive = i and words[i - 1] == "to" and not set(keys[max(0, i - 4):i - 1]) & COMMITMENT
        if gerund or infinitive:
            named_until = i + 3   # "make it hard to ship weapons": an infinitive reports nothing done
            continue
        if k in scope:
            return True
    return False


# ---------------------------------------------------------------- decision

def _same_parties(seed: Claim, new: Claim) -> bool:
    """The new claim names the seed claim's main party and shares most entities."""
    if not seed.entities:
        return True
    if not new.entities:
        return False
    if seed.entities[0] not in new.entities:
        return False
    shared = set(seed.entities) & set(new.entities)
    return len(shared) >= min(2, len(set(seed.entities)), len(set(new.entities)))


def decide(index: SeedIndex, sc: SeedClaim, new: Claim, table: FigureTable | None = None) -> Decision | None:
    """The relation of a new claim to one seed claim (or, with `table`, to the group of
    seed claims worded like it), with the rule that fired."""
    seed = sc.claim
    sim, sim_own, cover = index.overlaps(seed, new)
    # the stance rules below need this much overlap; most candidates fall short, and
    # leaving here spares them the party and figure checks
    stance_sim = max(sim_own, 0.7 * cover) if cover >= 0.5 else sim_own
    figures_possible = bool(seed.figures and new.figures and sim >= FIGURE_SIM)
    if not figures_possible and (stance_sim < CALLED_OFF_SIM
                                 or (stance_sim < STANCE_SIM and seed.stance != "possible")):
        return None
    fig = None
    if figures_possible:
        if table is None:
            found = compare_figures(index, seed, new)
            fig = (found[0], sc, found[1], found[2]) if found else None
        else:
            fig = compare_figures_in_group(table, new)
    if fig and fig[0] != "support" and _hedged_count(new, fig[3]) and not _hedged_count(fig[1].claim, fig[2]):
        fig = None  # "could send as many as 100,000 soldiers": a what-if revises no count
    if fig:
        kind, sc, fs, fn = fig
        confidence = min(1.0, 0.45 + max(sim, cover * 0.5))
        rule = {"update": "figure-update", "conflict": "figure-conflict", "support": "figure-match"}[kind]
        if kind == "update" and fn.delta:
            rule = "figure-increment"
        why = (f"same measure ({fs.unit}{', ' + '/'.join(fs.roles) if fs.roles else ''}); "
               f"seed {fs.describe()} vs new {fn.describe()}")
        return Decision(kind=kind, seed_claim=sc, claim=new, rule=rule, confidence=confidence,
                        similarity=sim, old_value=fs.describe(), new_value=fn.describe(), why=why,
                        details={"unit": fs.unit, "figure": new.figures.index(fn),
                                 "distance": abs(math.log(max(fn.value, 1e-9) / max(fs.value, 1e-9)))})
    # stance needs the sentence itself to match: either overall, or by repeating a short seed claim
    sim = stance_sim
    if not _same_parties(seed, new) or not _substantial(new):
        return None
    called_off = sim < STANCE_SIM and sim >= CALLED_OFF_SIM and _calls_off(seed, new)
    if sim < STANCE_SIM and not called_off:
        return None
    if seed.figures and new.figures and _any_same_unit(seed, new):
        return None  # figures of the same kind that do not line up: different facts
    stance = compare_stance(seed, new, settled=id(seed) in index.settled, overlap=sim_own)
    if stance is None and called_off and not _CONTRAST.search(new.sentence):
        stance = ("conflict", "seed possible, the plan called off")
    if stance is None:
        return None
    kind, how = stance
    if kind == "support" and (sim_own < SUPPORT_SIM or seed.figures or len(set(seed.keys) & set(new.keys)) < 3):
        # a restatement repeats the seed sentence itself, not a few of its words (which a
        # three-word fragment gets from anything), and a seed figure is restated only by
        # the same figure, which the figure rules above judge
        return None
    confidence = min(1.0, 0.3 + sim) if not called_off else ALERT_CONFIDENCE + 0.05
    return Decision(kind=kind, seed_claim=sc, claim=new, rule=f"stance-{kind}",
                    confidence=confidence, similarity=sim, old_value=seed.stance,
                    new_value=new.stance, why=f"{how}; overlap {sim:.2f}")


def _hedged_count(claim: Claim, fig: Figure) -> bool:
    """Is what the figure counts itself what might happen ("could send 100,000 soldiers"),
    not something beside it ("the deployment of 10,000 troops has led Seoul to reconsider")?"""
    if claim.stance != "possible":
        return False
    # a modal or a plan in the same stretch of the sentence, at most six words before the
    # figure ("has likely sent some 15,000" is an estimate of what was done, and counts)
    # "the total could be closer to 12,000" is an estimate of what is, not a what-if
    stretch = re.split(r"[,;:]", claim.text[:fig.start])[-1]
    # "is likely to send 20,000 more" is a forecast; "has likely sent 15,000" an estimate
    return any(len(stretch[m.end():].split()) <= 6 and not re.match(r"\s+(?:\w+ly\s+)?be\b", stretch[m.end():])
               and (hedge.lower() in _WHAT_IF or re.match(r"\s+to\s+[a-z]", stretch[m.end():]))
               for hedge in claim.hedges
               for m in re.finditer(rf"\b{re.escape(hedge)}\b", stretch, re.I))


_WHAT_IF = {"could", "may", "might", "would", "can", "plan", "plans", "planned", "planning", "consider", "considers",
            "considering", "intend", "intends", "threaten", "threatens", "threatened", "offer", "offered", "propose",
            "proposed", "prepare", "prepares", "preparing"}


def _substantial(claim: Claim) -> bool:
    """Enough content to stand alone: "They often met with the president." is not."""
    words = {k for k in claim.keys if not k.startswith("@")}
    parties = set(claim.entities) or (_names(claim.text) if len(_names(claim.text)) >= 2 else set())
    return bool(parties) and (len(words) >= 2 or (len(words) == 1 and len(parties) >= 2))


def _any_same_unit(seed: Claim, new: Claim) -> bool:
    units = {f.unit for f in seed.figures if f.unit}
    return any(f.unit in units for f in new.figures)


def compare_claim(index: SeedIndex, new: Claim) -> list[Decision]:
    """All relations of one new claim, with restatements silencing contradictions.

    If the new sentence restates something the seeds already say, it is not news,
    even if it disagrees with another seed sentence: the seeds hold both views.
    """
    decisions = []
    for group in index.candidate_groups(new):
        table = index.figure_table(group) if len(group) > 1 else None
        if (d := decide(index, group[0], new, table)):
            decisions.append(d)
    # a figure some seed already gives is not news, whatever the other seeds say
    known = {d.details["figure"] for d in decisions if d.rule == "figure-match"}
    known |= {d.details["figure"] for d in decisions if d.rule.startswith("figure")
              and index.gives(new, new.figures[d.details["figure"]])}
    decisions = [d for d in decisions if not (d.rule in ("figure-update", "figure-conflict")
                                              and d.details["figure"] in known)]
    # (a restatement of a passing fragment, "targeting 17 of Ukraine's regions", does not
    # silence a contradiction the sentence engages more fully)
    restated = max((d.similarity for d in decisions if d.kind == "support"), default=None)
    if restated is not None:
        decisions = [d for d in decisions if d.kind == "support" or d.rule.startswith("figure")
                     or (d.rule.startswith("stance") and d.old_value == "possible")
                     or d.similarity > restated]
    # one new figure is one piece of news: alert on the seed figure closest in value
    # (the estimate it revises), the most similar sentence breaking ties
    best_for_figure: dict[int, Decision] = {}
    for d in decisions:
        if d.is_alert and d.rule.startswith("figure"):
            cur = best_for_figure.get(d.details["figure"])
            if cur is None or (d.details["distance"], -d.similarity) < (cur.details["distance"], -cur.similarity):
                best_for_figure[d.details["figure"]] = d
    decisions = [d for d in decisions if not (d.is_alert and d.rule.startswith("figure"))
                 or best_for_figure.get(d.details["figure"]) is d]
    # and one change of stance is one piece of news: the most confident seed claim it settles
    stance_alerts = [d for d in decisions if d.is_alert and d.rule.startswith("stance")]
    if len(stance_alerts) > 1:
        keep = max(stance_alerts, key=lambda d: (d.confidence, d.similarity))
        decisions = [d for d in decisions if d not in stance_alerts or d is keep]
    for d in decisions:
        if d.is_alert and d.confidence < ALERT_CONFIDENCE:
            d.kind = "review"
    return decisions


def compare_article(index: SeedIndex, claims: list[Claim]) -> list[Decision]:
    """One decision per seed claim per article: the most confident, alerts first."""
    best: dict[str, Decision] = {}
    rank = {"update": 3, "conflict": 3, "review": 2, "support": 1}
    for claim in claims:
        for d in compare_claim(index, claim):
            cur = best.get(d.seed_claim.id)
            if cur is None or (rank[d.kind], d.confidence) > (rank[cur.kind], cur.confidence):
                best[d.seed_claim.id] = d
    return list(best.values())
