"""Findings: what the loader and the checkers report about a knowledge folder."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Level(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in one place: `path:line:column: level: message`."""

    path: str
    line: int
    column: int
    level: Level
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.level.value}: {self.message}"

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "level": self.level.value,
            "message": self.message,
        }


def has_errors(findings) -> bool:
    return any(f.level is Level.ERROR for f in findings)


class KnowledgeError(Exception):
    """The knowledge folder has errors; see `findings`."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        errors = [f for f in findings if f.level is Level.ERROR]
        super().__init__(f"{len(errors)} error(s) in the knowledge folder")
