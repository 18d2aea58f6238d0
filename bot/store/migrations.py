"""The schema, as migrations: each runs once, in order, in a transaction (`PRAGMA user_version`)."""

from __future__ import annotations

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
