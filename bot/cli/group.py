"""The `vertskap` command group and what its commands share: the knowledge option, loading, findings.

Exit codes: 0 clean, 1 findings or failed cases, 2 usage errors (click's).
Library exceptions become one clear message here; no traceback reaches a
coordinator. The commands live in the modules next to this one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.i18n import CatalogMissing
from bot.knowledge import KnowledgeError
from bot.knowledge.findings import Finding, Level

KNOWLEDGE_HELP = "The knowledge folder (default: $VERTSKAP_KNOWLEDGE or the shipped knowledge/)."


def _knowledge_option(f):
    return click.option("--knowledge", "knowledge_dir", type=click.Path(path_type=Path),
                        default=None, help=KNOWLEDGE_HELP)(f)


def _knowledge_path(knowledge_dir: Path | None) -> Path:
    from bot.config import default_knowledge

    return knowledge_dir or default_knowledge()


def _echo_findings(findings: list[Finding], err: bool = True) -> None:
    for f in findings:
        click.echo(str(f), err=err)


def _summary(findings: list[Finding]) -> str:
    errors = sum(f.level is Level.ERROR for f in findings)
    warnings = len(findings) - errors
    return f"{errors} error(s), {warnings} warning(s)"


def _services(knowledge_dir: Path | None):
    """Load the services, or exit 1 with the findings that stop it."""
    from bot.services import load_services

    path = _knowledge_path(knowledge_dir)
    try:
        return load_services(path)
    except KnowledgeError as exc:
        errors = [f for f in exc.findings if f.level is Level.ERROR]
        _echo_findings(errors)
        click.echo(f"{path}: the knowledge has {_summary(errors)}; fix them and try again "
                   "(vertskap validate lists everything)", err=True)
        sys.exit(1)
    except CatalogMissing as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Vertskap: the newcomer assistant for Midt-Troms."""
