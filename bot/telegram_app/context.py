"""What every handler needs: the shared `Vertskap` object, the user's language, a retrying send.

Handlers of the user side (`app`), the hosts' side (`hosts`) and the
coordinators' side (`coordinators`) import from here, never from each other.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Callable

from telegram import Update
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError

from bot.config import Settings
from bot.conversation import Engine, Services
from bot.store import Store, utcnow

log = logging.getLogger(__name__)

SERVICES = "vertskap"  # the one key in application.bot_data


@dataclass
class Vertskap:
    """What the handlers work with, kept in `application.bot_data[SERVICES]`."""

    settings: Settings
    services: Services
    store: Store
    clock: Callable[[], dt.datetime] = utcnow  # tests move time on

    @property
    def engine(self) -> Engine:
        return Engine(self.services)


def vertskap(context_or_application) -> Vertskap:
    """The shared object, from a handler's context or from the application."""
    return context_or_application.bot_data[SERVICES]


def user_language(app: Vertskap, update: Update) -> str:
    state = app.store.user(update.effective_user.id) if update.effective_user else None
    if state is not None and state.language in app.services.knowledge.region.languages:
        return state.language
    code = update.effective_user.language_code if update.effective_user else None
    return app.services.i18n.negotiate(code, default="en")


RETRIES = (0.5, 1.0, 2.0, 4.0)  # seconds to wait before each new try of a failed send


async def send_retrying(send):
    """Calls `send()` again when Telegram fails (5xx, a dropped connection), not when it refuses.

    Telegram's 429 is retried by PTB's rate limiter as Telegram asks. A request that
    timed out after Telegram received it may be sent twice; one that failed is sent once.
    """
    for wait in (*RETRIES, None):
        try:
            return await send()
        except (BadRequest, Forbidden, InvalidToken):
            raise
        except NetworkError:
            if wait is None:
                raise
            log.warning("sending failed; trying again in %.1f s", wait)
            await asyncio.sleep(wait)
