"""Who may speak for a host chat: its members, per getChatMember, remembered for a few minutes.

A message in a ticket's topic reaches the newcomer only when its sender is an
administrator, a member or the creator of that host chat. Telegram can deliver
messages from accounts it reports as 'left' or 'kicked', and messages sent on
behalf of a channel; those are not the hosts'.
"""

from __future__ import annotations

import logging
import time
from typing import Callable

from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError

log = logging.getLogger(__name__)

TRUSTED = frozenset({ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER})
REMEMBER_SECONDS = 5 * 60  # a host removed from the chat is trusted at most this much longer


class Membership:
    """Whether a user is a member of a chat, asked of Telegram at most once per few minutes."""

    def __init__(self, remember: float = REMEMBER_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self.remember, self.clock = remember, clock
        self._known: dict[tuple[int, int], tuple[float, bool]] = {}

    async def is_member(self, bot, chat_id: int, user_id: int) -> bool:
        """True for an administrator, member or creator; a failed question is no (and not kept)."""
        now = self.clock()
        known = self._known.get((chat_id, user_id))
        if known is not None and known[0] > now:
            return known[1]
        try:
            member = await bot.get_chat_member(chat_id, user_id)
        except TelegramError:
            log.warning("could not ask Telegram whether a sender is a member of host chat %s",
                        chat_id, exc_info=True)
            return False
        trusted = member.status in TRUSTED
        self._known[(chat_id, user_id)] = (now + self.remember, trusted)
        return trusted
