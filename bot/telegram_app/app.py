"""Wires python-telegram-bot to the engine: one application, its handlers in one block.

Handlers read the update, call the engine, keep the user's state and records in
the store, and send the replies. Nothing else: no matching, no content.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from dataclasses import replace
from typing import Callable

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (AIORateLimiter, Application, ApplicationBuilder, ApplicationHandlerStop,
                          CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler,
                          TypeHandler, filters)

from bot.config import Settings
from bot.conversation import ButtonPress, Command, Engine, Event, Services, TextMessage, Turn
from bot.i18n import N_
from bot.ops.metrics import Metrics
from bot.store import Store
from bot.telegram_app import coordinators, hosts
from bot.telegram_app.context import SERVICES, Vertskap, send_retrying, user_language, vertskap
from bot.telegram_app.web import MeasuredUpdateProcessor, count_turn, install as install_metrics
from bot.telegram_app.render import render

log = logging.getLogger(__name__)

COMMANDS = (
    ("start", N_("Start again and choose your municipality")),
    ("checklist", N_("Your checklist for the first months")),
    ("privacy", N_("What is stored about you, and why")),
    ("forget", N_("Delete everything stored about you")),
    ("topics", N_("Browse the questions by topic")),
    ("municipality", N_("Choose your municipality")),
    ("language", N_("Choose the language")),
    ("host", N_("Ask a person")),
    ("help", N_("How this assistant works")),
)


# --------------------------------------------------------------------------- handlers


async def send_turn(update: Update, context: ContextTypes.DEFAULT_TYPE, turn: Turn) -> None:
    """Sends the turn's replies in order."""
    chat_id = update.effective_chat.id
    for reply in turn.replies:
        for text, markup in render(reply):
            await send_retrying(lambda text=text, markup=markup: context.bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup,
                link_preview_options=LinkPreviewOptions(is_disabled=True)))


async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE, event: Event) -> None:
    """Runs one event through the engine for this user, keeps the result, and replies."""
    app = vertskap(context)
    user_id = update.effective_user.id
    if isinstance(event, TextMessage) and await to_open_ticket(update, context):
        return
    state = app.store.user(user_id)
    if state.language is None:  # not chosen yet: the language Telegram reports
        state = replace(state, language=user_language(app, update))
    turn = app.engine.handle(state, event)
    if turn.forget:
        ticket = app.store.open_ticket_of(user_id)
        if ticket is not None:
            await hosts.close_ticket(context, ticket, by_host=False)
        app.store.forget_user(user_id)
        await send_turn(update, context, turn)
        return
    if turn.state != state:
        app.store.save_user(user_id, turn.state)
    app.store.add_records(user_id, turn.records)
    count_turn(context, turn.records)
    if turn.rating is not None:
        ticket = app.store.ticket(turn.rating[0])
        if ticket is not None and ticket.user_id == user_id and ticket.status == "closed":
            app.store.update_ticket(ticket.id, rating=turn.rating[1])
    if turn.leaves_host:
        ticket = app.store.open_ticket_of(user_id)
        if ticket is not None:
            await hosts.close_ticket(context, ticket, by_host=False)
    await send_turn(update, context, turn)
    if turn.wants_host:
        await hosts.open_ticket(update, context, turn.state.language or user_language(app, update))


async def to_open_ticket(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """While a user's ticket is open, their messages go to the host, not the assistant."""
    app = vertskap(context)
    if app.services.hosts is None or update.effective_chat.type != "private":
        return False
    ticket = app.store.open_ticket_of(update.effective_user.id)
    if ticket is None:
        return False
    await hosts.to_host(update, context, ticket)
    return True


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Passes a command (/start with its deep-link payload, /help, …) to the engine."""
    text = update.effective_message.text or ""
    name = text.split()[0].lstrip("/").split("@")[0] if text.strip() else ""
    args = " ".join(context.args or [])
    await handle(update, context, Command(name, args, update.effective_user.language_code))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers a question."""
    await handle(update, context, TextMessage(update.effective_message.text or ""))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers a button press; the engine turns stale or forged data into a polite reply."""
    query = update.callback_query
    await query.answer()
    await handle(update, context, ButtonPress(query.data or ""))


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Says politely that only text can be read (photos, voice, stickers, files, …).

    With a host conversation open, photos and files go to the host instead.
    """
    if await to_open_ticket(update, context):
        return
    app = vertskap(context)
    lang = user_language(app, update)
    await context.bot.send_message(
        update.effective_chat.id,
        app.services.i18n.gettext(lang, N_("Sorry, I can only read text. Please write your "
                                           "question in a message.")))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs the error, then tells the user something useful instead of a traceback."""
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    app = vertskap(context)
    lang = user_language(app, update)
    try:
        await context.bot.send_message(
            update.effective_chat.id,
            app.services.i18n.gettext(lang, N_("Sorry, something went wrong on my side. Please "
                                               "try again in a moment.")))
    except Exception:  # the error may be that Telegram cannot be reached at all
        log.warning("could not tell the user about the error", exc_info=True)


class FloodGuard:
    """At most N messages a minute per user; the first one over gets a polite note."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic):
        self.per_minute, self.clock = per_minute, clock
        self._seen: dict[int, deque] = {}
        self._warned: dict[int, float] = {}

    def allow(self, user_id: int) -> tuple[bool, bool]:
        """(handle it?, warn now?)"""
        now = self.clock()
        times = self._seen.setdefault(user_id, deque())
        while times and now - times[0] >= 60:
            times.popleft()
        if len(times) < self.per_minute:
            times.append(now)
            self._warned.pop(user_id, None)
            return True, False
        warn = now - self._warned.get(user_id, -1e9) >= 60
        if warn:
            self._warned[user_id] = now
        return False, warn


async def flood_guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stops a user's update beyond the per-user limit (private chats only)."""
    if update.effective_user is None or update.effective_chat is None \
            or update.effective_chat.type != "private":
        return
    app = vertskap(context)
    guard = context.bot_data.setdefault("flood", FloodGuard(app.settings.per_user_per_minute))
    allowed, warn = guard.allow(update.effective_user.id)
    if allowed:
        return
    if warn:
        lang = user_language(app, update)
        await context.bot.send_message(update.effective_chat.id, app.services.i18n.gettext(
            lang, N_("You are sending messages very fast. Please wait a minute, then ask again.")))
    raise ApplicationHandlerStop


# --------------------------------------------------------------------------- wiring


async def post_init(application: Application) -> None:
    """Command menus, live reload, retention; with host chats, their check and follow-ups."""
    await set_commands(application)
    app: Vertskap = application.bot_data[SERVICES]
    if app.services.hosts is not None:
        await hosts.check_host_chats(application)
        await hosts.open_missing_topics(application)
        application.job_queue.run_repeating(hosts.follow_up, interval=FOLLOW_UP_EVERY, first=1)
    application.job_queue.run_repeating(coordinators.retention, interval=24 * 3600, first=5)
    application.job_queue.run_repeating(coordinators.checklist_reminders,
                                        interval=REMINDERS_EVERY, first=2)
    application.job_queue.run_repeating(coordinators.stale_reminder, interval=24 * 3600, first=60)
    application.job_queue.run_once(coordinators.start_watching, when=0)


FOLLOW_UP_EVERY = 60  # seconds between looks for silent tickets (their due times are stored)
REMINDERS_EVERY = 15 * 60  # seconds between looks for due checklist steps (stored with users)


async def set_commands(application: Application) -> None:
    """Localised command menus: one per language of the region, English by default."""
    app: Vertskap = application.bot_data[SERVICES]
    i18n = app.services.i18n
    languages = app.services.knowledge.region.languages
    for lang in languages:
        commands = [BotCommand(name, i18n.gettext(lang, text)) for name, text in COMMANDS]
        codes = [lang] + (["no", "nn"] if lang == "nb" else [])
        for code in codes:
            await application.bot.set_my_commands(commands, language_code=code)
    default = "en" if "en" in languages else languages[0]
    await application.bot.set_my_commands(
        [BotCommand(name, i18n.gettext(default, text)) for name, text in COMMANDS])


def build_application(settings: Settings, services: Services, store: Store) -> Application:
    """The application with every handler, in the order they are tried."""
    metrics = Metrics(services.knowledge.region.languages)
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .concurrent_updates(MeasuredUpdateProcessor(settings.max_concurrent_updates, metrics))
        .post_init(post_init)
        .post_stop(coordinators.stop_watching)
    )
    if settings.overall_max_rate:
        builder = builder.rate_limiter(AIORateLimiter(overall_max_rate=settings.overall_max_rate,
                                                      max_retries=3))
    application = builder.build()
    application.bot_data[SERVICES] = Vertskap(settings, services, store)
    install_metrics(application, metrics)

    # Private chats always; group chats only where the config names them.
    chats = filters.ChatType.PRIVATE
    if settings.group_chats:
        chats = chats | filters.Chat(chat_id=list(settings.group_chats))

    # -1. a user who floods the bot is slowed down before anything else runs
    application.add_handler(TypeHandler(Update, flood_guard), group=-1)

    # 0. the hosts' chats: commands and answers in tickets' topics, nothing else
    if services.hosts is not None:
        host_chats = filters.Chat(chat_id=[c.chat_id for c in services.hosts.chats.values()])
        application.add_handler(CommandHandler(["claim", "close", "faq"], hosts.on_host_command,
                                               filters=host_chats))
        application.add_handler(MessageHandler(host_chats & ~filters.COMMAND
                                               & ~filters.StatusUpdate.ALL, hosts.on_host_message))

    # 0b. coordinators' commands, from their ids only (others get the engine's "unknown")
    if settings.coordinators:
        application.add_handler(CommandHandler(
            ["reload", "stats"], coordinators.on_command,
            filters=filters.User(user_id=list(settings.coordinators))))

    # 1. commands the engine knows (/start carries a deep-link payload)
    application.add_handler(CommandHandler(list(Engine.COMMANDS), on_command, filters=chats))
    # 2. button presses, checked by the engine
    application.add_handler(CallbackQueryHandler(on_button))
    # 3. questions
    application.add_handler(MessageHandler(chats & filters.TEXT & ~filters.COMMAND, on_text))
    # 4. unknown commands get the engine's "unknown command" reply
    application.add_handler(MessageHandler(chats & filters.COMMAND, on_command))
    # 5. everything else a person sends: photos, voice, stickers, locations, files
    application.add_handler(MessageHandler(chats & ~filters.StatusUpdate.ALL & ~filters.TEXT,
                                           on_other))
    application.add_error_handler(on_error)
    return application
