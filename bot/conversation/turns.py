"""What goes into a turn and what comes out: the user's state, events, replies, records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable, Iterable
from zoneinfo import ZoneInfo

from bot.i18n import I18n
from bot.knowledge import Knowledge
from bot.knowledge.checklist import Progress
from bot.matching import Match, Matcher

CALLBACK_LIMIT = 64  # bytes, Telegram's limit for callback data
OSLO = ZoneInfo("Europe/Oslo")


@dataclass(frozen=True)
class UserState:
    language: str | None = None  # chosen language; None until chosen or negotiated
    municipality: str | None = None  # chosen municipality id; None when not decided
    onboarded: bool = False
    checklist: Progress | None = None  # the arrival checklist, once started


@dataclass(frozen=True)
class TextMessage:
    text: str


@dataclass(frozen=True)
class ButtonPress:
    data: str


@dataclass(frozen=True)
class Command:
    name: str  # without the slash: 'start', 'help', …
    args: str = ""
    client_language: str | None = None  # the language the client reports (Telegram)


@dataclass(frozen=True)
class Button:
    label: str
    data: str


@dataclass(frozen=True)
class Reply:
    text: str
    links: tuple[str, ...] = ()
    buttons: tuple[tuple[Button, ...], ...] = ()
    footer: str = ""  # shown after the links, before the buttons


@dataclass(frozen=True)
class Record:
    """Something worth remembering for coordinators: a question or feedback."""

    kind: str  # 'question', 'feedback', 'suggestion-taken'
    language: str
    municipality: str | None
    text: str = ""
    outcome: str | None = None
    entry: str | None = None  # scope/id
    score: float | None = None
    value: str | None = None  # feedback: 'up' or 'down'


@dataclass(frozen=True)
class Turn:
    state: UserState
    replies: tuple[Reply, ...]
    records: tuple[Record, ...] = ()
    wants_host: bool = False  # the user confirmed: open a ticket with a host
    leaves_host: bool = False  # the user went back to the assistant: close the ticket
    rating: tuple[int, int] | None = None  # (ticket id, 1–5) the user gave a closed ticket
    forget: bool = False  # the user confirmed: delete everything stored about them
    match: Match | None = None


Event = TextMessage | ButtonPress | Command


@dataclass
class Services:
    """What the engine works with; adapters build one and pass it in."""

    knowledge: Knowledge
    matcher: Matcher
    i18n: I18n
    emergency: Callable[[str], bool] = lambda text: False  # is this about an emergency?
    hosts: Any = None  # bot.hosts.Routing when host chats are set up, else None
    retention_days: int = 365  # how long records are kept (told to users by /privacy)
    today: Callable[[], dt.date] = lambda: dt.datetime.now(OSLO).date()  # tests set the clock



def all_button_data(replies: Iterable[Reply]) -> list[str]:
    return [b.data for r in replies for row in r.buttons for b in row]
