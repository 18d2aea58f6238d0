"""The SQLite file: users' choices and what they asked (for coordinators' reports).

Knows nothing of Telegram: users are numbers. The schema is versioned with
`PRAGMA user_version`; each migration runs once, in order, in a transaction.
People are stored in records only as a salted hash. One module per group of
tables (`users`, `records`, `tickets`) over `database`; this one joins them.
"""

from __future__ import annotations

from bot.store.records import RecordRows
from bot.store.tickets import TicketRows
from bot.store.users import UserRows


class Store(UserRows, RecordRows, TicketRows):
    """One SQLite file, safe to use from the event loop's thread and others."""

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
