"""`vertskap run` as a process: clear start-up errors, polling and webhook against the fake API."""

import asyncio
import os
import socket
import sys

import aiohttp
import pytest
from fakebotapi import FakeBotApi

from bot.config import ConfigError, load_settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def run(args, env, timeout=30.0, until=None):
    """Runs `vertskap` with `args`; returns (exit code or None if still running, output)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    if until is None:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout)
        return proc.returncode, out.decode()
    try:
        await until(proc)
    finally:
        if proc.returncode is None:
            proc.terminate()
        out, _ = await asyncio.wait_for(proc.communicate(), timeout)
    return proc.returncode, out.decode()


def base_env(tmp_path, api=None, token=None):
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "TELEGRAM_BOT_TOKEN": token or ""}
    if api is not None:
        env["TELEGRAM_API_BASE_URL"] = api.base_url
        env["TELEGRAM_API_BASE_FILE_URL"] = api.base_file_url
    return env


async def test_a_missing_token_is_one_clear_line(tmp_path):
    code, out = await run(["run"], base_env(tmp_path))
    assert code == 1
    assert out.strip().splitlines() == ["error: no bot token: set TELEGRAM_BOT_TOKEN (from "
                                        "@BotFather), or bot.token_file in the config file"]


async def test_a_rejected_token_is_one_clear_line_and_never_printed(tmp_path):
    api = FakeBotApi()
    await api.start()
    try:
        wrong = "111111:WRONG-token-abcdefghijkl"
        code, out = await run(["run"], base_env(tmp_path, api, wrong))
    finally:
        await api.stop()
    assert code == 1
    assert "error: Telegram rejected the bot token" in out
    assert "Traceback" not in out and "WRONG-token" not in out


async def test_polling_answers_and_keeps_the_sqlite_file_in_the_default_place(tmp_path):
    api = FakeBotApi()
    await api.start()

    async def converse(proc):
        api.text(77, "/start bardu-en")
        await api.wait_for(77, 2, timeout=60)

    try:
        code, out = await run(["run"], base_env(tmp_path, api, api.token), until=converse)
    finally:
        await api.stop()
    assert (tmp_path / "data" / "vertskap" / "vertskap.sqlite3").exists()
    assert api.token not in out and api.errors == []


async def test_a_webhook_checks_the_secret_token_on_every_request(tmp_path):
    api = FakeBotApi()
    await api.start()
    port = free_port()
    update = {"update_id": 5, "message": {
        "message_id": 1, "date": 0, "chat": {"id": 88, "type": "private"},
        "from": {"id": 88, "is_bot": False, "first_name": "A", "language_code": "de"},
        "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}
    statuses = []

    async def post_updates(proc):
        url = f"http://127.0.0.1:{port}/telegram"
        async with aiohttp.ClientSession() as session:
            for _ in range(200):  # wait for the server to listen
                try:
                    async with session.post(url, json=update) as response:
                        statuses.append(response.status)
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
            async with session.post(url, json=update,
                                    headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}) as r:
                statuses.append(r.status)
            async with session.post(url, json=update,
                                    headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token"}) as r:
                statuses.append(r.status)
        await api.wait_for(88, 2, timeout=30)

    try:
        code, out = await run(["run", "--webhook-url", "https://bot.example.org", "--listen",
                               "127.0.0.1", "--port", str(port), "--secret-token", "s3cret-Token"],
                              base_env(tmp_path, api, api.token), until=post_updates)
    finally:
        await api.stop()
    assert statuses == [403, 403, 200]
    (method, params), = [c for c in api.calls if c[0] == "setWebhook"]
    assert params["url"] == "https://bot.example.org/telegram"
    assert params["secret_token"] == "s3cret-Token"
    assert api.to(88)[0].text.startswith("Willkommen!")
    assert "s3cret-Token" not in out


def test_settings_name_what_is_wrong(tmp_path):
    config = tmp_path / "vertskap.toml"
    config.write_text('[bot]\ndatabse = "x.sqlite3"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown setting bot.databse; did you mean 'database'\?"):
        load_settings(config, env={"TELEGRAM_BOT_TOKEN": "1:abc"})
    config.write_text('[telegram]\nmax_concurrent_updates = "many"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="telegram.max_concurrent_updates must be a whole number"):
        load_settings(config, env={"TELEGRAM_BOT_TOKEN": "1:abc"})
    config.write_text('[bots]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown section \[bots\]; did you mean 'bot'\?"):
        load_settings(config, env={"TELEGRAM_BOT_TOKEN": "1:abc"})
    config.write_text('[bot\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="vertskap.toml"):
        load_settings(config, env={"TELEGRAM_BOT_TOKEN": "1:abc"})


def test_settings_from_a_file_and_the_environment(tmp_path):
    (tmp_path / "token").write_text("42:from-a-file\n", encoding="utf-8")
    config = tmp_path / "vertskap.toml"
    config.write_text('[bot]\ntoken_file = "token"\ndatabase = "state/db.sqlite3"\n'
                      'group_chats = [-100200]\n[telegram]\noverall_max_rate = 0\n', encoding="utf-8")
    settings = load_settings(config, env={"TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot"})
    assert settings.token == "42:from-a-file"
    assert settings.database == tmp_path / "state" / "db.sqlite3"
    assert settings.group_chats == frozenset({-100200})
    assert settings.base_url == "http://127.0.0.1:9/bot"
    assert settings.overall_max_rate == 0
    assert "from-a-file" not in repr(settings)


async def test_run_with_host_chats_from_the_config_file(tmp_path):
    api = FakeBotApi()
    api.groups = {-1009000: {}, -1009001: {}}
    await api.start()
    config = tmp_path / "vertskap.toml"
    config.write_text('[bot]\ndatabase = "db.sqlite3"\n'
                      '[hosts]\nfollow_up_hours = 2\n'
                      '[hosts.default]\nchat_id = -1009000\noffice_hours = "Mon-Sun 00:00-23:59"\n'
                      '[hosts.bardu]\nchat_id = -1009001\noffice_hours = "Mon-Sun 00:00-23:59"\n',
                      encoding="utf-8")

    async def escalate(proc):
        api.text(91, "/start bardu-en")
        await api.wait_for(91, 2, timeout=60)
        api.text(91, "/host")
        await api.wait_for(91, 3, timeout=30)
        api.press(91, "hc")
        await api.wait_for(91, 4, timeout=30)

    try:
        code, out = await run(["run", "--config", str(config)], base_env(tmp_path, api, api.token),
                              until=escalate)
    finally:
        await api.stop()
    assert [chat for chat, _, _ in api.topics] == [-1009001]  # Bardu's own host chat
    assert api.to(91)[-1].text.startswith("I have passed your question to the host of Bardu.")


async def test_a_host_chat_for_an_unknown_municipality_is_named(tmp_path):
    config = tmp_path / "vertskap.toml"
    config.write_text('[hosts.default]\nchat_id = -1\n[hosts.oslo]\nchat_id = -2\n', encoding="utf-8")
    code, out = await run(["run", "--config", str(config)], base_env(tmp_path, token="1:abc"))
    assert code == 1
    assert "[hosts.oslo] is not a municipality of the region" in out
