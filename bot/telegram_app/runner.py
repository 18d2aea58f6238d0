"""Running the application: the token checked first, then long polling or a webhook.

The CLI turns the two exceptions into one line for the person who started it.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError

from bot.config import Settings
from bot.conversation import Services
from bot.store import Store
from bot.telegram_app import web
from bot.telegram_app.app import build_application


class TokenRejected(Exception):
    """Telegram rejected the bot token."""


class ApiUnreachable(Exception):
    """The Telegram Bot API cannot be reached (the message says where and why, never the token)."""


def bot_username(settings: Settings) -> str:
    """Asks Telegram who the bot is, before the application starts (a bad token is one line)."""
    async def get_me():
        async with Bot(settings.token, base_url=settings.base_url,
                       base_file_url=settings.base_file_url) as bot:
            return await bot.get_me()

    try:
        return asyncio.run(get_me()).username
    except InvalidToken:
        raise TokenRejected() from None
    except NetworkError as exc:
        raise ApiUnreachable(f"cannot reach the Telegram Bot API at "
                             f"{settings.base_url.replace(settings.token, '[secret]')}: "
                             f"{str(exc).replace(settings.token, '[secret]')}") from None


def run_application(settings: Settings, services: Services, store: Store,
                    metrics_at: tuple[str, int] | None = None) -> None:
    """Serves until stopped: by webhook when the settings have one, else by long polling.

    /healthz and /metrics are served beside a webhook, and at `metrics_at` (listen, port).
    """
    logging.getLogger("vertskap").info("starting as @%s", bot_username(settings))
    application = build_application(settings, services, store)
    try:
        if settings.webhook:
            web.run_webhook(application, settings.webhook, allowed_updates=Update.ALL_TYPES,
                            metrics_at=metrics_at)
        else:
            if metrics_at:
                web.serve_while_polling(application, *metrics_at)
            application.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        raise TokenRejected() from None
    except NetworkError as exc:
        raise ApiUnreachable("cannot reach the Telegram Bot API: "
                             + str(exc).replace(settings.token, "[secret]")) from None
