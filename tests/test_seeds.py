"""The seed loader keeps each article's own text and drops furniture and teasers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor import seeds
from monitor.cli import cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def loaded() -> dict[str, seeds.Seed]:
    return {s.id[:3]: s for s in seeds.load(ROOT / "seeds")}


@pytest.fixture(scope="module")
def all_claims(loaded) -> str:
    return "\n".join(c.text for s in loaded.values() for c in s.claims)


def test_every_seed_has_claims(loaded):
    assert sorted(loaded) == ["000", "001", "002", "003", "004"]
    assert all(s.claims for s in loaded.values())


@pytest.mark.parametrize("phrase", [
    "approximately 10,000 North Korean troops",    # troop estimates
    "roughly 3,000 North Korean troops",
    "tripled its estimate",
    "tens of thousands of North Korean personnel",
    "82% of the public opposed",                   # the poll
    "188 drones were launched",                    # the drone record, in an "other news" section
    "Rustem Umerov met with South Korean officials",  # the visit
])
def test_key_facts_are_claims(all_claims, phrase):
    assert phrase in all_claims


@pytest.mark.parametrize("phrase", [
    "Canada Post",            # 004: "More from GZERO" teasers
    "Chrome",
    "M23",
    "Hoekstra",
    "Jacinda Ardern",         # 003: teasers after the article
    "Tanzania",
    "refugees",
    "regime change",          # 001: related-story blocks after the article
    "toxic exposure",
    "Subscribe",              # 001: newsletter box
    "google cta",             # 001: button labels
    "Follow us on social",
])
def test_teasers_and_furniture_are_not_claims(all_claims, phrase):
    assert phrase.lower() not in all_claims.lower()


def test_the_article_body_is_kept_up_to_its_end(loaded):
    # 000 has no page furniture at all: nothing may be cut from it
    assert loaded["000"].dropped == []
    assert "closer alignment with Moscow" in loaded["000"].text


def test_seeds_json_lists_seed_and_text(tmp_path):
    config = tmp_path / "monitor.toml"
    config.write_text(f'seeds_dir = "{ROOT / "seeds"}"\nstate_dir = "{tmp_path / "state"}"\n')
    result = CliRunner().invoke(cli, ["--config", str(config), "seeds", "--json"], catch_exceptions=False)
    rows = json.loads(result.output)
    assert {r["seed"][:3] for r in rows} == {"000", "001", "002", "003", "004"}
    assert all(r["text"] for r in rows)


def test_missing_seeds_folder_is_a_clear_error(tmp_path):
    with pytest.raises(seeds.SeedError, match="seeds folder not found"):
        seeds.load(tmp_path / "nope")
