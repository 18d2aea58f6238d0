"""The `vertskap` commands: output and exit codes."""

import json
import shutil

import pytest
import yaml
from click.testing import CliRunner

from bot.cli import main


@pytest.fixture()
def runner():
    return CliRunner()


def cases_file(tmp_path, cases):
    path = tmp_path / "cases.yaml"
    path.write_text(yaml.safe_dump({"cases": cases}, allow_unicode=True), encoding="utf-8")
    return path


def test_validate_a_clean_folder_exits_0(runner, region_dir):
    result = runner.invoke(main, ["validate", "--knowledge", str(region_dir)])
    assert result.exit_code == 0
    assert result.output.endswith("0 error(s), 0 warning(s) – ok\n")


def test_validate_reports_every_problem_and_exits_1(runner, region_dir, tmp_path):
    folder = tmp_path / "k"
    shutil.copytree(region_dir, folder)
    (folder / "faq" / "common" / "broken.yaml").write_text("topic: tax\nentries:\n  - id: x\n    questions: [a\n", encoding="utf-8")
    (folder / "faq" / "oslo").mkdir()
    (folder / "faq" / "oslo" / "x.yaml").write_text("topic: tax\nentries: []\n", encoding="utf-8")
    result = runner.invoke(main, ["validate", "--knowledge", str(folder)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith("faq/common/broken.yaml:5:1: error: YAML syntax error") for line in lines)
    assert any(line.startswith("faq/oslo/x.yaml:") and "oslo" in line for line in lines)
    assert "Traceback" not in result.output


def test_validate_strict_fails_on_warnings(runner, region_dir, tmp_path):
    folder = tmp_path / "k"
    shutil.copytree(region_dir, folder)
    path = folder / "faq" / "common" / "health.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["entries"][0]["answer"]["de"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    relaxed = runner.invoke(main, ["validate", "--knowledge", str(folder)])
    strict = runner.invoke(main, ["validate", "--knowledge", str(folder), "--strict"])
    assert relaxed.exit_code == 0 and "warning" in relaxed.output
    assert strict.exit_code == 1


def test_check_json_follows_the_format(runner, region_dir, tmp_path):
    path = cases_file(tmp_path, [
        {"text": "Hvordan får jeg skattekort?", "expect": "tax-card", "lang": "nb"},
        {"text": "how do I get a GP", "municipality": "bardu", "expect": "bardu/gp"},
        {"text": "best pizza in town", "expect": "none"},
    ])
    result = runner.invoke(main, ["check", "--knowledge", str(region_dir), "--cases", str(path), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    first, second, third = doc["cases"]
    assert {k: first[k] for k in ("text", "status", "got", "scope", "language", "expect")} == {
        "text": "Hvordan får jeg skattekort?", "status": "answered", "got": "tax-card",
        "scope": "common", "language": "nb", "expect": "tax-card"}
    assert isinstance(first["score"], float) and first["suggestions"] == []
    assert (second["got"], second["scope"], second["municipality"]) == ("gp", "bardu", "bardu")
    assert third["status"] in ("fallback", "suggested") and third["got"] is None
    assert doc["summary"]["passed"] == 3


def test_check_exits_1_when_a_case_fails(runner, region_dir, tmp_path):
    path = cases_file(tmp_path, [
        {"text": "how do I get a GP", "municipality": "senja", "expect": "bardu/gp"},
        {"text": "Hvordan får jeg skattekort?", "expect": "tax-card", "lang": "de"},
    ])
    result = runner.invoke(main, ["check", "--knowledge", str(region_dir), "--cases", str(path)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "0/2 cases passed"
    assert result.output.startswith("FAIL  'how do I get a GP' [senja]: expected bardu/gp, got answered gp")


def test_check_finds_the_cases_in_the_knowledge_tests_folder(runner, region_dir, tmp_path):
    folder = tmp_path / "k"
    shutil.copytree(region_dir, folder)
    (folder / "tests").mkdir()
    cases_file(folder / "tests", [{"text": "skattekort", "expect": "tax-card"}])
    result = runner.invoke(main, ["check", "--knowledge", str(folder)])
    assert result.exit_code == 0 and "1/1 cases passed" in result.output


def test_a_broken_knowledge_folder_gives_findings_not_a_traceback(runner, tmp_path):
    (tmp_path / "region.yaml").write_text("languages: [nb\n", encoding="utf-8")
    result = runner.invoke(main, ["ask", "hei", "--knowledge", str(tmp_path)])
    assert result.exit_code == 1
    assert "region.yaml:2:1: error: YAML syntax error" in result.output
    assert "Traceback" not in result.output


def test_ask_prints_the_reply(runner, region_dir):
    result = runner.invoke(main, ["ask", "Wie bekomme ich eine Steuerkarte?", "--knowledge", str(region_dir)])
    assert result.exit_code == 0
    assert result.output.startswith("Die Steuerkarte (skattekort) bestellen Sie bei der Steuerverwaltung.")
    assert "[1] 👍   [2] 👎" in result.output


def test_ask_explain_shows_outcome_and_scored_candidates(runner, region_dir):
    result = runner.invoke(main, ["ask", "lege Setermoen", "--knowledge", str(region_dir), "--explain"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "outcome:      answered (bardu/gp)"
    assert lines[2] == "municipality: bardu (named in the text)"
    assert "bardu/gp" in lines[7] and lines[7].split()[0] == "1"


def test_usage_errors_exit_2(runner, region_dir):
    assert runner.invoke(main, ["chat", "--knowledge", str(region_dir), "--municipality", "oslo"]).exit_code == 2
    assert runner.invoke(main, ["check", "--knowledge", str(region_dir), "--cases", "/nope.yaml"]).exit_code == 2
    assert runner.invoke(main, ["frobnicate"]).exit_code == 2


def test_chat_runs_on_standard_input(runner, region_dir):
    result = runner.invoke(main, ["chat", "--knowledge", str(region_dir), "--lang", "en"],
                           input="1\nhow do I get a GP\n")
    assert result.exit_code == 0
    assert "In Bardu you choose a GP (fastlege)" in result.output


def test_coverage_shows_municipality_by_topic(runner, region_dir):
    result = runner.invoke(main, ["coverage", "--knowledge", str(region_dir), "--lang", "en"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "         Tax          School and kindergarten  Health",
        "Bardu    2            2                        1 (1 local)",
        "Målselv  3 (1 local)  2                        1",
        "Senja    2            2 (1 local)              1",
        "8 entries; 0 empty topic cell(s); 0 missing translation(s); 8 to review",
    ]
    stale = runner.invoke(main, ["coverage", "--knowledge", str(region_dir), "--stale"])
    assert stale.output.splitlines()[0] == "bardu/gp: never reviewed"
    assert stale.output.splitlines()[-1] == "8 entries to review"
