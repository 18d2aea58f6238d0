"""Coordinators' test cases: reading a cases file and checking it against a matcher."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.findings import Finding, Level
from bot.knowledge import Document, parse_yaml
from bot.matching import Matcher, Outcome

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
        findings.append(doc.finding(Level.ERROR, "a cases file needs a 'cases:' list"))
        return [], findings
    base = ("cases",) if isinstance(data, dict) else ()
    cases = []
    for i, item in enumerate(raw):
        at = (*base, i)
        if not isinstance(item, dict) or not isinstance(item.get("text"), (str, int, float)):
            findings.append(doc.finding(Level.ERROR, f"case {i + 1} needs a 'text:'", *at))
            continue
        expect = item.get("expect")
        if expect is None or isinstance(expect, bool):
            expect = NONE if expect is None and "expect" in item else expect
        if not isinstance(expect, str) or not expect.strip():
            findings.append(doc.finding(Level.ERROR, f"case {i + 1} needs 'expect:' with an entry "
                                        "id or 'none'", *at))
            continue
        muni = item.get("municipality")
        lang = item.get("lang")
        cases.append(Case(str(item["text"]), expect.strip(),
                          str(muni) if muni else None, str(lang) if lang else None,
                          doc.where(*at)[0]))
    return cases, findings


def check_case(matcher: Matcher, case: Case) -> CaseResult:
    m = matcher.match(case.text, municipality=case.municipality)
    got = m.entry.id if m.entry else None
    scope = m.entry.scope if m.entry else None
    suggestions = tuple(e.id for e in m.suggestions)
    expect = case.expect
    if expect.lower() in (NONE, "null", "~"):
        passed = got is None
    else:
        want_scope, _, want_id = expect.rpartition("/")
        passed = got == want_id and (not want_scope or scope == want_scope)
        if case.lang and m.language != case.lang:
            passed = False
    return CaseResult(case, m.outcome, got, scope, m.language, m.score, suggestions, passed)


def check_cases(matcher: Matcher, cases: list[Case]) -> list[CaseResult]:
    return [check_case(matcher, c) for c in cases]
