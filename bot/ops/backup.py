"""Backups of the SQLite file while the bot runs, and restoring one with the bot stopped.

`backup` uses SQLite's online backup API in one step: in WAL mode that is one read
transaction, so the copy is a consistent snapshot and the running bot's writes go on
meanwhile. The copy is written next to its destination and renamed into place only
after `PRAGMA integrity_check` passed, so a backup file is never half written.
`restore` copies a backup into the database through the same API (which also
replaces what a stale `-wal` file would add), holding the run lock, so that no bot
starts meanwhile; it refuses while a bot holds that lock.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.ops.runlock import RunLock
from bot.store import MIGRATIONS


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why."""


@dataclass(frozen=True)
class Copied:
    path: Path
    tables: dict[str, int]  # rows per table, for the message and the tests
    schema: int
    bytes: int


def backup_name(folder: Path, now: dt.datetime | None = None) -> Path:
    """A file in `folder` named by the time, for backups to a folder."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return folder / f"vertskap-{now.strftime('%Y%m%dT%H%M%SZ')}.sqlite3"


def _check(db: sqlite3.Connection, what: Path) -> tuple[int, dict[str, int]]:
    """Integrity, schema version and row counts of an open database."""
    try:
        result = db.execute("PRAGMA integrity_check").fetchone()[0]
        schema = db.execute("PRAGMA user_version").fetchone()[0]
        names = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        tables = {n: db.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{what} is not a Vertskap database: {exc}") from None
    if result != "ok":
        raise BackupError(f"{what} is damaged (integrity check: {result})")
    if "records" not in tables or "users" not in tables:
        raise BackupError(f"{what} is not a Vertskap database (no users and records tables)")
    return schema, tables


def backup(database: Path, target: Path) -> Copied:
    """Copies the live database to `target` (a file, or a folder for a dated file)."""
    database, target = Path(database), Path(target)
    if not database.is_file():
        raise BackupError(f"there is no database at {database}")
    if target.is_dir():
        target = backup_name(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(database, timeout=30)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)  # all pages in one step: one consistent snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            schema, tables = _check(copy, target)
        finally:
            copy.close()
    except sqlite3.DatabaseError as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"cannot copy {database}: {exc}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    os.replace(partial, target)
    return Copied(target, tables, schema, target.stat().st_size)


def restore(backup_file: Path, database: Path) -> Copied:
    """Puts a backup in place of the database; raises DatabaseInUse while a bot runs."""
    backup_file, database = Path(backup_file), Path(database)
    if not backup_file.is_file():
        raise BackupError(f"there is no backup at {backup_file}")
    with RunLock(database):  # refuses while the bot runs; no bot starts until we are done
        source = sqlite3.connect(backup_file)
        try:
            schema, tables = _check(source, backup_file)
            if schema > len(MIGRATIONS):
                raise BackupError(f"{backup_file} is from a newer version of Vertskap (schema "
                                  f"{schema}); update the program before restoring it")
            target = sqlite3.connect(database, timeout=30)
            try:
                source.backup(target)
            finally:
                target.close()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"cannot restore {backup_file}: {exc}") from None
        finally:
            source.close()
    return Copied(database, tables, schema, database.stat().st_size)
