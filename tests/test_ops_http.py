"""Health and metrics over real HTTP on loopback, and backups next to a running `vertskap run`."""

import asyncio
import json
import re
import sqlite3
import sys

import aiohttp
import pytest
from test_run import base_env, free_port, run

pytestmark = pytest.mark.slow

UPDATE = {"update_id": 7, "message": {
    "message_id": 1, "date": 0, "chat": {"id": 88, "type": "private"},
    "from": {"id": 88, "is_bot": False, "first_name": "Ada", "language_code": "de"},
    "text": "/start senja-de", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}
PRIVATE = ("88", "Ada", "senja-de", "Wo bekomme")  # what must never be in the metrics


async def get(session, url, tries=300):
    """GETs `url`, waiting for the server to listen; returns (status, text)."""
    for _ in range(tries):
        try:
            async with session.get(url) as response:
                return response.status, await response.text()
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.1)
    raise AssertionError(f"nothing answers at {url}")


async def metrics_after(session, url, updates: int, seconds: float = 10.0):
    """The metrics once `updates` updates are counted (a reply can arrive before its handler ends)."""
    for _ in range(int(seconds / 0.05)):
        status, text = await get(session, url)
        if re.search(rf"^vertskap_updates_handled_total {updates}\.0$", text, re.M):
            break
        await asyncio.sleep(0.05)
    return status, text


def metric(text: str, name: str, **labels) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    pattern = re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if labels else "") + r" (\S+)"
    found = re.search("^" + pattern + "$", text, re.M)
    assert found, f"{name} {labels} not in the metrics"
    return float(found.group(1))


async def test_webhook_mode_serves_healthz_and_metrics_beside_the_webhook(tmp_path, api):
    port, metrics_port = free_port(), free_port()
    seen = {}

    async def exercise(proc):
        base = f"http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as session:
            seen["health_before"] = await get(session, f"{base}/healthz")
            async with session.post(f"{base}/telegram", json=UPDATE,
                                    headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}) as r:
                assert r.status == 200
            await api.wait_for(88, 2, timeout=30)
            question = {**UPDATE, "update_id": 8, "message": {
                **UPDATE["message"], "message_id": 2, "text": "Wo bekomme ich eine Steuerkarte?",
                "entities": []}}
            async with session.post(f"{base}/telegram", json=question,
                                    headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"}) as r:
                assert r.status == 200
            await api.wait_for(88, 3, timeout=30)
            seen["metrics"] = await metrics_after(session, f"{base}/metrics", 2)
            seen["health"] = await get(session, f"{base}/healthz")
            seen["own_port"] = await get(session, f"http://127.0.0.1:{metrics_port}/metrics")
            async with session.post(f"http://127.0.0.1:{metrics_port}/telegram", json=UPDATE) as r:
                seen["no_webhook"] = r.status  # the metrics port takes no updates

    code, out = await run(["run", "--webhook-url", "https://bot.example.org", "--listen", "127.0.0.1",
                           "--port", str(port), "--secret-token", "s3cret",
                           "--metrics-port", str(metrics_port)],
                          base_env(tmp_path, api, api.token), until=exercise)
    status, body = seen["health"]
    assert status == 200, out
    health = json.loads(body)
    assert health["status"] == "ok" and health["database_writable"] and health["running"]
    assert health["knowledge_entries"] > 50
    assert 0 <= health["last_update_seconds_ago"] < 60
    assert json.loads(seen["health_before"][1])["knowledge_entries"] > 50

    status, text = seen["metrics"]
    assert status == 200
    assert metric(text, "vertskap_updates_handled_total") == 2
    assert sum(metric(text, "vertskap_questions_total", outcome=o, language="de")
               for o in ("answered", "suggested", "fallback")) == 1
    assert metric(text, "vertskap_handler_seconds_count") == 2
    assert metric(text, "vertskap_tickets_open") == 0
    assert metric(text, "vertskap_reload_failures") == 0
    assert "# TYPE vertskap_handler_seconds histogram" in text
    for private in PRIVATE:
        assert private not in text
    assert seen["own_port"][0] == 200
    assert metric(seen["own_port"][1], "vertskap_updates_handled_total") == 2
    assert seen["no_webhook"] == 404


async def test_polling_mode_serves_them_on_the_metrics_port(tmp_path, api):
    port = free_port()
    seen = {}

    async def exercise(proc):
        api.text(77, "/start bardu-en")
        await api.wait_for(77, 2, timeout=60)
        async with aiohttp.ClientSession() as session:
            seen["health"] = await get(session, f"http://127.0.0.1:{port}/healthz")
            seen["metrics"] = await metrics_after(session, f"http://127.0.0.1:{port}/metrics", 1)
            async with session.get(f"http://127.0.0.1:{port}/telegram") as r:
                seen["no_webhook"] = r.status  # polling: no webhook route

    code, out = await run(["run", "--metrics-port", str(port)], base_env(tmp_path, api, api.token),
                          until=exercise)
    assert seen["health"][0] == 200, out
    assert json.loads(seen["health"][1])["status"] == "ok"
    assert metric(seen["metrics"][1], "vertskap_updates_handled_total") == 1
    assert seen["no_webhook"] == 404


async def test_health_fails_when_the_database_cannot_be_written(tmp_path, api):
    port = free_port()
    seen = {}

    async def exercise(proc):
        async with aiohttp.ClientSession() as session:
            await get(session, f"http://127.0.0.1:{port}/healthz")
            locker = sqlite3.connect(tmp_path / "data" / "vertskap" / "vertskap.sqlite3")
            locker.execute("BEGIN EXCLUSIVE")  # another writer holds the file
            try:
                seen["health"] = await get(session, f"http://127.0.0.1:{port}/healthz")
            finally:
                locker.rollback()
                locker.close()

    await run(["run", "--metrics-port", str(port)], base_env(tmp_path, api, api.token), until=exercise)
    status, body = seen["health"]
    assert status == 503 and json.loads(body)["database_writable"] is False


async def backup_command(*args, env):
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode, out.decode()


async def test_backup_works_and_restore_refuses_while_the_bot_runs(tmp_path, api):
    import os

    env = {**os.environ, **base_env(tmp_path, api, api.token)}
    database = tmp_path / "data" / "vertskap" / "vertskap.sqlite3"
    seen = {}

    async def exercise(proc):
        for i in range(5):
            api.text(300 + i, "/start bardu-en")
        for i in range(5):
            await api.wait_for(300 + i, 2, timeout=60)
        seen["backup"] = await backup_command("backup", str(tmp_path / "b.sqlite3"), env=env)
        seen["second"] = await run(["run"], base_env(tmp_path, api, api.token))
        seen["restore"] = await backup_command("restore", str(tmp_path / "b.sqlite3"), env=env)

    await run(["run"], base_env(tmp_path, api, api.token), until=exercise)
    code, out = seen["backup"]
    assert code == 0, out
    copy = sqlite3.connect(tmp_path / "b.sqlite3")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 5
    code, out = seen["second"]
    assert code == 1 and "another vertskap run uses the database" in out
    code, out = seen["restore"]
    assert code == 1 and "the assistant is running on" in out and str(database) in out
    # stopped, the restore goes through
    code, out = await backup_command("restore", str(tmp_path / "b.sqlite3"), env=env)
    assert code == 0, out
