"""Telegram faults: the assistant retries as Telegram asks, answers once, recovers alone."""

import asyncio

import pytest
from telegram_harness import USER, Bot, converse, press

from bot.conversation import UserState
from bot.telegram_app import context as telegram_context


@pytest.fixture()
async def bot(api, services, tmp_path, monkeypatch):
    monkeypatch.setattr(telegram_context, "RETRIES", (0.05, 0.1, 0.2, 0.4))
    running = await Bot(api, services, tmp_path / "db.sqlite3").start()
    running.store.save_user(USER, UserState("en", "bardu", True))
    yield running
    await running.stop()


@pytest.mark.parametrize("fault", [429, 500, "reset"])
async def test_a_failed_send_is_retried_and_delivered_once(api, bot, fault):
    api.faults.append(["sendMessage", fault, 2 if fault != 429 else 1])
    (answer,) = await converse(api, "How do I get a tax card?", 1)
    assert answer.text.startswith("You order a tax card")
    await asyncio.sleep(0.3)
    assert len(api.to(USER)) == 1
    assert sum(1 for m, _ in api.calls if m.startswith("sendMessage:")) == (2 if fault != 429 else 1)


async def test_get_updates_failing_recovers_and_handles_each_update_once(api, bot):
    api.faults.append(["getUpdates", 500, 2])
    api.faults.append(["getUpdates", "reset", 1])
    api.text(USER, "How do I get a tax card?")
    api.text(USER, "How do I get a GP?")
    first, second = await api.wait_for(USER, 2, timeout=30)
    assert first.text.startswith("You order a tax card") and "GP" in second.text
    await asyncio.sleep(1.5)
    assert len(api.to(USER)) == 2


async def test_a_slow_get_updates_still_gets_answers(api, bot):
    api.delay_for = lambda method, params: 0.8 if method == "getUpdates" else 0.0
    messages = await converse(api, "How do I get a tax card?", 1)
    assert messages[0].text.startswith("You order a tax card")


async def test_forget_deletes_everything_after_a_confirmation(api, bot):
    await converse(api, "How do I get a tax card?", 1)
    (ask,) = await converse(api, "/forget", 1)
    assert ask.button_data == ["fg", "hn"]
    (done,) = await press(api, "fg", 1)
    assert done.text.startswith("Done: I have deleted everything about you.")
    assert bot.store.user(USER) == UserState()
    assert bot.store.records() == []
    (privacy,) = await converse(api, "/privacy", 1)
    assert "never stored or shared" in privacy.text and "365 days" in privacy.text


async def test_a_flooding_user_is_asked_politely_to_slow_down_once(api, services, tmp_path):
    running = await Bot(api, services, tmp_path / "db.sqlite3", per_user_per_minute=3).start()
    try:
        for _ in range(6):
            api.text(USER, "/help")
        await api.wait_for(USER, 4, timeout=10)
        await asyncio.sleep(0.5)
        texts = [m.text for m in api.to(USER)]
        assert len(texts) == 4
        assert texts[-1] == "You are sending messages very fast. Please wait a minute, then ask again."
        api.text(USER + 1, "/help")  # others are not slowed down
        await api.wait_for(USER + 1, 1)
    finally:
        await running.stop()
