"""The calibrated answer decision: how likely is the best entry to be the right one?

For the few entries that either signal ranks high (the lexical scorer's best and
the semantic scorer's best), a row of features describes how well each fits:
its lexical score and how far it leads the rest, its cosine and how far that
leads, whether both signals put it first, the evidence and coverage of its best
question, how long and how full of content the message is, and how close the
message lies to the nearest out-of-scope question among the training cases
(their embeddings are kept in the calibration file: "hunting licence" lies
nearer to "fishing licence" than to any entry). A logistic regression turns a
row into the probability that this entry is the answer.

The weights are data (`calibration.json`), fitted by `vertskap calibrate` on a
knowledge folder's own test cases (`fit`), with the two thresholds chosen from
cross-validated probabilities: answer at p ≥ `answer`, chosen so that at most
1 % of the cases get a wrong answer; offer suggestions at p ≥ `suggest`;
otherwise hand over to a person.

Nothing here does I/O beyond reading and writing that one file.
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Sequence

import numpy as np

FORMAT = "vertskap-calibration-1"
FILENAME = "calibration.json"
FEATURES = (
    "lexical",          # the lexical score, 0–1
    "lexical_gap",      # ahead of the best other entry (negative when behind), lexically
    "lexical_top",      # 1 when the lexical scorer ranks it first
    "cosine",           # the best cosine of its questions with the message
    "cosine_gap",       # ahead of the best other entry's cosine (negative when behind)
    "cosine_lift",      # above the median cosine of all entries in scope (the message's baseline)
    "cosine_top",       # 1 when the semantic scorer ranks it first
    "both_top",         # 1 when both rank it first
    "evidence",         # weight of the message's words its best question matched, in rare words
    "variant_side",     # share of that question the message covers
    "message_side",     # share of the message that question covers
    "entry_side",       # share of the message the whole entry covers
    "content_words",    # log(1 + content words in the message)
    "unknown_words",    # share of the message's content words the knowledge has never seen
    "negative",         # the cosine of the nearest out-of-scope example of the training cases
    "negative_margin",  # that cosine minus the best cosine of any entry in scope
)
NEGATIVE_COLUMNS = (FEATURES.index("negative"), FEATURES.index("negative_margin"))
# Entries taken from each signal's ranking into the candidates.
TOP_EACH = 5
# L2 penalty of the logistic regression (on standardised features).
PENALTY = 1.0
# At most this share of all cases may be answered wrongly in cross-validation.
WRONG_AT_MOST = 0.01
FOLDS = 5
# Small talk must be this much further from every answerable training case than they are.
SMALL_TALK_SAFETY = 0.01


class CalibrationError(Exception):
    """The calibration file is missing or broken; run `vertskap calibrate`."""


@dataclass(frozen=True)
class Calibration:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    answer: float  # answer at p ≥ this
    suggest: float  # suggest entries with p ≥ this
    model: str = ""
    small_talk: float = 1.0  # small talk when this much closer to it than to any question
    report: dict = field(default_factory=dict)  # how it was fitted, for people
    # The out-of-scope training cases: their texts and embeddings (rows, float16).
    negative_texts: tuple[str, ...] = ()
    negatives: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float16))

    def nearest_negative(self, query: np.ndarray) -> tuple[float, str]:
        """The cosine of the out-of-scope example nearest to `query`, and its text."""
        if not len(self.negatives):
            return 0.0, ""
        sims = self.negatives.astype(np.float32) @ query.astype(np.float32)
        best = int(np.argmax(sims))
        return float(sims[best]), self.negative_texts[best]

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        z = ((rows - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT, "model": self.model, "features": list(self.features),
            "mean": _round(self.mean), "scale": _round(self.scale),
            "weights": _round(self.weights), "bias": round(float(self.bias), 6),
            "answer": round(self.answer, 4), "suggest": round(self.suggest, 4),
            "small_talk": round(self.small_talk, 4),
            "report": self.report,
            "negative_texts": list(self.negative_texts),
            "negatives": {"shape": list(self.negatives.shape), "float16_base64": base64.b64encode(
                np.ascontiguousarray(self.negatives, dtype="<f2").tobytes()).decode("ascii")},
        }, indent=1, ensure_ascii=False) + "\n"

    def save(self, path: Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")


def _round(values: np.ndarray) -> list[float]:
    return [round(float(v), 6) for v in values]


def neutral(model: str) -> Calibration:
    """A calibration that knows nothing (p = 0.5 everywhere): the start for fitting one."""
    n = len(FEATURES)
    return Calibration(FEATURES, np.zeros(n), np.ones(n), np.zeros(n), 0.0, 1.0, 1.0, model)


def shipped_calibration_path() -> Path:
    return Path(str(resources.files("bot.data").joinpath(FILENAME)))


def calibration_path(knowledge_root: Path | None) -> Path:
    """The knowledge folder's own calibration.json, else the one shipped with the program."""
    if knowledge_root is not None and (Path(knowledge_root) / FILENAME).is_file():
        return Path(knowledge_root) / FILENAME
    return shipped_calibration_path()


def load_calibration(path: Path, model: str) -> Calibration:
    """Read a calibration file; every problem is a CalibrationError that names the file."""
    where = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CalibrationError(f"{where}: the calibration file is missing; run "
                               "`vertskap calibrate` to make it") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CalibrationError(f"{where}: cannot read the calibration file: {exc}") from None
    except json.JSONDecodeError as exc:
        raise CalibrationError(f"{where}:{exc.lineno}:{exc.colno}: the calibration file is not "
                               f"valid JSON ({exc.msg}); run `vertskap calibrate` again") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CalibrationError(f"{where}: not a calibration file of this program "
                               f"(format {FORMAT!r}); run `vertskap calibrate` again")
    if tuple(data.get("features", ())) != FEATURES:
        raise CalibrationError(f"{where}: made for other features than this program uses; "
                               "run `vertskap calibrate` again")
    if data.get("model") != model:
        raise CalibrationError(f"{where}: made with the embedding model {data.get('model')!r}, "
                               f"not {model!r}; run `vertskap calibrate` again")
    try:
        arrays = [np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "weights")]
        bias, answer, suggest, small_talk = (float(data[k]) for k in
                                             ("bias", "answer", "suggest", "small_talk"))
    except (KeyError, TypeError, ValueError) as exc:
        raise CalibrationError(f"{where}: a value is missing or not a number ({exc}); "
                               "run `vertskap calibrate` again") from None
    if any(a.shape != (len(FEATURES),) or not np.all(np.isfinite(a)) for a in arrays) \
            or np.any(arrays[1] <= 0) \
            or not all(map(math.isfinite, (bias, answer, suggest, small_talk))):
        raise CalibrationError(f"{where}: the weights do not fit the {len(FEATURES)} features; "
                               "run `vertskap calibrate` again")
    if not 0 <= suggest <= answer <= 1:
        raise CalibrationError(f"{where}: thresholds must satisfy 0 ≤ suggest ≤ answer ≤ 1")
    texts, negatives = _negatives(data, where)
    return Calibration(FEATURES, *arrays, bias, answer, suggest, model, small_talk,
                       data.get("report") or {}, texts, negatives)


def _negatives(data: dict, where: str) -> tuple[tuple[str, ...], np.ndarray]:
    try:
        texts = tuple(str(t) for t in data["negative_texts"])
        shape = tuple(int(n) for n in data["negatives"]["shape"])
        raw = base64.b64decode(data["negatives"]["float16_base64"], validate=True)
        vectors = np.frombuffer(raw, dtype="<f2").reshape(shape).astype(np.float16)
    except (KeyError, TypeError, ValueError) as exc:
        raise CalibrationError(f"{where}: the out-of-scope examples are missing or damaged "
                               f"({exc}); run `vertskap calibrate` again") from None
    if len(texts) != len(vectors):
        raise CalibrationError(f"{where}: {len(texts)} out-of-scope texts but {len(vectors)} "
                               "vectors; run `vertskap calibrate` again")
    return texts, vectors


# --------------------------------------------------------------------------- features


@dataclass(frozen=True)
class Signals:
    """What both scorers said about every entry in scope, position by position."""

    lexical: np.ndarray  # 0–1, 0 where the lexical scorer found nothing
    cosine: np.ndarray
    evidence: np.ndarray  # in rare words
    variant_side: np.ndarray  # 0–1
    message_side: np.ndarray
    entry_side: np.ndarray
    content_words: int
    unknown_words: float
    negative: float = 0.0  # cosine of the nearest out-of-scope example


def candidates(signals: Signals) -> np.ndarray:
    """Positions worth a row: the best few of each signal, best lexical first."""
    lex = np.argsort(-signals.lexical, kind="stable")[:TOP_EACH]
    lex = lex[signals.lexical[lex] > 0]
    sem = np.argsort(-signals.cosine, kind="stable")[:TOP_EACH]
    return np.array(list(dict.fromkeys([*lex.tolist(), *sem.tolist()])), dtype=np.int64)


def _gap(values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """values[at] minus the best value elsewhere."""
    if len(values) < 2:
        return values[at].copy()
    order = np.argsort(-values, kind="stable")
    first, second = values[order[0]], values[order[1]]
    return np.where(at == order[0], first - second, values[at] - first)


def feature_rows(signals: Signals, at: np.ndarray) -> np.ndarray:
    """One row of FEATURES for each position in `at`."""
    s = signals
    if len(at) == 0:
        return np.zeros((0, len(FEATURES)))
    lex_top = (at == int(np.argmax(s.lexical))) & (s.lexical[at] > 0)
    cos_top = at == int(np.argmax(s.cosine))
    n = len(at)
    return np.column_stack([
        s.lexical[at], _gap(s.lexical, at), lex_top,
        s.cosine[at], _gap(s.cosine, at), s.cosine[at] - np.median(s.cosine), cos_top,
        lex_top & cos_top,
        np.minimum(s.evidence[at], 3.0), s.variant_side[at], s.message_side[at], s.entry_side[at],
        np.full(n, math.log1p(s.content_words)), np.full(n, s.unknown_words),
        np.full(n, s.negative), np.full(n, s.negative - float(np.max(s.cosine))),
    ]).astype(np.float64)


# --------------------------------------------------------------------------- fitting


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
    vectors = np.array([e.query for e in negatives], dtype=np.float16) if negatives \
        else np.zeros((0, 0), dtype=np.float16)
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
    suggestion threshold that best trades right suggestions against noise for the rest."""
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
    # Suggestions: each right one offered counts, each out-of-scope question that gets
    # suggestions costs half of one.
    best_s, best_gain = answer, -math.inf
    oos = np.nonzero(~out.answerable)[0]
    for s in np.round(np.arange(0.02, answer + 1e-9, 0.01), 2):
        f = out.figures(answer, float(s))
        noisy = int(sum(1 for i in oos if s <= out.best_p[i] < answer))
        gain = (f["correct_or_suggested"] or 0.0) * out.answerable.sum() - 0.5 * noisy
        if gain > best_gain:
            best_s, best_gain = float(s), gain
    return answer, best_s


def folds(n: int, k: int = FOLDS) -> list[np.ndarray]:
    """Deterministic folds: a fixed permutation cut in k parts."""
    order = np.random.default_rng(20261204).permutation(n)
    return [order[i::k] for i in range(k)]


def cross_validate(examples: Sequence[Example], model: str,
                   small_talk: float = 1.0) -> tuple[Outcomes, tuple[float, float]]:
    """Out-of-fold probabilities for every case and the thresholds they call for."""
    probs: list[np.ndarray] = [np.zeros(0)] * len(examples)
    for held in folds(len(examples)):
        held_set = set(held.tolist())
        train = [e for i, e in enumerate(examples) if i not in held_set]
        cal = _model(train, (1.0, 1.0), model, {})
        for i in held:
            e = examples[i]
            probs[i] = cal.probabilities(e.rows) if len(e.rows) else np.zeros(0)
    out = outcomes(probs, examples, small_talk)
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
