"""One turn of the conversation: the user's state and an event in, replies out.

The engine knows nothing of Telegram or the terminal. Adapters turn their
updates into events (`TextMessage`, `ButtonPress`, `Command`), show the
`Reply` objects (text, links, rows of buttons) and keep the `UserState`.
Every string a user reads comes from the catalogs (`I18n`) or the knowledge.

The engine is its parts, each in its own module: `onboarding`, `answering`,
`checklist`, `handover` and `commands`; this module only dispatches events.
"""

from __future__ import annotations

from dataclasses import replace

from bot.conversation.answering import Answering
from bot.conversation.checklist import ChecklistTurns
from bot.conversation.commands import Commands
from bot.conversation.handover import HostHandover
from bot.conversation.onboarding import Onboarding
from bot.conversation.turns import (Button, ButtonPress, Command, Event, Record, Reply, TextMessage,
                                    Turn, UserState)
from bot.i18n import N_


class Engine(Commands, Onboarding, Answering, ChecklistTurns, HostHandover):
    """Turns (state, event) into a Turn."""

    def handle(self, state: UserState, event: Event) -> Turn:
        if isinstance(event, Command):
            return self._command(state, event)
        if isinstance(event, ButtonPress):
            return self._button(state, event.data)
        if isinstance(event, TextMessage):
            return self._text(state, event.text)
        raise TypeError(f"unknown event {event!r}")

    def _button(self, state: UserState, data: str) -> Turn:
        lang = self.language_of(state)
        kind, _, value = data.partition(":")
        region = self.region
        if kind == "l" and value in region.languages:
            state = replace(state, language=value)
            reply = Reply(self._(value, N_("I will write in {language}."),
                                 language=self.services.i18n.language_name(value)))
            return Turn(state, (reply,))
        if kind == "m" and (value == "-" or region.municipality(value) is not None):
            state = replace(state, municipality=None if value == "-" else value, onboarded=True)
            return Turn(state, (self.municipality_set(state, lang),))
        if kind == "t" and value in region.topics:
            return Turn(state, (self.topic_reply(state, lang, value),))
        if kind == "a":
            entry = self._entry_from(value)
            if entry is not None:
                record = Record("suggestion-taken", lang, state.municipality, entry=entry.key)
                return Turn(state, (self.answer_reply(entry, lang),), (record,))
        if kind in ("f+", "f-"):
            entry = self._entry_from(value)
            if entry is not None:
                up = kind == "f+"
                record = Record("feedback", lang, state.municipality, entry=entry.key,
                                value="up" if up else "down")
                if up:
                    reply = Reply(self._(lang, N_("Thank you for telling me!")))
                else:
                    reply = Reply(self._(lang, N_("Thank you. I have noted that this did not "
                                                  "help, so that the answer can be improved. A "
                                                  "person can help you further.")),
                                  buttons=((Button(self._(lang, N_("Ask a person")), "h"),),))
                return Turn(state, (reply,), (record,))
        if kind == "h" and not value:
            return self.ask_host(state, lang)
        if kind == "ck":
            what, _, rest = value.partition(":")
            turn = self.checklist_answer(state, lang, what, rest)
            if turn is not None:
                return turn
        if data == "fg":
            return Turn(UserState(), (Reply(self._(lang, N_(
                "Done: I have deleted everything about you. Send /start to begin again."))),),
                forget=True)
        host = self.host_button(state, lang, data)
        if host is not None:
            return host
        return Turn(state, (Reply(self._(lang, N_("This button has expired. Please ask your "
                                                  "question again."))),))
