"""Claims: one factual sentence each, with what it is about and how firmly it is said.

A claim carries its entities (normalised), figures (as ranges), polarity, hedging,
attribution and date, because the comparator decides from these parts, never from
the raw strings: "Seoul ruled out arms" and "South Korea may arm Kyiv" share few
words but are about the same fact with opposite stances.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from functools import lru_cache

from monitor import entities as entities_mod
from monitor import figures as figures_mod
from monitor.text import STOPWORDS, lemma, split_sentences, tokens, word_count

# General news vocabulary: words that say the same thing in different reports.
SYNONYMS = {
    "weapon": {"weapon", "weaponry", "arm", "arms", "armament", "munition", "materiel"},
    "supply": {"supply", "provide", "send", "give", "deliver", "ship", "transfer", "dispatch",
               "deploy", "despatch", "furnish", "sell", "sale", "export"},
    "troop": {"troop", "soldier", "force", "personnel", "serviceman", "fighter", "unit",
              "servicemember", "infantry"},
    "visit": {"visit", "trip", "tour", "travel"},
    "meet": {"meet", "meeting", "talk", "summit"},
    "fight": {"fight", "combat", "battle", "fighting"},
    "frontline": {"frontline", "front-line", "front", "frontlines"},
    "attack": {"attack", "strike", "assault", "barrage", "raid"},
    "launch": {"launch", "fire"},
    "kill": {"kill", "dead", "death", "die"},
    "poll": {"poll", "survey"},
    "oppose": {"oppose", "resist", "resistant"},
    "ukraine-war": {"invasion", "war"},
    "deny": {"deny", "denial"},
    "estimate": {"estimate", "assessment"},
    "drone": {"drone", "uav"},
}
_SYN = {w: k for k, words in SYNONYMS.items() for w in words}
_SPELLING = {"defence": "defense", "defences": "defenses", "offence": "offense", "licence": "license",
             "programme": "program", "programmes": "programs", "armour": "armor", "armoured": "armored",
             "labour": "labor", "centre": "center", "kilometre": "kilometer", "kilometres": "kilometers"}

ATTRIBUTION_VERBS = {"say", "said", "says", "tell", "told", "announce", "report", "state",
                     "claim", "note", "add", "accord", "warn", "confirm", "indicate", "stress",
                     "insist", "write", "tweet", "argue", "describe", "caution", "suggest",
                     "allege", "believe", "assert", "emphasize", "emphasise", "underscore"}
# Modal hedges make a fact a possibility; evidential ones only say who vouches for it.
HEDGES = {"may", "might", "could", "possible", "possibly", "possibility", "potential",
          "potentially", "consider", "considering", "reconsider", "reconsidering", "plan",
          "planned", "planning", "likely", "unlikely", "signal", "signaling", "signalling",
          "option", "would", "if", "unclear", "expect", "expected", "threaten",
          "threatened", "mull", "weigh", "weighing", "prepare", "preparing", "should", "perhaps",
          "probably", "whether"}
EVIDENTIALS = {"reportedly", "allege", "alleged", "allegedly", "suggest", "suggests", "appear",
               "appears", "seemingly", "rumour", "rumor", "unconfirmed", "believed", "speculation",
               "claim", "claims", "purportedly", "apparently"}
NEGATIONS = {"not", "n't", "no", "never", "none", "neither", "nor", "without", "nobody",
             "nothing", "deny", "denied", "denies", "denying", "dismiss", "dismissed", "reject",
             "rejected", "refute", "refuted", "decline", "declined", "drop", "dropped",
             "halt", "halted", "shelve", "shelved", "scrap", "scrapped", "abandon", "abandoned",
             "rule", "won't", "cannot", "can't", "didn't", "doesn't", "don't", "isn't", "aren't",
             "wasn't", "weren't", "hasn't", "haven't"}
_NEG_FIRM = {"not", "n't", "no", "never", "none", "neither", "nor", "nobody", "nothing",
             "won't", "cannot", "can't", "didn't", "doesn't", "don't", "isn't", "aren't",
             "wasn't", "weren't", "hasn't", "haven't", "without"}
_NEG_VERBS = {"deny", "dismiss", "reject", "refute", "decline", "drop", "halt", "shelve",
              "scrap", "abandon", "refrain", "avoid", "prohibit", "forbid", "refuse", "reluctant",
              "unwilling", "constrain", "prevent", "bar", "stop", "cancel", "postpone", "resist",
              "resistant", "oppose", "hesitant", "wary", "withdraw", "withdrawn", "withdrew"}
# "Did not say / comment / confirm" withholds an answer; it denies nothing.
NON_ANSWER = {"say", "said", "comment", "confirm", "disclose", "specify", "elaborate", "detail",
              "reveal", "respond", "answer", "explain", "identify", "name", "know", "reply",
              "immediately", "publicly"}
_LIGHT_PREDICATES = {"go", "ahead", "happen", "proceed", "place", "take", "occur", "materialise", "materialize"}
# "Has not decided / made no decision": the question is still open, not answered no.
UNDECIDED = {"decide", "decision", "determine", "finalize", "finalise", "settle", "choose", "conclude"}
# Words that settle an open question: "will not", "ruled out", "dropped the plan".
DECISION_WORDS = {"will", "won't", "would", "rule", "drop", "scrap", "shelve", "abandon", "reject",
                  "refuse", "decide", "decided", "cancel", "halt", "end", "postpone", "plan",
                  "date", "approve", "agree", "sign", "announce", "begin", "start", "confirm"}
TIME_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
              "overnight", "today", "yesterday", "tomorrow", "recently", "recent", "earlier",
              "later", "now", "currently", "already", "soon", "ago", "week", "month", "year",
              "morning", "evening", "night", "autumn", "spring", "summer", "winter", "january",
              "february", "march", "april", "june", "july", "august", "september", "october",
              "november", "december", "previous", "current"}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_GENERIC = {"official", "people", "country", "government", "state", "medium", "report",
            "statement", "way", "issue", "thing", "part", "level", "lot", "kind", "stage",
            "also", "however", "including", "include", "make", "take", "get", "go", "come",
            "see", "well", "many", "much", "like", "mark", "amid", "around", "continue",
            "percent", "per", "cent", "additionally", "meanwhile", "moreover", "furthermore", "instead",
            "actually", "indeed", "reportedly", "likewise", "nonetheless", "nevertheless", "otherwise"}


@dataclass
class Claim:
    text: str
    context: str = ""
    sentence: str = ""          # the whole sentence, when the claim is one of its clauses
    position: int = 0
    entities: list[str] = field(default_factory=list)
    figures: list[figures_mod.Figure] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    core_keys: list[str] = field(default_factory=list)    # keys of the main clause, before any comma
    context_keys: list[str] = field(default_factory=list)
    negated: bool = False
    negation_scope: list[str] = field(default_factory=list)
    hedged: bool = False
    hedges: list[str] = field(default_factory=list)
    hedge_heads: list[str] = field(default_factory=list)   # "planned to *present*", "possibility of *arming*"
    evidential: list[str] = field(default_factory=list)
    speaker: str = ""
    speech_verb: str = ""
    published: str = ""
    event_date: str = ""
    superlative: bool = False

    @property
    def stance(self) -> str:
        """'asserted', 'possible' or 'denied': the three positions a fact can hold."""
        if self.negated and not self.hedged:
            return "denied"
        if self.hedged and not self.negated:
            return "possible"
        if self.negated and self.hedged:
            # "may not rule out", "cannot be ruled out": a hedged possibility
            # and "could not be verified", "a step officials could not verify": not known,
            # unless something else in it is denied ("will not send weapons, and officials
            # could not confirm reports of secret shipments")
            unknown = "unconfirmed" in self.hedges and not _negation(_UNCONFIRMED.sub(" ", self.text))[0]
            return "possible" if self._double_negative() or unknown else "denied"
        return "asserted"

    def _double_negative(self) -> bool:
        low = self.text.lower()
        return bool(_NOT_RULED_OUT.search(low)) \
            or bool(re.search(r"\b(not|n't)\b[^.,;]{0,15}\bexclud", low))

    def to_dict(self) -> dict:
        # a shallow copy: dataclasses.asdict deep-copies every list, which showed in profiles
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["figures"] = [fig.to_dict() for fig in self.figures]
        data["stance"] = self.stance
        return data



@lru_cache(maxsize=100_000)
def key_of(word: str) -> str:
    lem = lemma(word)
    return _SYN.get(lem, _SYN.get(word.lower(), lem))


def _keys(text: str, gaz: entities_mod.Gazetteer) -> tuple[list[str], list[str]]:
    """Content keys: entity ids for entity spans, normalised lemmas for the rest."""
    spans = gaz.find(text)
    keys: list[str] = []
    ents: list[str] = []
    pos = 0
    pieces: list[str] = []
    for start, end, canon in spans:
        pieces.append(text[pos:start])
        pieces.append(" ")
        pos = end
        key = entities_mod.key_for(canon)
        keys.append(key)
        if canon not in ents:
            ents.append(canon)
    pieces.append(text[pos:])
    joined = re.sub(r"\bfront[ -]lines?\b", "frontline", "".join(pieces), flags=re.I)
    # British spellings as American, inside compounds too ("air-defence" → "air-defense")
    parts = []
    for tok in tokens(joined):
        if "-" in tok and all(p[:1].isupper() for p in tok.split("-")):
            parts.extend(tok.split("-"))   # "Yoon-Trump meeting", "US-Korea alliance": two names
            continue
        low = tok.lower()
        if "-" in tok and tok.islower() and any(p in _SPELLING for p in low.split("-")):
            tok = "-".join(_SPELLING.get(p, p) for p in low.split("-"))
        parts.append(tok)
    for tok in parts:
        if tok[0].isdigit():
            continue
        key = _token_key(tok)
        if key:
            keys.append(key)
            head = tok.rsplit("-", 1)[-1] if "-" in tok and tok.islower() else ""
            if head.endswith(("ing", "ed")) or _NEGATING_PREFIX.match(tok):
                head = ""   # "data-sharing": a participle; "anti-drone", "non-lethal": the opposite
            if head and len(head) > 3 and (head_key := _token_key(head)) and head_key != key:
                keys.append(head_key)   # "air-defense equipment" is defense, as "missile defense" is
    return keys, ents


_NEGATING_PREFIX = re.compile(r"(?:anti|counter|non|pre|post|ex|de|un)-", re.I)


@lru_cache(maxsize=100_000)
def _token_key(tok: str) -> str:
    """The key of one token, or '' for words that carry no content of their own
    (function words, attribution, hedges, negations, time words, numbers)."""
    tok = _SPELLING.get(tok.lower(), tok)
    low = tok.lower()
    lem = lemma(tok)
    if (lem in STOPWORDS or low in STOPWORDS or lem in ATTRIBUTION_VERBS or lem in HEDGES
            or low in HEDGES or lem in NEGATIONS or low in NEGATIONS or lem in TIME_WORDS
            or lem in _GENERIC or low in EVIDENTIALS or low in TIME_WORDS or len(lem) < 3
            or _is_number_word(low)):
        return ""
    return "record" if low in figures_mod.SUPERLATIVE else key_of(tok)


_SCOPE_END = {",", ";", ":", "as", "while", "but", "because", "although", "though", "even",
              "whereas", "and", "since", "after", "before", "when", "if"}
_SCOPE_SKIP = {"to", "be", "been", "being", "have", "has", "had", "any", "the", "a", "an", "that",
               "it", "its", "their", "there", "is", "are", "was", "were", "of", "out", "longer",
               "yet", "so", "far", "directly", "also", "immediately", "such"}


def _is_number_word(word: str) -> bool:
    parts = re.split(r"[-\s]", word)
    return all(p in figures_mod.SMALL or p in figures_mod.SCALE for p in parts if p)


def main_party(text: str, ents_in_order: list[str], gaz: entities_mod.Gazetteer) -> str | None:
    """The claim's subject party: the first entity after any leading adverbial phrase.

    "Depending on North Korea's role, Seoul may arm Kyiv" is about Seoul.
    """
    body = text.lstrip("“\"'‘ ")
    m = re.match(r"(?:depending on|after|despite|as|while|although|though|following|in|since|"
                 r"with|amid|given|if|when|unlike|for)\b[^,]{0,120},\s*", body, re.I)
    if m:
        rest = gaz.entities(body[m.end():])
        if rest:
            return rest[0]
    return ents_in_order[0] if ents_in_order else None


# "are against", "remain firmly against": a stand against something is a refusal of it
_STAND = {"are", "is", "were", "was", "be", "remain", "remains", "remained", "stay", "stays", "stayed"}


def _may_negate(word: str) -> bool:
    """A word the loop in _negation looks at twice; the rest it passes over."""
    return word in _NEG_FIRM or word.endswith("n't") or word == "against" or lemma(word) in _NEG_VERBS \
        or lemma(word) == "rule"


def _negation(text: str, gaz: entities_mod.Gazetteer | None = None) -> tuple[bool, list[str]]:
    """Is the statement negated, and which content words does the negation cover?

    The scope runs from the cue to the end of its clause; its first content word
    (the head: "declined to *provide* weapons") comes first in the returned list.
    Entity names in the scope become entity keys ("@north_korea").
    """
    text = text.replace("’", "'")
    matches = list(re.finditer(r"[A-Za-z']+|[,;:]", text))
    words = [m.group(0) for m in matches]
    low = [w.lower() for w in words]
    if not any(_may_negate(w) for w in low):
        return False, []   # most sentences: no cue, and no need to place the names
    names: dict[int, str] = {}
    for start, end, canon in (gaz.find(text) if gaz else []):
        inside = [j for j, m in enumerate(matches) if m.start() >= start and m.end() <= end]
        for k, j in enumerate(inside):
            names[j] = entities_mod.key_for(canon) if k == 0 else ""
    scope: list[str] = []
    negated = False
    for i, w in enumerate(low):
        base = lemma(w)
        firm = w in _NEG_FIRM or w.endswith("n't")
        verb = base in _NEG_VERBS or (w == "against" and bool({*low[max(0, i - 2):i]} & _STAND))
        ruled_out = base == "rule" and i + 1 < len(low) and low[i + 1] == "out"
        if not (firm or verb or ruled_out):
            continue
        # "not only", "no longer needed" style idioms do not negate the fact
        if firm and i + 1 < len(low) and low[i + 1] in ("only", "just", "least"):
            continue
        if firm and "whether" in low[i + 1:i + 3]:
            continue  # "the question is no longer whether troops are in Russia": it is settled
        if firm and (low[i + 1:i + 3] == ["the", "first"] or low[i + 1:i + 4] == ["for", "the", "first"]):
            continue  # "it is not the first time Pyongyang has sent troops abroad": it has
        if w == "not" and i > 0 and low[i - 1] == "or":
            continue  # "whether … or not" adds no negation
        if w == "without" and i + 1 < len(low) and low[i + 1].endswith("ing"):
            continue  # "help arm Ukraine without sending weapons directly": a manner, not a denial
        if firm and any(x in ("rule", "ruled", "ruling", "exclude", "excluded") for x in low[i + 1:i + 4]):
            continue  # "not rule out" is two negations: a hedge, see _hedges
        if ruled_out and any(x in _NEG_FIRM or x.endswith("n't") for x in low[max(0, i - 3):i]):
            continue
        start = i + 2 if ruled_out else i + 1
        clause_scope: list[str] = []
        for j in range(start, min(len(low), start + 12)):
            x = low[j]
            if x in _SCOPE_END and not (verb and x == "that"):
                break
            if not clause_scope and (x in NON_ANSWER or lemma(x) in NON_ANSWER):
                clause_scope.append(lemma(x))
                break
            if j in names:
                if names[j]:
                    clause_scope.append(names[j])
                continue
            if x in _SCOPE_SKIP or x in STOPWORDS or x in _NEG_FIRM or words[j][:1].isupper() and j > 0:
                continue
            clause_scope.append(key_of(x))
        if clause_scope and set(clause_scope) <= _LIGHT_PREDICATES:
            # "the meeting … will not go ahead": what is denied is the subject
            subject = [key_of(x) for x in low[max(0, i - 12):i] if x not in STOPWORDS and x not in _SCOPE_SKIP
                       and x not in (",", ";", ":") and not (x in _NEG_FIRM or x.endswith("n't"))]
            clause_scope = subject[-12:] + clause_scope
        if clause_scope and clause_scope[0] in UNDECIDED:
            continue  # "has not decided whether to send": still open, see _hedges
        if not clause_scope or (len(clause_scope) <= 2 and any(k in NON_ANSWER for k in clause_scope)):
            continue  # "did not comment", "declined to confirm", "gave no details": no answer, no denial
        scope.extend(clause_scope)
        negated = True
    return negated, scope


# Verbs that carry no fact of their own: "could *begin* supplying" is about supplying.
_LIGHT_VERBS = {"begin", "began", "begun", "beginning", "start", "started", "starting", "continue",
                "continued", "continuing", "soon", "set", "setting", "rule", "ruled", "out", "exclude",
                "option", "possibility", "gradually", "directly", "further"}


def _hedge_heads(text: str) -> list[str]:
    """The content words a hedge governs: what is only possible, planned or likely."""
    words = re.findall(r"[A-Za-z']+", _HEDGED_AMOUNT.sub("", text).replace("’", "'"))
    low = [w.lower() for w in words]
    heads = []
    content = [i for i, x in enumerate(low) if not (x in STOPWORDS or x in _SCOPE_SKIP or x in HEDGES
                                                    or lemma(x) in HEDGES or x in _NEG_FIRM
                                                    or (i > 0 and words[i][:1].isupper()))]
    for i, w in enumerate(low):
        if w not in HEDGES and lemma(w) not in HEDGES:
            continue
        if w == "whether" or (i + 1 < len(low) and low[i + 1] == "whether"):
            # "could not confirm whether Russia had begun to supply …": what is in doubt
            start = i if w == "whether" else i + 1
            after = [j for j in content if start < j < start + 10 and low[j] not in _LIGHT_VERBS]
            heads.extend(key_of(low[j]) for j in after[:3])
            continue
        after = [j for j in content if i < j < i + 8]
        if after:
            # the verb chain the hedge governs: "could *begin supplying weapons*"
            after = [j for j in after if low[j] not in _LIGHT_VERBS] or after
            chain = [after[0]] + [j for j in after[1:] if j - after[0] <= 4]
            heads.extend(key_of(low[j]) for j in chain[:3]
                         if low[j] not in _LIGHT_VERBS and lemma(low[j]) not in NON_ANSWER)
        elif i > 0 and low[i - 1] in ("is", "was", "are", "were", "seems", "looks", "highly", "very"):
            # "setting up a visit … is highly likely": the hedge governs the subject
            heads.extend(key_of(low[j]) for j in content[:4] if j < i and low[j] not in _LIGHT_VERBS)
    return heads


_RELATIVE = re.compile(r"(?<![,])\b(\w+)\s+(?:that|which)\b[^,;]*", re.I)


def main_clause(text: str) -> str:
    """The text without relative clauses: in "a visit that had been planned", the
    planning hedges the noun, not the sentence. "said that …" is a complement, kept."""
    def cut(m: re.Match[str]) -> str:
        lead = [w.lower() for w in re.findall(r"[A-Za-z]+", text[max(0, m.start() - 40):m.start()])][-3:]
        lead.append(m.group(1).lower())
        if any(w in ATTRIBUTION_VERBS or lemma(w) in ATTRIBUTION_VERBS or w.endswith("ed") for w in lead):
            return m.group(0)
        return m.group(1)

    return _RELATIVE.sub(cut, text)


# "recruited potentially hundreds of Yemenis": the hedge widens the figure; the act is reported
_HEDGED_AMOUNT = re.compile(
    r"\b(?:potentially|possibly|perhaps|probably|maybe)\s+(?=(?:as many as |up to |more than |over |around "
    r"|about |some )?(?:\d|tens of|hundreds|thousands|dozens|millions|several|a few\b|a dozen\b))", re.I)


def _hedges(text: str) -> list[str]:
    whole = text
    text = _HEDGED_AMOUNT.sub("", main_clause(text))
    found = []
    for w in re.findall(r"[A-Za-z']+", text.lower()):
        if w in HEDGES or lemma(w) in HEDGES:
            found.append(w)
    if _NOT_RULED_OUT.search(text):
        found.append("not ruled out")
    if re.search(r"\b(?:not|n't|no|yet to)\b[^.,;]{0,15}\b(?:decide|decided|decision|determined|finali[sz]ed)\b",
                 text.lower()):
        found.append("undecided")
    if _UNCONFIRMED.search(text):
        found.append("unconfirmed")      # "cannot confirm reports that Russia has started …": not known
    if _WARNED_AGAINST.search(text):
        found.append("warned against")   # "warned Seoul against supplying weapons": not done
    if _WARNED_OF.search(whole):
        found.append("warned that")      # "warned that sending weapons would ruin ties": a what-if
    return found


# "has not ruled out", "cannot be ruled out", "did not rule it out": two negations, a possibility
_NOT_RULED_OUT = re.compile(r"\b(?:not|n't|cannot)\b[^.,;]{0,25}\brul(?:e|ed|ing)\s+(?:(?:it|this|that|them)\s+)?out\b",
                            re.I)
# a proposition nobody will vouch for: "cannot confirm reports that …", "could not be verified"
# (but "declined to confirm *the number of* shells" leaves the shipment itself known)
_UNCONFIRMED = re.compile(r"\b(?:can ?not|can't|could not|couldn't|unable to|did not|didn't|would not|wouldn't|"
                          r"has not|have not|hasn't|haven't|declined to|refused to|yet to)\s+(?:yet\s+|\w+ly\s+)?"
                          r"(?:confirm|verif|corroborat)\w*\b(?!\s+(?:the\s+|its\s+|their\s+)?(?:exact\s+)?"
                          r"(?:number|size|scale|details?|figure|amount|extent|timing|location|date|identity|names?)\b)"
                          r"|\b(?:could|can|cannot|can't|couldn't|had|has|have)\s+(?:not\s+)?(?:yet\s+)?(?:been|be)\s+"
                          r"(?:\w+ly\s+)?(?:confirmed|verified|corroborated)\b", re.I)
_WARNED_AGAINST = re.compile(r"\b(?:warn|caution|advis|urg)\w*\b[^.;]{0,40}?\bagainst\s+\w+ing\b", re.I)
_WARNED_OF = re.compile(r"\bwarn\w*\b[^.;]{0,60}?\bthat\b[^.;]{0,80}?\b(?:would|could|might)\b", re.I)


_SPEECH = r"said|says|say|told|tells|added|adds|warned|noted|announced|stated|reported|wrote|explained"
_ATTR_AFTER = re.compile(
    r"[,“”\"]\s*((?:(?:the|a|an)\s+)?(?:[A-Z][\w'’.\- ]{1,60}?|[a-z][\w'’\- ]{1,40}?))\s+"
    r"(" + _SPEECH + r"|confirmed|claimed)\b[^,.;]*")
_ATTR_INVERTED = re.compile(r"[,“”\"]\s*(" + _SPEECH + r")\s+((?:the\s+)?[A-Z][\w'’.\- ]{1,60}?)(?=[,.;]|$)")
_ATTR_BEFORE = re.compile(
    r"^((?:(?:the|a|an)\s+)?[A-Z][\w'’.\- ]{1,60}?)\s+(" + _SPEECH + r"|confirmed|claimed|alleged|"
    r"denied|insisted|indicated|argued)\b(?:\s+that\b)?")
_ACCORDING = re.compile(r",?\s*according to (?:the |a |an )?([A-Z][\w'’.\- ]{1,60}?)(?=[,.;]|$)")


_ADVERBIAL_STARTS = {"on", "in", "at", "to", "late", "early", "last", "this", "earlier", "later", "reporters",
                     "lawmakers", "journalists", "during", "after", "before", "via", "through", "from", "by",
                     "yesterday", "today", "tuesday", "monday", "wednesday", "thursday", "friday", "saturday",
                     "sunday", "overnight", "told", "the", "a", "an", "its", "his", "her", "their"}


def _attribution(text: str) -> tuple[str, str, tuple[int, int] | None]:
    """Who says it, with which verb, and the span of the attribution phrase.

    The span is left out of the claim's keys when the verb only reports speech, so
    that "the Kremlin said" does not make two unrelated Kremlin quotes look alike;
    for "denied" or "alleged" the speaker is also a party to the fact and stays.
    """
    m = _ACCORDING.search(text)
    if m:
        return m.group(1).strip(), "according to", (m.start(), m.end())
    m = _ATTR_INVERTED.search(text)
    if m:
        return m.group(2).strip(), m.group(1), (m.start() + 1, m.end())
    m = _ATTR_AFTER.search(text)
    if m and m.start() > 0:
        tail = text[m.start(2):m.end()]
        verb_end = m.start(2) + len(m.group(2))
        rest = tail[len(m.group(2)):].split()
        # ", the ministry said on Tuesday" ends the clause; ", Zelenskyy said he planned to …"
        # goes on with what was said, which stays part of the claim
        trailing = len(rest) <= 7 and (not rest or rest[0].lower() in _ADVERBIAL_STARTS)
        return m.group(1).strip(), m.group(2), (m.start() + 1, m.end() if trailing else verb_end)
    m = _ATTR_BEFORE.search(text)
    # "Sixty percent of respondents say …" is the poll's finding, not a source
    counted = m is not None and (re.search(r"\d|percent|%", m.group(1), re.I) is not None
                                 or any(_is_number_word(w.lower()) for w in m.group(1).split()))
    if m and not counted and m.group(1).split()[-1].lower() not in ("is", "are", "was", "were", "be", "been", "being"):
        pure = re.fullmatch(_SPEECH + "|confirmed", m.group(2)) is not None
        return m.group(1).strip(), m.group(2), ((0, m.end()) if pure else None)
    return "", "", None


def _event_date(text: str, published: str) -> str:
    """Resolve 'on Tuesday' / 'yesterday' against the publication date."""
    if not published:
        return ""
    try:
        base = datetime.fromisoformat(published.replace("Z", "+00:00"))
    except ValueError:
        return ""
    low = text.lower()
    if re.search(r"\b(overnight|last night|today|this morning)\b", low):
        return base.date().isoformat()
    if "yesterday" in low:
        return (base - timedelta(days=1)).date().isoformat()
    m = re.search(r"\bon (monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", low)
    if m:
        back = (base.weekday() - _WEEKDAYS.index(m.group(1))) % 7
        return (base - timedelta(days=back)).date().isoformat()
    return ""


# "Top Photo: Biden (left) meets with Putin (right)." describes a picture, not the news
_CAPTION_LABEL = re.compile(r"\s*(?:top |file |main |lead )?(?:photo|image|picture|pictured|caption|"
                            r"photo credit|credit)s?\b[^:.]{0,25}:", re.I)
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z'.-]{2,}(?: [A-Z][A-Z'.-]+)*"                                   # MOSCOW, NEW YORK
    r"(?:, [A-Z][a-z]+(?: [A-Z][a-z]+)?)?"                                          # , South Korea
    r"(?:,? (?:\d{1,2} [A-Z][a-z]{2,8}\.?|[A-Z][a-z]{2,8}\.? \d{1,2})(?:,? \d{4})?)?"   # June 17, 2025
    r"\s*(?:\([^()]{1,40}\))?\s*(?:--|-|–|—)\s+(?=[A-Z\"“‘'])")                       # (Reuters) - The
# a fact-check's "CLAIM: …" paragraph quotes what it goes on to judge, often false
_CHECKED_CLAIM = re.compile(r"\s*(?:the )?(?:claim|rumou?r|myth|false claim)s?\s*:", re.I)
_IN_PICTURE = re.compile(r"\((?:left|right|centre|center|second (?:left|right)|l|r|c)\)", re.I)


def is_claim_like(sentence: str) -> bool:
    """A factual sentence: long enough, not a question, not a caption or a heading."""
    n = word_count(sentence)
    if n < 6 or n > 90:
        return False
    if _CAPTION_LABEL.match(sentence) or _IN_PICTURE.search(sentence):
        return False
    if sentence.rstrip().endswith("?"):
        return False
    if sentence.rstrip()[-1:] not in ".!\"'”’)":
        return False  # headlines, captions and credits have no closing punctuation
    return bool(re.search(r"[a-z]", sentence))


# Connectors that join two separate facts in one sentence. Conditions ("if …") are
# dropped: they are not facts. A comment on the news after a comma ("…, a step
# Washington had declined to verify", "…, the first time Seoul has agreed to …") is
# a fact of its own, except an admission, which stays with the fact it admits.
_COMMENT = (r"(?:(?:a|an|its|their)\s+(?:first\s+)?(?:step|move|decision|reversal|shift|break|change|departure|"
            r"turnaround|u-turn)\b|the first time\b(?![^.;]*\b(?:admit|acknowledg|confirm|conced)))"
            # but not a doubt cast on the fact itself: "…, a step officials could not verify"
            r"(?![^.;]*\b(?:(?:could not|cannot|can't|couldn't|would not|wouldn't|unable to|neither)\s+(?:be\s+)?"
            r"(?:\w+ly\s+)?(?:confirm|verif|corroborat|den[yi])|unconfirmed|unverified)\w*)")
_CLAUSE_SPLIT = re.compile(
    r"(?:[;—–]\s+|:\s+(?=\d[\d,.]*(?:\s+[\w'’-]+){4})|,\s+(?=" + _COMMENT + r")"
    r"|,\s+(?=(?:even as|but|while|although|though|whereas|yet|adding|saying|calling|noting|citing)\b)"
    r"|,\s+(?=(?!(?:including|according|involving|comprising|totall?ing|numbering|featuring|containing)\b)[a-z]{3,}ing\s))")
# "Yoon — who is not seeking reelection — said …": the aside goes, "Yoon said …" stays whole
_ASIDE = re.compile(r"\s[—–]\s(?:who|whom|whose|which)\b[^—–;]{1,150}?\s[—–]\s")
# parts that only extend the clause before them: no fact of their own
# (and "as it has threatened to do": an aside that only points back at the clause before)
_NOT_A_CLAUSE = re.compile(r"(?:who|whom|whose|which|according to|as (?:it|he|she|they|we|i) (?:has|have|had|did|"
                           r"does|do|would|will)\b(?! been))\b", re.I)
_CONDITION = re.compile(r"[, ]+\b(?:if|unless|provided that|as long as)\b[^;]*$", re.I)


def clauses(sentence: str) -> list[str]:
    """A sentence's independent clauses: 'Seoul declined X, even as Y' is two facts."""
    out = []
    for i, part in enumerate(_CLAUSE_SPLIT.split(_ASIDE.sub(" ", sentence))):
        if i and _NOT_A_CLAUSE.match(part.strip()):
            continue
        part = re.sub(r"^(?:even as|but|while|although|though|whereas|yet|adding that|saying that|"
                      r"adding|saying|noting that|noting)\s+", "", part.strip(), flags=re.I)
        part = _CONDITION.sub("", part).strip(" ,")
        if word_count(part) >= 5:
            out.append(part if part[-1:] in ".!\"'”’)" else part + ".")
    return out or [sentence]


def extract(text: str, published: str = "", gaz: entities_mod.Gazetteer | None = None) -> list[Claim]:
    """Claims of a text: each factual sentence with the one before it as context."""
    gaz = gaz or entities_mod.load()
    claims: list[Claim] = []
    previous = ""
    position = first = 0
    for paragraph in re.split(r"\n+", text):
        if _CAPTION_LABEL.match(paragraph) or _CHECKED_CLAIM.match(paragraph):
            continue   # the whole caption ("Top Photo: …. Zelenskyy sits in between."), or the claim checked
        # "MOSCOW, June 17 (Reuters) - …": the wire's dateline is not part of the fact, and
        # its city would pass for the sentence's main party; " -- " is a typed dash
        paragraph = _DATELINE.sub("", paragraph, count=1).replace(" -- ", " — ")
        for sentence in split_sentences(paragraph):
            if not is_claim_like(sentence):
                previous = sentence if word_count(sentence) >= 6 else previous
                continue
            for clause in clauses(sentence):
                claim = build(clause, previous, published, gaz, position, sentence)
                claims.append(claim)
                position += 1
            previous = sentence
        previous = ""
        _records_nearby(claims[first:])
        first = len(claims)
    return claims


def _records_nearby(claims: list[Claim]) -> None:
    """"Russia sent 810 drones. No earlier night saw so many drones." A record said in
    the sentence next to a count (same paragraph), naming the very noun it counts, makes
    that count a record. The record must be one of an attack or a night, not any
    superlative: "the drones hit the largest power plant" says nothing of their number."""
    for before, after in itertools.pairwise(claims):
        for said, counted in ((after, before), (before, after)):
            if said.figures or said.hedged or said.sentence == counted.sentence:
                continue
            if not (figures_mod.is_record(said.text) or _RECORD_OF_EVENT.search(said.text)):
                continue
            units = {lemma(w.lower()) for w in tokens(said.text)}  # the noun itself: "military" is no count
            for fig in counted.figures:
                if fig.unit and fig.unit in units:
                    fig.superlative = True
                    if "record" not in counted.keys:
                        counted.keys.append("record")   # as if the count had said it itself


_RECORD_OF_EVENT = re.compile(
    r"\b(?:largest|biggest|heaviest|record|record-breaking|most massive)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:attack|night|barrage|assault|bombardment|raid|strike|wave|salvo)s?\b", re.I)


@lru_cache(maxsize=256)
def _context_keys_cached(context: str, gaz: entities_mod.Gazetteer) -> tuple[str, ...]:
    return tuple(_keys(context, gaz)[0])


def _context_keys(context: str, gaz: entities_mod.Gazetteer) -> list[str]:
    """Keys of the sentence before: every clause of the next sentence asks again."""
    return list(_context_keys_cached(context, gaz))


def _owner(content: str, fig: figures_mod.Figure, previous: figures_mod.Figure | None,
           gaz: entities_mod.Gazetteer) -> str:
    """Whose things a figure counts: the party named between the number and its noun
    ("337 *Ukrainian* drones"); "91 of them" counts what the figure before it counted."""
    words = content[fig.end:fig.end + 60].split()
    if fig.unit == "percent":
        # "56 percent of Japanese voters": a share is of the people named after it
        rest = [w for w in words[:3] if w.lower().strip(",.") not in ("percent", "per", "cent", "%")]
        if rest and rest[0].lower() == "of":
            named = gaz.entities(" ".join(rest[1:4]))
            if named:
                return named[0]
    if words and words[0].lower().strip(",.") in ("of", "more", "others", "other") and previous is not None:
        return previous.owner
    counted = re.findall(r"\b(?:number|estimate|count|total|tally|figure) of (?:the )?((?:[\w'’-]+ ){0,4}[\w'’-]+)",
                         content[:fig.start])
    if counted and not any(lemma(w.strip(",.;")) == fig.unit for w in words[:4]):
        # "its estimate of the number of North Korean soldiers … to 10,000"
        named = gaz.entities(counted[-1])
        if named:
            return named[0]
    modifier = []
    for i, word in enumerate(words[:4]):
        bare = word.strip(",.;").lower()
        if fig.unit and (figures_mod.unit_of(bare) == fig.unit or bare.startswith(fig.unit)):
            named = gaz.entities(" ".join(modifier))
            if named:
                return named[0]
            # "188 drones were launched by Russia": the passive's agent
            m = re.match(r"(?:\S+\s+){0,3}?by\s+(.{0,40})", " ".join(words[i + 1:i + 8]))
            if m:
                return next(iter(gaz.entities(m.group(1))), "")
            return _doer_before(content[:fig.start], gaz)
        modifier.append(word)
    return ""


_PREPOSITIONS = {"in", "to", "from", "at", "of", "by", "on", "with", "into", "across", "against", "for"}


def _doer_before(left: str, gaz: entities_mod.Gazetteer) -> str:
    """"*Russia* launched 479 drones": the party right before the verb of a count."""
    clause = re.split(r"[,;:]", left)[-1]
    found = gaz.find(clause)
    if not found:
        return ""
    start, end, canon = found[-1]
    between = clause[end:].split()
    before = clause[:start].split()
    if before and before[-1].lower() == "by":
        return canon   # "Kyiv was attacked by Russia overnight with 479 drones": the passive's agent
    if between and between[-1].lower() == "with" and len(found) > 1 and before:
        # "Russia attacked Ukraine overnight with 810 drones": the one attacked is no doer
        first_start, first_end, first = found[0]
        if not clause[:first_start].split() or clause[:first_start].split()[-1].lower() not in _PREPOSITIONS:
            return first
    if len(between) > 3 or (before and before[-1].lower() in _PREPOSITIONS):
        return ""
    return canon


def build(text: str, context: str, published: str, gaz: entities_mod.Gazetteer,
          position: int = 0, sentence: str = "") -> Claim:
    """One claim from a clause; `sentence` is the whole sentence it came from."""
    sentence = sentence or text
    speaker, verb, span = _attribution(text)
    content = text if span is None else text[:span[0]] + " " * (span[1] - span[0]) + text[span[1]:]
    keys, ents = _keys(content, gaz)
    head = content.split(", ")[0]
    core_keys = _keys(head, gaz)[0] if word_count(head) >= 3 and head != content else []
    spoke = re.match(r"\s*(?:that\s+)?(?:it|he|she|they|we)\b", content, re.I) if span and span[0] == 0 else None
    if spoke and gaz.entities(speaker):
        subject = gaz.entities(speaker)[:1]  # "Seoul said it would not …": the speaker is the subject
    elif re.match(r"(?:it|he|she|they)\b", text, re.I) and context:
        subject = gaz.entities(context)[:1]
    else:
        subject = [p] if (p := main_party(content, ents, gaz)) else []
    ents = subject + [e for e in ents if e not in subject]
    context_keys = _context_keys(context, gaz) if context else []
    figs = figures_mod.extract(text)
    record = figures_mod.says_record(sentence)
    previous: figures_mod.Figure | None = None
    for fig in figs:
        fig.superlative = fig.superlative or record  # "…, calling it the biggest attack"
        # the parties a figure is about: named right around it ("North Korean troops to Russia")
        fig.entities = gaz.entities(content[max(0, fig.start - 40):fig.end + 50])
        fig.owner = _owner(content, fig, previous, gaz)
        if previous is not None and fig.delta and previous.unit == fig.unit:
            # "3,000 North Korean troops … with several thousand more": the same parties
            fig.entities = previous.entities + [e for e in fig.entities if e not in previous.entities]
        previous = fig
    negated, scope = _negation(text, gaz)
    hedges = _hedges(text)
    evidential = [w for w in re.findall(r"[A-Za-z]+", text.lower()) if w in EVIDENTIALS]
    return Claim(
        text=text, sentence=sentence, context=context, position=position, entities=ents,
        figures=figs, keys=keys, core_keys=core_keys, context_keys=context_keys, negated=negated,
        negation_scope=scope, hedged=bool(hedges), hedges=hedges, evidential=evidential,
        hedge_heads=_hedge_heads(content), speaker=speaker,
        speech_verb=verb, published=published, event_date=_event_date(sentence, published),
        superlative=record,
    )
