"""`vertskap calibrate`: fit the answer decision on a knowledge folder's test cases."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli.group import _echo_findings, _knowledge_option, _knowledge_path, main
from bot.knowledge import KnowledgeError
from bot.knowledge.findings import Level
from bot.matching.decision import CalibrationError
from bot.matching.semantic import SemanticError


@main.command()
@_knowledge_option
@click.option("--cases", "cases_files", type=click.Path(path_type=Path), multiple=True,
              help="A cases file (repeatable; default: every .yaml under <knowledge>/tests/, "
                   "subfolders included).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Where to write the weights (default: <knowledge>/calibration.json).")
def calibrate(knowledge_dir: Path | None, cases_files: tuple[Path, ...], out: Path | None) -> None:
    """Fit the answer decision on the test cases and write calibration.json."""
    from bot.coordination.cases import example, read_cases
    from bot.matching.decision import fit, neutral
    from bot.knowledge import load_knowledge
    from bot.matching import Matcher
    from bot.matching.prepared import vector_cache
    from bot.matching.semantic import MODEL

    path = _knowledge_path(knowledge_dir)
    try:
        knowledge = load_knowledge(path)
        matcher = Matcher(knowledge, calibration=neutral(MODEL), vector_cache=vector_cache(path))
    except KnowledgeError as exc:
        _echo_findings([f for f in exc.findings if f.level is Level.ERROR])
        click.echo(f"{path}: fix the knowledge first (vertskap validate lists everything)", err=True)
        sys.exit(1)
    except SemanticError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if not cases_files:
        cases_files = tuple(sorted((path / "tests").rglob("*.yaml")))
    cases, problems = [], []
    for f in cases_files:
        found, findings = read_cases(f)
        cases += found
        problems += findings
    _echo_findings(problems)
    if problems:
        sys.exit(1)
    try:
        calibration = fit([example(matcher, c) for c in cases], MODEL,
                          sources=[_relative(f, path) for f in cases_files])
    except CalibrationError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    target = out or path / "calibration.json"
    calibration.save(target)
    cv = calibration.report["cross_validated"]
    click.echo(f"{len(cases)} cases from {len(cases_files)} file(s); answer at p ≥ "
               f"{calibration.answer:.2f}, suggest at p ≥ {calibration.suggest:.2f}")
    click.echo(f"cross-validated: answered correctly {cv['answered_correct']:.1%}, correct or "
               f"suggested {cv['correct_or_suggested']:.1%}, wrong {cv['wrong']:.1%}, "
               f"refused out of scope {cv['refusal']:.1%}")
    click.echo(f"wrote {target}")


def _relative(path: Path, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(root).resolve()))
    except ValueError:
        return str(path)
