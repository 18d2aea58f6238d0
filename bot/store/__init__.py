"""The SQLite file: users, records, tickets and copies. Knows nothing of Telegram."""

from bot.store.store import MIGRATIONS, TICKET_FIELDS, Store, StoreError, utcnow

__all__ = ["MIGRATIONS", "TICKET_FIELDS", "Store", "StoreError", "utcnow"]
