"""The tickets and copies tables: cases passed to hosts, and every message copied once."""

from __future__ import annotations

import datetime as dt
import sqlite3

from bot.hosts import Ticket
from bot.store.database import Database

TICKET_FIELDS = ("id", "user_id", "host", "chat_id", "thread_id", "municipality", "language",
                 "first_name", "question", "status", "created_at", "first_reply_at", "claimed_by",
                 "follow_up_due", "followed_up", "rating", "user_blocked")
_TIMES = ("created_at", "first_reply_at", "follow_up_due")


class TicketRows(Database):
    """A ticket is stored before its topic exists; a copy is claimed before it is sent."""

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
