"""The overlap checker: a local question that cannot be told apart from another visible one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

import numpy as np
from rapidfuzz import fuzz, process

from bot.knowledge.documents import KeyPath
from bot.i18n import N_
from bot.knowledge.findings import Finding, Level, say
from bot.knowledge.model import COMMON
from bot.knowledge.validation.context import SAME_QUESTION_SCORE, Context, RawEntry, is_text, shown
from bot.text import normalize

# Rows of questions compared at once: bounds the score matrix to rows × all questions.
_CDIST_ROWS = 1024


@dataclass(frozen=True)
class Question:
    entry: RawEntry
    lang: str
    text: str
    normalized: str
    at: KeyPath  # inside the entry

    @property
    def entry_key(self) -> tuple:
        e = self.entry
        return (e.scope, e.id) if e.id else (e.scope, e.doc.name, e.index)

    @property
    def position(self) -> tuple[str, int, int]:
        return (self.entry.doc.name, *self.entry.doc.where(*self.entry.at, *self.at))


def questions_of(e: RawEntry) -> Iterator[Question]:
    questions = e.data.get("questions")
    if not isinstance(questions, dict):
        return
    for lang, variants in questions.items():
        items = [(variants, (lang,))] if isinstance(variants, str) else (
            [(v, (lang, j)) for j, v in enumerate(variants)] if isinstance(variants, list) else [])
        for value, at in items:
            if is_text(value) and (normalized := normalize(str(value))):
                yield Question(e, lang, str(value).strip(), normalized, ("questions", *at))


def close_pairs(queries: list[str], choices: list[str]) -> Iterator[tuple[int, int, float]]:
    """(query index, choice index, score) for every pair at or above SAME_QUESTION_SCORE."""
    for start in range(0, len(queries), _CDIST_ROWS):
        scores = process.cdist(queries[start:start + _CDIST_ROWS], choices, scorer=fuzz.ratio,
                               score_cutoff=SAME_QUESTION_SCORE, workers=-1)
        rows, cols = np.nonzero(scores)  # below the cutoff cdist writes 0
        for row, col in zip(rows.tolist(), cols.tolist(), strict=False):
            yield start + row, col, float(scores[row, col])


def overlaps(local: list[Question], visible: list[Question]) -> Iterator[tuple[Question, Question, float]]:
    """(question to change, question it collides with, score) among `local` and against `visible`.

    Pairs inside `local` are reported at the later question; a pair with a
    question of `visible` (another scope's entries, seen together) at the local one.
    """
    for lang in sorted({q.lang for q in local}):
        mine = [q for q in local if q.lang == lang]
        choices = mine + [q for q in visible if q.lang == lang]
        for i, j, score in close_pairs([q.normalized for q in mine], [q.normalized for q in choices]):
            if j < len(mine) and j <= i:
                continue  # each pair inside `local` once
            a, b = mine[i], choices[j]
            if a.entry_key == b.entry_key:
                continue  # variants of one entry may well be close
            if j < len(mine):
                a, b = sorted((a, b), key=lambda q: q.position, reverse=True)
            yield a, b, score


def check_question_overlap(ctx: Context) -> Iterable[Finding]:
    """Near-identical questions of two entries that are visible together in one scope."""
    by_scope: dict[str, list[Question]] = {}
    ids_by_scope: dict[str, set[str]] = {}
    for e in ctx.entries:
        by_scope.setdefault(e.scope, []).extend(questions_of(e))
        if e.id:
            ids_by_scope.setdefault(e.scope, set()).add(e.id)
    common = by_scope.get(COMMON, [])
    found = list(overlaps(common, []))
    for scope, local in by_scope.items():
        if scope != COMMON:
            # A local entry with a common entry's id replaces it here: that pair is fine.
            replaced = ids_by_scope.get(scope, set())
            found.extend(overlaps(local, [q for q in common if q.entry.id not in replaced]))
    best: dict[tuple, tuple[Question, Question, float]] = {}
    for later, earlier, score in found:
        key = later.position
        kept = best.get(key)
        if kept is None or (-score, earlier.position) < (-kept[2], kept[1].position):
            best[key] = (later, earlier, score)
    for later, earlier, _ in best.values():
        yield later.entry.finding(
            Level.WARNING,
            say(N_("question '{question}' of {entry} is the same as or very close to question "
                   "'{other}' of {other_entry} ({place}); the matcher cannot tell them apart: reword "
                   "one or remove it"), question=shown(later.text), entry=later.entry.label,
                other=shown(earlier.text), other_entry=earlier.entry.label,
                place=f"{earlier.entry.doc.name}:{earlier.position[1]}"),
            *later.at)


# --------------------------------------------------------------------------- running
