"""The story gate: which feed items are worth fetching, from their title and summary alone."""

from __future__ import annotations

import pytest

from monitor import story as story_mod
from tests.polling import _seeds


@pytest.fixture(scope="module")
def story() -> story_mod.Story:
    loaded, gaz = _seeds()
    ids = {(s.id, c.position): f"{s.id}:{c.position}" for s in loaded for c in s.claims}
    return story_mod.build(loaded, gaz, ids)


def test_two_people_of_a_seed_claim_and_its_plan_make_an_item_worth_fetching(story):
    assert story.matches("Planned Yoon-Trump meeting shelved after impeachment vote",
                         "Presidential office says there are no longer any plans for talks with the president-elect.")


def test_two_people_who_are_not_both_in_one_seed_claim_do_not(story):
    assert not story.matches("Trump and Putin to meet in Alaska", "The summit is set for Friday.")
