"""The SQLite file: users' choices and what they asked (for coordinators' reports).

Knows nothing of Telegram: users are numbers. The schema is versioned with
`PRAGMA user_version`; each migration runs once, in order, in a transaction.
People are stored in records only as a salted hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import sqlite3
import threading
from pathlib import Path
from typing import Iterable

from bot.dialogue import Record, UserState


class StoreError(Exception):
    """The database file cannot be used; the message says why."""


MIGRATIONS: tuple[str, ...] = (
    # 1: users and records
    """
    CREATE TABLE users (
        user_id      INTEGER PRIMARY KEY,
        language     TEXT,
        municipality TEXT,
        onboarded    INTEGER NOT NULL DEFAULT 0,
        updated_at   TEXT NOT NULL
    );
    CREATE TABLE records (
        id           INTEGER PRIMARY KEY,
        at           TEXT NOT NULL,
        kind         TEXT NOT NULL,
        user_hash    TEXT,
        language     TEXT,
        municipality TEXT,
        text         TEXT,
        outcome      TEXT,
        entry        TEXT,
        score        REAL,
        value        TEXT
    );
    CREATE INDEX records_at ON records (at);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Store:
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

    # ----------------------------------------------------------------- schema

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

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> str:
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
        return value

    # ----------------------------------------------------------------- users

    def user(self, user_id: int) -> UserState:
        row = self._db.execute(
            "SELECT language, municipality, onboarded FROM users WHERE user_id = ?",
            (user_id,)).fetchone()
        if row is None:
            return UserState()
        return UserState(language=row[0], municipality=row[1], onboarded=bool(row[2]))

    def save_user(self, user_id: int, state: UserState) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO users (user_id, language, municipality, onboarded, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
                "language = excluded.language, municipality = excluded.municipality, "
                "onboarded = excluded.onboarded, updated_at = excluded.updated_at",
                (user_id, state.language, state.municipality, int(state.onboarded),
                 utcnow().isoformat()))

    # ----------------------------------------------------------------- records

    def user_hash(self, user_id: int) -> str:
        return hashlib.sha256(f"{self._salt}:{user_id}".encode()).hexdigest()[:32]

    def add_records(self, user_id: int | None, records: Iterable[Record],
                    at: dt.datetime | None = None) -> None:
        rows = [((at or utcnow()).isoformat(), r.kind,
                 self.user_hash(user_id) if user_id is not None else None, r.language,
                 r.municipality, r.text, r.outcome, r.entry, r.score, r.value) for r in records]
        if not rows:
            return
        with self._lock:
            self._db.executemany(
                "INSERT INTO records (at, kind, user_hash, language, municipality, text, outcome, "
                "entry, score, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def records(self, kind: str | None = None) -> list[dict]:
        query = "SELECT * FROM records" + (" WHERE kind = ?" if kind else "") + " ORDER BY id"
        cursor = self._db.execute(query, (kind,) if kind else ())
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
