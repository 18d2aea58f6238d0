"""The coordinators' side on Telegram: live reload, /reload, /stats, retention, reminders."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.coordination.reload import Reloader, ReloadResult, watch_async
from bot.coordination.reports import coverage, report
from bot.hosts import OSLO
from bot.i18n import N_
from bot.telegram_app.context import send_retrying, user_language, vertskap
from bot.telegram_app.render import render

log = logging.getLogger(__name__)
RELOADER = "reloader"


def _app(context_or_application):
    return vertskap(context_or_application)


def reloader(application) -> Reloader:
    app = _app(application)
    if RELOADER not in application.bot_data:
        application.bot_data[RELOADER] = Reloader(app.services, app.settings.knowledge)
    return application.bot_data[RELOADER]


def coordinators_gettext(app, lang: str | None = None):
    """Coordinators read the region's first language unless they chose another."""
    lang = lang or app.services.knowledge.region.fallback_language
    return lambda message, **values: app.services.i18n.gettext(lang, message, **values)


async def tell_coordinators(bot, app, text: str) -> None:
    if app.settings.coordinator_chat is None:
        return
    try:
        await bot.send_message(app.settings.coordinator_chat, text[:4000])
    except TelegramError:
        log.warning("could not post to the coordinators' chat", exc_info=True)


async def watch(application: Application, stop: asyncio.Event | None = None) -> None:
    """Reloads on every saved change; a failed reload is logged and posted, never fatal."""
    app = _app(application)

    async def on_result(result: ReloadResult) -> None:
        if not result.ok:
            await tell_coordinators(application.bot, app, result.summary(coordinators_gettext(app)))

    try:
        await watch_async(reloader(application), on_result, stop)
    except asyncio.CancelledError:
        raise
    except Exception:  # the folder vanished, or the watcher failed: serving goes on
        log.error("the knowledge watcher stopped; /reload still works", exc_info=True)


WATCH = "knowledge-watch"


async def start_watching(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Starts the watcher once the application runs; `stop_watching` ends it."""
    application = context.application
    stop = asyncio.Event()
    task = asyncio.get_running_loop().create_task(watch(application, stop), name=WATCH)
    application.bot_data[WATCH] = (task, stop)


async def stop_watching(application: Application) -> None:
    task, stop = application.bot_data.pop(WATCH, (None, None))
    if task is not None:
        stop.set()
        try:
            await asyncio.wait_for(task, 5)
        except (asyncio.TimeoutError, asyncio.CancelledError):
            task.cancel()


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reload and /stats, for the coordinators named in the settings."""
    app = _app(context)
    _ = coordinators_gettext(app, user_language(app, update))
    name = (update.effective_message.text or "").split()[0].lstrip("/").split("@")[0]
    if name == "reload":
        result = await asyncio.to_thread(reloader(context.application).reload)
        await update.effective_message.reply_text(result.summary(_))
    elif name == "stats":
        await update.effective_message.reply_text(stats_text(app, _))


def stats_text(app, _, days: int = 30) -> str:
    now = app.clock()
    since = now - dt.timedelta(days=days)
    r = report(app.store.records(since=since), app.store.tickets(), app.services.knowledge, since,
               now, app.store.first_record_at())
    q = r.questions or 1
    reply = str(r.median_first_reply).split(".")[0] if r.median_first_reply is not None else "–"
    return _(N_("Last {days} days: {questions} questions; answered {answered} %, suggestions "
                "{suggested} %, not answered {fallback} %; {hosts} passed to hosts (median first "
                "reply {reply}); 👍 {up} 👎 {down}; languages: {languages}"),
             days=days, questions=r.questions, answered=r.outcomes["answered"] * 100 // q,
             suggested=r.outcomes["suggested"] * 100 // q, fallback=r.outcomes["fallback"] * 100 // q,
             hosts=r.escalated, reply=reply, up=r.thumbs["up"], down=r.thumbs["down"],
             languages=", ".join(f"{k} {v}" for k, v in r.by_language.items()) or "–")


CIVIL_HOURS = (9, 20)  # reminders go out between 09:00 and 20:00, Oslo time


async def checklist_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends each user's due checklist reminder, at most one a day, never twice."""
    app = _app(context)
    now = app.clock().astimezone(OSLO)
    if not CIVIL_HOURS[0] <= now.hour < CIVIL_HOURS[1]:
        return
    engine = app.engine
    for user_id, state in app.store.users_with_checklist():
        turn = engine.reminders(state, now.date())
        if turn is None:
            continue
        app.store.save_user(user_id, turn.state)  # first: a crash after this sends nothing twice
        try:
            for reply in turn.replies:
                for text, markup in render(reply):
                    await send_retrying(lambda text=text, markup=markup, user_id=user_id: context.bot.send_message(
                        user_id, text, parse_mode="HTML", reply_markup=markup))
        except TelegramError:
            log.warning("could not send a checklist reminder", exc_info=True)


async def retention(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Deletes records older than the retention time (daily)."""
    app = _app(context)
    cutoff = app.clock() - dt.timedelta(days=app.settings.retention_days)
    deleted = app.store.forget_before(cutoff)
    if deleted:
        log.info("retention: deleted %s records older than %s", deleted, cutoff.date())


async def stale_reminder(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Once a month, the entries not reviewed for a year, in the coordinators' chat."""
    app = _app(context)
    today = app.clock().date()
    month = today.strftime("%Y-%m")
    if app.store.meta("stale_reminder") == month:
        return
    stale = coverage(app.services.knowledge, today).stale
    app.store.set_meta("stale_reminder", month)
    if stale:
        _ = coordinators_gettext(app)
        lines = [_(N_("{count} answers have not been reviewed for over a year (vertskap coverage "
                      "--stale):"), count=len(stale))]
        never = _(N_("never reviewed"))
        lines += [f"• {key} ({reviewed or never})" for key, reviewed in stale[:40]]
        await tell_coordinators(context.bot, app, "\n".join(lines))
