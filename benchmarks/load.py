"""Load: many users, many messages, some of them escalating to a host, on loopback.

    python benchmarks/load.py [--users 1000] [--messages 10] [--escalating 0.05]

Every user sends --messages updates (questions from the shipped test cases);
a share of them asks for a person half-way (/host, then "yes") and writes the
rest to the host. The run checks that every question got exactly one reply,
that every escalation opened exactly one ticket with its topic and header and
that every later message reached its topic once; it reports throughput,
p50/p99 from an update being offered to its reply, and peak memory.
Bounded: it stops after --timeout seconds. Not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import yaml  # noqa: E402
from fakebotapi import FakeBotApi  # noqa: E402
from telegram_harness import Bot  # noqa: E402

from bot.conversation import UserState  # noqa: E402
from bot.hosts import DEFAULT, HostChat, OfficeHours, Routing  # noqa: E402
from bot.services import load_services  # noqa: E402

HOST_CHAT = -1005550000


async def run(args) -> None:
    services = load_services(ROOT / "knowledge")
    cases = yaml.safe_load((ROOT / "knowledge" / "tests" / "cases.yaml").read_text("utf-8"))["cases"]
    texts = [c["text"] for c in cases if str(c["expect"]) != "none" and not services.emergency(c["text"])]
    hours = OfficeHours.parse("Mon-Sun 00:00-23:59")
    services = replace(services, hosts=Routing({DEFAULT: HostChat(DEFAULT, HOST_CHAT, hours)}))
    api = FakeBotApi(delay=args.delay)
    api.groups = {HOST_CHAT: {}}
    await api.start()
    rng = random.Random(5)
    offered = api.offered
    with tempfile.TemporaryDirectory() as tmp:
        bot = Bot(api, services, Path(tmp) / "db.sqlite3", overall_max_rate=0,
                  per_user_per_minute=10_000, max_concurrent_updates=16)
        await bot.start()
        users = [100_000 + i for i in range(args.users)]
        escalating = set(rng.sample(users, int(args.users * args.escalating)))
        for u in users:
            bot.store.save_user(u, UserState("nb", rng.choice(["bardu", "senja", "malselv"]), True))
        expected_replies: dict[int, list[int]] = {}  # user -> update ids that get one reply
        expected_copies = 0
        start = time.perf_counter()
        for step in range(args.messages):
            for u in users:
                if u in escalating and step == args.messages // 2:
                    expected_replies.setdefault(u, []).append(api.text(u, "/host")["update_id"])
                    expected_replies[u].append(api.press(u, "hc")["update_id"])  # + the "passed" note
                elif u in escalating and step > args.messages // 2:
                    api.text(u, rng.choice(texts))
                    expected_copies += 1
                else:
                    expected_replies.setdefault(u, []).append(api.text(u, rng.choice(texts))["update_id"])
        deadline = time.perf_counter() + args.timeout
        want = {u: len(ids) for u, ids in expected_replies.items()}
        while time.perf_counter() < deadline:
            got = {}
            for s in api.sent:
                got[s.chat_id] = got.get(s.chat_id, 0) + 1
            copies = sum(1 for s in api.sent if s.chat_id == HOST_CHAT and s.html == "")
            if all(got.get(u, 0) >= n for u, n in want.items()) and copies >= expected_copies:
                break
            await asyncio.sleep(0.2)
        elapsed = time.perf_counter() - start
        tickets = bot.store.tickets()
        await bot.stop()
    await api.stop()

    total = sum(len(v) for v in expected_replies.values()) + expected_copies
    per_user = {}
    for s in api.sent:
        per_user.setdefault(s.chat_id, []).append(s)
    latencies = []
    missing = duplicates = 0
    for u, ids in expected_replies.items():
        sent = per_user.get(u, [])
        if u in escalating:
            continue  # their replies include the "passed on" note; counted below
        missing += max(0, len(ids) - len(sent))
        duplicates += max(0, len(sent) - len(ids))
        for update_id, message in zip(ids, sent, strict=False):
            latencies.append((message.at - offered.get(update_id, message.at)) * 1000)
    topics = {t for c, t, _ in api.topics}
    headers = [s for s in api.sent if s.chat_id == HOST_CHAT and s.html.startswith("<b>#")]
    copies = [s for s in api.sent if s.chat_id == HOST_CHAT and s.html == ""]
    latencies.sort()

    def pct(q):
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")

    print(f"{args.users} users, {total} updates ({len(escalating)} users escalating), "
          f"+{args.delay * 1000:.0f} ms per Bot API call")
    print(f"  handled in {elapsed:.1f} s: {total / elapsed:.0f} updates/s")
    print(f"  replies: {missing} missing, {duplicates} twice; latency p50 {pct(.5):.0f} ms, "
          f"p99 {pct(.99):.0f} ms (all updates queued at once)")
    print(f"  tickets: {len(tickets)} opened for {len(escalating)} escalations, {len(topics)} topics, "
          f"{len(headers)} header cards, {len(copies)}/{expected_copies} messages copied to hosts")
    print(f"  refused by the fake Telegram: {len(api.errors)}; peak memory "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--escalating", type=float, default=0.05)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--timeout", type=float, default=600)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
