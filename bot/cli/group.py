"""The `vertskap` command group and what its commands share: the knowledge option, loading, findings.

Exit codes: 0 clean, 1 findings or failed cases, 2 usage errors (click's).
Library exceptions become one clear message here; no traceback reaches a
coordinator. The commands live in the modules next to this one.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from bot.cli.language import LANG_HELP, LocalizedGroup, text_for
from bot.i18n import N_, CatalogMissing
from bot.knowledge import KnowledgeError
from bot.matching.decision import CalibrationError
from bot.matching.semantic import SemanticError
from bot.knowledge.findings import Finding, Level

KNOWLEDGE_HELP = N_("The knowledge folder (default: $VERTSKAP_KNOWLEDGE, else ./knowledge with a "
                    "region.yaml, else the shipped knowledge/).")


def _lang_option(f):
    """--lang: the language of the messages (the command reads it before click does)."""
    return click.option("--lang", "-l", default=None, help=LANG_HELP)(f)


def _text():
    """The translator for this command line's language (--lang, else the locale)."""
    return text_for(click.get_current_context(silent=True))


def _knowledge_option(f):
    return click.option("--knowledge", "knowledge_dir", type=click.Path(path_type=Path),
                        default=None, help=KNOWLEDGE_HELP)(f)


def _knowledge_path(knowledge_dir: Path | None) -> Path:
    from bot.config import default_knowledge

    return knowledge_dir or default_knowledge()


def _echo_findings(findings: list[Finding], err: bool = True) -> None:
    """Each finding on its line, in this command line's language (the place unchanged)."""
    _ = _text()
    for f in findings:
        click.echo(f.render(_), err=err)


def _summary(findings: list[Finding]) -> str:
    errors = sum(f.level is Level.ERROR for f in findings)
    warnings = len(findings) - errors
    return _text()(N_("{errors} error(s), {warnings} warning(s)"), errors=errors, warnings=warnings)


def _stop_on_knowledge_errors(path: Path, exc: KnowledgeError) -> NoReturn:
    """Print the errors that stop a knowledge folder from loading, and exit 1."""
    errors = [f for f in exc.findings if f.level is Level.ERROR]
    _echo_findings(errors)
    click.echo(_text()(N_("{path}: the knowledge has {summary}; fix them and try again "
                          "(vertskap validate lists everything)"),
                       path=path, summary=_summary(errors)), err=True)
    sys.exit(1)


def _services(knowledge_dir: Path | None):
    """Load the services, or exit 1 with the findings that stop it."""
    from bot.services import load_services

    path = _knowledge_path(knowledge_dir)
    try:
        return load_services(path)
    except KnowledgeError as exc:
        _stop_on_knowledge_errors(path, exc)
    except (CatalogMissing, CalibrationError, SemanticError) as exc:
        click.echo(_text()(N_("error: {problem}"), problem=exc), err=True)
        sys.exit(1)


@click.group(cls=LocalizedGroup, context_settings={"help_option_names": ["-h", "--help"]},
             help=N_("Vertskap: the newcomer assistant for Midt-Troms."))
def main() -> None:
    pass
