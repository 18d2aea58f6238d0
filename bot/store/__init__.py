"""The SQLite file: users, records, tickets and copies. Knows nothing of Telegram.

`migrations` (the schema), `database` (connection, version, meta), one module
per group of tables (`users`, `records`, `tickets`), and `store` joining them.
"""

from bot.store.database import Database, StoreError, utcnow
from bot.store.migrations import MIGRATIONS
from bot.store.store import Store
from bot.store.tickets import TICKET_FIELDS

__all__ = ["MIGRATIONS", "TICKET_FIELDS", "Database", "Store", "StoreError", "utcnow"]
