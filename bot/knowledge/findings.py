"""Findings: what the loader and the checkers report about a knowledge folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Callable

from bot.i18n import N_


class Level(str, Enum):
    ERROR = N_("error")
    WARNING = N_("warning")


def _as_is(template: str) -> str:
    return template


@dataclass(frozen=True)
class Message:
    """A message id (English, with {names}) and its values; shown in a language by `render`.

    A value may be a Message itself (a label, a hint): it is rendered in the same language.
    """

    template: str
    values: tuple[tuple[str, Any], ...] = ()

    def render(self, gettext: Callable[[str], str] = _as_is) -> str:
        values = {k: v.render(gettext) if isinstance(v, Message) else v for k, v in self.values}
        return gettext(self.template).format(**values)

    def __str__(self) -> str:
        return self.render()


def say(template: str, /, **values: Any) -> Message:
    """A translatable message: `say(N_("entry '{entry}' has no answer"), entry=...)`."""
    return Message(template, tuple(values.items()))


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in one place: `path:line:column: level: message`."""

    path: str
    line: int
    column: int
    level: Level
    message: str  # English; given a Message, the finding keeps it in `text` for other languages
    text: Message | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.message, Message):
            object.__setattr__(self, "text", self.message)
            object.__setattr__(self, "message", self.message.render())

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.level.value}: {self.message}"

    def render(self, gettext: Callable[[str], str]) -> str:
        """The finding's line with its level and message through `gettext` (the same place)."""
        message = self.text.render(gettext) if self.text is not None else self.message
        return f"{self.path}:{self.line}:{self.column}: {gettext(self.level.value)}: {message}"

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
