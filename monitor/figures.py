"""Figures in a sentence, as value ranges with what they count.

"about 10,000 troops", "more than 3,000", "tens of thousands", "seventy-one percent"
become intervals so that two reports can be compared by overlap rather than by
string equality: "roughly 11,000" supports "about 10,000", "479" updates "188".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields
from functools import lru_cache

from monitor.text import lemma

SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
         "trillion": 1_000_000_000_000}
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
          "sep", "sept", "oct", "nov", "dec"}

# Vague quantities: "tens of thousands" is 20,000-99,999, "several thousand" 3,000-9,000.
VAGUE = [
    (r"hundreds of thousands", 200_000, 999_999),
    (r"tens of thousands", 20_000, 99_999),
    (r"tens of millions", 20_000_000, 99_999_999),
    (r"(?:several|a few) hundred thousand", 200_000, 900_000),
    (r"(?:several|a few) thousand", 2_000, 9_000),
    (r"(?:several|a few) hundred", 200, 900),
    (r"(?:several|a few) million", 2_000_000, 9_000_000),
    (r"thousands", 2_000, 9_999),
    (r"hundreds", 200, 999),
    (r"millions", 2_000_000, 9_999_999),
    (r"dozens", 24, 99),
    (r"a dozen", 12, 12),
]

APPROX = (r"about|around|approximately|roughly|some|an estimated|estimated|nearly|almost|close to|circa|"
          r"an additional|another")
LOWER = r"more than|over|at least|upwards of|upward of|in excess of|greater than|no fewer than|no less than"
UPPER = r"up to|as many as|at most|fewer than|less than|under|no more than"
CHANGE_WORDS = {"rise", "rose", "risen", "increase", "grow", "grew", "grown", "climb", "jump",
                "surge", "soar", "fall", "fell", "fallen", "drop", "decline", "triple", "double",
                "quadruple", "halve", "raise", "revise", "lift", "cut", "reduce", "swell",
                "swollen", "now", "latest", "updated", "new", "upgrade", "downgrade"}
DELTA_WORDS = {"additional", "more", "extra", "another", "further", "fresh", "new"}
SUPERLATIVE = {"record", "record-breaking", "largest", "biggest", "highest", "lowest",
               "unprecedented", "heaviest", "deadliest", "worst", "greatest", "smallest"}

# Nouns that count the same thing; general news vocabulary, not one story's words.
UNIT_GROUPS = {
    "troop": {"troop", "soldier", "force", "personnel", "serviceman", "servicemen", "fighter",
              "military", "conscript", "recruit", "infantry", "service member", "servicemember",
              "man", "men", "unit"},
    "drone": {"drone", "uav", "shahed"},
    "missile": {"missile", "rocket"},
    "person": {"people", "person", "civilian", "resident", "individual"},
    "shell": {"shell", "round", "munition"},
    "percent": {"percent", "%", "per cent", "pct"},
    "dollar": {"dollar", "$", "usd"},
}
_UNIT_OF = {w: g for g, words in UNIT_GROUPS.items() for w in words}

# What happened to the counted thing: a count of killed soldiers is not a count of troops.
ROLE_GROUPS = {
    "killed": {"kill", "killed", "dead", "death", "die", "died", "fatality", "fatalities"},
    "wounded": {"wound", "wounded", "injure", "injured", "injury", "injuries", "hurt"},
    "casualty": {"casualty", "casualties", "loss", "losses", "lose", "lost"},
    "captured": {"capture", "captured", "captive", "prisoner", "pow", "surrender"},
    "intercepted": {"intercept", "intercepted", "down", "downed", "destroy", "destroyed", "jam",
                    "jammed", "neutralise", "neutralize"},
    "missing": {"missing"},
    "oppose": {"oppose", "opposed", "object", "reject"},
    "favour": {"support", "favour", "favor", "back", "backed", "approve"},
    "disapprove": {"disapprove", "disapproval", "dissatisfied"},
    "approval": {"approval", "popularity", "rating"},
    "displaced": {"displace", "displaced", "flee", "fled", "refugee", "evacuate", "evacuated"},
    "arrested": {"arrest", "arrested", "detain", "detained"},
    "margin": {"margin"},
}
_ROLE_OF = {w: g for g, words in ROLE_GROUPS.items() for w in words}


def unit_of(word: str) -> str:
    """The measure a noun counts: "soldiers" and "men" → "troop"."""
    lem = lemma(word)
    return _UNIT_OF.get(lem, _UNIT_OF.get(word, lem))

# not after "MiG-", "F-", "KN-": a model's name, not a count
_NUMBER = re.compile(r"(?<![\w.])(?<![A-Za-z]-)(\$)?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(%)?(?![\w])")
# "fifteen", "twenty-one", "sixty seven"
_SPELLED = r"(?:" + "|".join(SMALL) + r")(?:[- ](?:" + "|".join(k for k in SMALL if SMALL[k] < 10) + r"))?"
_WORDNUM = re.compile(r"\b(" + _SPELLED + r")\b", re.I)
_WORD = re.compile(r"[A-Za-z%$][A-Za-z'’\-]*|\d[\d,.]*%?|[,;:()—–]")
_STOP_UNIT = {"of", "to", "in", "at", "on", "from", "for", "with", "by", "were", "was", "have",
              "has", "had", "are", "is", "and", "or", "that", "who", "which", "since", "as",
              "into", "across", "a", "the", "this", "last", "per", "than", "be", "been", "will",
              "would", "could", "may", "said", "says", "say", "while", "but", "its", "their",
              "rather", "instead", "not", "versus", "vs", "compared", "up", "down", "before",
              "after", "ahead", "ago", "earlier", "later", "over", "under", "during"}
_PRONOUNS = {"it", "they", "he", "she", "we", "i", "you", "who", "them"}


@dataclass
class Figure:
    value: float
    low: float
    high: float
    unit: str | None
    raw: str
    start: int
    end: int
    qualifier: str = ""
    delta: bool = False          # "3,000 additional": an increment, not a total
    change: bool = False         # "rose to", "tripled to", "latest": a revised figure
    superlative: bool = False    # "record", "largest": a record, comparable only with records
    roles: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)  # parties named around the figure
    owner: str = ""              # the party whose things are counted: "10,000 *North Korean* troops"
    event: bool = False          # counts one event ("launched overnight", "targeting 17 regions")
    former: bool = False         # the value a new one replaces: "to 12,000 *from 10,000*"

    def overlaps(self, other: Figure, tolerance: float = 0.0) -> bool:
        lo = self.low * (1 - tolerance)
        hi = self.high * (1 + tolerance)
        return not (other.high < lo or other.low > hi)

    def to_dict(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["roles"] = list(self.roles)
        data["entities"] = list(self.entities)
        return data

    def describe(self) -> str:
        """For people: "about 10,000 troops (9,000–11,000)", "82%", "+3,000 troops"."""
        plural = {"person": "people", "percent": "%"}.get(self.unit or "", f"{self.unit}s")
        unit = "" if not self.unit else ("%" if self.unit == "percent" else
                                          f" {self.unit if self.value == 1 else plural}")
        if self.low == self.high:
            base = f"{fmt_number(self.value)}{unit}"
        else:
            span = f"{fmt_number(self.low)}–{fmt_number(self.high)}"
            base = f"{self.raw}{'' if self.unit == 'percent' else unit} ({span})"
        return ("+" if self.delta else "") + base


def fmt_number(x: float) -> str:
    """For people: "12,600", "71.4", "∞" (and 14,000 × 1.1 shows as 15,400, not 15400)."""
    if math.isinf(x):
        return "∞"
    if abs(x - round(x)) < 1e-6 * max(1.0, abs(x)):
        return f"{round(x):,}"
    return f"{x:g}"


def _words(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]


_PEOPLE = {"person", "national", "citizen", "civilian", "resident", "individual"}
_ENLISTED = re.compile(r"\b(?:recruit|enlist|conscript|mobili[sz]e)(?:d|ed|s|ing)?\b", re.I)
_DESIGNATION = re.compile(r"\b[A-Z][A-Za-z]*-\d+[A-Za-z]*\b")


def _unit_after(text: str, end: int) -> str | None:
    """The counted noun after a number: '10,000 North Korean troops to' → 'troop'."""
    rest = _DESIGNATION.sub(" ", text[end:end + 80])   # "40 KN-23 missiles" counts missiles
    if re.match(r"\s*(?:%|percent\b|per cent\b|percentage points?\b)", rest, re.I):
        return "point" if "point" in rest[:25].lower() else "percent"
    words = _words(rest)
    if words and words[0][0].lower() == "of" and len(words) > 1 and words[1][0][0].isdigit():
        return None  # "50 of 73 drones": the unit is the next figure's
    if words and words[0][0].lower() == "of":  # "tens of thousands of North Korean personnel"
        words = words[1:]
    head = None
    for i, (w, _, _) in enumerate(words[:5]):
        low = w.lower()
        if low in ("unmanned", "pilotless", "uncrewed") and i + 1 < len(words) \
                and words[i + 1][0].lower() in ("aircraft", "aerial", "air", "planes"):
            return "drone"   # "267 unmanned aircraft", "unmanned aerial vehicles"; not "unmanned boats"
        lem = lemma(w)   # "UAVs" keeps its case for the acronym rule
        if lem in _UNIT_OF or low in _UNIT_OF:
            nxt = words[i + 1][0].lower() if i + 1 < len(words) else ""
            if low == lem and nxt.endswith("s") and lemma(nxt) in (nxt[:-1], nxt[:-2]):
                return _UNIT_OF.get(lemma(nxt), lemma(nxt))   # "29 fighter jets": the plural is counted
            return _UNIT_OF.get(lem, _UNIT_OF.get(low))
        if low in ("and", "or") and head:
            # "267 attack and decoy drones": two modifiers of one counted noun
            after = [lemma(x.lower()) for x, _, _ in words[i + 1:i + 3]]
            if any(a in _UNIT_OF for a in after):
                continue
        if low in _STOP_UNIT or low in _PRONOUNS or not w[0].isalpha():
            break
        if low in DELTA_WORDS or low in ("other", "others"):
            continue
        if lem in _ROLE_OF or low in _ROLE_OF:
            break
        if i > 0 and (low.endswith("ed") or low.endswith("ing")):
            break
        head = lem
    return head


def _unit_before(text: str, start: int) -> str | None:
    """'the number of North Korean soldiers … to 10,000' → 'troop'."""
    found = [m for m in re.finditer(r"(?=\b(?:number|estimate|count|total|tally|figure) of (?:the )?"
                                    r"((?:[A-Z][\w-]* )*[a-z][\w-]*))", text[:start])
             if m.group(1).split()[-1] not in ("number", "estimate", "count", "total", "tally", "figure")]
    m = found[-1] if found else None
    if m:
        head = m.group(1).split()[-1]
        if re.fullmatch(APPROX + "|" + LOWER + "|" + UPPER, head.lower()) or head.lower() in SMALL:
            return None  # "the estimate of about 10,000": no counted noun named
        lem = lemma(head)
        return _UNIT_OF.get(lem, lem)
    return None


_QUALIFIERS = [(kind, re.compile(r"\b(" + pattern + r")\s*$"))
               for kind, pattern in (("approx", APPROX), ("lower", LOWER), ("upper", UPPER))]


def _qualifier(before: str) -> tuple[str, str]:
    tail = before[-40:].lower()
    for kind, pattern in _QUALIFIERS:
        m = pattern.search(tail)
        if m:
            return kind, m.group(1)
    return "", ""


def _range(value: float, kind: str, word: str) -> tuple[float, float]:
    if kind == "approx":
        if word in ("nearly", "almost", "close to"):
            return value * 0.9, value
        # ±5%: "about 10,000" is restated by "some 10,400", revised by "some 11,000"
        return value * 0.95, value * 1.05
    if kind == "lower":
        return value, value * 1.5
    if kind == "upper":
        return value * 0.5, value
    return value, value


_VAGUE = [(re.compile(r"\b" + pattern + r"\b", re.I), lo, hi) for pattern, lo, hi in VAGUE]
_VAGUE_HINTS = ("hundred", "thousand", "million", "dozen")   # one is in every VAGUE pattern
_VAGUE_HINT = re.compile("|".join(_VAGUE_HINTS), re.I)


_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[a-z]+")


def _may_count(text: str) -> bool:
    """What every pattern of extract() needs somewhere: a digit, a number word or a
    vague amount. Most sentences have none, and this asks in a few microseconds."""
    if _DIGIT.search(text):
        return True
    low = text.casefold()
    if any(hint in low for hint in _VAGUE_HINTS):
        return True
    return not SMALL.keys().isdisjoint(_LETTERS.findall(low))


def _vague(text: str) -> list[tuple[float, float, int, int, str]]:
    found: list[tuple[float, float, int, int, str]] = []
    if not _VAGUE_HINT.search(text):
        return found
    taken: list[tuple[int, int]] = []
    for pattern, lo, hi in _VAGUE:
        for m in pattern.finditer(text):
            if any(m.start() < e and m.end() > s for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((lo, hi, m.start(), m.end(), m.group(0)))
    return found


_QUALIFIER_END = re.compile(r"\b(?:" + APPROX + "|" + LOWER + "|" + UPPER + r")\s*$")


_AUXILIARY = {"are", "is", "was", "were", "be", "been", "being", "have", "has", "had", "to", "now", "already",
              "believed", "thought", "feared", "estimated", "reported", "reportedly", "said", "likely",
              "probably", "possibly", "presumed", "understood", "known", "confirmed", "also"}


def _context_flags(text: str, start: int, end: int) -> tuple[bool, bool, bool, list[str]]:
    """Change, delta, superlative and role markers in the figure's clause."""
    left = re.split(r"[;:()—–]|,\s", text[:start])[-1]
    right = re.split(r"[;:()—–]|,\s|\band\b|\bwhile\b|\bbut\b", text[end:])[0]
    left_words = [w.lower() for w, _, _ in _words(left) if w[0].isalpha()]
    right_words = [w.lower() for w, _, _ in _words(right) if w[0].isalpha()]
    while right_words and right_words[0] in ("per", "cent", "percent", "percentage", "point", "points"):
        right_words.pop(0)   # "71.4 per cent of respondents … opposed": the unit is not context
    near_left = left_words[-6:]
    # "2,000 soldiers are believed to have been killed": the fate comes after the hedging
    near_right = [w for w in right_words if w not in _AUXILIARY][:6]
    clause_lemmas = {lemma(w) for w in left_words} | set(left_words)
    bare_left = _QUALIFIER_END.sub("", left.lower().rstrip()).rstrip()
    change = (bool(clause_lemmas & CHANGE_WORDS) and bool(re.search(r"\b(?:to|at)$", bare_left))) \
        or bool({"now", "latest"} & set(near_left)) or "now" in right_words[:5]
    delta = bool(set(right_words[:2]) & DELTA_WORDS) \
        or bool(re.search(r"\b(?:an?other|additional|further|extra)\s*$", left.lower()))
    superlative = says_record(text)
    roles = {_ROLE_OF[x] for w in near_left[-3:] + near_right for x in (w, lemma(w)) if x in _ROLE_OF}
    if re.search(r"\b(?:are|is|were|was|be)\s+(?:\w+\s+)?against\b", right.lower()):
        roles.add("oppose")  # "66 percent were against sending arms"
    roles = sorted(roles)
    return change, delta, superlative, roles


# Only the action and "overnight": "said on Wednesday" dates the report, not the count.
EVENT_WORDS = {"launch", "fire", "target", "strike", "attack", "hit", "shoot", "down", "intercept", "destroy",
               "overnight", "tonight", "barrage", "raid", "salvo"}


def _is_event(text: str, start: int, end: int) -> bool:
    """Is the figure the size of one event (an attack, a night's launches) rather
    than of a standing quantity (troops deployed, a share of opinion)?"""
    left = re.split(r"[;:()—–]|,\s", text[:start])[-1]
    right = re.split(r"[;:()—–]|,\s", text[end:])[0]
    words = [w.lower() for w, _, _ in _words(left + " " + right) if w[0].isalpha()]
    return any(w in EVENT_WORDS or lemma(w) in EVENT_WORDS for w in words)


_FRACTION = re.compile(
    r"\b(more than |over |nearly |almost |about |roughly )?(one|two|three|four|five|six|seven|eight|nine)"
    r" (?:in|out of) (two|three|four|five|six|seven|eight|nine|ten)\b", re.I)


_NUM = r"\d[\d,]*(?:\.\d+)?|" + _SPELLED
# "between fourteen and fifteen thousand", "between 10,000 and 12,000": one figure, a range
_BETWEEN = re.compile(r"\bbetween\s+(" + _NUM + r")(?:\s+(hundred|thousand|million|billion))?\s+and\s+(" + _NUM + r")"
                      r"(?:\s+(hundred|thousand|million|billion))?\b", re.I)


def _number_value(raw: str) -> float | None:
    """"10,000" → 10000, "fourteen" → 14, "twenty-five" → 25."""
    if raw[0].isdigit():
        try:
            return float(raw.replace(",", ""))
        except ValueError:
            return None
    parts = re.split(r"[- ]", raw.lower())
    return float(sum(SMALL.get(p, 0) for p in parts)) or None


_SCALE_AT = re.compile(r"\s*(hundred|thousand|million|billion)\b", re.I)
_SPELLED_ON = re.compile(r"(?:\s+and)?\s+(" + _SPELLED + r")\b(?!-)", re.I)


# "11,000 to 12,000 soldiers", "11,000-12,000": one figure, a range
_SPAN = re.compile(r"(?<![\w.$])(\d{1,3}(?:,\d{3})+|\d+)\s*(?:to|-|–|—)\s*(\d{1,3}(?:,\d{3})+|\d+)(?![\w%.,]\d|[\w%])")
_CHANGE_FROM = re.compile(r"\b(?:from|between|by)\s+"
                          r"(?:about |around |roughly |some |approximately |nearly |an estimated )?$"
                          r"|\b(?:rose|risen|rise|rising|grew|grown|increased?|climbed|jumped|fell|fallen|dropped|"
                          r"declined|cut|raised|lowered|went up|went down)\s+$", re.I)


def _read_spelled(text: str, end: int, value: float) -> tuple[float, int, bool]:
    """Read a spelled-out number on to its end: "two hundred and sixty-seven" is one
    figure, 267, not 200 and 67; "fifteen thousand two hundred" is 15,200; "two
    hundred thousand" is 200,000. "nine thousand and eleven thousand" is two numbers.

    Returns the value, where it ends and whether a scale word was part of it.
    """
    total, current, scaled, largest = 0.0, value, False, 0
    while scale := _SCALE_AT.match(text, end):
        factor = SCALE[scale.group(1).lower()]
        if factor == 100:
            current *= 100
        else:
            total, current, largest = total + current * factor, 0.0, factor
        end, scaled = scale.end(), True
        more = _SPELLED_ON.match(text, end)
        if more is None:
            continue   # "two hundred thousand": the next scale word may follow
        after = _SCALE_AT.match(text, more.end())
        if after:
            factor_after = SCALE[after.group(1).lower()]
            if (largest and factor_after >= largest) or (not largest and factor_after == 100):
                break  # "between two hundred and three hundred": a second number begins
        current += _number_value(more.group(1)) or 0.0
        end = more.end()
    return total + current, end, scaled


def _word_value(word: str) -> int:
    return SMALL.get(word.lower(), 0)


def _is_designation(text: str, start: int, end: int) -> bool:
    """"the 534 military unit", "Flight 17": a name that contains a number, not a count."""
    before = text[max(0, start - 12):start].lower().split()
    after = _words(text[end:end + 40])
    skip = ("military", "air", "special")
    noun = next((w.lower() for w, _, _ in after[:3] if w[0].isalpha() and w.lower() not in skip), "")
    if before and before[-1] == "the" and noun and not noun.endswith("s") and noun not in ("percent", "per"):
        return True
    return bool(before) and before[-1] in ("flight", "route", "article", "resolution", "unit", "no.", "number")


def _looks_like_year(text: str, start: int, end: int) -> bool:
    before = [w.lower() for w, _, _ in _words(text[max(0, start - 12):start])]
    after = [w.lower() for w, _, _ in _words(text[end:end + 20])]
    if before and before[-1] in ("a", "an", "the", "in", "since", "from", "of", "by", "until", "before", "after"):
        return True
    return not (after and after[0].endswith("s") and after[0][0].isalpha())


_RECORD = re.compile(
    r"\b(?:(?:surpass|exceed|eclips|outstrip|top|beat)\w*\s+(?:every|all|any)\s+(?:earlier|previous|prior|other)"
    r"|all-time|new high|(?:highest|largest|biggest|most)\s+(?:ever|yet|so far|since)"
    r"|than (?:ever|at any (?:time|point)) before|never before"
    r"|(?:no (?:previous|earlier|prior|other)|never)\b[^.;]{0,50}\bso many"
    r"|more (?:\w+ ){0,2}?than [^.;]{0,40}?\b(?:on|in) any (?:single |other |previous )?"
    r"(?:night|day|week|month|year|attack)"
    r"|(?:the most|the (?:largest|highest|biggest|greatest) number of) [^.;]{0,60}?\b(?:on|in) (?:a|any|one) single "
    r"(?:night|day|attack|strike|wave|barrage))\b", re.I)


def is_record(text: str) -> bool:
    """Records said without a superlative word: "surpassing every earlier night"."""
    return bool(_RECORD.search(text))


@lru_cache(maxsize=1024)
def says_record(text: str) -> bool:
    """A superlative or a record anywhere in the text (asked once per figure in it)."""
    if is_record(text):
        return True
    words = [w.lower() for w, _, _ in _words(text)]
    # "the agency's highest estimate since …" is the newest figure, not a record count
    return any(w in SUPERLATIVE and not (set(words[i + 1:i + 3]) & _ESTIMATE_NOUNS and "of" not in words[i + 1:i + 4])
               for i, w in enumerate(words))


_ESTIMATE_NOUNS = {"estimate", "estimates", "figure", "figures", "count", "tally", "assessment", "projection",
                   "forecast", "guess", "toll"}


def _is_date_number(text: str, start: int, end: int, value: float, pct: bool) -> bool:
    if pct:
        return False
    before = [w.lower() for w, _, _ in _words(text[max(0, start - 12):start])]
    after = [w.lower() for w, _, _ in _words(text[end:end + 12])]
    return bool((before and before[-1].strip(".") in MONTHS) or (after and after[0].strip(".") in MONTHS))


def extract(text: str) -> list[Figure]:
    """All figures of one sentence, in order; dates and years are kept out."""
    if not _may_count(text):
        return []
    figures: list[Figure] = []
    spans: list[tuple[int, int]] = []

    def add(value: float, lo: float, hi: float, start: int, end: int, raw: str, kind: str, word: str) -> None:
        unit = "percent" if raw.endswith("%") else _unit_after(text, end)
        if unit is None:
            unit = _unit_before(text, start)
        if unit in _PEOPLE and _ENLISTED.search(text[max(0, start - 40):end + 60]):
            unit = "troop"   # "recruited hundreds of Yemeni nationals to fight": recruits
        change, delta, superlative, roles = _context_flags(text, start, end)
        if word in ("an additional", "another"):
            delta = True
        figures.append(Figure(value=value, low=lo, high=hi, unit=unit, raw=raw, start=start, end=end,
                              qualifier=word, delta=delta, change=change, superlative=superlative,
                              roles=roles, event=_is_event(text, start, end)))
        spans.append((start, end))

    for m in _BETWEEN.finditer(text):
        low, high = _number_value(m.group(1)), _number_value(m.group(3))
        scale = SCALE[m.group(4).lower()] if m.group(4) else 1
        if low is None or high is None:
            continue
        low, high = low * (SCALE[m.group(2).lower()] if m.group(2) else scale), high * scale
        if not 0 < low < high:
            continue
        add((low + high) / 2, low, high, m.start(), m.end(), m.group(0), "range", "between")

    for m in _SPAN.finditer(text):
        low, high = (float(m.group(i).replace(",", "")) for i in (1, 2))
        years = all(1900 <= v <= 2100 and "," not in m.group(i) for i, v in ((1, low), (2, high)))
        if years or not 100 <= low < high <= 3 * low or _CHANGE_FROM.search(text[max(0, m.start() - 40):m.start()]):
            continue  # "2023-2024"; "rose from 10,000 to 12,000" is a change, not a range
        add((low + high) / 2, low, high, m.start(), m.end(), m.group(0), "range", "to")

    for m in _FRACTION.finditer(text):
        n, d = (_word_value(m.group(i)) for i in (2, 3))
        if n and d and n < d:
            kind, word = _qualifier(text[:m.start()])
            word = (m.group(1) or "").strip().lower() or word
            value = round(100 * n / d, 1)
            more = word in ("more than", "over")
            lo, hi = (value, min(100.0, value * 1.15)) if more else (value * 0.95, value * 1.05)
            figures.append(Figure(value=value, low=lo, high=hi, unit="percent", raw=m.group(0).strip(),
                                  start=m.start(), end=m.end(), qualifier=word,
                                  roles=_context_flags(text, m.start(), m.end())[3],
                                  event=False))
            spans.append((m.start(), m.end()))

    for lo, hi, s, e, raw in _vague(text):
        kind, word = _qualifier(text[:s])
        add((lo + hi) / 2, lo, hi, s, e, raw, kind or "vague", word or raw.lower())

    for m in _NUMBER.finditer(text):
        if any(m.start() < e and m.end() > s for s, e in spans):
            continue
        value = float(m.group(2).replace(",", ""))
        end = m.end()
        scale = re.match(r"\s*(hundred|thousand|million|billion|trillion)\b", text[end:], re.I)
        if scale:
            value *= SCALE[scale.group(1).lower()]
            end += scale.end()
        pct = bool(m.group(3))
        if _is_date_number(text, m.start(), end, value, pct):
            continue
        if _is_designation(text, m.start(), end):
            continue
        if 1900 <= value <= 2100 and "," not in m.group(2) and not pct and _looks_like_year(text, m.start(), end):
            continue  # "a 1988 agreement", "in 2024": a year, not a count
        kind, word = _qualifier(text[:m.start()])
        lo, hi = _range(value, kind, word)
        add(value, lo, hi, m.start(), end, text[m.start():end], kind, word)

    for m in _WORDNUM.finditer(text):
        if any(m.start() < e and m.end() > s for s, e in spans):
            continue
        value, end, scale = _read_spelled(text, m.end(), _number_value(m.group(1)) or 0.0)
        unit_probe = _unit_after(text, end)
        # Spelled-out small numbers are figures only when they count something or are percentages.
        if value < 10 and unit_probe != "percent" and not scale:
            continue
        if value == 1 and not scale:
            continue
        kind, word = _qualifier(text[:m.start()])
        lo, hi = _range(value, kind, word)
        add(value, lo, hi, m.start(), end, text[m.start():end], kind, word)

    figures.sort(key=lambda f: f.start)
    _inherit_units(text, figures)
    _mark_former(text, figures)
    return figures


_ABOUT = r"(?:(?:about|around|roughly|some|nearly|almost|approximately|an estimated)\s+)?"
_MOVED = (r"(?:up|down|rising|falling|increased|decreased|rose|fell|risen|fallen|revised|drop|dropped|decline|declined|"
          r"rise|increase|decrease|fall|jump|jumped|climb|climbed|change)\s+from")
_RAISING = (r"(?:raising|raised|revising|revised|lowering|lowered)\s+(?:the|its|their)\s+(?:estimate|figure|count)"
            r"\s+(?:of|from)")
_FORMER = re.compile(r"\b(?:" + _MOVED + r"|rather than|instead of|compared (?:with|to)|" + _RAISING + r")"
                     r"\s*(?:an? |the )?(?:earlier |previous |initial )?(?:estimate of |figure of )?" + _ABOUT + "$"
                     # "a far larger figure than earlier estimates of several hundred"
                     r"|(?<!confirmed )(?<!confirms )(?<!repeated )(?<!reiterated )(?<!maintained )(?<!reaffirmed )"
                     r"(?<!stood by )(?<!stands by )(?<!kept )(?<!cited )"
                     r"\b(?:the\s+)?(?:earlier|previous|prior|initial|old|past)"
                     r"\s+(?:estimates?|figures?|counts?|tall(?:y|ies))\s+(?:of|at|put at)\s*" + _ABOUT + "$", re.I)


def _mark_former(text: str, figures: list[Figure]) -> None:
    """"Risen to 12,000 from 10,000", "about 7,000 rather than 10,000": the second figure
    is the old value quoted beside the new one; it restates nothing and revises nothing."""
    for i, fig in enumerate(figures):
        left = text[max(0, fig.start - 60):fig.start]
        after_change = i > 0 and figures[i - 1].change and re.search(r"\bfrom\s*$", left)
        if _FORMER.search(left) or after_change:
            fig.former = True


def _inherit_units(text: str, figures: list[Figure]) -> None:
    """'50 of 73 drones' and 'several thousand more' count what their neighbour counts."""
    for i, fig in enumerate(figures):
        if fig.unit is not None:
            continue
        nxt = figures[i + 1] if i + 1 < len(figures) else None
        # "50 of 73 drones", "about 7,000 rather than 10,000 troops": the next one's noun
        if nxt and re.fullmatch(r"\s*(?:of|rather than|instead of|not|versus|vs\.?|compared (?:with|to)),?\s*",
                                text[fig.end:nxt.start]):
            fig.unit = nxt.unit
        elif i > 0 and figures[i - 1].unit not in (None, "percent", "point"):
            fig.unit = figures[i - 1].unit
