"""The calibrated answer decision: how likely is the best entry to be the right one?

For the few entries that either signal ranks high (the lexical scorer's best and
the semantic scorer's best), a row of features describes how well each fits:
its lexical score and how far it leads the rest, its cosine and how far that
leads, whether both signals put it first, how close the message lies to the
entry's answer (a story about a payslip lies near the answer that explains the
tax card, though far from every way of asking for one), the evidence and coverage of its best
question, how long and how full of content the message is, and how close the
message lies to the nearest out-of-scope question among the training cases
(their embeddings are kept in the calibration file: "hunting licence" lies
nearer to "fishing licence" than to any entry). A logistic regression turns a
row into the probability that this entry is the answer.

The weights are data (`calibration.json`), fitted by `vertskap calibrate` on a
knowledge folder's own test cases (`bot.matching.fitting`), with the two
thresholds chosen from cross-validated probabilities: answer at p ≥ `answer`,
chosen so that at most 1 % of the cases get a wrong answer; offer suggestions
at p ≥ `suggest`; otherwise hand over to a person.

Nothing here does I/O beyond reading and writing that one file.
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

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
    "answer",           # the best cosine of its answer (in any language) with the message
    "answer_gap",       # ahead of the best other entry's answer cosine (negative when behind)
    "answer_lift",      # above the median answer cosine of all entries in scope
    "answer_top",       # 1 when its answer lies nearest to the message
    "lexical_words",    # lexical × content_words: matching many words says more than one
)
# Entries taken from each signal's ranking into the candidates (the answers' ranking
# adds a few).
TOP_EACH = 5
TOP_ANSWERS = 3


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
    # The out-of-scope training cases: their texts and embeddings (rows; float16 in the
    # file, float32 here, so a message is compared without converting them each time).
    negative_texts: tuple[str, ...] = ()
    negatives: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))

    def nearest_negative(self, query: np.ndarray) -> tuple[float, str]:
        """The cosine of the out-of-scope example nearest to `query`, and its text."""
        if not len(self.negatives):
            return 0.0, ""
        sims = self.negatives @ query.astype(np.float32)
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
        vectors = np.frombuffer(raw, dtype="<f2").reshape(shape).astype(np.float32)
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
    answer: np.ndarray  # each entry's best answer cosine
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
    ans = np.argsort(-signals.answer, kind="stable")[:TOP_ANSWERS]
    return np.array(list(dict.fromkeys([*lex.tolist(), *sem.tolist(), *ans.tolist()])),
                    dtype=np.int64)


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
    answer = s.answer
    n = len(at)
    return np.column_stack([
        s.lexical[at], _gap(s.lexical, at), lex_top,
        s.cosine[at], _gap(s.cosine, at), s.cosine[at] - np.median(s.cosine), cos_top,
        lex_top & cos_top,
        np.minimum(s.evidence[at], 3.0), s.variant_side[at], s.message_side[at], s.entry_side[at],
        np.full(n, math.log1p(s.content_words)), np.full(n, s.unknown_words),
        np.full(n, s.negative), np.full(n, s.negative - float(np.max(s.cosine))),
        answer[at], _gap(answer, at), answer[at] - np.median(answer),
        at == int(np.argmax(answer)),
        s.lexical[at] * math.log1p(s.content_words),
    ]).astype(np.float64)
