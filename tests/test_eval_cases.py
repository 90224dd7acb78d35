"""The labelled cases kept with the tests stay above the quality bar.

Every set must be free of false alerts (a false alert costs more than a missed one).
Recall is held over all the sets together, at the level they reach now, as a guard
against regressions: the blind sets (fresh, blind2, blind3, blind4, written by someone
who had not read the code) still miss alerts that need more than wording rules — a
re-export ban against "deals with Poland", a death against "no reported casualties",
a meeting described as "sat down together" or one that "will not go ahead",
Pyongyang's own admission, troops "used as cannon fodder" against "not cannon fodder", a quote
thanking "our Korean comrades" for shells, a satellite reaching orbit, a submarine
technology transfer — and those misses are kept in view, not dropped from the sets.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor import evaluate

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "cases").glob("*.yaml"))


@pytest.fixture(scope="module")
def scores() -> dict[str, evaluate.Score]:
    return {p.stem: evaluate.run(p, ROOT / "seeds", ROOT / "seeds" / "aliases.toml")[0] for p in CASES}


@pytest.mark.parametrize("name", [p.stem for p in CASES])
def test_case_set_has_no_false_alert(scores, name):
    assert scores[name].false_alerts == [], [(f["url"], f["seed_claim"][:80], why)
                                             for f, why in scores[name].false_alerts]


# A floor against regressions, below today's 0.69 (46 of 67): the newest blind sets are
# kept as they are, with the misses their first sight revealed, so recall is honest.
MIN_RECALL = 0.65


def test_case_sets_together_miss_few_alerts(scores):
    expected = sum(s.expected for s in scores.values())
    missed = [m for s in scores.values() for m in s.missed]
    assert (expected - len(missed)) / expected >= MIN_RECALL, missed
