"""Running the checkers: every one, each finding once, a broken checker reported as a bug."""

from __future__ import annotations

import datetime as dt
from typing import Callable, Iterable, Sequence

from bot.knowledge.checklist import read_checklists
from bot.i18n import N_
from bot.knowledge.findings import Finding, Level, say
from bot.knowledge.reading import Parsed, parse_folder
from bot.knowledge.validation.context import INTERNAL, Context, make_context, shown
from bot.knowledge.validation.entries import (check_answers, check_entry_ids, check_entry_keys,
                                              check_faq_file_keys, check_faq_scopes, check_links,
                                              check_questions, check_reviewed, check_topics,
                                              check_web)
from bot.knowledge.validation.overlap import check_question_overlap
from bot.knowledge.validation.region import (check_faq_structure_without_region,
                                             check_municipality_names, check_municipality_websites,
                                             check_parser_findings, check_region_ids,
                                             check_region_keys, check_region_names)


Checker = Callable[[Context], Iterable[Finding]]

CHECKERS: tuple[Checker, ...] = (
    check_parser_findings,
    check_faq_structure_without_region,
    check_region_keys,
    check_region_ids,
    check_region_names,
    check_municipality_names,
    check_municipality_websites,
    check_faq_scopes,
    check_faq_file_keys,
    check_entry_keys,
    check_topics,
    check_entry_ids,
    check_questions,
    check_answers,
    check_links,
    check_reviewed,
    check_web,
    check_question_overlap,
)

# What must hold before the assistant serves a folder: every checker that can find an
# error. The overlap check only warns, and over a large region it is the slowest;
# `vertskap validate` runs it.
SERVING_CHECKERS: tuple[Checker, ...] = tuple(c for c in CHECKERS if c is not check_question_overlap)


def validate_parsed(parsed: Parsed, today: dt.date | None = None,
                    checkers: Sequence[Checker] = CHECKERS) -> list[Finding]:
    """All findings for a parsed folder, sorted by place, each once.

    `today` decides which review dates are old or in the future (default: the real today).
    """
    findings: set[Finding] = set(parsed.findings)
    try:
        ctx = make_context(parsed, today or dt.date.today())
    except Exception as exc:  # a bug here must not hide the loader's findings
        findings.add(internal_error("make_context", exc))
        return sorted(findings)
    for checker in checkers:
        try:
            for finding in checker(ctx):
                findings.add(finding)
        except Exception as exc:  # one broken checker must not stop the others
            findings.add(internal_error(checker.__name__, exc))
    if parsed.knowledge is not None:
        try:
            findings.update(read_checklists(parsed.root, parsed.knowledge)[1])
        except Exception as exc:
            findings.add(internal_error("read_checklists", exc))
    return sorted(findings)


def validate(root, today: dt.date | None = None) -> list[Finding]:
    """All findings for the knowledge folder at `root`."""
    return validate_parsed(parse_folder(root), today)


def internal_error(where: str, exc: Exception) -> Finding:
    return Finding(INTERNAL, 1, 1, Level.ERROR, say(N_(
        "the check {where} stopped with {error}: {problem}; this is a bug in the program, not in "
        "the knowledge files: please report it"), where=where, error=type(exc).__name__,
        problem=shown(exc)))
