"""Fitting the calibrated decision (`bot.matching.decision`) on a knowledge folder's cases.

Each case becomes an `Example`: the feature rows of its candidates and which one
is right. A logistic regression (numpy, Newton's method, deterministic) is fitted
on all rows; the answer and suggestion thresholds come from 5-fold
cross-validated probabilities, so that they hold for questions the model has not
seen: the answer threshold is the lowest at which at most 1 % of all cases would
be answered wrongly, the suggestion threshold the highest at which the right entry
is still answered or offered for 97 % of the answerable ones. The nearest out-of-scope case of each example is taken from
the other folds, never its own, so the model learns from what it will see.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from bot.matching.decision import FEATURES, Calibration, CalibrationError

# L2 penalty of the logistic regression (on standardised features).
PENALTY = 1.0
# At most this share of all cases may be answered wrongly in cross-validation.
WRONG_AT_MOST = 0.01
# Suggestions: the right entry answered or offered for at least this share of the
# answerable cases in cross-validation (the product's goal), as quietly as that allows.
SUGGESTED_AT_LEAST = 0.97
LOWEST_SUGGEST = 0.02
FOLDS = 5
# Small talk must be this much further from every answerable training case than they are.
SMALL_TALK_SAFETY = 0.01
NEGATIVE_COLUMNS = (FEATURES.index("negative"), FEATURES.index("negative_margin"))

@dataclass(frozen=True)
class Example:
    """One case's candidate rows and which of them (if any) is right."""

    rows: np.ndarray
    right: np.ndarray  # bool per row
    answerable: bool
    small_talk_margin: float = -1.0  # how much closer to small talk than to any question
    query: np.ndarray | None = None  # the message's embedding
    text: str = ""

    def with_negative(self, negative: float) -> "Example":
        """The same case with the nearest out-of-scope cosine set to `negative`."""
        if not len(self.rows):
            return self
        rows = self.rows.copy()
        best_cosine = float(np.max(rows[:, FEATURES.index("cosine")]))
        rows[:, NEGATIVE_COLUMNS[0]] = negative
        rows[:, NEGATIVE_COLUMNS[1]] = negative - best_cosine
        return Example(rows, self.right, self.answerable, self.small_talk_margin, self.query,
                       self.text)


def fit_logistic(x: np.ndarray, y: np.ndarray, penalty: float = PENALTY,
                 iterations: int = 50) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Standardise, then Newton's method on the L2-penalised log-likelihood: deterministic."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    z = np.column_stack([(x - mean) / scale, np.ones(len(x))])
    w = np.zeros(z.shape[1])
    reg = np.full(z.shape[1], penalty)
    reg[-1] = 0.0  # the bias is not penalised
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -40, 40)))
        grad = z.T @ (p - y) + reg * w
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return mean, scale, w[:-1], float(w[-1])


def _stack(examples: Sequence[Example]) -> tuple[np.ndarray, np.ndarray]:
    rows = [e.rows for e in examples if len(e.rows)]
    if not rows:
        return np.zeros((0, len(FEATURES))), np.zeros(0)
    return np.vstack(rows), np.concatenate([e.right for e in examples if len(e.rows)]).astype(float)


def _model(examples: Sequence[Example], thresholds: tuple[float, float], model: str,
           report: dict, small_talk: float = 1.0) -> Calibration:
    x, y = _stack(examples)
    if len(x) == 0 or y.min() == y.max():
        raise CalibrationError("the test cases need both answerable and out-of-scope questions "
                               "that the matcher finds candidates for; add cases")
    mean, scale, weights, bias = fit_logistic(x, y)
    negatives = [e for e in examples if not e.answerable and e.query is not None]
    # As the calibration file keeps them: float16 values (held as float32).
    vectors = np.array([e.query for e in negatives], dtype=np.float16).astype(np.float32) \
        if negatives else np.zeros((0, 0), dtype=np.float32)
    return Calibration(FEATURES, mean, scale, weights, bias, *thresholds, model, small_talk, report,
                       tuple(e.text for e in negatives), vectors)


def out_of_fold_negatives(examples: Sequence[Example]) -> list[Example]:
    """Each case with its nearest out-of-scope example from the other folds, never itself:
    what the model learns from is what it will see for a new question."""
    if not examples or any(e.query is None for e in examples):
        return list(examples)
    queries = np.array([e.query for e in examples], dtype=np.float32)
    negative = np.array([not e.answerable for e in examples])
    fold_of = np.zeros(len(examples), dtype=np.int64)
    for k, held in enumerate(folds(len(examples))):
        fold_of[held] = k
    out = []
    for i, e in enumerate(examples):
        others = negative & (fold_of != fold_of[i])
        nearest = float((queries[others] @ queries[i]).max()) if others.any() else 0.0
        out.append(e.with_negative(nearest))
    return out


@dataclass(frozen=True)
class Outcomes:
    """For each case: the probability of its best candidate, whether that one is right,
    each candidate's probability and rightness, and whether the case is answerable."""

    best_p: np.ndarray
    best_right: np.ndarray
    answerable: np.ndarray
    probs: list[np.ndarray]
    rights: list[np.ndarray]

    def subset(self, indices: Sequence[int]) -> "Outcomes":
        at = list(indices)
        return Outcomes(self.best_p[at], self.best_right[at], self.answerable[at],
                        [self.probs[i] for i in at], [self.rights[i] for i in at])

    def figures(self, answer: float, suggest: float, max_suggestions: int = 3) -> dict:
        n = len(self.best_p)
        answered = self.best_p >= answer
        wrong = answered & ~self.best_right
        correct = answered & self.best_right & self.answerable
        suggested_right = np.zeros(n, dtype=bool)
        for i, (p, r) in enumerate(zip(self.probs, self.rights, strict=True)):
            if answered[i] or not len(p):
                continue
            order = np.argsort(-p, kind="stable")[:max_suggestions]
            suggested_right[i] = bool(np.any(r[order] & (p[order] >= suggest)))
        a = int(self.answerable.sum())
        oos = ~self.answerable
        share = lambda part, whole: round(float(part) / whole, 4) if whole else None  # noqa: E731
        return {
            "cases": n,
            "answered_correct": share(correct.sum(), a),
            "correct_or_suggested": share((correct | (suggested_right & self.answerable)).sum(), a),
            "wrong": share(wrong.sum(), n),
            "refusal": share((~answered & oos).sum(), int(oos.sum())),
        }


def outcomes(calibration_or_probs, examples: Sequence[Example], small_talk: float = 1.0) -> Outcomes:
    """What the decision does with each case; small talk is never answered or suggested."""
    probs = [calibration_or_probs.probabilities(e.rows) if len(e.rows) else np.zeros(0)
             for e in examples] if isinstance(calibration_or_probs, Calibration) \
        else list(calibration_or_probs)
    probs = [np.zeros_like(p) if e.small_talk_margin >= small_talk else p
             for p, e in zip(probs, examples, strict=True)]
    best_p = np.array([p.max() if len(p) else 0.0 for p in probs])
    best_right = np.array([bool(e.right[int(np.argmax(p))]) if len(p) else False
                           for p, e in zip(probs, examples, strict=True)])
    return Outcomes(best_p, best_right, np.array([e.answerable for e in examples]),
                    probs, [e.right for e in examples])


def choose_small_talk(examples: Sequence[Example]) -> float:
    """The smallest margin at which no answerable case is taken for small talk."""
    margins = [e.small_talk_margin for e in examples if e.answerable]
    return round(max([0.0, *margins]) + SMALL_TALK_SAFETY, 4)


def choose_thresholds(out: Outcomes, wrong_at_most: float = WRONG_AT_MOST) -> tuple[float, float]:
    """The lowest answer threshold whose wrong answers stay within the bound, and the
    suggestion threshold (`choose_suggest`)."""
    n = len(out.best_p)
    allowed = math.floor(wrong_at_most * n)
    answer = 1.0
    wrong = 0
    for p, right in sorted(zip(out.best_p, out.best_right, strict=True), key=lambda t: -t[0]):
        if not right:
            wrong += 1
            if wrong > allowed:
                break
        answer = float(p)
    answer = min(1.0, max(answer, 0.5))
    return answer, choose_suggest(out, answer)


def choose_suggest(out: Outcomes, answer: float, at_least: float = SUGGESTED_AT_LEAST) -> float:
    """The highest suggestion threshold at which the right entry is still answered or
    offered for `at_least` of the answerable cases; where none reaches that, the lowest
    (`LOWEST_SUGGEST`), which offers the most. Higher is quieter: fewer out-of-scope
    questions get suggestions."""
    grid = np.round(np.arange(LOWEST_SUGGEST, answer + 1e-9, 0.01), 2)
    reaching = [float(s) for s in grid
                if (out.figures(answer, float(s))["correct_or_suggested"] or 0.0) >= at_least]
    return max(reaching) if reaching else LOWEST_SUGGEST


def folds(n: int, k: int = FOLDS) -> list[np.ndarray]:
    """Deterministic folds: a fixed permutation cut in k parts."""
    order = np.random.default_rng(20261204).permutation(n)
    return [order[i::k] for i in range(k)]


def out_of_fold(examples: Sequence[Example], model: str,
                judged: Sequence[Sequence[Example]] | None = None) -> list[list[np.ndarray]]:
    """Each case's candidate probabilities from a model fitted on the other folds.

    `judged` (default: `examples` alone) are other views of the same cases, in the
    same order – the same questions against another knowledge – each judged by the
    model of its case's fold.
    """
    views = [examples] if judged is None else judged
    probs: list[list[np.ndarray]] = [[np.zeros(0)] * len(examples) for _ in views]
    for held in folds(len(examples)):
        held_set = set(held.tolist())
        cal = _model([e for i, e in enumerate(examples) if i not in held_set], (1.0, 1.0), model, {})
        for view, out in zip(views, probs, strict=True):
            for i in held:
                out[i] = cal.probabilities(view[i].rows) if len(view[i].rows) else np.zeros(0)
    return probs


def cross_validate(examples: Sequence[Example], model: str,
                   small_talk: float = 1.0) -> tuple[Outcomes, tuple[float, float]]:
    """Out-of-fold probabilities for every case and the thresholds they call for."""
    out = outcomes(out_of_fold(examples, model)[0], examples, small_talk)
    return out, choose_thresholds(out)


def fit(examples: Sequence[Example], model: str, sources: Sequence[str] = (),
        files: Sequence[str] | None = None) -> Calibration:
    """Fit on all cases, with thresholds from cross-validation; the report says how it went
    (overall and, given `files` – each example's cases file –, per file)."""
    small_talk = choose_small_talk(examples)
    examples = out_of_fold_negatives(examples)
    cv, thresholds = cross_validate(examples, model, small_talk)
    report = {
        "cases": len(examples),
        "answerable": int(sum(e.answerable for e in examples)),
        "sources": list(sources),
        "cross_validated": cv.figures(*thresholds),
    }
    if files is not None:
        report["cross_validated_by_file"] = {
            name: cv.subset([i for i, f in enumerate(files) if f == name]).figures(*thresholds)
            for name in dict.fromkeys(files)}
    cal = _model(examples, thresholds, model, report, small_talk)
    report["training"] = outcomes(cal, examples, small_talk).figures(*thresholds)
    return cal
