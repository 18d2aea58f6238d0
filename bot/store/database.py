"""The SQLite connection, its schema version and the meta table; the tables' modules build on it."""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
import threading
from pathlib import Path

from bot.store.migrations import MIGRATIONS


class StoreError(Exception):
    """The database file cannot be used; the message says why."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Database:
    """One SQLite file, safe to use from the event loop's thread and others."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                       timeout=10)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot use the database {self.path}: {exc}") from None
        except OSError as exc:
            raise StoreError(f"cannot create the database {self.path}: {exc.strerror}") from None
        self._lock = threading.Lock()
        self._salt = self._meta("salt") or self._set_meta("salt", secrets.token_hex(16))

    def close(self) -> None:
        self._db.close()

    @property
    def version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        current = self.version
        if current > len(MIGRATIONS):
            raise StoreError(f"the database {self.path} is from a newer version of Vertskap "
                             f"(schema {current}); update the program")
        for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
            self._db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")

    def meta(self, key: str) -> str | None:
        return self._meta(key)

    def set_meta(self, key: str, value: str) -> str:
        with self._lock:
            return self._set_meta(key, value)

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> str:
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
        return value
