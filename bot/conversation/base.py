"""What every part of the engine shares: the services, the user's language, translated text."""

from __future__ import annotations

from bot.conversation.turns import Services, UserState
from bot.i18n import N_
from bot.knowledge import Knowledge

MAX_LABEL = 60  # characters of a question shown on a button


class EngineBase:
    """The services (they may be swapped on reload) and shortcuts to them."""

    def __init__(self, services: Services):
        self.services = services

    # Shortcuts to the current services (they may be swapped on reload).
    @property
    def knowledge(self) -> Knowledge:
        return self.services.knowledge

    @property
    def region(self):
        return self.services.knowledge.region

    def _(self, lang: str, message: str, **values) -> str:
        return self.services.i18n.gettext(lang, message, **values)

    def language_of(self, state: UserState) -> str:
        return state.language if state.language in self.region.languages \
            else self.region.fallback_language

    def _language_list(self, lang: str) -> str:
        names = [self.services.i18n.language_name(x) for x in self.region.languages]
        if len(names) == 1:
            return names[0]
        return self._(lang, N_("{first} or {last}"), first=", ".join(names[:-1]), last=names[-1])
