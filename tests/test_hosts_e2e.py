"""End to end: handing a conversation to a municipality's host, over the fake Bot API."""

import asyncio
import datetime as dt
import logging
from dataclasses import replace

import pytest
import yaml
from fakebotapi import FakeBotApi
from telegram_harness import USER, Bot, converse, press

from bot.hosts import DEFAULT, OSLO, HostChat, OfficeHours, Routing
from bot.telegram_app import app as telegram_app

REGIONAL, BARDU, SENJA = -1009000, -1009001, -1009003
HOST, OTHER_HOST = 5001, 5003
MONDAY_10 = dt.datetime(2026, 11, 30, 10, 0, tzinfo=OSLO)


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture()
def routing():
    hours = OfficeHours.parse("Mon-Fri 08:00-15:30")
    return Routing({DEFAULT: HostChat(DEFAULT, REGIONAL, hours),
                    "bardu": HostChat("bardu", BARDU, hours),
                    "senja": HostChat("senja", SENJA, hours)}, follow_up_hours=4)


@pytest.fixture()
async def api():
    server = FakeBotApi()
    server.groups = {REGIONAL: {}, BARDU: {}, SENJA: {}}
    server.members = {BARDU: {HOST: "member"}, SENJA: {OTHER_HOST: "administrator"}}
    await server.start()
    yield server
    await server.stop()
    assert server.errors == []


@pytest.fixture()
def clock():
    return Clock(MONDAY_10)


@pytest.fixture()
async def bot(api, services, routing, clock, tmp_path, monkeypatch):
    monkeypatch.setattr(telegram_app, "FOLLOW_UP_EVERY", 0.1)
    running = await Bot(api, replace(services, hosts=routing), tmp_path / "db.sqlite3",
                        clock=clock, drafts=tmp_path / "drafts").start()
    yield running
    await running.stop()


async def escalate(api, question="skatt", municipality="bardu", language="en"):
    await converse(api, f"/start {municipality}-{language}", 2)
    await converse(api, question, 1)
    (ask,) = await converse(api, "/host", 1)
    assert ask.button_data == ["hc", "hn"]
    (opened,) = await press(api, "hc", 1)
    chat, thread, _ = api.topics[-1]
    return ask, opened, chat, thread


async def host_says(api, chat, thread, text, user_count, host=HOST):
    before = len(api.to(USER))
    api.in_topic(chat, thread, host, text)
    return await api.wait_for(USER, user_count, since=before)


async def test_a_newcomer_talks_with_the_host_of_their_municipality(api, bot, tmp_path):
    ask, opened, chat, thread = await escalate(api)
    assert "first name" in ask.text and "never your phone number" in ask.text
    assert chat == BARDU
    header = api.in_topic_messages(BARDU, thread)[0]
    assert header.text.startswith("#1 · User4711 · Bardu · Engelsk")
    assert "Spørsmål: skatt" in header.text and "Beste treff: common/tax-" in header.text
    assert opened.text.startswith("I have passed your question to the host of Bardu.")
    assert opened.button_data == ["hb"]

    # the user's next messages go to the topic, not to the assistant
    before = len(api.in_topic_messages(BARDU, thread))
    api.text(USER, "I start work on Monday and need it before my first salary")
    api.photo(USER)
    for _ in range(50):
        if len(api.in_topic_messages(BARDU, thread)) >= before + 2:
            break
        await asyncio.sleep(0.05)
    assert len(api.in_topic_messages(BARDU, thread)) == before + 2
    assert len(api.to(USER)) == 5  # no answer from the assistant in between

    # the host answers: the user sees it as from the host of Bardu, not from the host's account
    (answer,) = await host_says(api, BARDU, thread, "Hei! Bestill skattekort på skatteetaten.no.", 1)
    assert answer.text == "The host of Bardu:\nHei! Bestill skattekort på skatteetaten.no."
    assert "User5001" not in answer.text

    api.in_topic(BARDU, thread, HOST, "/claim")
    (_, _, claimed) = await api.wait_for(BARDU, 3, since=len(api.to(BARDU)) - 2)
    assert claimed.text == "User5001 tar saken."

    (rate,) = await host_says(api, BARDU, thread, "/close", 1)
    assert rate.button_data == ["r:1:1", "r:1:2", "r:1:3", "r:1:4", "r:1:5"]
    (thanks,) = await press(api, "r:1:4", 1)
    assert thanks.text == "Thank you for your rating!"
    ticket = bot.store.ticket(1)
    assert (ticket.status, ticket.rating, ticket.claimed_by) == ("closed", 4, "User5001")
    assert ticket.first_reply_at == MONDAY_10

    # back with the assistant; a new request opens a new ticket
    (reply,) = await converse(api, "How do I get a tax card?", 1)
    assert reply.button_data[0].startswith("f+:")

    # from ticket to FAQ: a draft in the knowledge format, never loaded
    api.in_topic(BARDU, thread, HOST, "/faq")
    await api.wait_for(BARDU, 1, since=len(api.to(BARDU)))
    draft = yaml.safe_load((tmp_path / "drafts" / "ticket-1.yaml").read_text(encoding="utf-8"))
    assert draft["entries"][0]["questions"] == {"en": ["skatt"]}
    assert draft["entries"][0]["answer"]["en"] == "Hei! Bestill skattekort på skatteetaten.no."


async def test_outside_office_hours_the_user_learns_when_a_host_reads_it(api, bot, clock):
    clock.now = dt.datetime(2026, 11, 28, 18, 0, tzinfo=OSLO)  # a Saturday evening
    _, opened, _, _ = await escalate(api, municipality="senja", language="de")
    assert opened.text.endswith("Das Büro ist jetzt geschlossen; die Ansprechperson liest Ihre "
                                "Nachricht ab Montag, 30. November 2026, 08:00.")


async def test_a_silent_ticket_is_raised_again_and_copied_to_the_regional_chat_once(api, bot, clock):
    _, _, chat, thread = await escalate(api)
    await asyncio.sleep(0.3)
    assert api.to(REGIONAL) == []  # not yet due: 4 working hours from 10:00 is 14:00
    clock.now = MONDAY_10 + dt.timedelta(hours=4, minutes=1)
    (regional,) = await api.wait_for(REGIONAL, 1)
    assert regional.text.startswith("⏰ Sak #1 (Bardu) har ventet 4 arbeidstimer på en vert: skatt")
    assert f"https://t.me/c/{str(BARDU)[4:]}/{thread}" in regional.text
    reminder = api.in_topic_messages(BARDU, thread)[-1]
    assert reminder.text.startswith("⏰ Ingen vert har svart")
    await asyncio.sleep(0.4)
    assert len(api.to(REGIONAL)) == 1


async def test_a_restart_mid_ticket_loses_nothing_and_sends_nothing_twice(api, services, routing, clock, tmp_path, monkeypatch):
    monkeypatch.setattr(telegram_app, "FOLLOW_UP_EVERY", 0.1)
    database = tmp_path / "db.sqlite3"
    first = await Bot(api, replace(services, hosts=routing), database, clock=clock).start()
    try:
        _, _, chat, thread = await escalate(api)
    finally:
        await first.stop()
    second = await Bot(api, replace(services, hosts=routing), database, clock=clock).start()
    try:
        update = api.in_topic(chat, thread, HOST, "Her er svaret.")
        (answer,) = await api.wait_for(USER, 1, since=len(api.to(USER)))
        assert answer.text.endswith("Her er svaret.")
        api._push({"message": update["message"]})  # Telegram delivers the same message again
        await asyncio.sleep(0.5)
        assert [m.text for m in api.to(USER)].count(answer.text) == 1
        before = len(api.in_topic_messages(chat, thread))
        api.text(USER, "Thank you!")
        for _ in range(50):
            if len(api.in_topic_messages(chat, thread)) > before:
                break
            await asyncio.sleep(0.05)
        assert len(api.in_topic_messages(chat, thread)) == before + 1
    finally:
        await second.stop()


async def test_outsiders_and_other_municipalities_hosts_cannot_act_on_a_ticket(api, bot):
    _, _, chat, thread = await escalate(api)
    # /close from a private chat is just an unknown command there
    (reply,) = await converse(api, "/close", 0 + 1, user=6666)
    assert "/help" in reply.text
    # a host in Senja's chat, in a topic with the same number, reaches nobody
    api.in_topic(SENJA, thread, OTHER_HOST, "/close")
    api.in_topic(SENJA, thread, OTHER_HOST, "Hei fra Senja")
    await asyncio.sleep(0.5)
    assert bot.store.ticket(1).status == "open"
    assert not any("Senja" in m.text for m in api.to(USER))


async def test_a_user_who_blocked_the_bot_marks_the_ticket_once(api, bot):
    _, _, chat, thread = await escalate(api)
    api.blocked.add(USER)
    before = len(api.in_topic_messages(chat, thread))
    api.in_topic(chat, thread, HOST, "Hallo?")
    api.in_topic(chat, thread, HOST, "Er du der?")
    for _ in range(50):
        if bot.store.ticket(1).user_blocked:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    notes = api.in_topic_messages(chat, thread)[before:]
    assert [n.text for n in notes] == ["Brukeren har blokkert assistenten; meldinger kommer ikke "
                                       "lenger fram."]


async def test_back_to_the_assistant_ends_the_ticket(api, bot):
    _, _, chat, thread = await escalate(api)
    (back,) = await press(api, "hb", 1)
    assert back.text.startswith("You are back with the assistant")
    assert bot.store.ticket(1).status == "closed"
    assert api.in_topic_messages(chat, thread)[-1].text.startswith("Brukeren gikk tilbake")


async def test_the_start_check_names_host_chats_the_bot_cannot_serve(api, services, routing, tmp_path, caplog):
    api.groups[SENJA] = {"forum": False}
    api.groups[BARDU] = {"admin": False}
    del api.groups[REGIONAL]
    caplog.set_level(logging.WARNING)
    running = await Bot(api, replace(services, hosts=routing), tmp_path / "db.sqlite3").start()
    await running.stop()
    api.errors.clear()  # the unreachable chat was refused, as it should be
    problems = [r.getMessage() for r in caplog.records if r.name == "bot.telegram_app.hosts"]
    assert any("'default'" in p and "cannot reach it" in p for p in problems)
    assert any("'senja'" in p and "topics are not enabled" in p for p in problems)
    assert any("'bardu'" in p and "must be an admin" in p for p in problems)


async def test_a_ticket_stored_before_a_crash_gets_its_topic_at_the_next_start(api, services, routing, clock, tmp_path):
    from bot.hosts import Ticket
    from bot.store import Store

    database = tmp_path / "db.sqlite3"
    store = Store(database)  # as left by a process that died right after storing the ticket
    store.open_ticket(Ticket(0, USER, "bardu", BARDU, None, "bardu", "en", "Ana", "skatt",
                             created_at=MONDAY_10))
    store.close()
    running = await Bot(api, replace(services, hosts=routing), database, clock=clock).start()
    try:
        ticket = running.store.ticket(1)
        assert ticket.thread_id is not None
        assert api.in_topic_messages(BARDU, ticket.thread_id)[0].text.startswith("#1 · Ana · Bardu")
    finally:
        await running.stop()


async def test_only_members_of_the_host_chat_reach_the_newcomer(api, bot, caplog):
    _, _, chat, thread = await escalate(api)
    LEFT, KICKED, OWNER, CHANNEL = 5101, 5102, 5103, -1007777
    api.members[BARDU].update({LEFT: "left", KICKED: "kicked", OWNER: "creator"})
    caplog.set_level(logging.INFO, logger="bot.telegram_app.hosts")
    before = len(api.to(USER))
    api.in_topic(chat, thread, LEFT, "Secret from someone who left")
    api.in_topic(chat, thread, KICKED, "Secret from someone who was removed")
    api.in_topic(chat, thread, 5104, "Secret from someone Telegram never saw here")
    api.in_topic(chat, thread, 5105, "Secret from a channel", sender_chat=CHANNEL)
    api.in_topic(chat, thread, LEFT, "/close")
    (answer,) = await host_says(api, chat, thread, "Svar fra eieren.", 1, host=OWNER)
    assert answer.text == "The host of Bardu:\nSvar fra eieren."
    (answer,) = await host_says(api, chat, thread, "Svar fra verten.", 1)
    assert answer.text.endswith("Svar fra verten.")
    await asyncio.sleep(0.3)
    assert len(api.to(USER)) == before + 2
    assert bot.store.ticket(1).status == "open"  # the /close of a non-member did nothing
    ignored = [r for r in caplog.records if r.name == "bot.telegram_app.hosts"
               and r.levelno == logging.INFO and "ignored a message" in r.getMessage()]
    assert len(ignored) == 5
    assert sum("on behalf of a chat" in r.getMessage() for r in ignored) == 1
    assert not any("Secret" in r.getMessage() or "Secret" in str(r.args) for r in caplog.records)


async def test_a_hosts_membership_is_asked_once_for_a_few_minutes(api, bot):
    _, _, chat, thread = await escalate(api)
    await host_says(api, chat, thread, "Første svar.", 1)
    await host_says(api, chat, thread, "Andre svar.", 1)
    asked = [p for m, p in api.calls if m == "getChatMember" and int(p["user_id"]) == HOST]
    assert len(asked) == 1
