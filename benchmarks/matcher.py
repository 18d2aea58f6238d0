"""Matcher speed and memory: load time and per-question latency.

    python benchmarks/matcher.py                       # the shipped knowledge
    python benchmarks/matcher.py --large /tmp/region   # + a generated 360 × 100 region
                                                       #   (written there first if missing)

Not a test: the figures depend on the machine. Latency is measured per
question with time.perf_counter over question variants of the knowledge (typed
as given, with a typo, and without diacritics), after one warm-up pass, for the
lexical matcher alone and for the full one (embedding, both signals,
calibrated p) side by side; memory is the process's peak resident size. A cold
start embeds every question (an empty embedding cache); the generated region's
questions get random vectors instead (see KnowledgeVectorsAtRandom).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bot.knowledge import parse_folder  # noqa: E402
from bot.matching import Matcher, meaning  # noqa: E402
from bot.matching.prepared import load_prepared  # noqa: E402
from bot.matching.semantic import VectorCache, shared_embedder  # noqa: E402
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


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def latencies(matcher, qs) -> list[float]:
    for text, muni in qs[:50]:
        matcher.match(text, municipality=muni)  # warm-up: lazy tables, caches
    out = []
    for text, muni in qs:
        start = time.perf_counter()
        matcher.match(text, municipality=muni)
        out.append((time.perf_counter() - start) * 1000)
    return sorted(out)


def summary(ms: list[float]) -> str:
    p = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]  # noqa: E731
    return (f"p50 {p(0.5):.2f} ms, p99 {p(0.99):.2f} ms, max {ms[-1]:.2f} ms, "
            f"mean {statistics.mean(ms):.2f} ms")


class KnowledgeVectorsAtRandom:
    """For the generated region only: its 433,200 random-word questions would take the
    engine hours to embed and mean nothing, so they get random unit vectors (same shape
    and type, so the same memory and the same work per message); every message is still
    embedded by the real model."""

    def __init__(self, real):
        self.real, self.model, self.dim, self.calls = real, real.model, real.dim, 0
        self.rng = np.random.default_rng(3)

    def embed(self, texts):
        v = self.rng.standard_normal((len(texts), self.dim)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    def embed_one(self, text):
        return self.real.embed_one(text)


def measure(folder: Path, which: str, limit: int, random_vectors: bool) -> None:
    """One matcher ('lexical' or 'full') on one folder, in a process of its own, so that
    the peak memory is that matcher's."""
    rng = random.Random(1)
    before = peak_mb()
    parsed, t_parse = timed(lambda: parse_folder(folder))
    findings, t_checks = timed(lambda: validate_parsed(parsed, checkers=SERVING_CHECKERS))
    k = parsed.knowledge
    if random_vectors:
        meaning.shared_embedder = lambda real=shared_embedder(): KnowledgeVectorsAtRandom(real)
    with tempfile.TemporaryDirectory() as cache:  # cold: nothing embedded before
        matcher, t_build = timed(lambda: Matcher(k, semantic=which == "full",
                                                 vector_cache=VectorCache(Path(cache) / "v.npz")))
    ms = latencies(matcher, questions(k, limit, rng))
    variants = sum(len(q) for e in k.entries for q in e.questions.values())
    if which == "lexical":
        print(f"{folder}: {len(k.region.municipalities)} municipalities, {len(k.entries)} entries, "
              f"{variants} question variants, {len(matcher.vocabulary.terms)} words; "
              f"parse {t_parse:.2f} s, checks {t_checks:.2f} s ({len(findings)} findings)")
    name = {"lexical": "lexical only", "full": "lexical + semantic + p"}[which]
    embedded = " (embedding every question" + (" at random)" if random_vectors else ")")
    print(f"  {name:<24} cold start {t_parse + t_checks + t_build:6.2f} s"
          f"{embedded if which == 'full' else ''}")
    print(f"  {'':<24} latency over {len(ms)} questions: {summary(ms)}")
    print(f"  {'':<24} peak memory {peak_mb():.0f} MB (before loading {before:.0f} MB)")
    if which == "full":
        del matcher
        with tempfile.TemporaryDirectory() as cache:
            os.environ["XDG_CACHE_HOME"] = cache
            _, t_first = timed(lambda: load_prepared(folder))
            _, t_next = timed(lambda: load_prepared(folder))
        print(f"  {'':<24} prepared: first start {t_first:.2f} s (an empty cache: the shipped "
              f"knowledge's vectors seed it; build and write the cache), "
              f"next start {t_next:.2f} s (read it)")


def side_by_side(folder: Path, limit: int, random_vectors: bool = False) -> None:
    for which in ("lexical", "full"):
        command = [sys.executable, __file__, "--one", which, "--knowledge", str(folder),
                   "--questions", str(limit)] + (["--random-vectors"] if random_vectors else [])
        subprocess.run(command, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    parser.add_argument("--large", type=Path, help="folder of the generated region (made if missing)")
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--one", choices=("lexical", "full"), help=argparse.SUPPRESS)
    parser.add_argument("--random-vectors", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        measure(args.knowledge, args.one, args.questions, args.random_vectors)
        return
    side_by_side(args.knowledge, args.questions)
    if args.large:
        if not (args.large / "region.yaml").exists():
            from generate_region import write_region

            print(f"writing the generated region to {args.large} …")
            write_region(args.large, 360, 100)
        side_by_side(args.large, args.questions, random_vectors=True)


if __name__ == "__main__":
    main()
