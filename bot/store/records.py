"""The records table: questions and feedback, with the user only as a salted hash."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Iterable

from bot.conversation import Record
from bot.store.database import Database, utcnow


class RecordRows(Database):
    """What coordinators' reports read; deleted after the retention time."""

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
