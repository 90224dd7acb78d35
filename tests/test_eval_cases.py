"""The labelled cases kept with the tests stay above the quality bar.

Every set must be free of false alerts (a false alert costs more than a missed one).
Recall is held set by set at the level each reaches now, as a guard against
regressions: the blind sets (fresh and blind2 to blind73, written by helpers who had
not read the code) still miss alerts that need more than wording rules — a
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


# Alerts each set finds today: a ratchet against regressions, set by set (an aggregate
# floor moved every time a new blind set came in with the misses of its first sight).
# Raise a number when a set finds more; a set not listed must find all its alerts.
FOUND = {"blind2": 5, "blind3": 3, "blind4": 5, "blind5": 6, "blind6": 4, "blind7": 3, "blind8": 3,
         "blind9": 4, "blind10": 2, "blind11": 3, "blind12": 4, "blind13": 5, "blind14": 3, "blind15": 3,
         "blind16": 4, "blind17": 3, "blind18": 1, "blind19": 6, "blind20": 4, "blind21": 0, "blind22": 2,
         "blind23": 3, "blind24": 2, "blind25": 5, "blind26": 2, "blind27": 2, "blind28": 5, "blind29": 1,
         "blind30": 3, "blind31": 1, "blind32": 0, "blind33": 0, "blind34": 2, "blind35": 6, "blind36": 5,
         "blind37": 5, "blind38": 4, "blind39": 3, "blind40": 5,
         "blind41": 6, "blind42": 2, "blind43": 3, "blind44": 3, "blind45": 3, "blind46": 3,
         "blind47": 6, "blind48": 5, "blind49": 5,
         "blind50": 5, "blind51": 3, "blind52": 6,
         "blind53": 4, "blind54": 4, "blind55": 2,
         "blind56": 5, "blind57": 3, "blind58": 5,
         "blind59": 4, "blind60": 4, "blind61": 3,
         "blind62": 5, "blind63": 3, "blind64": 5,
         "blind65": 5, "blind66": 6, "blind67": 6,
         "blind68": 5, "blind69": 4, "blind70": 5,
         "blind71": 5, "blind72": 5, "blind73": 5, "fresh": 7}


@pytest.mark.parametrize("name", [p.stem for p in CASES])
def test_case_set_finds_the_alerts_it_found_before(scores, name):
    score = scores[name]
    found = score.expected - len(score.missed)
    assert found >= FOUND.get(name, score.expected), score.missed
