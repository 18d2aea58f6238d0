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

from bot.knowledge.checklist import Progress
from bot.conversation import Record, UserState
from bot.hosts import Ticket


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
    # 2: tickets with hosts, and the messages copied both ways (each exactly once)
    """
    CREATE TABLE tickets (
        id             INTEGER PRIMARY KEY,
        user_id        INTEGER NOT NULL,
        host           TEXT NOT NULL,
        chat_id        INTEGER NOT NULL,
        thread_id      INTEGER,
        municipality   TEXT,
        language       TEXT NOT NULL,
        first_name     TEXT NOT NULL,
        question       TEXT NOT NULL,
        status         TEXT NOT NULL DEFAULT 'open',
        created_at     TEXT NOT NULL,
        first_reply_at TEXT,
        claimed_by     TEXT,
        follow_up_due  TEXT,
        followed_up    INTEGER NOT NULL DEFAULT 0,
        rating         INTEGER,
        user_blocked   INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX one_open_ticket ON tickets (user_id) WHERE status = 'open';
    CREATE INDEX tickets_topic ON tickets (chat_id, thread_id);
    CREATE TABLE ticket_messages (
        ticket_id   INTEGER NOT NULL REFERENCES tickets (id),
        direction   TEXT NOT NULL,          -- 'to_host' or 'to_user'
        source_chat INTEGER NOT NULL,
        source_id   INTEGER NOT NULL,
        copy_id     INTEGER,
        text        TEXT,                   -- hosts' answers, for /faq drafts
        PRIMARY KEY (direction, source_chat, source_id)
    );
    """,
    # 3: the arrival checklist (answers, progress, reminders) as JSON with the user
    """
    ALTER TABLE users ADD COLUMN checklist TEXT;
    """,
)

TICKET_FIELDS = ("id", "user_id", "host", "chat_id", "thread_id", "municipality", "language",
                 "first_name", "question", "status", "created_at", "first_reply_at", "claimed_by",
                 "follow_up_due", "followed_up", "rating", "user_blocked")
_TIMES = ("created_at", "first_reply_at", "follow_up_due")


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

    # ----------------------------------------------------------------- users

    def user(self, user_id: int) -> UserState:
        row = self._db.execute(
            "SELECT language, municipality, onboarded, checklist FROM users WHERE user_id = ?",
            (user_id,)).fetchone()
        if row is None:
            return UserState()
        return UserState(language=row[0], municipality=row[1], onboarded=bool(row[2]),
                         checklist=Progress.from_json(row[3]))

    def users_with_checklist(self) -> list[tuple[int, UserState]]:
        ids = [r[0] for r in self._db.execute(
            "SELECT user_id FROM users WHERE checklist IS NOT NULL ORDER BY user_id").fetchall()]
        return [(i, self.user(i)) for i in ids]

    def save_user(self, user_id: int, state: UserState) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO users (user_id, language, municipality, onboarded, checklist, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
                "language = excluded.language, municipality = excluded.municipality, "
                "onboarded = excluded.onboarded, checklist = excluded.checklist, "
                "updated_at = excluded.updated_at",
                (user_id, state.language, state.municipality, int(state.onboarded),
                 state.checklist.to_json() if state.checklist else None, utcnow().isoformat()))

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

    def last_questions(self, user_id: int, limit: int = 5) -> list[dict]:
        rows = self._db.execute(
            "SELECT text, outcome, entry, score, language FROM records WHERE user_hash = ? AND "
            "kind = 'question' ORDER BY id DESC LIMIT ?", (self.user_hash(user_id), limit)).fetchall()
        return [dict(zip(("text", "outcome", "entry", "score", "language"), r, strict=True))
                for r in reversed(rows)]

    # ----------------------------------------------------------------- tickets

    def _ticket(self, row) -> Ticket | None:
        if row is None:
            return None
        values = dict(zip(TICKET_FIELDS, row, strict=True))
        for name in _TIMES:
            if values[name]:
                values[name] = dt.datetime.fromisoformat(values[name])
        values["followed_up"] = bool(values["followed_up"])
        values["user_blocked"] = bool(values["user_blocked"])
        return Ticket(**values)

    def _select(self, where: str, args: tuple) -> list[Ticket]:
        rows = self._db.execute(f"SELECT {', '.join(TICKET_FIELDS)} FROM tickets WHERE {where} "
                                "ORDER BY id", args).fetchall()
        return [self._ticket(r) for r in rows]

    def open_ticket(self, ticket: Ticket) -> Ticket:
        """Stores a new open ticket; returns the user's open one if there is one already."""
        values = {f: getattr(ticket, f) for f in TICKET_FIELDS if f != "id"}
        for name in _TIMES:
            if values[name] is not None:
                values[name] = values[name].isoformat()
        with self._lock:
            try:
                cursor = self._db.execute(
                    f"INSERT INTO tickets ({', '.join(values)}) VALUES "
                    f"({', '.join('?' * len(values))})", tuple(values.values()))
            except sqlite3.IntegrityError:
                return self.open_ticket_of(ticket.user_id)
        return self.ticket(cursor.lastrowid)

    def ticket(self, ticket_id: int) -> Ticket | None:
        found = self._select("id = ?", (ticket_id,))
        return found[0] if found else None

    def open_ticket_of(self, user_id: int) -> Ticket | None:
        found = self._select("user_id = ? AND status = 'open'", (user_id,))
        return found[0] if found else None

    def ticket_in_topic(self, chat_id: int, thread_id: int) -> Ticket | None:
        found = self._select("chat_id = ? AND thread_id = ?", (chat_id, thread_id))
        return found[-1] if found else None

    def update_ticket(self, ticket_id: int, **values) -> None:
        for name in _TIMES:
            if isinstance(values.get(name), dt.datetime):
                values[name] = values[name].isoformat()
        unknown = set(values) - set(TICKET_FIELDS)
        if unknown:
            raise ValueError(f"no ticket fields {unknown}")
        with self._lock:
            self._db.execute(f"UPDATE tickets SET {', '.join(f'{k} = ?' for k in values)} "
                             "WHERE id = ?", (*values.values(), ticket_id))

    def due_follow_ups(self, now: dt.datetime) -> list[Ticket]:
        return [t for t in self._select("status = 'open' AND followed_up = 0 AND "
                                        "first_reply_at IS NULL AND follow_up_due IS NOT NULL", ())
                if t.follow_up_due <= now]

    def tickets(self) -> list[Ticket]:
        return self._select("1 = 1", ())

    def claim_copy(self, ticket_id: int, direction: str, source_chat: int, source_id: int,
                   text: str | None = None) -> bool:
        """Claims the copying of one message; False if it was copied (or claimed) before."""
        with self._lock:
            try:
                self._db.execute("INSERT INTO ticket_messages (ticket_id, direction, source_chat, "
                                 "source_id, text) VALUES (?, ?, ?, ?, ?)",
                                 (ticket_id, direction, source_chat, source_id, text))
            except sqlite3.IntegrityError:
                return False
        return True

    def copied(self, direction: str, source_chat: int, source_id: int, copy_id: int) -> None:
        with self._lock:
            self._db.execute("UPDATE ticket_messages SET copy_id = ? WHERE direction = ? AND "
                             "source_chat = ? AND source_id = ?",
                             (copy_id, direction, source_chat, source_id))

    def host_answers(self, ticket_id: int) -> list[str]:
        rows = self._db.execute("SELECT text FROM ticket_messages WHERE ticket_id = ? AND "
                                "direction = 'to_user' AND text IS NOT NULL ORDER BY rowid",
                                (ticket_id,)).fetchall()
        return [r[0] for r in rows]

    def records(self, kind: str | None = None, since: dt.datetime | None = None,
                until: dt.datetime | None = None) -> list[dict]:
        """Records in order, optionally of one kind and within [since, until)."""
        where, args = [], []
        if kind:
            where.append("kind = ?")
            args.append(kind)
        if since:
            where.append("at >= ?")
            args.append(since.astimezone(dt.timezone.utc).isoformat())
        if until:
            where.append("at < ?")
            args.append(until.astimezone(dt.timezone.utc).isoformat())
        query = "SELECT * FROM records" + (" WHERE " + " AND ".join(where) if where else "") + \
            " ORDER BY at, id"
        cursor = self._db.execute(query, args)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        for row in rows:
            row["at"] = dt.datetime.fromisoformat(row["at"])
        return rows

    def first_record_at(self) -> dt.datetime | None:
        row = self._db.execute("SELECT MIN(at) FROM records").fetchone()
        return dt.datetime.fromisoformat(row[0]) if row and row[0] else None

    def forget_user(self, user_id: int) -> None:
        """Deletes everything about one user: choices, records, tickets' personal fields."""
        user_hash = self.user_hash(user_id)
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
                self._db.execute("DELETE FROM records WHERE user_hash = ?", (user_hash,))
                self._db.execute("UPDATE ticket_messages SET text = NULL WHERE ticket_id IN "
                                 "(SELECT id FROM tickets WHERE user_id = ?)", (user_id,))
                self._db.execute("UPDATE tickets SET status = 'closed', first_name = '', "
                                 "question = '', user_id = 0 WHERE user_id = ?", (user_id,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def forget_before(self, cutoff: dt.datetime) -> int:
        """Retention: deletes records, and closed tickets' personal fields, older than `cutoff`."""
        stamp = cutoff.astimezone(dt.timezone.utc).isoformat()
        with self._lock:
            deleted = self._db.execute("DELETE FROM records WHERE at < ?", (stamp,)).rowcount
            self._db.execute("UPDATE tickets SET first_name = '', question = '', user_id = 0 "
                             "WHERE status = 'closed' AND created_at < ?", (stamp,))
            self._db.execute("UPDATE ticket_messages SET text = NULL WHERE ticket_id IN (SELECT id "
                             "FROM tickets WHERE status = 'closed' AND created_at < ?)", (stamp,))
        return deleted
