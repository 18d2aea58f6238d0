"""Coordinators' test cases: reading a cases file and checking it against a matcher."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.i18n import N_
from bot.knowledge.findings import Finding, Level, say
from bot.knowledge import Document, parse_yaml
from bot.matching import Matcher, Outcome, decision, fitting

NONE = "none"


@dataclass(frozen=True)
class Case:
    text: str
    expect: str  # an entry id, 'scope/id', or 'none'
    municipality: str | None = None
    lang: str | None = None
    line: int = 0


@dataclass(frozen=True)
class CaseResult:
    case: Case
    status: Outcome
    got: str | None
    scope: str | None
    language: str
    score: float
    suggestions: tuple[str, ...]
    passed: bool

    def as_dict(self) -> dict:
        return {
            "text": self.case.text,
            "municipality": self.case.municipality,
            "expect": self.case.expect,
            "status": self.status.value,
            "got": self.got,
            "scope": self.scope,
            "language": self.language,
            "score": self.score,
            "suggestions": list(self.suggestions),
            "passed": self.passed,
        }


def read_cases(path: Path) -> tuple[list[Case], list[Finding]]:
    """Cases from a cases file; problems come back as findings, never exceptions."""
    findings: list[Finding] = []
    doc: Document | None = parse_yaml(Path(path), str(path), findings)
    if doc is None:
        return [], findings
    data = doc.data
    raw = data.get("cases") if isinstance(data, dict) else data
    if not isinstance(raw, list):
        findings.append(doc.finding(Level.ERROR, say(N_("a cases file needs a 'cases:' list"))))
        return [], findings
    base = ("cases",) if isinstance(data, dict) else ()
    cases = []
    for i, item in enumerate(raw):
        at = (*base, i)
        if not isinstance(item, dict) or not isinstance(item.get("text"), (str, int, float)):
            findings.append(doc.finding(Level.ERROR, say(N_("case {number} needs a 'text:'"),
                                                         number=i + 1), *at))
            continue
        expect = item.get("expect")
        if expect is None or isinstance(expect, bool):
            expect = NONE if expect is None and "expect" in item else expect
        if not isinstance(expect, str) or not expect.strip():
            findings.append(doc.finding(Level.ERROR, say(N_("case {number} needs 'expect:' with an "
                                                            "entry id or 'none'"), number=i + 1), *at))
            continue
        muni = item.get("municipality")
        lang = item.get("lang")
        cases.append(Case(str(item["text"]), expect.strip(),
                          str(muni) if muni else None, str(lang) if lang else None,
                          doc.where(*at)[0]))
    return cases, findings


def is_expected(entry_id: str, scope: str, expect: str) -> bool:
    """Whether the entry `scope/entry_id` is the one a case expects."""
    want_scope, _, want_id = expect.rpartition("/")
    return entry_id == want_id and (not want_scope or scope == want_scope)


def is_none(expect: str) -> bool:
    return expect.lower() in (NONE, "null", "~")


def example(matcher: Matcher, case: Case) -> fitting.Example:
    """A case as the calibration sees it: its candidates' feature rows and the right one."""
    m = matcher.match(case.text, municipality=case.municipality, limit=100)
    rows = np.array([c.features for c in m.candidates], dtype=np.float64).reshape(
        len(m.candidates), len(decision.FEATURES))
    answerable = not is_none(case.expect)
    right = np.array([answerable and is_expected(c.entry.id, c.entry.scope, case.expect)
                      for c in m.candidates], dtype=bool)
    query = matcher.embedder.embed_one(matcher.meaning_text(case.text)) \
        if matcher.semantic is not None else None
    return fitting.Example(rows, right, answerable,
                            m.small_talk_margin if m.small_talk_margin is not None else -1.0,
                            query, case.text)


def check_case(matcher: Matcher, case: Case, accept_suggested: bool = False) -> CaseResult:
    """Run one case; with `accept_suggested`, an answerable case also passes when the
    expected entry is among the suggestions (a careful "did you mean", not a wrong answer)."""
    m = matcher.match(case.text, municipality=case.municipality)
    got = m.entry.id if m.entry else None
    scope = m.entry.scope if m.entry else None
    suggestions = tuple(e.id for e in m.suggestions)
    expect = case.expect
    if is_none(expect):
        passed = got is None
    else:
        passed = got is not None and is_expected(got, scope or "", expect)
        if accept_suggested and not passed and m.outcome is Outcome.SUGGESTED:
            passed = any(is_expected(e.id, e.scope, expect) for e in m.suggestions)
        if case.lang and m.language != case.lang:
            passed = False
    return CaseResult(case, m.outcome, got, scope, m.language, m.score, suggestions, passed)


def check_cases(matcher: Matcher, cases: list[Case], accept_suggested: bool = False) -> list[CaseResult]:
    return [check_case(matcher, c, accept_suggested) for c in cases]
