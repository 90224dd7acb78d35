"""The labelled cases kept with the tests stay above the quality bar.

Every set must be free of false alerts (a false alert costs more than a missed one);
recall is held to 0.85 over all the sets together, so one hard case in a small set
(fresh.yaml's re-export denial, a death against "no reported casualties") is recorded
rather than hidden.
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


def test_case_sets_together_miss_few_alerts(scores):
    expected = sum(s.expected for s in scores.values())
    missed = [m for s in scores.values() for m in s.missed]
    assert (expected - len(missed)) / expected >= 0.85, missed
