"""One conversation turn: (user state, event) → replies, records and a new state. No Telegram.

`turns` holds the values that go in and out; `engine` dispatches an event to
its part: `onboarding`, `answering`, `checklist`, `handover`, `commands` (each
a small class over `base.EngineBase`). `emergency` spots a message about one.
"""

from bot.conversation.answering import Answering
from bot.conversation.base import MAX_LABEL, EngineBase
from bot.conversation.checklist import ChecklistTurns, parse_day
from bot.conversation.commands import Commands
from bot.conversation.engine import Engine
from bot.conversation.handover import HostHandover
from bot.conversation.onboarding import MAX_EXAMPLES, Onboarding
from bot.conversation.turns import (CALLBACK_LIMIT, OSLO, Button, ButtonPress, Command, Event,
                                    Record, Reply, Services, TextMessage, Turn, UserState,
                                    all_button_data)

__all__ = [
    "CALLBACK_LIMIT", "MAX_EXAMPLES", "MAX_LABEL", "OSLO", "Answering", "Button", "ButtonPress",
    "ChecklistTurns", "Command", "Commands", "Engine", "EngineBase", "Event", "HostHandover",
    "Onboarding", "Record", "Reply", "Services", "TextMessage", "Turn", "UserState",
    "all_button_data", "parse_day",
]
