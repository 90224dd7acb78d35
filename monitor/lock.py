"""One poll at a time: an exclusive lock file in state_dir shared by `poll` and `run`."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Busy(Exception):
    """Another process is polling (or sending a digest) with the same state_dir."""


@contextmanager
def held(state_dir: Path, name: str = "poll.lock",
         what: str = "poll is running") -> Iterator[None]:
    """Hold `name` in state_dir, or raise Busy at once. The kernel drops a flock when its
    process dies, so a crash never leaves a stale lock behind."""
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / name
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise Busy(f"another {what} (lock {path} is held)") from exc
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)
