"""Updates per second through the real PTB Application against the fake Bot API.

    python benchmarks/throughput.py [--updates 2000] [--users 200] [--delay 0.05]

Measures the assistant (engine, store, rendering, PTB) and, with the same harness
and settings, a trivial echo bot as the ceiling; prints both, their ratio and the
p50/p99 time from an update being offered by getUpdates to its reply arriving.
Runs once on bare loopback and once with --delay seconds added to every Bot API
call, as the real Telegram has. Telegram's own flood limit (30 messages a second)
is switched off here (`overall_max_rate = 0`): it is Telegram's limit, not ours.
Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import yaml  # noqa: E402
from fakebotapi import FakeBotApi  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters  # noqa: E402

from bot.config import Settings  # noqa: E402
from bot.services import load_services  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.telegram_app.app import build_application  # noqa: E402
from bot.telegram_app.processor import PerUserUpdateProcessor  # noqa: E402


def questions() -> list[str]:
    cases = yaml.safe_load((ROOT / "knowledge" / "tests" / "cases.yaml").read_text("utf-8"))["cases"]
    services = load_services(ROOT / "knowledge")
    return [c["text"] for c in cases if not services.emergency(c["text"])]


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await context.bot.send_message(update.effective_chat.id, update.effective_message.text)


def echo_application(api: FakeBotApi, concurrency: int):
    app = (ApplicationBuilder().token(api.token).base_url(api.base_url)
           .base_file_url(api.base_file_url)
           .concurrent_updates(PerUserUpdateProcessor(concurrency)).build())
    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


async def measure(kind: str, n_updates: int, n_users: int, delay: float, texts: list[str],
                  services, concurrency: int = 16,
                  paced: float | None = None) -> tuple[float, list[float]]:
    """Updates/s and update-to-reply latencies (ms): all updates queued at once, or
    `paced` updates a second (then the latency counts from the moment each is sent)."""
    api = FakeBotApi(delay=delay)
    await api.start()
    offered = api.offered
    with tempfile.TemporaryDirectory() as tmp:
        store = None
        if kind == "echo":
            app = echo_application(api, concurrency)
        else:
            settings = Settings(knowledge=services.knowledge.root, database=Path(tmp) / "db.sqlite3",
                                token=api.token, base_url=api.base_url,
                                base_file_url=api.base_file_url, overall_max_rate=0,
                                max_concurrent_updates=concurrency)
            store = Store(settings.database)
            app = build_application(settings, services, store)
            for user in range(n_users):  # onboarded users, so every question gets one reply
                from bot.conversation import UserState
                store.save_user(1000 + user, UserState("nb", "senja", True))
        await app.initialize()
        await app.start()
        pushed: list[tuple[int, int]] = []

        def push(i: int) -> None:
            user = 1000 + i % n_users
            update = api.text(user, texts[i % len(texts)], language="nb")
            pushed.append((user, update["update_id"]))
            if paced:
                offered[update["update_id"]] = time.perf_counter()

        if not paced:
            for i in range(n_updates):
                push(i)
        start = time.perf_counter()
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        if paced:
            for i in range(n_updates):
                push(i)
                await asyncio.sleep(max(0.0, start + (i + 1) / paced - time.perf_counter()))
        per_user = {}
        for user, _ in pushed:
            per_user[user] = per_user.get(user, 0) + 1
        for user, count in per_user.items():
            await api.wait_for(user, count, timeout=600)
        elapsed = time.perf_counter() - start
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        if store:
            store.close()
    await api.stop()
    # the k-th reply to a user answers that user's k-th update
    latencies = []
    seen: dict[int, int] = {}
    sent_at = {}
    for s in api.sent:
        k = seen.get(s.chat_id, 0)
        sent_at[(s.chat_id, k)] = s.at
        seen[s.chat_id] = k + 1
    counter: dict[int, int] = {}
    for user, update_id in pushed:
        k = counter.get(user, 0)
        counter[user] = k + 1
        latencies.append((sent_at[(user, k)] - offered[update_id]) * 1000)
    assert not api.errors, api.errors
    return n_updates / elapsed, latencies


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def main_async(args) -> None:
    texts = questions()
    services = load_services(ROOT / "knowledge")
    for delay in (0.0, args.delay):
        label = "bare loopback" if not delay else f"+{delay * 1000:.0f} ms per Bot API call"
        echo_rate, echo_lat = await measure("echo", args.updates, args.users, delay, texts, services,
                                            args.concurrency)
        rate, lat = await measure("vertskap", args.updates, args.users, delay, texts, services,
                                  args.concurrency)
        print(f"{label}: {args.updates} updates from {args.users} users, "
              f"{args.concurrency} at once")
        print(f"  echo ceiling  {echo_rate:7.1f} updates/s   p50 {pct(echo_lat, .5):7.1f} ms  "
              f"p99 {pct(echo_lat, .99):7.1f} ms")
        print(f"  vertskap      {rate:7.1f} updates/s   p50 {pct(lat, .5):7.1f} ms  "
              f"p99 {pct(lat, .99):7.1f} ms   ratio {rate / echo_rate:.2f}  "
              f"(mean {statistics.mean(lat):.1f} ms)")


async def paced_async(args, texts, services) -> None:
    rate, lat = await measure("vertskap", args.updates, args.users, args.delay, texts, services,
                              args.concurrency, paced=args.paced)
    print(f"paced, {args.paced:g} updates/s offered, +{args.delay * 1000:.0f} ms per call: "
          f"p50 {pct(lat, .5):.1f} ms, p99 {pct(lat, .99):.1f} ms, max {max(lat):.1f} ms "
          f"(from sending an update to its reply; two Bot API calls, getUpdates and sendMessage, "
          f"are in it)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=16,
                        help="telegram.max_concurrent_updates for both bots")
    parser.add_argument("--paced", type=float, default=None,
                        help="instead: offer this many updates a second and report latency")
    args = parser.parse_args()
    if args.paced:
        asyncio.run(paced_async(args, questions(), load_services(ROOT / "knowledge")))
    else:
        asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
