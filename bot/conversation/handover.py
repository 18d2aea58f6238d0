"""Handing over to a host: what the host will see, the confirmation, going back, the rating."""

from __future__ import annotations

from bot.conversation.base import EngineBase
from bot.conversation.turns import Button, Reply, Turn, UserState
from bot.i18n import N_
from bot.knowledge import text_in


class HostHandover(EngineBase):
    """/host and the buttons around a host conversation."""

    def ask_host(self, state: UserState, lang: str) -> Turn:
        """Says what a host would see and asks to confirm; without hosts, where to find them."""
        region = self.region
        m = region.municipality(state.municipality) if state.municipality else None
        place = text_in(m.name, lang, region.fallback_language) if m else \
            text_in(region.name, lang, region.fallback_language)
        if self.services.hosts is None:
            if m is not None and m.website:
                text = self._(lang, N_("Hosts will soon answer here. Until then, you find the "
                                       "contact details of {municipality} on {website}"),
                              municipality=place, website=m.website)
            else:
                text = self._(lang, N_("Hosts will soon answer here. Until then, choose your "
                                       "municipality with /municipality to see where to find "
                                       "them."))
            return Turn(state, (Reply(text),))
        text = self._(lang, N_("I can pass your question to a host in {place}: a person who "
                               "helps newcomers. The host will see your first name, your "
                               "language, your municipality and your conversation with me – "
                               "never your phone number. Shall I pass it on?"), place=place)
        buttons = ((Button(self._(lang, N_("Yes, ask a person")), "hc"),),
                   (Button(self._(lang, N_("No, thanks")), "hn"),))
        return Turn(state, (Reply(text, buttons=buttons),))

    def host_button(self, state: UserState, lang: str, data: str) -> Turn | None:
        """The buttons around a host conversation: confirm, cancel, back, rating."""
        if data == "hc" and self.services.hosts is not None:
            return Turn(state, (), wants_host=True)
        if data == "hn":
            return Turn(state, (Reply(self._(lang, N_("All right. Ask me anything else."))),))
        if data == "hb":
            return Turn(state, (Reply(self._(lang, N_("You are back with the assistant. Ask me "
                                                      "anything."))),), leaves_host=True)
        kind, _, rest = data.partition(":")
        if kind == "r":
            ticket, _, value = rest.partition(":")
            if ticket.isdigit() and value in ("1", "2", "3", "4", "5"):
                return Turn(state, (Reply(self._(lang, N_("Thank you for your rating!"))),),
                            rating=(int(ticket), int(value)))
        return None
