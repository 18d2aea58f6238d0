"""The calibrated decision: fitted reproducibly on the cases, and a broken file stops the start."""

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.knowledge import load_knowledge
from bot.matching import Matcher, decision, fitting
from bot.matching.decision import CalibrationError, load_calibration
from bot.matching.fitting import Example, Outcomes
from bot.matching.semantic import MODEL

CASES = Path(__file__).resolve().parent / "fixtures" / "region-cases" / "cases.yaml"


@pytest.fixture()
def folder(region_dir, tmp_path):
    folder = tmp_path / "k"
    shutil.copytree(region_dir, folder)
    (folder / "tests").mkdir()
    shutil.copy(CASES, folder / "tests" / "cases.yaml")
    return folder


def test_calibrate_is_reproducible_and_its_file_is_used(folder, tmp_path):
    runner = CliRunner()
    first = runner.invoke(main, ["calibrate", "--knowledge", str(folder), "--out", str(tmp_path / "a.json")])
    assert first.exit_code == 0, first.output
    assert "30 cases from 1 file(s)" in first.output and "Cross-validated" in first.output
    assert "tests/cases.yaml: 30 cases; answered correctly" in first.output
    second = runner.invoke(main, ["calibrate", "--knowledge", str(folder)])
    assert second.exit_code == 0, second.output
    own = folder / "calibration.json"
    assert own.read_bytes() == (tmp_path / "a.json").read_bytes()  # same cases, same weights
    data = json.loads(own.read_text(encoding="utf-8"))
    assert data["features"] == list(decision.FEATURES)
    assert data["report"]["cases"] == 30 and "cross_validated" in data["report"]
    assert len(data["negative_texts"]) == 12  # the out-of-scope cases
    matcher = Matcher(load_knowledge(folder))
    assert matcher.calibration.report == data["report"]  # the folder's own calibration wins
    assert matcher.calibration.negatives.shape == (12, 384)


def test_a_missing_calibration_file_is_a_clear_error_at_start(region_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(decision, "shipped_calibration_path", lambda: tmp_path / "calibration.json")
    result = CliRunner().invoke(main, ["ask", "skattekort", "--knowledge", str(region_dir)])
    assert result.exit_code == 1
    assert result.output.strip() == (f"error: {tmp_path / 'calibration.json'}: the calibration file is "
                                     "missing; run `vertskap calibrate` to make it")


@pytest.mark.parametrize("content,message", [
    ('{"format": ', "calibration.json:1:12: the calibration file is not valid JSON"),
    ('{"format": "something-else"}', "not a calibration file of this program"),
])
def test_a_broken_calibration_file_is_a_clear_error_at_start(folder, content, message):
    (folder / "calibration.json").write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["ask", "skattekort", "--knowledge", str(folder)])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_weights_for_other_features_are_refused(tmp_path):
    shipped = json.loads(decision.shipped_calibration_path().read_text(encoding="utf-8"))
    shipped["features"] = shipped["features"][:-1]
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(shipped), encoding="utf-8")
    with pytest.raises(CalibrationError, match="other features"):
        load_calibration(path, MODEL)


def test_the_shipped_calibration_loads_and_keeps_wrong_answers_within_one_percent():
    cal = load_calibration(decision.shipped_calibration_path(), MODEL)
    assert 0 < cal.suggest <= cal.answer < 1
    assert cal.report["cross_validated"]["wrong"] <= fitting.WRONG_AT_MOST
    assert cal.report["cases"] >= 1000


def test_the_answer_threshold_is_the_lowest_that_keeps_wrong_answers_within_the_bound():
    # 200 cases: the best candidates' probabilities, right except at 0.95, 0.85 and 0.75.
    p = np.linspace(0.995, 0.005, 200)
    right = np.ones(200, dtype=bool)
    for wrong_at in (0.95, 0.85, 0.75):
        right[np.argmin(abs(p - wrong_at))] = False
    out = Outcomes(p, right, np.ones(200, dtype=bool), [np.array([x]) for x in p],
                   [np.array([r]) for r in right])
    answer, _ = fitting.choose_thresholds(out, wrong_at_most=0.01)  # 2 wrong allowed
    assert 0.75 < answer <= 0.8
    assert out.figures(answer, 0.0)["wrong"] <= 0.01


def test_the_suggestion_threshold_is_the_quietest_that_still_offers_the_right_entry():
    # 100 answerable cases, none answered (p < 0.9): the right entry's p is k/100 for case k.
    p = np.arange(100) / 100
    out = Outcomes(p, np.ones(100, dtype=bool), np.ones(100, dtype=bool),
                   [np.array([x]) for x in p], [np.array([True])] * 100)
    assert fitting.choose_suggest(out, answer=0.9, at_least=0.97) == 0.03
    assert fitting.choose_suggest(out, answer=0.9, at_least=0.5) == 0.5
    # Out of reach (cases 0 and 1 are never offered): the lowest, which offers the most.
    assert fitting.choose_suggest(out, answer=0.9, at_least=0.995) == fitting.LOWEST_SUGGEST


def test_each_candidate_row_describes_both_signals_and_the_answers():
    # Three entries: lexically the first leads, in meaning the second, by answer the third.
    sig = decision.Signals(
        lexical=np.array([0.8, 0.5, 0.0]), cosine=np.array([0.80, 0.90, 0.85]),
        answer=np.array([0.70, 0.75, 0.88]), evidence=np.array([1.0, 0.5, 0.0]),
        variant_side=np.array([0.9, 0.4, 0.0]), message_side=np.array([0.8, 0.5, 0.0]),
        entry_side=np.array([0.8, 0.5, 0.0]), content_words=4, unknown_words=0.25, negative=0.7)
    at = decision.candidates(sig)
    assert sorted(at.tolist()) == [0, 1, 2]
    rows = {int(i): dict(zip(decision.FEATURES, row))
            for i, row in zip(at, decision.feature_rows(sig, at))}
    assert rows[0]["lexical_top"] == 1 and rows[0]["lexical_gap"] == pytest.approx(0.3)
    assert rows[1]["cosine_top"] == 1 and rows[1]["cosine_gap"] == pytest.approx(0.05)
    assert rows[2]["answer_top"] == 1 and rows[2]["answer_gap"] == pytest.approx(0.13)
    assert rows[0]["answer_gap"] == pytest.approx(-0.18)
    assert rows[2]["answer_lift"] == pytest.approx(0.13)  # above the median, 0.75
    assert rows[0]["lexical_words"] == pytest.approx(0.8 * math.log(5))
    assert rows[1]["negative_margin"] == pytest.approx(0.7 - 0.9)
    assert not any(r["both_top"] for r in rows.values())


def test_fitting_is_deterministic():
    rng = np.random.default_rng(1)
    examples = []
    for i in range(60):
        rows = rng.normal(size=(3, len(decision.FEATURES)))
        right = np.array([i % 3 != 0, False, False])
        examples.append(Example(rows, right, i % 3 != 0))
    a = fitting.fit(examples, MODEL)
    b = fitting.fit(examples, MODEL)
    assert a.to_json() == b.to_json()
