"""A lock the running bot holds on its database, so that a restore can tell it runs.

The lock is an exclusive `flock` on `<database>.lock`. The kernel drops it when the
process ends in any way (a crash or SIGKILL too), so a stale lock cannot stop a
restore, as a stale PID file could. A second `vertskap run` on the same database
is refused the same way.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class DatabaseInUse(Exception):
    """A running assistant holds the database."""


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


class RunLock:
    """Held while `vertskap run` (or a restore) uses the database; `release` or exit frees it."""

    def __init__(self, database: Path):
        self.path = lock_path(Path(database))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._fd)
            raise DatabaseInUse(str(database)) from None
        os.ftruncate(self._fd, 0)
        os.write(self._fd, f"{os.getpid()}\n".encode())  # for people; the lock is what counts

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "RunLock":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def is_running(database: Path) -> bool:
    """Whether an assistant holds the database now."""
    try:
        RunLock(database).release()
    except DatabaseInUse:
        return True
    return False
