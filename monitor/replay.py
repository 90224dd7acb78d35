"""Replay: run a poll with the network served from `responses` recordings.

A URL that is not in the recordings behaves as a connection error, exactly as an
unreachable site would, so replays exercise the same failure paths as real polls.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import responses


class CassetteError(Exception):
    """A recording file could not be read."""


@contextmanager
def cassettes(paths: list[Path]) -> Iterator[responses.RequestsMock]:
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    with mock:
        for path in paths:
            if not path.exists():
                raise CassetteError(f"recording not found: {path}")
            try:
                mock._add_from_file(file_path=str(path))
            except Exception as exc:  # noqa: BLE001 - a bad YAML file gets one clear message
                raise CassetteError(f"{path}: not a responses recording ({exc})") from exc
        yield mock
