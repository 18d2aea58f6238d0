"""Matcher speed and memory: load time and per-question latency.

    python benchmarks/matcher.py                       # the shipped knowledge
    python benchmarks/matcher.py --large /tmp/region   # + a generated 360 × 100 region
                                                       #   (written there first if missing)

Not a test: the figures depend on the machine. Latency is measured per
question with time.perf_counter over every question variant and test case of
the knowledge (typed as given, with a typo, and without diacritics), after one
warm-up pass; memory is the process's peak resident size.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.knowledge import parse_folder  # noqa: E402
from bot.matching import Matcher  # noqa: E402
from bot.knowledge.validation import SERVING_CHECKERS, validate_parsed  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def typo(text: str, rng: random.Random) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 2)
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]


def strip_diacritics(text: str) -> str:
    return text.translate(str.maketrans("æøåäöüÆØÅÄÖÜß", "aoaaouAOAAOUs"))


def questions(knowledge, limit: int, rng: random.Random) -> list[tuple[str, str | None]]:
    out = []
    for e in knowledge.entries:
        muni = None if e.scope == "common" else e.scope
        for qs in e.questions.values():
            for q in qs:
                out += [(q, muni), (typo(q, rng), muni), (strip_diacritics(q), muni)]
    rng.shuffle(out)
    return out[:limit]


def measure(folder: Path, label: str, limit: int) -> None:
    rng = random.Random(1)
    before = peak_mb()
    t0 = time.perf_counter()
    parsed = parse_folder(folder)
    t1 = time.perf_counter()
    findings = validate_parsed(parsed, checkers=SERVING_CHECKERS)  # what start-up runs
    t2 = time.perf_counter()
    matcher = Matcher(parsed.knowledge)
    t3 = time.perf_counter()
    all_findings = validate_parsed(parsed)  # what `vertskap validate` runs
    t4 = time.perf_counter()
    qs = questions(parsed.knowledge, limit, rng)
    for text, muni in qs[:50]:
        matcher.match(text, municipality=muni)  # warm-up: lazy tables, caches
    latencies = []
    for text, muni in qs:
        start = time.perf_counter()
        matcher.match(text, municipality=muni)
        latencies.append((time.perf_counter() - start) * 1000)
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
    k = parsed.knowledge
    variants = sum(len(qs) for e in k.entries for qs in e.questions.values())
    print(f"{label}: {len(k.region.municipalities)} municipalities, {len(k.entries)} entries, "
          f"{variants} question variants, {len(matcher.vocabulary.terms)} words")
    print(f"  load      parse {t1 - t0:.2f} s + checks {t2 - t1:.2f} s ({len(findings)} findings)"
          f" + index {t3 - t2:.2f} s = {t3 - t0:.2f} s")
    print(f"  validate  all checks incl. near-identical questions: {t4 - t3 + t1 - t0:.2f} s "
          f"({len(all_findings)} findings)")
    print(f"  latency   {len(latencies)} questions: p50 {p(0.5):.2f} ms, p99 {p(0.99):.2f} ms, "
          f"max {latencies[-1]:.2f} ms, mean {statistics.mean(latencies):.2f} ms")
    print(f"  memory    peak {peak_mb():.0f} MB (before loading {before:.0f} MB)")
    import os
    import tempfile

    from bot.matching.prepared import load_prepared

    with tempfile.TemporaryDirectory() as cache:
        os.environ["XDG_CACHE_HOME"] = cache
        t5 = time.perf_counter()
        load_prepared(folder)
        t6 = time.perf_counter()
        load_prepared(folder)
        t7 = time.perf_counter()
    print(f"  prepared  first start {t6 - t5:.2f} s (build and write the cache), "
          f"next start {t7 - t6:.2f} s (read it)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    parser.add_argument("--large", type=Path, help="folder of the generated region (made if missing)")
    parser.add_argument("--questions", type=int, default=2000)
    args = parser.parse_args()
    measure(args.knowledge, f"shipped ({args.knowledge})", args.questions)
    if args.large:
        if not (args.large / "region.yaml").exists():
            from generate_region import write_region

            print(f"writing the generated region to {args.large} …")
            write_region(args.large, 360, 100)
        measure(args.large, f"generated ({args.large})", args.questions)


if __name__ == "__main__":
    main()
