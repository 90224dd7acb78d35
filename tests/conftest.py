from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from monitor import config as config_mod
from monitor import store
from tests.localserver import LocalServer, stay_offline

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def seeds_dir(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", target)
    return target


@pytest.fixture
def make_config(tmp_path: Path, seeds_dir: Path):
    """A config file in tmp_path polling the given feed URLs."""

    def make(*feed_urls: str, extra: str = "") -> config_mod.Config:
        lines = ['state_dir = "state"', f'seeds_dir = "{seeds_dir}"', extra]
        for url in feed_urls:
            lines += ["[[feeds]]", f'url = "{url}"']
        path = tmp_path / "monitor.toml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return config_mod.load(path, environ={})

    return make


@pytest.fixture
def fresh_db(tmp_path: Path):
    db = store.open_db(tmp_path / "state" / "monitor.db")
    yield db
    db.close()


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """No test reaches the internet: every host name but localhost fails to resolve."""
    stay_offline(monkeypatch)


@pytest.fixture
def server():
    """A real HTTP server on 127.0.0.1 that the test scripts."""
    with LocalServer() as srv:
        yield srv
