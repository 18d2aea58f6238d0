"""End to end: the real PTB Application over HTTP against a fake Bot API on loopback."""

import asyncio
import io
import shutil

import pytest
import yaml

from bot.logs import setup_logging
from bot.services import load_services
from telegram_harness import Bot, converse, press

USER = 4711


@pytest.fixture()
async def bot(api, services, tmp_path):
    running = await Bot(api, services, tmp_path / "vertskap.sqlite3").start()
    yield running
    await running.stop()
    assert api.errors == [], "the bot sent something Telegram would refuse"


async def test_onboarding_greets_in_the_users_language_and_asks_for_the_municipality(api, bot):
    greeting, prompt = await converse(api, "/start", 2, language="de")
    assert greeting.text.startswith("Willkommen!")
    assert prompt.button_data == ["m:bardu", "m:malselv", "m:senja", "m:-"]
    (chosen,) = await press(api, "m:bardu", 1, language="de")
    assert "Bardu" in chosen.text and "113" in chosen.text
    assert chosen.text.count("• ") == 3
    assert bot.store.user(USER).municipality == "bardu"
    # localised command menus, Norwegian codes too, English by default
    assert set(api.commands) == {"nb", "no", "nn", "en", "de", None}
    assert api.commands["de"][0] == {"command": "start",
                                     "description": "Neu beginnen und die Gemeinde wählen"}


async def test_a_deep_link_preselects_municipality_language_and_topic(api, bot):
    messages = await converse(api, "/start senja-de-schools", 3)
    assert messages[0].text.startswith("Willkommen!")
    assert "Senja" in messages[1].text
    assert "a:senja/kindergarten-place" in messages[2].button_data
    state = bot.store.user(USER)
    assert (state.municipality, state.language) == ("senja", "de")


async def test_a_question_is_answered_in_its_language_with_links_and_feedback(api, bot):
    await converse(api, "/start bardu-en", 2)
    (answer,) = await converse(api, "Wie bekomme ich eine Steuerkarte?", 1)
    assert answer.text.startswith("Die Steuerkarte (skattekort)")
    assert '<a href="https://www.skatteetaten.no/en/person/foreign/">' in answer.html
    assert answer.text.rstrip().endswith("War das hilfreich?")
    assert answer.button_data == ["f+:common/tax-card", "f-:common/tax-card"]
    (thanks,) = await press(api, "f-:common/tax-card", 1)
    assert "h" in thanks.button_data
    feedback = bot.store.records("feedback")
    assert [(r["entry"], r["value"]) for r in feedback] == [("common/tax-card", "down")]
    assert bot.store.records("question")[0]["outcome"] == "answered"
    assert len(api.callback_answers) == 1  # the button stops spinning


async def test_a_suggestion_press_shows_that_answer(api, bot):
    await converse(api, "/start malselv-nb", 2)
    (suggestion,) = await converse(api, "skatt", 1)
    assert "a:common/tax-card" in suggestion.button_data
    (answer,) = await press(api, "a:common/tax-card", 1)
    assert answer.text.startswith("Du bestiller skattekort")


async def test_language_and_municipality_can_be_changed_and_survive_a_restart(api, services, tmp_path):
    database = tmp_path / "state.sqlite3"
    first = await Bot(api, services, database).start()
    try:
        await converse(api, "/start", 2)
        await press(api, "m:bardu", 1)
        await converse(api, "/language", 1)
        (done,) = await press(api, "l:nb", 1)
        assert done.text == "Jeg skriver på Norsk bokmål."
        await converse(api, "/municipality", 1)
        await press(api, "m:senja", 1)
    finally:
        await first.stop()
    second = await Bot(api, services, database).start()
    try:
        (answer,) = await converse(api, "barnehageplass", 1)
        assert answer.text.startswith("I Senja søker du barnehageplass")
        assert second.store.user(USER).language == "nb"
    finally:
        await second.stop()
    assert api.errors == []


async def test_photos_and_stickers_get_a_polite_text_only_reply(api, bot):
    api.photo(USER, language="nb")
    (reply,) = await api.wait_for(USER, 1)
    assert reply.text == "Beklager, jeg kan bare lese tekst. Skriv spørsmålet ditt i en melding."
    api.sticker(USER, language="de")
    (reply,) = await api.wait_for(USER, 1, since=1)
    assert reply.text.startswith("Leider kann ich nur Text lesen")


async def test_a_forged_or_stale_button_gets_a_polite_reply(api, bot):
    for data in ["a:common/../../etc/passwd", "f+:bardu/nope", "m:oslo", "zzz", "x" * 64]:
        (reply,) = await press(api, data, 1)
        assert "expired" in reply.text
    assert bot.store.user(USER).municipality is None


async def test_an_emergency_gets_the_numbers_first(api, bot):
    messages = await converse(api, "my neighbour's house is on fire, where is the fire brigade", 2)
    assert messages[0].text.startswith("If this is an emergency, call now: 113")


async def test_the_bot_is_silent_in_unconfigured_groups(api, bot):
    api.text(USER, "skattekort", chat_id=-100123, chat_type="group")
    await converse(api, "/help", 1)  # a later private message is answered ...
    assert api.to(-100123) == []  # ... the group message never was


async def test_unknown_commands_get_help(api, bot):
    (reply,) = await converse(api, "/frobnicate now", 1)
    assert "/help" in reply.text


async def test_html_in_knowledge_is_escaped_and_long_answers_are_split(api, region_dir, tmp_path):
    folder = tmp_path / "k"
    shutil.copytree(region_dir, folder)
    path = folder / "faq" / "common" / "tax.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    paragraph = "Skatt <b>og</b> & <script>alert(1)</script> " + "ord " * 300
    data["entries"][0]["answer"]["nb"] = "\n\n".join([paragraph] * 8)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    services = load_services(folder)
    running = await Bot(api, services, tmp_path / "db.sqlite3").start()
    try:
        await converse(api, "/start bardu-nb", 2)
        api.text(USER, "Hvordan får jeg skattekort?")
        await asyncio.sleep(0)
        messages = await api.wait_for(USER, 3, since=2)  # 10,000 characters: three messages
        assert all(len(m.text) <= 4096 for m in messages)
        assert "<script>" in messages[0].text and "&lt;script&gt;" in messages[0].html
        assert messages[-1].button_data == ["f+:common/tax-card", "f-:common/tax-card"]
        assert all(m.buttons == [] for m in messages[:-1])
    finally:
        await running.stop()
    assert api.errors == []


async def test_each_users_messages_are_handled_in_order_while_users_run_concurrently(api, services, tmp_path):
    # The first answer of each user is slow to send; without per-user order the second
    # question's answer would overtake it. The slow sends are held a second each: if users
    # were handled one after another, none would start while another is held.
    held: list[float] = []

    def delay_for(method, params):
        if method == "sendMessage" and "skattekort" in str(params.get("text", "")).lower():
            held.append(asyncio.get_running_loop().time())
            return 1.0
        return 0.0

    api.delay_for = delay_for
    running = await Bot(api, services, tmp_path / "db.sqlite3").start()
    try:
        users = [101, 102, 103]
        for user in users:
            api.text(user, "Hvordan får jeg skattekort?", language="nb")
            api.text(user, "Hvordan får jeg fastlege?", language="nb")
        for user in users:
            first, second = await api.wait_for(user, 2)
            assert "skattekort" in first.text.lower() and "fastlege" in second.text.lower()
        # the three users' slow answers were held at the same time
        assert len(held) == 3 and max(held) - min(held) < 1.0
    finally:
        await running.stop()


async def test_the_token_never_reaches_the_log(api, services, tmp_path):
    stream = io.StringIO()
    setup_logging("DEBUG", [api.token], stream=stream)
    running = await Bot(api, services, tmp_path / "db.sqlite3").start()
    try:
        await converse(api, "/start bardu-en", 2)
        await converse(api, "tax card", 1)
    finally:
        await running.stop()
        import logging
        logging.getLogger().handlers.clear()
    log = stream.getvalue()
    assert "sendMessage" in log  # PTB logged its calls at DEBUG ...
    assert api.token not in log and api.token.split(":")[1] not in log  # ... without the token
    info = [line for line in log.splitlines() if " DEBUG " not in line]
    assert not any("tax card" in line for line in info)  # message texts stay out of INFO
