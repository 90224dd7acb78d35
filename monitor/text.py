"""Sentence splitting, tokens and lemmas: the small language layer every stage shares.

Kept dependency-light on purpose (simplemma's tables, no model download), so the
default install works offline and fast.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import simplemma

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "sgt", "capt", "rep", "sen", "gov",
    "st", "jr", "sr", "vs", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "inc", "corp", "ltd", "co",
}

STOPWORDS = frozenset({
    "a", "an", "the", "and", "or", "but", "if", "then", "than", "that", "this", "these",
    "those", "there", "their", "they", "them", "it", "its", "is", "are", "was", "were", "be",
    "been", "being", "am", "do", "does", "did", "done", "have", "has", "had", "having", "of",
    "in", "on", "at", "by", "for", "with", "from", "to", "into", "onto", "over", "under",
    "about", "as", "not", "no", "nor", "so", "such", "too", "very", "can", "could", "may",
    "might", "must", "shall", "should", "will", "would", "i", "you", "he", "she", "we", "his",
    "her", "our", "your", "my", "me", "him", "us", "who", "whom", "whose", "which", "what",
    "when", "where", "why", "how", "all", "any", "both", "each", "few", "more", "most", "other",
    "some", "own", "same", "just", "also", "only", "even", "still", "yet", "while", "after",
    "before", "during", "since", "until", "again", "further", "once", "here", "out", "up",
    "down", "off", "per", "via", "among", "amid", "across", "because", "though", "although",
    "whether", "upon", "says", "said", "say", "saying", "told", "tell", "tells", "according",
    "against", "one", "two", "new", "last", "first", "week", "weeks", "day", "days",
    "year", "years", "month", "months", "time", "times", "mr", "ms", "mrs",
})

_SENT_END = re.compile(r"""([.!?…]+["'”’)\]]*)\s+(?=["'“‘(\[]?[A-Z0-9])""")
_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?%?|[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]")


def normalize(text: str) -> str:
    """NFC, straight quotes kept as typographic ones are in the data, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u00a0", " ").replace("\u2011", "-")
    return re.sub(r"[ \t]+", " ", text).strip()


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences, respecting common abbreviations."""
    paragraph = normalize(paragraph)
    out: list[str] = []
    start = 0
    for match in _SENT_END.finditer(paragraph):
        end = match.end(1)
        before = paragraph[start:end]
        last_word = re.findall(r"([A-Za-z.]+)\.$", before.rstrip("\"'”’)]"))
        if last_word and (last_word[0].lower().rstrip(".") in ABBREVIATIONS
                          or re.fullmatch(r"(?:[A-Z]\.)+[A-Z]?", last_word[0] + ".")):
            continue
        out.append(paragraph[start:end].strip())
        start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]   # "NIS's", "UAV's"
    if len(word) > 2 and word.endswith("s") and word[:-1].isupper():
        return word[:-1].lower()   # an acronym's plural: "UAVs", "ICBMs"
    low = word.lower()
    try:
        lem = simplemma.lemmatize(low, lang="en").lower()
    except Exception:  # noqa: BLE001 - a lemmatiser hiccup must not lose a sentence
        return low
    if lem == low and low.endswith("s") and len(low) > 4 and simplemma.is_known(low[:-1], lang="en"):
        return low[:-1]  # plurals the tables miss: "frontlines"
    if lem.endswith("ing") and len(lem) > 5:
        # "setting up" is about setting something, not a noun "setting"
        stem = lem[:-3]
        if len(stem) > 2 and stem[-1] == stem[-2]:
            stem = stem[:-1]
        for candidate in (stem, stem + "e"):
            if simplemma.is_known(candidate, lang="en"):
                return candidate
    return lem


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))
