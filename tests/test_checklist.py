"""The arrival checklist: steps by profile, reminders on the right days, once."""

import datetime as dt
import shutil
from dataclasses import replace

import pytest

from bot.cli.console import chat
from bot.conversation import ButtonPress, Command, Engine, TextMessage, UserState, all_button_data
from bot.services import load_services
from bot.store import Store
from bot.knowledge.validation import validate

CHECKLIST = """\
steps:
  - id: report-move
    title: {nb: Meld flytting, en: Report your move, de: Umzug melden}
    entry: tax-card
    for: [all]
    due: {days: 8}
  - id: eu-registration
    title: {nb: Registrer deg, en: Register as an EU citizen, de: Als EU-Bürger registrieren}
    entry: gp
    for: [eu]
    due: {days: 60}
  - id: residence-card
    title: {nb: Hent oppholdskort, en: Collect your residence card, de: Aufenthaltskarte abholen}
    entry: gp
    for: [non-eu]
    due: {days: 7}
  - id: kindergarten
    title: {nb: Søk barnehage, en: Apply for kindergarten, de: Kindergarten beantragen}
    entry: kindergarten-place
    for: [children]
    due: {date: "03-01"}
"""
ARRIVED = dt.date(2026, 11, 2)


class Today:
    def __init__(self, day):
        self.day = day

    def __call__(self):
        return self.day


@pytest.fixture()
def folder(region_dir, tmp_path):
    target = tmp_path / "k"
    shutil.copytree(region_dir, target)
    (target / "checklist").mkdir()
    (target / "checklist" / "common.yaml").write_text(CHECKLIST, encoding="utf-8")
    return target


@pytest.fixture()
def today():
    return Today(ARRIVED)


@pytest.fixture()
def engine(folder, today):
    return Engine(replace(load_services(folder), today=today))


def set_up(engine, eu, children, arrived="7"):
    state = UserState(language="en", municipality="bardu", onboarded=True)
    turn = engine.handle(state, Command("checklist"))
    assert all_button_data(turn.replies) == ["ck:a:0", "ck:a:7", "ck:a:30", "ck:a:-"]
    for data in (f"ck:a:{arrived}", f"ck:eu:{int(eu)}", f"ck:ch:{int(children)}", "ck:af:0"):
        turn = engine.handle(turn.state, ButtonPress(data))
    return turn


def test_an_eu_worker_gets_their_steps_and_reminders_on_the_right_days(engine, today):
    today.day = ARRIVED + dt.timedelta(days=7)
    turn = set_up(engine, eu=True, children=False)  # arrived a week ago: ARRIVED
    assert all_button_data(turn.replies) == ["ck:s:report-move", "ck:s:eu-registration"]
    assert "⬜ Nov 10, 2026: Report your move" in turn.replies[0].text
    state = turn.state
    assert engine.reminders(state, ARRIVED + dt.timedelta(days=7)) is None  # not due yet
    reminder = engine.reminders(state, ARRIVED + dt.timedelta(days=8))
    assert "Report your move" in reminder.replies[0].text
    assert all_button_data(reminder.replies) == ["ck:d:report-move", "ck:w:report-move"]
    state = reminder.state
    assert engine.reminders(state, ARRIVED + dt.timedelta(days=8)) is None  # one a day
    assert engine.reminders(state, ARRIVED + dt.timedelta(days=9)) is None  # never twice
    reminder = engine.reminders(state, ARRIVED + dt.timedelta(days=60))
    assert all_button_data(reminder.replies) == ["ck:d:eu-registration", "ck:w:eu-registration"]


def test_a_non_eu_family_with_children_gets_a_different_list(engine, today):
    today.day = ARRIVED + dt.timedelta(days=7)
    turn = set_up(engine, eu=False, children=True)
    assert all_button_data(turn.replies) == ["ck:s:residence-card", "ck:s:report-move",
                                             "ck:s:kindergarten"]
    assert "Mar 1, 2027: Apply for kindergarten" in turn.replies[0].text


def test_done_snooze_and_off(engine, today):
    today.day = ARRIVED + dt.timedelta(days=7)
    state = set_up(engine, eu=True, children=False).state
    opened = engine.handle(state, ButtonPress("ck:s:report-move"))
    assert "ck:d:report-move" in all_button_data(opened.replies)  # the FAQ answer, and "done"
    today.day = ARRIVED + dt.timedelta(days=8)
    snoozed = engine.handle(state, ButtonPress("ck:w:report-move")).state
    assert engine.reminders(snoozed, ARRIVED + dt.timedelta(days=8)) is None
    assert engine.reminders(snoozed, ARRIVED + dt.timedelta(days=15)) is not None
    done = engine.handle(state, ButtonPress("ck:d:report-move")).state
    assert "✅" in engine.handle(done, Command("checklist")).replies[0].text
    off = engine.handle(state, Command("checklist", "off")).state
    assert engine.reminders(off, ARRIVED + dt.timedelta(days=8)) is None
    on = engine.handle(off, Command("checklist", "on")).state
    assert engine.reminders(on, ARRIVED + dt.timedelta(days=8)) is not None


def test_the_arrival_date_can_be_written(engine):
    state = engine.handle(UserState(language="de", municipality="bardu"), Command("checklist")).state
    turn = engine.handle(state, TextMessage("02.11.2026"))
    assert turn.state.checklist.arrival == ARRIVED and turn.state.checklist.asking == "eu"


def test_a_restart_between_due_date_and_send_sends_one_reminder(engine, tmp_path, folder, today):
    store = Store(tmp_path / "db.sqlite3")
    today.day = ARRIVED + dt.timedelta(days=7)
    store.save_user(1, set_up(engine, eu=True, children=False).state)
    store.close()
    sent = []
    for _ in range(2):  # two runs of the reminder job, a restart in between
        store = Store(tmp_path / "db.sqlite3")
        fresh = Engine(replace(load_services(folder), today=today))
        for user_id, state in store.users_with_checklist():
            turn = fresh.reminders(state, ARRIVED + dt.timedelta(days=8))
            if turn is not None:
                store.save_user(user_id, turn.state)
                sent.append(turn)
        store.close()
    assert len(sent) == 1


def test_a_step_whose_entry_was_removed_is_a_finding_not_a_crash(folder):
    path = folder / "checklist" / "common.yaml"
    path.write_text(CHECKLIST.replace("entry: kindergarten-place", "entry: kindergarten-gone"),
                    encoding="utf-8")
    found = [str(f) for f in validate(folder) if f.path.startswith("checklist/")]
    assert found == ["checklist/common.yaml:19:12: error: step 'kindergarten' links to entry "
                     "'kindergarten-gone', which does not answer in common; use the id of an FAQ "
                     "entry"]


def test_the_console_shows_due_reminders_at_the_next_input(engine, today):
    today.day = ARRIVED
    lines = iter(["/checklist", "1", "1", "2", "2", "/help", "/help"])  # today, EU, no kids, no forces
    out = []

    def read(prompt):
        try:
            line = next(lines)
        except StopIteration:
            raise EOFError from None
        if line == "/help":
            today.day = ARRIVED + dt.timedelta(days=8)  # some days later, the next input
        return line

    chat(engine, read, out.append, municipality="bardu", language="en")
    text = "\n".join(out)
    assert "A reminder from your checklist: it is time for" in text
    assert "Report your move" in text


def test_the_shipped_checklist_loads_and_covers_every_profile():
    from bot.knowledge.checklist import Progress, plan

    services = load_services(__import__("bot.services").services.default_knowledge())
    for eu, children in ((True, False), (False, False), (True, True)):
        progress = Progress(asking=None, arrival=ARRIVED, eu=eu, children=children, armed_forces=False)
        steps = [s.id for s, _ in plan(services.knowledge, "senja", progress)]
        assert "tax-card" in steps and "report-move" in steps
        assert ("eu-registration" in steps) == eu
        assert ("kindergarten-application" in steps) == children


async def test_telegram_sends_a_due_reminder_once_at_a_civil_hour(folder, tmp_path, monkeypatch):
    from fakebotapi import FakeBotApi
    from telegram_harness import Bot

    from bot.hosts import OSLO
    from bot.telegram_app import app as telegram_app

    monkeypatch.setattr(telegram_app, "REMINDERS_EVERY", 0.1)
    today = Today(ARRIVED + dt.timedelta(days=7))
    services = replace(load_services(folder), today=today)
    state = set_up(Engine(services), eu=True, children=False).state
    api = FakeBotApi()
    await api.start()
    now = {"t": dt.datetime.combine(ARRIVED + dt.timedelta(days=8), dt.time(7, 0), OSLO)}
    bot = Bot(api, services, tmp_path / "db.sqlite3", clock=lambda: now["t"])
    await bot.start()
    try:
        bot.store.save_user(77, state)
        import asyncio

        await asyncio.sleep(0.5)
        assert api.to(77) == []  # 07:00 is too early
        now["t"] = now["t"].replace(hour=10)
        (reminder,) = await api.wait_for(77, 1)
        assert "Report your move" in reminder.text
        assert reminder.button_data == ["ck:d:report-move", "ck:w:report-move"]
        await asyncio.sleep(0.5)
        assert len(api.to(77)) == 1  # once
    finally:
        await bot.stop()
        await api.stop()
    assert api.errors == []
