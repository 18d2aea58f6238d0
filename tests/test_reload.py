"""Live reload: a broken edit keeps the last good knowledge; a fixed edit goes live."""

import asyncio
import shutil

import pytest
from fakebotapi import FakeBotApi
from telegram_harness import Bot, converse

from bot.coordination.reload import Reloader
from bot.services import load_services

COORDINATORS_CHAT = -1007770
COORDINATOR = 42


def break_file(folder):
    path = folder / "faq" / "common" / "tax.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("topic: tax", "topic: tax\nentries: [oops"),
                    encoding="utf-8")


def add_entry(folder):
    (folder / "faq" / "common" / "tax.yaml").unlink()
    (folder / "faq" / "common" / "bank.yaml").write_text("""\
topic: tax
entries:
  - id: bank-account
    questions:
      nb: [bankkonto]
      en: [bank account]
      de: [Bankkonto]
    answer:
      nb: Du åpner bankkonto i en bank.
      en: You open a bank account (bankkonto) at a bank.
      de: Ein Bankkonto (bankkonto) eröffnen Sie bei einer Bank.
""", encoding="utf-8")


@pytest.fixture()
def folder(region_dir, tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(region_dir, target)
    return target


def test_a_broken_edit_keeps_the_last_good_knowledge_and_a_fix_goes_live(folder):
    services = load_services(folder)
    reloader = Reloader(services, folder)
    before = services.knowledge
    break_file(folder)
    result = reloader.reload()
    assert not result.ok and services.knowledge is before
    assert str(result.errors[0]).startswith("faq/common/tax.yaml:")
    assert "still answering from the last good version" in result.summary()
    add_entry(folder)
    result = reloader.reload()
    assert result.ok and services.knowledge is not before
    assert services.matcher.match("bank account").entry.id == "bank-account"


async def test_the_running_bot_reloads_on_save_and_tells_the_coordinators(folder, tmp_path):
    api = FakeBotApi()
    await api.start()
    services = load_services(folder)
    bot = await Bot(api, services, tmp_path / "db.sqlite3", coordinator_chat=COORDINATORS_CHAT,
                    coordinators=frozenset({COORDINATOR})).start()
    try:
        await converse(api, "/start bardu-en", 2)
        await asyncio.sleep(0.5)  # the watcher starts with the application
        break_file(folder)
        (posted,) = await api.wait_for(COORDINATORS_CHAT, 1, timeout=10)
        assert posted.text.startswith("Kunnskapen er IKKE lastet på nytt (1 feil)")  # in bokmål
        assert "faq/common/tax.yaml:" in posted.text
        (answer,) = await converse(api, "How do I get a tax card?", 1)  # still served
        assert answer.text.startswith("You order a tax card")
        add_entry(folder)
        for _ in range(100):
            if any(e.id == "bank-account" for e in services.knowledge.entries):
                break
            await asyncio.sleep(0.1)
        (answer,) = await converse(api, "bank account", 1)
        assert answer.text.startswith("You open a bank account")
        # /reload: for coordinators only
        (done,) = await converse(api, "/reload", 1, user=COORDINATOR)
        assert done.text.startswith("Knowledge reloaded: 7 entries")
        (other,) = await converse(api, "/reload", 1, user=43)
        assert "/help" in other.text
        (stats,) = await converse(api, "/stats", 1, user=COORDINATOR)
        assert stats.text.startswith("Last 30 days: 2 questions")
    finally:
        await bot.stop()
        await api.stop()
    assert api.errors == []
