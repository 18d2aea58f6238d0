"""The calibrated decision on a sparser knowledge than it was fitted on.

    python benchmarks/sparse_knowledge.py                 # 3 questions per language
    python benchmarks/sparse_knowledge.py --keep 2 --seed 1

The shipped calibration is fitted on the shipped knowledge (4–6 question variants
per language), but other regions – and outside evaluations – write 3 or 4. This
keeps `--keep` randomly chosen variants of every entry in each language (the
answers stay), then judges the knowledge's own test cases 5-fold: each fold's model
is fitted on the other folds *as the full knowledge sees them* and applied to the
held-out cases twice, against the full and against the thinned knowledge, with the
thresholds the full knowledge's cross-validation chooses (as `vertskap calibrate`
does). A third line fits and judges on the thinned knowledge alone, for comparison.

Not a test: it prints figures for closing notes. No embedding is made: the thinned
questions are a subset of the full ones, whose vectors the cache holds.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.coordination.cases import example, read_cases  # noqa: E402
from bot.knowledge import load_knowledge  # noqa: E402
from bot.matching import Matcher  # noqa: E402
from bot.matching import fitting  # noqa: E402
from bot.matching.decision import neutral  # noqa: E402
from bot.matching.prepared import vector_cache  # noqa: E402
from bot.matching.semantic import MODEL  # noqa: E402


def thinned(knowledge, keep: int, seed: int):
    rng = random.Random(seed)
    entries = tuple(dataclasses.replace(e, questions={
        lang: tuple(rng.sample(list(qs), min(keep, len(qs)))) for lang, qs in e.questions.items()})
        for e in knowledge.entries)
    return dataclasses.replace(knowledge, entries=entries)


def line(label: str, figures: dict, thresholds: tuple[float, float]) -> str:
    f = {k: "–" if v is None else f"{v:.1%}" for k, v in figures.items() if k != "cases"}
    return (f"  {label:38s} answered-correct {f['answered_correct']:>6}  correct-or-suggested "
            f"{f['correct_or_suggested']:>6}  wrong {f['wrong']:>5}  refusal {f['refusal']:>6}"
            f"   (answer at p ≥ {thresholds[0]:.3f}, suggest at p ≥ {thresholds[1]:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    parser.add_argument("--keep", type=int, default=3, help="question variants kept per language")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    knowledge = load_knowledge(args.knowledge)
    cache = vector_cache(args.knowledge)
    cases = [c for f in sorted((args.knowledge / "tests").rglob("*.yaml")) for c in read_cases(f)[0]]
    views = {}
    for name, k in (("full", knowledge), ("thin", thinned(knowledge, args.keep, args.seed))):
        matcher = Matcher(k, calibration=neutral(MODEL), vector_cache=cache)
        views[name] = fitting.out_of_fold_negatives([example(matcher, c) for c in cases])
    small_talk = fitting.choose_small_talk(views["full"])
    full_probs, thin_probs = fitting.out_of_fold(views["full"], MODEL, [views["full"], views["thin"]])
    full_out = fitting.outcomes(full_probs, views["full"], small_talk)
    thresholds = fitting.choose_thresholds(full_out)
    thin_out = fitting.outcomes(thin_probs, views["thin"], small_talk)
    own_probs, = fitting.out_of_fold(views["thin"], MODEL)
    own_out = fitting.outcomes(own_probs, views["thin"], small_talk)
    own_thresholds = fitting.choose_thresholds(own_out)
    print(f"{len(cases)} cases of {args.knowledge}; thinned to {args.keep} question variants per "
          f"language (seed {args.seed}); 5-fold cross-validated:")
    print(line("fitted on full, judged on full", full_out.figures(*thresholds), thresholds))
    print(line(f"fitted on full, judged on {args.keep} per language", thin_out.figures(*thresholds),
               thresholds))
    print(line(f"fitted and judged on {args.keep} per language", own_out.figures(*own_thresholds),
               own_thresholds))


if __name__ == "__main__":
    main()
