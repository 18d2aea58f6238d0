"""A ticket: one newcomer's case in a host chat's topic, from opening to rating."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Ticket:
    id: int
    user_id: int
    host: str  # key of the host chat
    chat_id: int  # the host chat
    thread_id: int | None  # its forum topic
    municipality: str | None
    language: str
    first_name: str
    question: str
    status: str = "open"  # open, closed
    created_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    first_reply_at: dt.datetime | None = None
    claimed_by: str | None = None
    follow_up_due: dt.datetime | None = None
    followed_up: bool = False
    rating: int | None = None
    user_blocked: bool = False
