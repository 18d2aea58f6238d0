"""The host side on Telegram: tickets as forum topics in the municipalities' host chats.

A ticket is a topic in the host chat of the user's municipality (or the regional
one). The user's messages are copied into it; whatever a host writes there is
copied to the user as coming from "the host of <municipality>" – copied, never
forwarded, so the host's own account stays hidden. Only a member of the host chat
counts as a host (`membership`). Every copy is claimed in the store first, so a
restart never sends anything twice.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

import yaml
from babel.dates import format_date, format_time
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, ContextTypes

from bot.hosts import DEFAULT, OSLO, Ticket
from bot.i18n import N_, babel_locale
from bot.knowledge import text_in
from bot.telegram_app.context import vertskap
from bot.telegram_app.membership import Membership

log = logging.getLogger(__name__)
MEMBERS = "host-members"  # application.bot_data key of the Membership cache


def _app(context):
    return vertskap(context)


def _place(app, municipality: str | None, lang: str) -> str:
    region = app.services.knowledge.region
    m = region.municipality(municipality) if municipality else None
    return text_in(m.name if m else region.name, lang, region.fallback_language)


def host_language(app) -> str:
    """Hosts read the region's first language (bokmål in Midt-Troms)."""
    return app.services.knowledge.region.fallback_language


def topic_link(chat_id: int, thread_id: int | None) -> str:
    internal = str(chat_id).removeprefix("-100")
    return f"https://t.me/c/{internal}/{thread_id or ''}".rstrip("/")


# --------------------------------------------------------------------------- opening


async def open_ticket(update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str) -> None:
    """Opens a topic in the right host chat with a header card, and tells the user."""
    app = _app(context)
    user = update.effective_user
    state = app.store.user(user.id)
    existing = app.store.open_ticket_of(user.id)
    _ = app.services.i18n.gettext
    if existing is not None:
        await context.bot.send_message(user.id, _(lang, N_("You are already talking to a host. "
                                                           "Write here, and it goes to them.")),
                                       reply_markup=back_button(app, lang))
        return
    host = app.services.hosts.for_municipality(state.municipality)
    history = app.store.last_questions(user.id)
    question = history[-1]["text"] if history else "–"
    now = app.clock()
    # The ticket is stored first: if the process dies before its topic exists, the
    # start-up repair (open_missing_topics) creates it, so no request is lost.
    ticket = app.store.open_ticket(Ticket(
        id=0, user_id=user.id, host=host.key, chat_id=host.chat_id,
        thread_id=None, municipality=state.municipality, language=lang,
        first_name=user.first_name or "", question=question, created_at=now,
        follow_up_due=host.office_hours.add_working_time(now, app.services.hosts.follow_up_hours)))
    await open_topic(context.bot, app, ticket, history)
    place = _place(app, state.municipality, lang)
    text = _(lang, N_("I have passed your question to the host of {place}. Everything you write "
                      "here now goes to the host."), place=place)
    if host.office_hours.is_open(now):
        text += " " + _(lang, N_("The host answers within office hours ({hours})."),
                        hours=host.office_hours.text)
    else:
        opens = host.office_hours.next_open(now).astimezone(OSLO)
        locale = babel_locale(lang)
        when = f"{format_date(opens, 'full', locale=locale)}, {format_time(opens, 'short', locale=locale)}"
        text += " " + _(lang, N_("The office is closed now; the host will read your message from "
                                 "{when}."), when=when)
    await context.bot.send_message(user.id, text, reply_markup=back_button(app, lang))


async def open_topic(bot, app, ticket: Ticket, history: list[dict]) -> None:
    """Creates the ticket's topic in the host chat and posts its header card."""
    hl = host_language(app)
    name = f"{ticket.first_name} · {_place(app, ticket.municipality, hl)} · #{ticket.id}"[:120]
    topic = await bot.create_forum_topic(ticket.chat_id, name)
    app.store.update_ticket(ticket.id, thread_id=topic.message_thread_id)
    ticket.thread_id = topic.message_thread_id
    await bot.send_message(ticket.chat_id, header_card(app, ticket, history),
                           message_thread_id=topic.message_thread_id, parse_mode=ParseMode.HTML)


async def open_missing_topics(application: Application) -> None:
    """At start: open tickets whose topic was never created (a crash in between) get one."""
    app = vertskap(application)
    for ticket in app.store.tickets():
        if ticket.status == "open" and ticket.thread_id is None:
            try:
                await open_topic(application.bot, app, ticket, app.store.last_questions(ticket.user_id))
            except TelegramError:
                log.warning("could not open the topic of ticket #%s", ticket.id, exc_info=True)


def back_button(app, lang: str) -> InlineKeyboardMarkup:
    label = app.services.i18n.gettext(lang, N_("Back to the assistant"))
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data="hb")]])


def header_card(app, ticket: Ticket, history: list[dict]) -> str:
    """What the host sees first: who, where, the question, and what the knowledge says."""
    hl = host_language(app)
    _ = app.services.i18n.gettext
    esc = html.escape
    match = app.services.matcher.match(ticket.question, municipality=ticket.municipality) \
        if ticket.question != "–" else None
    question_label = _(hl, N_("Question"))
    answered_label = _(hl, N_("The assistant answered"))
    guesses_label = _(hl, N_("Best guesses"))
    before_label = _(hl, N_("Asked before"))
    lines = [
        f"<b>#{ticket.id} · {esc(ticket.first_name)} · {esc(_place(app, ticket.municipality, hl))}"
        f" · {esc(app.services.i18n.language_name(ticket.language, hl))}</b>",
        "",
        f"<b>{esc(question_label)}:</b> {esc(ticket.question)}",
    ]
    if match is not None:
        if match.entry is not None:
            answered = esc(match.entry.key)
        elif match.suggestions:
            answered = esc(_(hl, N_("suggestions"))) + ": " + esc(", ".join(e.key for e in match.suggestions))
        else:
            answered = esc(_(hl, N_("nothing")))
        lines.append(f"<b>{esc(answered_label)}:</b> {answered}")
        guesses = ", ".join(f"{c.entry.key} {c.score:.0f}" for c in match.candidates[:3])
        if guesses:
            lines.append(f"<b>{esc(guesses_label)}:</b> {esc(guesses)}")
    earlier = [h["text"] for h in history[:-1]]
    if earlier:
        lines += ["", f"<b>{esc(before_label)}:</b>"] + [f"• {esc(t)}" for t in earlier]
    lines += ["", esc(_(hl, N_("Answer by writing in this topic. /claim takes the case, /close "
                               "ends it, /faq then writes a draft answer for the coordinators.")))]
    return "\n".join(lines)


# --------------------------------------------------------------------------- messages


async def to_host(update: Update, context: ContextTypes.DEFAULT_TYPE, ticket: Ticket) -> None:
    """Copies the user's message into the ticket's topic (once)."""
    app = _app(context)
    message = update.effective_message
    if not app.store.claim_copy(ticket.id, "to_host", message.chat_id, message.message_id):
        return
    copy = await context.bot.copy_message(ticket.chat_id, message.chat_id, message.message_id,
                                          message_thread_id=ticket.thread_id)
    app.store.copied("to_host", message.chat_id, message.message_id, copy.message_id)


async def on_host_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Copies what a host writes in a ticket's topic to the user, as the host of the place."""
    app = _app(context)
    message = update.effective_message
    if not message.is_topic_message or message.from_user is None or message.from_user.is_bot:
        return
    ticket = app.store.ticket_in_topic(message.chat_id, message.message_thread_id)
    if ticket is None or ticket.status != "open":
        return
    if not await sent_by_a_host(context, message, ticket):
        return
    text = message.text
    if not app.store.claim_copy(ticket.id, "to_user", message.chat_id, message.message_id, text):
        return
    _ = app.services.i18n.gettext
    lang = ticket.language
    sender = _(lang, N_("The host of {place}"), place=_place(app, ticket.municipality, lang))
    try:
        if text is not None:
            sent = await context.bot.send_message(
                ticket.user_id, f"<b>{html.escape(sender)}:</b>\n{html.escape(text)}",
                parse_mode=ParseMode.HTML, reply_markup=back_button(app, lang))
        else:
            await context.bot.send_message(ticket.user_id, f"{sender}:")
            sent = await context.bot.copy_message(ticket.user_id, message.chat_id,
                                                  message.message_id)
    except Forbidden:
        await user_blocked(context, ticket)
        return
    app.store.copied("to_user", message.chat_id, message.message_id, sent.message_id)
    if ticket.first_reply_at is None:
        app.store.update_ticket(ticket.id, first_reply_at=app.clock())


async def sent_by_a_host(context: ContextTypes.DEFAULT_TYPE, message: Message, ticket: Ticket) -> bool:
    """Whether the message in the ticket's topic comes from a member of the host chat.

    Messages on behalf of a channel, and from anyone Telegram does not report as an
    administrator, member or creator, are logged (without their text) and ignored.
    """
    if message.sender_chat is not None or message.from_user is None:
        log.info("ignored a message in the topic of ticket #%s: sent on behalf of a chat",
                 ticket.id)
        return False
    members = context.bot_data.setdefault(MEMBERS, Membership())
    if not await members.is_member(context.bot, message.chat_id, message.from_user.id):
        log.info("ignored a message in the topic of ticket #%s: user %s is not a member of "
                 "the host chat", ticket.id, message.from_user.id)
        return False
    return True


async def user_blocked(context: ContextTypes.DEFAULT_TYPE, ticket: Ticket) -> None:
    """Marks the ticket once when the user has blocked the bot, and says so in the topic."""
    app = _app(context)
    if ticket.user_blocked:
        return
    app.store.update_ticket(ticket.id, user_blocked=1)
    hl = host_language(app)
    await context.bot.send_message(ticket.chat_id, app.services.i18n.gettext(
        hl, N_("The user has blocked the assistant; messages no longer reach them.")),
        message_thread_id=ticket.thread_id)


# --------------------------------------------------------------------------- host commands


async def on_host_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/claim, /close and /faq in a ticket's topic; nothing anywhere else."""
    app = _app(context)
    message = update.effective_message
    if not message.is_topic_message:
        return
    ticket = app.store.ticket_in_topic(message.chat_id, message.message_thread_id)
    if ticket is None or app.services.hosts.by_chat(message.chat_id) is None:
        return
    if not await sent_by_a_host(context, message, ticket):
        return
    hl = host_language(app)
    _ = app.services.i18n.gettext
    name = (message.text or "").split()[0].lstrip("/").split("@")[0].lower()
    say = (lambda text: context.bot.send_message(ticket.chat_id, text,
                                                 message_thread_id=ticket.thread_id))
    if name == "claim" and ticket.status == "open":
        who = message.from_user.first_name if message.from_user else "?"
        app.store.update_ticket(ticket.id, claimed_by=who)
        await say(_(hl, N_("{name} takes this case."), name=who))
    elif name == "close" and ticket.status == "open":
        await close_ticket(context, ticket, by_host=True)
    elif name == "faq":
        if ticket.status != "closed":
            await say(_(hl, N_("Close the case first with /close; then /faq writes the draft.")))
        else:
            await say(write_draft(app, ticket))


async def close_ticket(context: ContextTypes.DEFAULT_TYPE, ticket: Ticket, by_host: bool) -> None:
    app = _app(context)
    hl = host_language(app)
    _ = app.services.i18n.gettext
    app.store.update_ticket(ticket.id, status="closed")
    if by_host:
        await context.bot.send_message(ticket.chat_id, _(hl, N_("The case is closed.")),
                                       message_thread_id=ticket.thread_id)
        lang = ticket.language
        buttons = InlineKeyboardMarkup([[InlineKeyboardButton(str(n), callback_data=f"r:{ticket.id}:{n}")
                                         for n in range(1, 6)]])
        try:
            await context.bot.send_message(
                ticket.user_id,
                _(lang, N_("The host has closed the conversation, and you are back with the "
                           "assistant. How much did the host help? (1 = not at all, 5 = very "
                           "much)")), reply_markup=buttons)
        except Forbidden:
            await user_blocked(context, ticket)
    else:
        await context.bot.send_message(ticket.chat_id, _(hl, N_("The user went back to the "
                                                                "assistant; the case is closed.")),
                                       message_thread_id=ticket.thread_id)


def write_draft(app, ticket: Ticket) -> str:
    """A draft entry from a closed ticket, in the knowledge format, for a coordinator."""
    hl = host_language(app)
    _ = app.services.i18n.gettext
    folder: Path | None = app.settings.drafts
    if folder is None:
        return _(hl, N_("No drafts folder is set up (bot.drafts in the config)."))
    answers = app.store.host_answers(ticket.id)
    if not answers:
        return _(hl, N_("The host wrote no text answer, so there is nothing to draft."))
    folder.mkdir(parents=True, exist_ok=True)
    scope = ticket.municipality or "common"
    entry = {"id": f"draft-ticket-{ticket.id}",
             "questions": {ticket.language: [ticket.question]},
             "answer": {ticket.language: "\n\n".join(answers)}}
    header = (f"# Draft from ticket #{ticket.id} ({scope}, {ticket.language}), "
              f"{ticket.created_at.date().isoformat()}. Not loaded by the assistant.\n"
              f"# Check it, add a topic, the other languages and links, choose an id, and move "
              f"the entry into faq/{scope}/.\n")
    path = folder / f"ticket-{ticket.id}.yaml"
    path.write_text(header + yaml.safe_dump({"topic": "", "entries": [entry]}, allow_unicode=True,
                                            sort_keys=False), encoding="utf-8")
    return _(hl, N_("Draft written: {file}"), file=path.name)


# --------------------------------------------------------------------------- follow-up


async def follow_up(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Raises tickets no host answered in time: in their topic and in the regional chat."""
    app = _app(context)
    routing = app.services.hosts
    hl = host_language(app)
    _ = app.services.i18n.gettext
    for ticket in app.store.due_follow_ups(app.clock()):
        app.store.update_ticket(ticket.id, followed_up=1)  # first: never twice, even on a crash
        hours = f"{routing.follow_up_hours:g}"
        try:
            await context.bot.send_message(ticket.chat_id, _(hl, N_(
                "⏰ No host has answered this case within {hours} working hours."), hours=hours),
                message_thread_id=ticket.thread_id)
            regional = routing.chats[DEFAULT].chat_id
            await context.bot.send_message(regional, _(hl, N_(
                "⏰ Case #{id} ({place}) has waited {hours} working hours for a host: {question} "
                "– {link}"), id=ticket.id, place=_place(app, ticket.municipality, hl),
                hours=hours, question=ticket.question, link=topic_link(ticket.chat_id, ticket.thread_id)))
        except TelegramError:
            log.warning("could not raise ticket #%s", ticket.id, exc_info=True)


async def check_host_chats(application: Application) -> list[str]:
    """What keeps the bot from serving each host chat; logged at start."""
    app = vertskap(application)
    problems = []
    me = await application.bot.get_me()
    for chat in app.services.hosts.chats.values():
        try:
            info = await application.bot.get_chat(chat.chat_id)
            member = await application.bot.get_chat_member(chat.chat_id, me.id)
        except TelegramError as exc:
            problems.append(f"host chat '{chat.key}' ({chat.chat_id}): the bot cannot reach it "
                            f"({exc.message}); add the bot to the group")
            continue
        if not getattr(info, "is_forum", False):
            problems.append(f"host chat '{chat.key}' ({chat.chat_id}): topics are not enabled; "
                            "turn on Topics in the group's settings")
        if member.status != "administrator" or not getattr(member, "can_manage_topics", False):
            problems.append(f"host chat '{chat.key}' ({chat.chat_id}): the bot must be an admin "
                            "that may manage topics")
    for problem in problems:
        log.warning(problem)
    return problems

