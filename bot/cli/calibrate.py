"""`vertskap calibrate`: fit the answer decision on a knowledge folder's test cases."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli.group import (_echo_findings, _knowledge_option, _knowledge_path, _lang_option,
                           _stop_on_knowledge_errors, _text, main)
from bot.i18n import N_
from bot.knowledge import KnowledgeError
from bot.matching.decision import CalibrationError
from bot.matching.semantic import SemanticError


@main.command(help=N_("Fit the answer decision on the test cases and write calibration.json."))
@_knowledge_option
@click.option("--cases", "cases_files", type=click.Path(path_type=Path), multiple=True,
              help=N_("A cases file (repeatable; default: every .yaml under <knowledge>/tests/, "
                      "subfolders included)."))
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help=N_("Where to write the weights (default: <knowledge>/calibration.json)."))
@click.option("--vectors", type=click.Path(path_type=Path), default=None,
              help=N_("Also write the embeddings of the knowledge's questions and answers to "
                      "this file (for the shipped knowledge: bot/data/vectors.npz, so that a "
                      "fresh install need not make them)."))
@_lang_option
def calibrate(knowledge_dir: Path | None, cases_files: tuple[Path, ...], out: Path | None,
              vectors: Path | None, lang: str | None) -> None:
    from bot.coordination.cases import example, read_cases
    from bot.knowledge import load_knowledge
    from bot.matching import Matcher
    from bot.matching.decision import neutral
    from bot.matching.fitting import fit
    from bot.matching.prepared import vector_cache
    from bot.matching.semantic import MODEL

    _ = _text()
    path = _knowledge_path(knowledge_dir)
    try:
        knowledge = load_knowledge(path)
        cache = vector_cache(path)
        matcher = Matcher(knowledge, calibration=neutral(MODEL), vector_cache=cache)
    except KnowledgeError as exc:
        _stop_on_knowledge_errors(path, exc)
    except SemanticError as exc:
        click.echo(_(N_("error: {problem}"), problem=exc), err=True)
        sys.exit(1)
    if not cases_files:
        cases_files = tuple(sorted((path / "tests").rglob("*.yaml")))
    cases, problems, files = [], [], []
    for f in cases_files:
        found, findings = read_cases(f)
        cases += found
        problems += findings
        files += [_relative(f, path)] * len(found)
    _echo_findings(problems)
    if problems:
        sys.exit(1)
    try:
        calibration = fit([example(matcher, c) for c in cases], MODEL,
                          sources=[_relative(f, path) for f in cases_files], files=files)
    except CalibrationError as exc:
        click.echo(_(N_("error: {problem}"), problem=exc), err=True)
        sys.exit(1)
    target = out or path / "calibration.json"
    calibration.save(target)
    click.echo(_(N_("{cases} cases from {files} file(s); answer at p ≥ {answer}, suggest at p ≥ "
                    "{suggest}"), cases=len(cases), files=len(cases_files),
                 answer=f"{calibration.answer:.2f}", suggest=f"{calibration.suggest:.2f}"))
    click.echo(_(N_("Cross-validated (each case judged by a model fitted without it):")))
    by_file = {_(N_("all cases")): calibration.report["cross_validated"],
               **calibration.report.get("cross_validated_by_file", {})}
    for name, f in by_file.items():
        click.echo(_(N_("  {name}: {cases} cases; answered correctly {correct}, correct or "
                        "suggested {offered}, wrong {wrong}, out of scope refused {refused}"),
                     name=name, cases=f["cases"], correct=_percent(f["answered_correct"]),
                     offered=_percent(f["correct_or_suggested"]), wrong=_percent(f["wrong"]),
                     refused=_percent(f["refusal"])))
    click.echo(_(N_("wrote {path}"), path=target))
    if vectors is not None:
        cache.write(vectors, matcher.embedded_texts(), matcher.embedder)
        click.echo(_(N_("wrote {path}"), path=vectors))


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share:.1%}"


def _relative(path: Path, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(root).resolve()))
    except ValueError:
        return str(path)
