"""Figures about the knowledge for coordinators, as data (the CLI formats them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.knowledge import Entry, Knowledge

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



# --------------------------------------------------------------------------- gaps

SUGGESTION_TAKEN_WITHIN = dt.timedelta(minutes=10)
SAME_QUESTION = 85  # rapidfuzz token_set_ratio of two questions' content words, 0–100


@dataclass(frozen=True)
class Gap:
    """Questions nobody answered, grouped: how often, an example, the variants seen."""

    count: int
    example: str
    texts: tuple[str, ...]
    languages: tuple[str, ...]
    municipalities: tuple[str, ...]
    reasons: tuple[str, ...]  # fallback, suggestion not taken, thumbs down


def unanswered(records: list[dict]) -> list[dict]:
    """Fallbacks, suggestions not taken, and questions whose answer got a 👎."""
    out = []
    by_user: dict[str | None, list[dict]] = {}
    for r in records:
        by_user.setdefault(r["user_hash"], []).append(r)
    for rows in by_user.values():
        for i, r in enumerate(rows):
            if r["kind"] == "question" and r["outcome"] == "fallback":
                out.append({**r, "reason": "fallback"})
            elif r["kind"] == "question" and r["outcome"] == "suggested":
                later = rows[i + 1:]
                taken = any(x["kind"] == "suggestion-taken"
                            and x["at"] - r["at"] <= SUGGESTION_TAKEN_WITHIN for x in later[:3])
                if not taken:
                    out.append({**r, "reason": "suggestion not taken"})
            elif r["kind"] == "feedback" and r["value"] == "down":
                question = next((x for x in reversed(rows[:i]) if x["kind"] == "question"), None)
                if question is not None:
                    out.append({**question, "at": r["at"], "reason": "thumbs down"})
    return out


def gaps(records: list[dict], content_words) -> list[Gap]:
    """Groups near-identical unanswered questions, most frequent first.

    `content_words(text, language)` gives the words that carry the question (the
    matcher's: dictionary forms without stop words), so that "skattekort?",
    "hvordan får jeg skattekort" and "skattekortet mitt" fall together.
    """
    from rapidfuzz import fuzz, process

    items = unanswered(records)
    keys = [" ".join(sorted(set(content_words(r["text"] or "", r["language"])))) for r in items]
    # Identical keys first (most questions repeat), then near-identical ones, the commonest
    # key of a group becoming its representative.
    by_key: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        by_key.setdefault(key, []).append(i)
    groups: list[list[int]] = []
    representatives: list[str] = []
    for key, members in sorted(by_key.items(), key=lambda kv: -len(kv[1])):
        hit = process.extractOne(key, representatives, scorer=fuzz.token_set_ratio,
                                 score_cutoff=SAME_QUESTION) if key and representatives else None
        if hit is None:
            groups.append(list(members))
            representatives.append(key)
        else:
            groups[hit[2]].extend(members)
    out = []
    for members in groups:
        texts = [items[i]["text"] for i in members]
        common = max(set(texts), key=texts.count)
        out.append(Gap(
            count=len(members), example=common,
            texts=tuple(dict.fromkeys(texts)),
            languages=tuple(sorted({items[i]["language"] or "?" for i in members})),
            municipalities=tuple(sorted({items[i]["municipality"] or "-" for i in members})),
            reasons=tuple(sorted({items[i]["reason"] for i in members}))))
    out.sort(key=lambda g: (-g.count, g.example))
    return out


def draft_entry(gap: Gap, number: int) -> dict:
    """A skeleton entry for a coordinator to fill in (knowledge format)."""
    questions: dict[str, list[str]] = {}
    for text in gap.texts[:6]:
        questions.setdefault(gap.languages[0] if len(gap.languages) == 1 else "nb", []).append(text)
    return {"topic": "", "entries": [{
        "id": f"gap-{number}", "questions": questions,
        "answer": {lang: "TODO" for lang in gap.languages if lang != "?"} or {"nb": "TODO"},
        "links": [],
    }]}


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class Report:
    since: dt.datetime
    until: dt.datetime
    data_from: dt.datetime | None  # the oldest record kept (retention)
    questions: int
    by_municipality: dict[str, int]
    by_topic: dict[str, int]
    by_language: dict[str, int]
    outcomes: dict[str, int]  # answered, suggested, fallback
    escalated: int  # tickets opened
    tickets_answered: int
    median_first_reply: dt.timedelta | None
    ratings: dict[int, int]
    thumbs: dict[str, int]  # up, down
    top_entries: list[tuple[str, int]]
    weekly: dict[str, dict[str, int]]  # ISO week -> language -> questions


def report(records: list[dict], tickets: list, knowledge: Knowledge, since: dt.datetime,
           until: dt.datetime, data_from: dt.datetime | None) -> Report:
    from collections import Counter
    from statistics import median

    questions = [r for r in records if r["kind"] == "question"]
    topic_of = {e.key: e.topic for e in knowledge.entries}
    by_topic: Counter = Counter()
    for q in questions:
        if q["outcome"] == "answered" and q["entry"] in topic_of:
            by_topic[topic_of[q["entry"]]] += 1
        else:
            by_topic["-"] += 1
    in_range = [t for t in tickets if since <= t.created_at < until]
    replies = [t.first_reply_at - t.created_at for t in in_range if t.first_reply_at]
    weekly: dict[str, Counter] = {}
    for q in questions:
        year, week, _ = q["at"].isocalendar()
        weekly.setdefault(f"{year}-W{week:02d}", Counter())[q["language"] or "?"] += 1
    return Report(
        since=since, until=until, data_from=data_from, questions=len(questions),
        by_municipality=dict(Counter(q["municipality"] or "-" for q in questions).most_common()),
        by_topic=dict(by_topic.most_common()),
        by_language=dict(Counter(q["language"] or "?" for q in questions).most_common()),
        outcomes={k: sum(q["outcome"] == k for q in questions) for k in ("answered", "suggested", "fallback")},
        escalated=len(in_range),
        tickets_answered=len(replies),
        median_first_reply=median(replies) if replies else None,
        ratings=dict(sorted(Counter(t.rating for t in in_range if t.rating).items())),
        thumbs={v: sum(r["kind"] == "feedback" and r["value"] == v for r in records) for v in ("up", "down")},
        top_entries=Counter(q["entry"] for q in questions if q["outcome"] == "answered").most_common(10),
        weekly={w: dict(c) for w, c in sorted(weekly.items())},
    )
