"""The arrival checklist: steps of the first months, who they are for, and when they are due.

Steps are knowledge (`knowledge/checklist/common.yaml`, and `<municipality>.yaml`
adding or replacing steps by id). A user's answers (arrival date, EU/EEA or not,
children, Armed Forces family) select the steps; progress and reminders are part
of the user's state. No Telegram here.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

from bot.knowledge.documents import Document, parse_yaml
from bot.i18n import N_
from bot.knowledge.findings import Finding, Level, say
from bot.knowledge.model import ID_PATTERN, Knowledge, translated

AUDIENCES = ("all", "eu", "non-eu", "children", "armed-forces")
STEP_KEYS = ("id", "title", "entry", "for", "due")


@dataclass(frozen=True)
class Step:
    id: str
    title: Mapping[str, str]
    entry: str
    audience: tuple[str, ...]
    days: int | None = None  # due this many days after arrival ...
    yearly: tuple[int, int] | None = None  # ... or on this (month, day) every year
    scope: str = "common"

    def due(self, arrival: dt.date | None) -> dt.date | None:
        if arrival is None:
            return None
        if self.days is not None:
            return arrival + dt.timedelta(days=self.days)
        month, day = self.yearly
        for year in (arrival.year, arrival.year + 1):
            try:
                when = dt.date(year, month, day)
            except ValueError:  # 29 February
                when = dt.date(year, month, 28)
            if when >= arrival:
                return when
        return None


@dataclass(frozen=True)
class Progress:
    """A user's checklist: answers, steps done, reminders (kept with the user's state)."""

    asking: str | None = "arrival"  # the question being asked, None when set up
    arrival: dt.date | None = None
    arrived: bool = True  # False: not arrived yet (no due dates)
    eu: bool | None = None
    children: bool | None = None
    armed_forces: bool | None = None
    done: frozenset[str] = frozenset()
    reminders: bool = True
    snoozed: Mapping[str, dt.date] = field(default_factory=dict)  # step -> not before
    reminded: Mapping[str, dt.date] = field(default_factory=dict)  # step -> last reminded
    last_reminder: dt.date | None = None

    def audience(self) -> set[str]:
        who = {"all", "eu" if self.eu else "non-eu"}
        if self.children:
            who.add("children")
        if self.armed_forces:
            who.add("armed-forces")
        return who

    def to_json(self) -> str:
        return json.dumps({
            "asking": self.asking, "arrival": self.arrival.isoformat() if self.arrival else None,
            "arrived": self.arrived, "eu": self.eu, "children": self.children,
            "armed_forces": self.armed_forces, "done": sorted(self.done),
            "reminders": self.reminders,
            "snoozed": {k: v.isoformat() for k, v in self.snoozed.items()},
            "reminded": {k: v.isoformat() for k, v in self.reminded.items()},
            "last_reminder": self.last_reminder.isoformat() if self.last_reminder else None})

    @classmethod
    def from_json(cls, text: str | None) -> "Progress | None":
        if not text:
            return None
        d = json.loads(text)
        day = lambda v: dt.date.fromisoformat(v) if v else None  # noqa: E731
        return cls(asking=d["asking"], arrival=day(d["arrival"]), arrived=d["arrived"], eu=d["eu"],
                   children=d["children"], armed_forces=d["armed_forces"],
                   done=frozenset(d["done"]), reminders=d["reminders"],
                   snoozed={k: day(v) for k, v in d["snoozed"].items()},
                   reminded={k: day(v) for k, v in d["reminded"].items()},
                   last_reminder=day(d["last_reminder"]))


def steps_for(knowledge: Knowledge, municipality: str | None) -> tuple[Step, ...]:
    """The common steps, with the municipality's own added or replacing by id."""
    steps = {s.id: s for s in knowledge.checklists.get("common", ())}
    if municipality:
        for s in knowledge.checklists.get(municipality, ()):
            steps[s.id] = s
    return tuple(steps.values())


def plan(knowledge: Knowledge, municipality: str | None,
         progress: Progress) -> list[tuple[Step, dt.date | None]]:
    """The user's steps in order of their due dates (undated last, in file order)."""
    who = progress.audience()
    arrival = progress.arrival if progress.arrived else None
    chosen = [(s, s.due(arrival)) for s in steps_for(knowledge, municipality)
              if who & set(s.audience)]
    return sorted(chosen, key=lambda sd: (sd[1] is None, sd[1] or dt.date.max))


def due_now(knowledge: Knowledge, municipality: str | None, progress: Progress,
            today: dt.date) -> list[Step]:
    """Steps to remind of today: due, not done, not snoozed, not reminded before."""
    if not progress.reminders or progress.asking or progress.last_reminder == today:
        return []
    out = []
    for step, due in plan(knowledge, municipality, progress):
        if due is None or due > today or step.id in progress.done:
            continue
        if step.id in progress.snoozed:
            if progress.snoozed[step.id] > today:
                continue
        elif step.id in progress.reminded:
            continue
        out.append(step)
    return out


def mark_reminded(progress: Progress, steps: list[Step], today: dt.date) -> Progress:
    reminded = dict(progress.reminded)
    snoozed = {k: v for k, v in progress.snoozed.items() if k not in {s.id for s in steps}}
    for s in steps:
        reminded[s.id] = today
    return replace(progress, reminded=reminded, snoozed=snoozed, last_reminder=today)


# --------------------------------------------------------------------------- loading


def read_checklists(root: Path, knowledge: Knowledge) -> tuple[dict[str, tuple[Step, ...]], list[Finding]]:
    """knowledge/checklist/*.yaml, checked against the region and the FAQ entries."""
    findings: list[Finding] = []
    folder = Path(root) / "checklist"
    result: dict[str, tuple[Step, ...]] = {}
    if not folder.is_dir():
        return result, findings
    region = knowledge.region
    scopes = {"common", *(m.id for m in region.municipalities)}
    for path in sorted(folder.glob("*.y*ml")):
        name = path.relative_to(root).as_posix()
        scope = path.stem
        if scope not in scopes:
            findings.append(Finding(name, 1, 1, Level.ERROR, say(N_(
                "checklist/{file} is neither common.yaml nor a municipality of region.yaml "
                "({municipalities})"), file=path.name,
                municipalities=", ".join(sorted(scopes - {"common"})))))
            continue
        doc = parse_yaml(path, name, findings)
        if doc is None:
            continue
        result[scope] = tuple(_steps(doc, scope, knowledge, findings))
    return result, findings


def _due(due) -> tuple[int | None, tuple[int, int] | None]:
    """(days after arrival, (month, day) every year); both None when `due` is neither."""
    days = yearly = None
    if isinstance(due, dict) and isinstance(due.get("days"), int) and due["days"] >= 0:
        days = due["days"]
    elif isinstance(due, dict) and isinstance(due.get("date"), str):
        try:
            month, day = (int(x) for x in due["date"].split("-"))
            dt.date(2024, month, day)
            yearly = (month, day)
        except ValueError:
            pass
    return days, yearly


def _steps(doc: Document, scope: str, knowledge: Knowledge, findings: list[Finding]):
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        findings.append(doc.finding(Level.ERROR, say(N_("a checklist file needs a 'steps:' list"))))
        return
    visible = {e.id for e in knowledge.visible_entries(None if scope == "common" else scope)}
    languages = knowledge.region.languages
    seen: set[str] = set()
    for i, raw in enumerate(data["steps"]):
        at = ("steps", i)
        if not isinstance(raw, dict):
            findings.append(doc.finding(Level.ERROR, say(N_("step {number} must be a mapping starting "
                                                            "with '- id: …'"), number=i + 1), *at))
            continue
        for key in raw:
            if key not in STEP_KEYS:
                findings.append(doc.finding(Level.ERROR, say(N_(
                    "unknown key '{key}' in a step; a step has {keys}"), key=key,
                    keys=", ".join(STEP_KEYS)), *at, key, key=True))
        sid = raw.get("id")
        if not isinstance(sid, str) or not ID_PATTERN.match(sid):
            findings.append(doc.finding(Level.ERROR, say(N_("step {number} needs an id of lowercase "
                                                            "letters, digits and '-'"),
                                                         number=i + 1), *at))
            continue
        if sid in seen:
            findings.append(doc.finding(Level.ERROR, say(N_("step id '{id}' appears twice; rename one"),
                                                         id=sid),
                                        *at, "id"))
            continue
        seen.add(sid)
        title = translated(raw.get("title")) or {}
        if "*" in title:
            title = {lang: title["*"] for lang in languages}
        for lang in languages:
            if not title.get(lang):
                findings.append(doc.finding(Level.WARNING, say(N_(
                    "step '{id}' has no title in '{lang}'; add title.{lang}"), id=sid, lang=lang),
                    *at, "title"))
        entry = raw.get("entry")
        if entry not in visible:
            findings.append(doc.finding(Level.ERROR, say(N_(
                "step '{id}' links to entry '{entry}', which does not answer in {scope}; use the id "
                "of an FAQ entry"), id=sid, entry=entry, scope=scope), *at, "entry"))
            continue
        audience = raw.get("for", ["all"])
        audience = [audience] if isinstance(audience, str) else audience
        if not isinstance(audience, list) or not audience or any(a not in AUDIENCES for a in audience):
            findings.append(doc.finding(Level.ERROR, say(N_("step '{id}': 'for' must list some of "
                                                            "{audiences}"), id=sid,
                                                         audiences=", ".join(AUDIENCES)), *at, "for"))
            continue
        days, yearly = _due(raw.get("due"))
        if days is None and yearly is None:
            findings.append(doc.finding(Level.ERROR, say(N_(
                "step '{id}': due must be {{days: 8}} (days after arrival) or {{date: \"03-01\"}} "
                "(a date every year, MM-DD)"), id=sid), *at, "due"))
            continue
        yield Step(sid, title, entry, tuple(audience), days, yearly, scope)
