"""Candidate retrieval: BM25 over seed rows, ranked as SQLite FTS5 ranks them."""

import random
import sqlite3

from monitor.retrieve import Bm25Index

ROWS = [
    (["north", "korea", "troop", "russia"], ["kursk"]),
    (["south", "korea", "weapon", "ukraine"], ["yoon"]),
    (["russia", "drone", "ukraine", "launch"], []),
    (["north", "korea", "troop", "kursk", "fight"], ["russia"]),
]


def test_rows_sharing_the_rarer_words_rank_first():
    index = Bm25Index(ROWS, weights=(1.0, 0.3))
    assert index.search(["troop", "kursk"], limit=4) == [3, 0]


def test_a_word_only_in_the_context_column_counts_less():
    index = Bm25Index([(["kursk"], []), ([], ["kursk"])], weights=(1.0, 0.3))
    assert index.search(["kursk"], limit=2) == [0, 1]


def test_a_required_word_keeps_only_rows_with_it_and_another_word():
    index = Bm25Index(ROWS, weights=(1.0, 0.3))
    assert index.search(["ukraine"], limit=4, required="drone") == [2]
    assert index.search(["fight"], limit=4, required="drone") == []


def test_at_most_limit_rows_come_back():
    index = Bm25Index(ROWS, weights=(1.0, 0.3))
    assert len(index.search(["korea", "russia"], limit=2)) == 2


def test_unknown_words_find_nothing():
    index = Bm25Index(ROWS, weights=(1.0, 0.3))
    assert index.search(["tariff"], limit=4) == []


def test_ranking_is_the_one_sqlite_fts5_gives():
    """The index replaced an FTS5 table; the same queries must give the same rows in
    the same order, ties included (they fall back to row order)."""
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(30)]
    rows = [(rng.sample(vocab, rng.randrange(1, 9)), rng.sample(vocab, rng.randrange(0, 5)))
            for _ in range(80)]
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE idx USING fts5(own, context)")
    db.executemany("INSERT INTO idx(rowid, own, context) VALUES (?, ?, ?)",
                   [(i + 1, " ".join(own), " ".join(ctx)) for i, (own, ctx) in enumerate(rows)])
    index = Bm25Index(rows, weights=(1.0, 0.3))
    for _ in range(200):
        terms = rng.sample(vocab, rng.randrange(1, 6))
        required = rng.choice([None, rng.choice(vocab)])
        words = " OR ".join(terms)
        query = words if required is None else f"{required} AND ({words})"
        expected = [rowid - 1 for (rowid,) in db.execute(
            "SELECT rowid FROM idx WHERE idx MATCH ? ORDER BY bm25(idx, 1.0, 0.3) LIMIT 8", (query,))]
        assert index.search(terms, limit=8, required=required) == expected, query
