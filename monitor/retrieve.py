"""Retrieve: the seed rows worded most like a new claim, best first, by BM25.

The seed claims are known when the worker starts and do not change while it runs,
so every word's share of every row's score is computed once, at build time; a
query only adds up those shares over the rows its words appear in.

The scores are SQLite FTS5's `bm25()` (k1 1.2, b 0.75, an IDF floored just above
zero, a weight per column), which this replaced. FTS5 gave the same ranking, but
a query cost about 80 µs, mostly its ranking function called back row by row, and
a new article asks some 150 of them: more than the comparison they serve.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence

K1 = 1.2
B = 0.75
IDF_FLOOR = 1e-6   # a word in more than half the rows still counts, barely


class Bm25Index:
    """Rows of terms in columns, each column with its weight."""

    def __init__(self, rows: Sequence[Sequence[Sequence[Hashable]]], weights: Sequence[float]):
        self.rows = len(rows)
        sizes = [sum(len(column) for column in row) for row in rows]
        average = sum(sizes) / self.rows if self.rows else 1.0
        freq: dict[Hashable, dict[int, float]] = {}
        for rowid, row in enumerate(rows):
            for weight, column in zip(weights, row, strict=True):
                for term in column:
                    by_row = freq.setdefault(term, {})
                    by_row[rowid] = by_row.get(rowid, 0.0) + weight
        self.shares: dict[Hashable, dict[int, float]] = {}
        for term, by_row in freq.items():
            hits = len(by_row)
            idf = math.log((self.rows - hits + 0.5) / (hits + 0.5))
            if idf <= 0.0:
                idf = IDF_FLOOR
            self.shares[term] = {
                rowid: idf * ((f * (K1 + 1.0)) / (f + K1 * (1 - B + B * sizes[rowid] / average)))
                for rowid, f in by_row.items()}

    def search(self, terms: Sequence[Hashable], limit: int, required: Hashable | None = None) -> list[int]:
        """Row numbers holding any of `terms` (and `required`, when given), best first;
        equal scores in row order. `required` also adds to the score, as the first word."""
        needed = self.shares.get(required, {}) if required is not None else None
        scores = dict(needed) if needed else {}   # FTS5 sums a row's words in query order
        for term in terms:
            for rowid, share in self.shares.get(term, {}).items():
                scores[rowid] = scores.get(rowid, 0.0) + share
        if needed is not None:
            matched = needed.keys() & set().union(*(self.shares.get(t, {}).keys() for t in terms))
            scores = {rowid: scores[rowid] for rowid in matched}
        ranked = sorted([(-score, rowid) for rowid, score in scores.items()])
        return [rowid for _, rowid in ranked[:limit]]
