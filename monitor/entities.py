"""Entity normalisation: countries, their capitals, demonyms and user aliases.

"Seoul", "South Korean" and "the Republic of Korea" must count as the same party
when two sentences are compared, otherwise a wording change looks like a new fact.
The country data comes from the countryinfo package; a small TOML file of the
user's own aliases ("the Kremlin" = "Russia") is layered on top.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Government seats and metonyms that no country table carries. Generic, not story-bound;
# users add their own in seeds/aliases.toml.
BUILTIN_ALIASES = {
    "Kremlin": "Russia",
    "White House": "United States",
    "Pentagon": "United States",
    "State Department": "United States",
    "Downing Street": "United Kingdom",
    "Whitehall": "United Kingdom",
    "Élysée": "France",
    "Elysee": "France",
    "Blue House": "South Korea",
    "Kiev": "Ukraine",
    "DPRK": "North Korea",
    "ROK": "South Korea",
    "US": "United States",
    "U.S.": "United States",
    "UK": "United Kingdom",
    "Americans": "United States people",
    "Britons": "United Kingdom people",
    "Washington": "United States",
}

# Plural demonyms that simple "+s" does not produce.
_IRREGULAR_PLURAL = {"Chinese", "Japanese", "Vietnamese", "Swiss", "Dutch", "French", "British",
                     "Irish", "English", "Welsh", "Scottish", "Portuguese", "Taiwanese"}


def key_for(canonical: str) -> str:
    """The matching key of an entity: "North Korea" → "@north_korea"."""
    return "@" + canonical.lower().replace(" ", "_")


class AliasFileError(Exception):
    """The aliases file could not be read."""


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: it is a cached singleton
class Gazetteer:
    """Surface form → canonical entity, matched longest first, case-sensitive."""

    forms: dict[str, str]
    pattern: re.Pattern[str]

    def find(self, text: str) -> list[tuple[int, int, str]]:
        return [(m.start(), m.end(), self.forms[m.group(0)]) for m in self.pattern.finditer(text)]

    def entities(self, text: str) -> list[str]:
        seen: list[str] = []
        for _, _, canon in self.find(text):
            if canon not in seen:
                seen.append(canon)
        return seen

    def canonical(self, text: str) -> str | None:
        hits = self.find(text)
        return hits[0][2] if hits else None


def _country_forms() -> dict[str, str]:
    """Names, capitals, spellings and demonyms of every country.

    A form several countries share ("American": the United States and the Northern
    Mariana Islands; "Indian": India and the British Indian Ocean Territory) goes to
    the most populous of them, the one news text means.
    """
    from countryinfo import all_countries

    best: dict[str, tuple[float, str]] = {}

    def offer(form: str, target: str, population: float) -> None:
        if form not in best or population > best[form][0]:
            best[form] = (population, target)

    for country in all_countries():
        info = country.info()
        name = info.get("name")
        if not name:
            continue
        population = float(info.get("population") or 0)
        capital = info.get("capital") or ""
        candidates = [name] + (capital if isinstance(capital, list) else [capital])
        candidates += [a for a in info.get("altSpellings") or [] if a.isascii()]
        demonym = info.get("demonym") or ""
        if demonym:
            candidates.append(demonym)
            if demonym not in _IRREGULAR_PLURAL and len(demonym) >= 4:
                # "South Koreans" are the people, not the state: a poll is not a policy
                offer(demonym + "s", f"{name} people", population)
        for form in candidates:
            if not isinstance(form, str):
                continue
            form = form.strip()
            # Two-letter codes and all-caps abbreviations collide with words ("IN", "US").
            if len(form) < 4 or (form.isupper() and form not in ("USA",)):
                continue
            if "," in form:
                continue
            offer(form, name, population)
            if form.startswith("The "):
                offer(form[4:], name, population)
    return {form: target for form, (_, target) in best.items()}


def read_aliases(path: Path | None) -> dict[str, str]:
    if path is None or not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AliasFileError(f"{path}: {exc}") from exc
    table = data.get("aliases", data)
    return {str(k): str(v) for k, v in table.items() if isinstance(v, str)}


@lru_cache(maxsize=8)
def load(aliases_file: str | None = None) -> Gazetteer:
    forms = _country_forms()
    forms.update(BUILTIN_ALIASES)
    forms.update(read_aliases(Path(aliases_file)) if aliases_file else {})
    pattern = re.compile(r"(?<!\w)" + _trie_pattern(list(forms)) + r"(?!\w)")
    return Gazetteer(forms=forms, pattern=pattern)


def _trie_pattern(words: list[str]) -> str:
    """One regex for many names that shares their common prefixes.

    A flat alternation of ~1,300 names makes the regex engine try each in turn at
    every position; a prefix tree lets it fail after a character or two. Longer
    names are tried first at each branch, so "South Korean" wins over "South Korea".
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return "(?:" + build(trie) + ")"
