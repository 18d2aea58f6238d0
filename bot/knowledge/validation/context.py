"""What the checkers read (the raw documents and the model) and the helpers they share."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Iterator, Sequence
from urllib.parse import urlsplit

from rapidfuzz import fuzz, process, utils

from bot.knowledge.documents import Document, KeyPath
from bot.i18n import N_
from bot.knowledge.findings import Finding, Level, Message, say
from bot.knowledge.model import ID_PATTERN
from bot.knowledge.reading import Parsed
from bot.text import fold


REGION_KEYS = ("id", "name", "languages", "topics", "municipalities")
MUNICIPALITY_KEYS = ("id", "name", "aliases", "website")
FILE_KEYS = ("topic", "entries")
ENTRY_KEYS = ("id", "topic", "questions", "answer", "links", "reviewed", "web")

# Scores are rapidfuzz fuzz.ratio values, 0–100.
SAME_QUESTION_SCORE = 92  # two normalised questions from here up cannot be told apart
SUGGESTION_SCORE = 65  # an unknown word this close to a known one gets "did you mean"
REVIEW_MAX_AGE = dt.timedelta(days=365)

# Path of the finding that reports a bug in a checker (never a content problem).
INTERNAL = "<validator>"


@dataclass(frozen=True)
class RawEntry:
    """One entry mapping as written in a faq file, with where it sits."""

    doc: Document
    index: int
    data: dict
    scope: str

    @property
    def at(self) -> KeyPath:
        return ("entries", self.index)

    @property
    def id(self) -> str | None:
        value = self.data.get("id")
        return value.strip() if isinstance(value, str) and value.strip() else None

    @property
    def label(self) -> Message:
        return (say(N_("entry '{id}'"), id=self.id) if self.id
                else say(N_("entry number {number}"), number=self.index + 1))

    def finding(self, level: Level, message: str | Message, *path: Any, key: bool = False) -> Finding:
        return self.doc.finding(level, message, *self.at, *path, key=key)

    def line(self, *path: Any) -> int:
        return self.doc.where(*self.at, *path)[0]


@dataclass(frozen=True)
class Context:
    """What the checkers look at; region facts are None when region.yaml cannot tell them."""

    parsed: Parsed
    today: dt.date
    region_data: dict | None
    languages: tuple[str, ...] | None
    topics: tuple[str, ...] | None
    municipality_ids: tuple[str, ...] | None
    entries: tuple[RawEntry, ...]

    @property
    def region_doc(self) -> Document | None:
        return self.parsed.region_doc

    @property
    def faq_docs(self) -> tuple[Document, ...]:
        return self.parsed.faq_docs


def scope_of(doc: Document) -> str:
    return doc.path.parent.name


def make_context(parsed: Parsed, today: dt.date) -> Context:
    region_doc = parsed.region_doc
    region_data = region_doc.data if region_doc is not None and isinstance(region_doc.data, dict) else None
    languages = parsed.knowledge.region.languages if parsed.knowledge is not None else None
    topics = municipality_ids = None
    if region_data is not None:
        if isinstance(region_data.get("topics"), dict):
            topics = tuple(region_data["topics"])
        if isinstance(region_data.get("municipalities"), list):
            municipality_ids = tuple(m["id"] for m in region_data["municipalities"]
                                     if isinstance(m, dict) and isinstance(m.get("id"), str))
    entries = []
    for doc in parsed.faq_docs:
        raw_entries = doc.data.get("entries") if isinstance(doc.data, dict) else None
        if isinstance(raw_entries, list):
            entries.extend(RawEntry(doc, i, raw, scope_of(doc))
                           for i, raw in enumerate(raw_entries) if isinstance(raw, dict))
    return Context(parsed, today, region_data, languages, topics, municipality_ids, tuple(entries))




def suggestion(word: Any, choices: Sequence[str]) -> str | None:
    """The known word closest to `word`, if it is close enough to be a typo."""
    if not isinstance(word, str) or not choices:
        return None
    best = process.extractOne(word, list(choices), scorer=fuzz.ratio,
                              processor=utils.default_process, score_cutoff=SUGGESTION_SCORE)
    return best[0] if best else None


def did_you_mean(word: Any, choices: Sequence[str], otherwise: Message) -> Message:
    close = suggestion(word, choices)
    return say(N_("did you mean '{word}'?"), word=close) if close else otherwise


def is_text(value: Any) -> bool:
    """A scalar the loader accepts as text (numbers too, as in `translated`)."""
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def kind(value: Any) -> Message:
    if value is None:
        return say(N_("empty"))
    if isinstance(value, bool):
        return say(N_("true/false"))
    if isinstance(value, (int, float)):
        return say(N_("a number"))
    if isinstance(value, list):
        return say(N_("a list"))
    if isinstance(value, dict):
        return say(N_("a mapping"))
    if isinstance(value, str):
        return say(N_("a text"))
    return say(N_("not text"))


def shown(value: Any, limit: int = 80) -> str:
    """A value as it can be quoted in a one-line message."""
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text if len(text) <= limit else text[:limit - 1] + "…"


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(value)).strip("-")


def id_problem(what: Message, value: str) -> Message | None:
    """The message for an id that breaks ID_PATTERN, or None."""
    if ID_PATTERN.match(value):
        return None
    fixed = slug(value)
    fix = say(N_("write it as '{id}'"), id=fixed) if fixed else say(N_("use e.g. 'tax-card'"))
    return say(N_("{what} '{value}' may only hold lowercase letters, digits and '-'; {fix}"),
               what=what, value=shown(value), fix=fix)


def is_web_address(value: Any) -> bool:
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # e.g. a bad port or a broken IPv6 address
        return False
    return parts.scheme in ("http", "https") and bool(host) and "." in host.strip(".")


def web_address_fix(value: Any) -> Message:
    if isinstance(value, str) and not re.search(r"[:@]", value) and is_web_address("https://" + value):
        return say(N_("write it as https://{address}"), address=value)
    return say(N_("write it as https://…"))


def language_list(languages: Sequence[str]) -> str:
    return ", ".join(languages)


def unknown_keys(doc: Document, path: KeyPath, data: dict, allowed: Sequence[str],
                 where: Message) -> Iterator[Finding]:
    for key in data:
        if key not in allowed:
            hint = did_you_mean(key, allowed, say(N_("remove it or use one of: {keys}"),
                                                  keys=", ".join(allowed)))
            yield doc.finding(Level.ERROR, say(N_("unknown key '{key}' {where}; {hint}"),
                                               key=shown(key), where=where, hint=hint),
                              *path, key, key=True)


def municipality_label(m: dict, index: int) -> Message:
    mid = m.get("id")
    return (say(N_("municipality '{id}'"), id=mid) if isinstance(mid, str) and mid
            else say(N_("municipality number {number}"), number=index + 1))


def municipalities(ctx: Context) -> Iterator[tuple[int, dict]]:
    raw = ctx.region_data.get("municipalities") if ctx.region_data else None
    if isinstance(raw, list):
        for i, m in enumerate(raw):
            if isinstance(m, dict):
                yield i, m


# --------------------------------------------------------------------------- checkers: region
