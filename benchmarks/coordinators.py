"""Coordinators' tools at scale: reload time, and gaps and report on 100,000 records.

    python benchmarks/coordinators.py [--records 100000]

Not a test: the figures depend on the machine. The records are generated from
the shipped knowledge's questions and test cases (with typos), over a year,
in the SQLite file of a temporary folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from bot.conversation import Record  # noqa: E402
from bot.coordination.reload import Reloader  # noqa: E402
from bot.coordination.reports import gaps, report  # noqa: E402
from bot.services import load_services  # noqa: E402
from bot.store import Store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    knowledge = ROOT / "knowledge"
    services = load_services(knowledge)
    reloader = Reloader(services, knowledge)
    times = []
    for _ in range(5):
        times.append(reloader.reload().seconds)
    print(f"reload of the shipped knowledge ({len(services.knowledge.entries)} entries): "
          f"best {min(times):.3f} s, worst {max(times):.3f} s over 5")

    rng = random.Random(3)
    texts = [q for e in services.knowledge.entries for qs in e.questions.values() for q in qs]
    for path in (knowledge / "tests").glob("*.yaml"):
        texts += [c["text"] for c in yaml.safe_load(path.read_text("utf-8"))["cases"]]
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    munis = [m.id for m in services.knowledge.region.municipalities] + [None]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "db.sqlite3")
        t0 = time.perf_counter()
        batch = []
        for i in range(args.records):
            text = rng.choice(texts)
            if rng.random() < 0.3 and len(text) > 5:
                j = rng.randrange(1, len(text) - 2)
                text = text[:j] + text[j + 1] + text[j] + text[j + 2:]
            outcome = rng.choices(["answered", "suggested", "fallback"], [0.7, 0.2, 0.1])[0]
            batch.append((i % 5000, Record("question", rng.choice(["nb", "en", "de"]),
                                           rng.choice(munis), text=text, outcome=outcome,
                                           entry="common/tax-card" if outcome == "answered" else None),
                          start + dt.timedelta(minutes=5 * i)))
        for user, record, at in batch:
            store.add_records(user, [record], at=at)
        print(f"wrote {args.records} records in {time.perf_counter() - t0:.1f} s")
        t1 = time.perf_counter()
        found = gaps(store.records(), services.matcher.content_words)
        t2 = time.perf_counter()
        print(f"gaps: {len(found)} groups from {sum(g.count for g in found)} unanswered questions "
              f"in {t2 - t1:.2f} s")
        t3 = time.perf_counter()
        end = start + dt.timedelta(days=400)
        r = report(store.records(since=start, until=end), store.tickets(), services.knowledge,
                   start, end, store.first_record_at())
        print(f"report: {r.questions} questions, {len(r.weekly)} weeks in {time.perf_counter() - t3:.2f} s")
        store.close()


if __name__ == "__main__":
    main()
