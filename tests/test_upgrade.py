"""Upgrades: a database the first release wrote opens with today's Store, every row kept."""

import sqlite3
from pathlib import Path

from bot.store import MIGRATIONS, Store

FIRST_RELEASE = Path(__file__).resolve().parent / "fixtures" / "first-release.sql"


def first_release_database(path: Path) -> dict[str, list[tuple]]:
    """Writes the first release's database to `path`; returns its rows per table."""
    db = sqlite3.connect(path)
    db.executescript(FIRST_RELEASE.read_text(encoding="utf-8"))
    rows = {t: db.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall()
            for t in ("users", "records", "meta")}
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    db.close()
    return rows


def test_every_row_of_the_first_release_survives_the_migrations(tmp_path):
    path = tmp_path / "vertskap.sqlite3"
    before = first_release_database(path)
    assert len(before["users"]) == 4 and len(before["records"]) == 8

    store = Store(path)
    assert store.version == len(MIGRATIONS)
    # the old columns of every row unchanged; the new ones empty
    db = sqlite3.connect(path)
    users = db.execute("SELECT user_id, language, municipality, onboarded, updated_at, checklist "
                       "FROM users ORDER BY rowid").fetchall()
    assert [u[:5] for u in users] == before["users"]
    assert all(u[5] is None for u in users)
    assert db.execute("SELECT * FROM records ORDER BY rowid").fetchall() == before["records"]
    assert db.execute("SELECT * FROM meta ORDER BY rowid").fetchall() == before["meta"]
    assert db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 0
    db.close()

    # and today's code reads them as it reads its own
    assert store.user(101).municipality == "bardu" and store.user(101).onboarded
    assert store.user(104).language is None
    assert [r["text"] for r in store.records(kind="question")][-1] == "anonymous"
    # the salt is kept, so a user's old questions stay theirs (/forget finds them)
    assert len(store.last_questions(101)) == 2
    store.forget_user(101)
    assert store.last_questions(101) == []
    store.close()


def test_a_migrated_database_opens_again_unchanged(tmp_path):
    path = tmp_path / "vertskap.sqlite3"
    first_release_database(path)
    Store(path).close()
    dump = "\n".join(sqlite3.connect(path).iterdump())
    Store(path).close()
    assert "\n".join(sqlite3.connect(path).iterdump()) == dump
