"""`vertskap validate`, `check` and `coverage`: the coordinators' checks of a knowledge folder."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from bot.cli.group import (_echo_findings, _knowledge_option, _knowledge_path, _lang_option,
                           _services, _summary, _text, main)
from bot.i18n import N_
from bot.knowledge.findings import Level, has_errors


@main.command(help=N_("Check a knowledge folder and list every problem with file, line and column."))
@_knowledge_option
@click.option("--strict", is_flag=True, help=N_("Warnings fail too (exit 1)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the findings as JSON."))
@_lang_option
def validate(knowledge_dir: Path | None, strict: bool, as_json: bool, lang: str | None) -> None:
    from bot.knowledge.validation import validate as run_validate

    path = _knowledge_path(knowledge_dir)
    findings = run_validate(path)
    failed = has_errors(findings) or (strict and bool(findings))
    if as_json:
        click.echo(json.dumps({"findings": [f.as_dict() for f in findings],
                               "summary": {"errors": sum(f.level is Level.ERROR for f in findings),
                                           "warnings": sum(f.level is Level.WARNING for f in findings),
                                           "passed": not failed}}, ensure_ascii=False, indent=1))
    else:
        _echo_findings(findings, err=False)
        _ = _text()
        verdict = _(N_("FAILED")) if failed else _(N_("ok"))
        click.echo(f"{path}: {_summary(findings)} – {verdict}")
    sys.exit(1 if failed else 0)


@main.command(help=N_("Run test questions against the knowledge; exit 1 if any case fails."))
@_knowledge_option
@click.option("--cases", "cases_files", type=click.Path(path_type=Path), multiple=True,
              help=N_("A cases file (repeatable; default: every .yaml in <knowledge>/tests/)."))
@click.option("--json", "as_json", is_flag=True,
              help=N_("Print one JSON document (docs: knowledge-format.md)."))
@click.option("--failures-only", is_flag=True, help=N_("List only the cases that failed."))
@_lang_option
def check(knowledge_dir: Path | None, cases_files: tuple[Path, ...], as_json: bool,
          failures_only: bool, lang: str | None) -> None:
    from bot.coordination.cases import check_cases, read_cases

    _ = _text()
    services = _services(knowledge_dir)
    if not cases_files:
        tests = services.knowledge.root / "tests"
        cases_files = tuple(sorted(tests.glob("*.yaml"))) if tests.is_dir() else ()
        if not cases_files:
            raise click.UsageError(_(N_("no cases file given and none found in {folder}; use "
                                        "--cases FILE"), folder=tests))
    cases, problems = [], []
    for path in cases_files:
        if not path.is_file():
            raise click.BadParameter(_(N_("'{path}' does not exist"), path=path), param_hint="--cases")
        found, findings = read_cases(path)
        cases += found
        problems += findings
    _echo_findings(problems)
    results = check_cases(services.matcher, cases)
    passed = sum(r.passed for r in results)
    by_status: dict[str, int] = {}
    for r in results:
        by_status[r.status.value] = by_status.get(r.status.value, 0) + 1
    if as_json:
        doc = {"cases": [r.as_dict() for r in results],
               "summary": {"cases": len(results), "passed": passed, "failed": len(results) - passed,
                           "by_status": by_status, "case_file_errors": len(problems)}}
        click.echo(json.dumps(doc, ensure_ascii=False, indent=1))
    else:
        for r in results:
            if r.passed and failures_only:
                continue
            got = r.got or (", ".join(r.suggestions) if r.suggestions else "-")
            where = f" [{r.case.municipality}]" if r.case.municipality else ""
            click.echo(_(N_("{verdict}  {text}{where}: expected {expect}, got {status} {got} "
                            "({language}, {score})"),
                         verdict=_(N_("PASS")) if r.passed else _(N_("FAIL")), text=repr(r.case.text),
                         where=where, expect=r.case.expect, status=_(r.status.value), got=got,
                         language=r.language, score=f"{r.score:.0f}"))
        click.echo(_(N_("{passed}/{total} cases passed"), passed=passed, total=len(results)))
    sys.exit(0 if passed == len(results) and not problems else 1)


@main.command(help=N_("A table municipality × topic: how many entries answer, and what is missing."))
@_knowledge_option
@click.option("--stale", is_flag=True, help=N_("List only the entries not reviewed for over a year."))
@click.option("--lang", "-l", default=None, help=N_(
    "The language of the messages and of topic and place names (default: the locale, else "
    "English; names: the region's first language)."))
def coverage(knowledge_dir: Path | None, stale: bool, lang: str | None) -> None:
    from bot.knowledge import text_in
    from bot.coordination.reports import coverage as compute

    _ = _text()
    services = _services(knowledge_dir)
    knowledge = services.knowledge
    region = knowledge.region
    lang = lang if lang in region.languages else region.fallback_language
    report = compute(knowledge)
    if stale:
        for key, reviewed in report.stale:
            click.echo(f"{key}: " + (_(N_("last reviewed {date}"), date=reviewed.isoformat())
                                     if reviewed else _(N_("never reviewed"))))
        click.echo(_(N_("{count} entries to review"), count=len(report.stale)) if len(report.stale) != 1
                   else _(N_("1 entry to review")))
        sys.exit(0)
    names = [text_in(region.municipality(m).name, lang, region.fallback_language)
             for m in report.municipalities]
    width = max(len(n) for n in names) + 2
    headers = [text_in(region.topics[t], lang, region.fallback_language) for t in report.topics]
    rows = []
    for m in report.municipalities:
        row = []
        for t in report.topics:
            cell = report.cells[(m, t)]
            row.append("–" if not cell.entries else
                       f"{cell.entries}" + (f" ({cell.local} local)" if cell.local else ""))
        rows.append(row)
    columns = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    click.echo((" " * width + "  ".join(h.ljust(c) for h, c in zip(headers, columns, strict=True))).rstrip())
    for name, row in zip(names, rows, strict=True):
        click.echo((name.ljust(width) + "  ".join(x.ljust(c) for x, c in zip(row, columns, strict=True))).rstrip())
    for key, part, language in report.missing:
        click.echo(_(N_("missing: {entry} has no {part} in '{language}'"), entry=key, part=part,
                     language=language))
    empty = report.empty()
    click.echo(_(N_("{entries} entries; {empty} empty topic cell(s); {missing} missing "
                    "translation(s); {stale} to review"), entries=len(knowledge.entries),
                 empty=len(empty), missing=len(report.missing), stale=len(report.stale)))
