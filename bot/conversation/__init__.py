"""One conversation turn: (user state, event) → replies, records and a new state. No Telegram."""

from bot.conversation.engine import (CALLBACK_LIMIT, MAX_EXAMPLES, MAX_LABEL, OSLO, Button,
                                     ButtonPress, ChecklistTurns, Command, Engine, Event, Record,
                                     Reply, Services, TextMessage, Turn, UserState, all_button_data,
                                     parse_day)

__all__ = [
    "CALLBACK_LIMIT", "MAX_EXAMPLES", "MAX_LABEL", "OSLO", "Button", "ButtonPress",
    "ChecklistTurns", "Command", "Engine", "Event", "Record", "Reply", "Services", "TextMessage",
    "Turn", "UserState", "all_button_data", "parse_day",
]
