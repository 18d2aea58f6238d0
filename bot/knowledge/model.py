"""The knowledge model: region, municipalities and entries as frozen objects (no I/O)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping

COMMON = "common"
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

Text = Mapping[str, str]


@dataclass(frozen=True)
class Municipality:
    id: str
    name: Text
    aliases: tuple[str, ...] = ()
    website: str | None = None

    def all_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*self.name.values(), *self.aliases]))


@dataclass(frozen=True)
class Region:
    id: str
    name: Text
    languages: tuple[str, ...]
    topics: Mapping[str, Text]
    municipalities: tuple[Municipality, ...]

    @property
    def fallback_language(self) -> str:
        return self.languages[0]

    def municipality(self, municipality_id: str) -> Municipality | None:
        return next((m for m in self.municipalities if m.id == municipality_id), None)


@dataclass(frozen=True)
class Entry:
    id: str
    scope: str  # 'common' or a municipality id
    topic: str
    questions: Mapping[str, tuple[str, ...]]
    answer: Text
    links: tuple[str, ...] = ()
    reviewed: dt.date | None = None
    source: str = ""
    line: int = 0
    web: bool = True  # False: the assistant answers with it, the website leaves it out

    @property
    def key(self) -> str:
        return f"{self.scope}/{self.id}"


@dataclass(frozen=True)
class Knowledge:
    root: Path
    region: Region
    entries: tuple[Entry, ...]
    checklists: Mapping[str, tuple] = field(default_factory=lambda: MappingProxyType({}))  # scope -> steps

    def visible_entries(self, municipality: str | None) -> tuple[Entry, ...]:
        """Entries that answer in `municipality`: common ones, local overrides winning."""
        local = [e for e in self.entries if municipality is not None and e.scope == municipality]
        local_ids = {e.id for e in local}
        common = [e for e in self.entries if e.scope == COMMON and e.id not in local_ids]
        return tuple(common + local)

    def entry(self, entry_id: str, municipality: str | None = None) -> Entry | None:
        """The entry with this id as seen from `municipality` (override first)."""
        for e in self.visible_entries(municipality):
            if e.id == entry_id:
                return e
        return None

    def entry_by_key(self, key: str) -> Entry | None:
        return next((e for e in self.entries if e.key == key), None)


def translated(value: Any) -> dict[str, str] | None:
    """A translated text: a {lang: text} mapping, or a plain string for every language."""
    if isinstance(value, dict):
        return {str(k): str(v).strip() for k, v in value.items()
                if isinstance(v, (str, int, float)) and not isinstance(v, bool)}
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return {"*": str(value).strip()}
    return None


def text_in(text: Text, language: str, fallback: str) -> str:
    """The text in `language`, else the fallback language, else any."""
    for lang in (language, fallback, "*"):
        if text.get(lang):
            return text[lang]
    return next((v for v in text.values() if v), "")


def freeze_text(value: dict[str, str], languages: Iterable[str]) -> Text:
    if set(value) == {"*"}:
        return MappingProxyType({lang: value["*"] for lang in languages})
    return MappingProxyType(dict(value))
