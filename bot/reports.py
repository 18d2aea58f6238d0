"""Figures about the knowledge for coordinators, as data (the CLI formats them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.knowledge import COMMON, Entry, Knowledge

STALE_AFTER = dt.timedelta(days=365)


@dataclass(frozen=True)
class Cell:
    entries: int  # entries that answer on this topic in this municipality
    local: int  # of them, the municipality's own


@dataclass(frozen=True)
class Coverage:
    topics: tuple[str, ...]
    municipalities: tuple[str, ...]  # ids, in region order
    cells: dict[tuple[str, str], Cell]  # (municipality, topic) -> cell
    missing: tuple[tuple[str, str, str], ...]  # (entry key, 'questions'|'answer', language)
    stale: tuple[tuple[str, dt.date | None], ...]  # (entry key, reviewed) older than a year or never

    def empty(self) -> list[tuple[str, str]]:
        return [k for k, c in self.cells.items() if c.entries == 0]


def coverage(knowledge: Knowledge, today: dt.date | None = None) -> Coverage:
    today = today or dt.date.today()
    region = knowledge.region
    topics = tuple(region.topics)
    munis = tuple(m.id for m in region.municipalities)
    cells = {}
    for m in munis:
        visible = knowledge.visible_entries(m)
        for t in topics:
            on_topic = [e for e in visible if e.topic == t]
            cells[(m, t)] = Cell(len(on_topic), sum(e.scope == m for e in on_topic))
    missing = []
    for e in knowledge.entries:
        for lang in region.languages:
            if lang not in e.questions:
                missing.append((e.key, "questions", lang))
            if lang not in e.answer:
                missing.append((e.key, "answer", lang))
    stale = tuple((e.key, e.reviewed) for e in knowledge.entries if is_stale(e, today))
    return Coverage(topics, munis, cells, tuple(missing), stale)


def is_stale(entry: Entry, today: dt.date) -> bool:
    return entry.reviewed is None or today - entry.reviewed > STALE_AFTER


__all__ = ["COMMON", "Cell", "Coverage", "coverage", "is_stale"]
