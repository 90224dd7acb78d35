"""The labelled cases kept with the tests stay above the quality bar."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor import evaluate

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "cases").glob("*.yaml"))


@pytest.mark.parametrize("spec", CASES, ids=[p.stem for p in CASES])
def test_case_set_has_no_false_alert_and_misses_little(spec):
    score, _ = evaluate.run(spec, ROOT / "seeds", ROOT / "seeds" / "aliases.toml")
    assert score.false_alerts == [], [(f["url"], f["seed_claim"][:80], why) for f, why in score.false_alerts]
    assert score.recall >= 0.85, score.missed
