"""Handing a conversation to a municipality's host: routing, office hours, tickets.

No Telegram here: the adapter creates the topic and copies messages; this module
decides who gets a ticket, what the host and the user are told, and when a
silent ticket is raised again. Times are Europe/Oslo.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Mapping
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^\s*([A-Za-z]{3})(?:\s*-\s*([A-Za-z]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
DEFAULT = "default"


class OfficeHoursError(ValueError):
    """Office hours are written wrongly; the message shows the right form."""


@dataclass(frozen=True)
class OfficeHours:
    """Opening times per weekday (0 = Monday), e.g. "Mon-Fri 08:00-15:30"."""

    spans: Mapping[int, tuple[dt.time, dt.time]]
    text: str = ""

    @classmethod
    def parse(cls, text: str) -> "OfficeHours":
        spans: dict[int, tuple[dt.time, dt.time]] = {}
        for part in text.split(","):
            m = _SPAN.match(part)
            if not m:
                raise OfficeHoursError(f"office hours '{text}' are not like \"Mon-Fri 08:00-15:30\" "
                                       "(several spans: \"Mon-Thu 08:00-15:30, Fri 08:00-14:00\")")
            first, last, h1, m1, h2, m2 = m.groups()
            try:
                a, b = DAYS.index(first.lower()), DAYS.index((last or first).lower())
                start, end = dt.time(int(h1), int(m1)), dt.time(int(h2), int(m2))
            except ValueError:
                raise OfficeHoursError(f"office hours '{text}': days are Mon, Tue, Wed, Thu, Fri, "
                                       "Sat, Sun and times 00:00 to 23:59") from None
            if end <= start:
                raise OfficeHoursError(f"office hours '{text}': the end must be after the start")
            for day in range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)]:
                spans[day] = (start, end)
        return cls(spans, text.strip())

    def is_open(self, when: dt.datetime) -> bool:
        local = when.astimezone(OSLO)
        span = self.spans.get(local.weekday())
        return span is not None and span[0] <= local.time() < span[1]

    def next_open(self, when: dt.datetime) -> dt.datetime:
        """`when` itself if open, else the next opening time (in Oslo time)."""
        local = when.astimezone(OSLO)
        if self.is_open(local):
            return local
        for days in range(8):
            day = (local + dt.timedelta(days=days)).date()
            span = self.spans.get(day.weekday())
            if span is None:
                continue
            start = dt.datetime.combine(day, span[0], OSLO)
            if start > local:
                return start
        raise OfficeHoursError("no opening hours in the week")

    def add_working_time(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The moment when `hours` of opening time have passed since `start`."""
        left = dt.timedelta(hours=hours)
        moment = self.next_open(start)
        while True:
            span = self.spans[moment.weekday()]
            close = dt.datetime.combine(moment.date(), span[1], OSLO)
            if moment + left <= close:
                return moment + left
            left -= close - moment
            moment = self.next_open(close + dt.timedelta(seconds=1))


@dataclass(frozen=True)
class HostChat:
    key: str  # a municipality id or 'default'
    chat_id: int
    office_hours: OfficeHours


@dataclass(frozen=True)
class Routing:
    """Which host chat answers whom: the municipality's, else the regional default."""

    chats: Mapping[str, HostChat]
    follow_up_hours: float = 4.0

    def for_municipality(self, municipality: str | None) -> HostChat:
        return self.chats.get(municipality or DEFAULT) or self.chats[DEFAULT]

    def by_chat(self, chat_id: int) -> HostChat | None:
        return next((c for c in self.chats.values() if c.chat_id == chat_id), None)


def routing_from_settings(hosts: Mapping, municipality_ids, source: str) -> Routing | None:
    """The [hosts] table of the settings, checked against the region's municipalities."""
    from bot.config import ConfigError

    if not hosts:
        return None
    follow = hosts.get("follow_up_hours", 4)
    if isinstance(follow, bool) or not isinstance(follow, (int, float)) or follow <= 0:
        raise ConfigError(f"{source}: hosts.follow_up_hours must be a positive number of working hours")
    chats: dict[str, HostChat] = {}
    known = set(municipality_ids)
    for key, table in hosts.items():
        if key == "follow_up_hours":
            continue
        if key != DEFAULT and key not in known:
            raise ConfigError(f"{source}: [hosts.{key}] is not a municipality of the region; use "
                              f"one of {', '.join(sorted(known))} or 'default'")
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: hosts.{key} must be a table with chat_id and office_hours")
        for name in table:
            if name not in ("chat_id", "office_hours"):
                raise ConfigError(f"{source}: unknown setting hosts.{key}.{name}; a host chat has "
                                  "chat_id and office_hours")
        chat_id = table.get("chat_id")
        if isinstance(chat_id, bool) or not isinstance(chat_id, int):
            raise ConfigError(f"{source}: hosts.{key}.chat_id must be the chat's id, a whole number "
                              "like -1001234567890")
        try:
            hours = OfficeHours.parse(str(table.get("office_hours", "Mon-Fri 08:00-15:30")))
        except OfficeHoursError as exc:
            raise ConfigError(f"{source}: hosts.{key}.office_hours: {exc}") from None
        chats[key] = HostChat(key, chat_id, hours)
    if DEFAULT not in chats:
        raise ConfigError(f"{source}: [hosts.default] is missing: the regional host chat, for "
                          "users without a municipality and municipalities without a host")
    return Routing(chats, float(follow))


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
