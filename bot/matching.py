"""Matching a newcomer's message to a knowledge entry.

The method, in the order a message goes through it:

1. Fold and split the text into words (`bot.text`), guess its language
   (`bot.language`), and find a municipality or town named in it.
2. Drop stop words and numbers. Map every remaining word to the terms of the
   knowledge: exact, inflected (a shared stem with a short ending), or fuzzy
   (rapidfuzz `ratio` over the whole vocabulary at once, with a cut-off by word
   length). Words that are two known terms glued together (Norwegian and German
   compounds) are split; two words that are one known term apart are joined.
3. Weight each word by the inverse document frequency of the term it matched;
   a word the knowledge has never seen weighs as much as the rarest term, so
   that an unknown subject ("driving licence") is not answered by its one
   known word ("licence").
4. Score each question variant of each visible entry on two sides: how much of
   the message it covers and how much of the variant the message covers. Take
   each entry's best variant, blend in how much of the message the entry as a
   whole (questions, topic name, answer) covers, and rank.
5. Decide by the named thresholds below: answer when the best entry is good
   enough and clear of the second; suggest the close ones when it is not;
   otherwise fall back to a person.

Scores are 0–100. Nothing here does I/O, uses gettext or imports telegram.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from typing import Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from bot.knowledge import COMMON, Entry, Knowledge
from bot.language import Guess, LanguageModel, stop_words
from bot.text import fold, words


@dataclass(frozen=True)
class Thresholds:
    """The score cut-offs (0–100) that turn a ranking into an outcome.

    answer:          the best entry needs at least this score to be answered ...
    margin:          ... and must lead the second-best entry by this much;
    sure:            at or above this score the margin is not required (two
                     entries that both fit perfectly are still ambiguous, so
                     `sure` should stay near 100);
    suggest:         entries scoring this or more may be offered as "did you mean";
    suggest_window:  only entries within this distance of the best are offered;
    max_suggestions: at most this many suggestions.
    """

    answer: float = 62.0
    margin: float = 6.0
    sure: float = 97.0
    suggest: float = 38.0
    suggest_window: float = 25.0
    max_suggestions: int = 3


# How much a term counts in each field of an entry when scoring the entry as a whole.
FIELD_WEIGHTS = {"question": 1.0, "topic": 0.7, "answer": 0.6}
# How much the variant's side weighs against the message's side in a variant's score.
VARIANT_SIDE = 0.55
# How much an entry's best variant weighs against the entry as a whole.
VARIANT_VS_ENTRY = 0.75


class Outcome(str, Enum):
    ANSWERED = "answered"
    SUGGESTED = "suggested"
    FALLBACK = "fallback"


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    score: float
    variant: str  # the question variant that fitted best
    message_side: float  # share of the message covered by that variant, 0–100
    variant_side: float  # share of that variant covered by the message, 0–100
    entry_side: float  # share of the message covered by the whole entry, 0–100


@dataclass(frozen=True)
class Match:
    outcome: Outcome
    language: str
    language_certain: bool
    municipality: str | None  # the one used for this question
    municipality_from_text: bool
    candidates: tuple[Candidate, ...]  # best first
    suggestions: tuple[Entry, ...] = ()
    words: tuple[str, ...] = ()  # the words the scoring used (for --explain)

    @property
    def entry(self) -> Entry | None:
        return self.candidates[0].entry if self.outcome is Outcome.ANSWERED else None

    @property
    def score(self) -> float:
        return self.candidates[0].score if self.candidates else 0.0


# --------------------------------------------------------------------------- vocabulary


def _inflection_ok(shorter: str, longer: str) -> bool:
    """`longer` is `shorter` plus a short ending (skattekort → skattekortet)."""
    diff = len(longer) - len(shorter)
    if len(shorter) < 4 or not longer.startswith(shorter):
        return False
    return diff <= (1 if len(shorter) == 4 else 2 if len(shorter) <= 6 else 3)


def _fuzzy_cutoff(length: int) -> float | None:
    if length <= 4:
        return None  # short words: exact or inflected only
    return 80.0 if length <= 8 else 82.0


class Vocabulary:
    """Every term of the knowledge, with the entries' document frequencies."""

    INFLECTED = 0.92

    def __init__(self, terms: Iterable[str]):
        self.terms: list[str] = sorted(set(terms))
        self.ids = {t: i for i, t in enumerate(self.terms)}
        self._cache: dict[str, tuple[tuple[int, float], ...]] = {}

    def lookup(self, word: str) -> tuple[tuple[int, float], ...]:
        """Terms that `word` may stand for, with a similarity 0–1, best first."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        found: dict[int, float] = {}
        exact = self.ids.get(word)
        if exact is not None:
            found[exact] = 1.0
        # terms that extend the word: kort → korte, kortet
        lo = bisect.bisect_left(self.terms, word)
        hi = bisect.bisect_left(self.terms, word + "\uffff")
        for i in range(lo, min(hi, lo + 50)):
            if _inflection_ok(word, self.terms[i]):
                found.setdefault(i, self.INFLECTED)
        # terms the word extends: skattekortet → skattekort
        for cut in range(max(4, len(word) - 3), len(word)):
            i = self.ids.get(word[:cut])
            if i is not None and _inflection_ok(word[:cut], word):
                found[i] = max(found.get(i, 0.0), self.INFLECTED)
        cutoff = _fuzzy_cutoff(len(word))
        if cutoff is not None and not (exact is not None and len(found) > 3):
            for _, score, i in process.extract(word, self.terms, scorer=fuzz.ratio,
                                               score_cutoff=cutoff, limit=8):
                found[i] = max(found.get(i, 0.0), min(score / 100.0, 0.95))
        result = tuple(sorted(found.items(), key=lambda kv: -kv[1]))
        if len(self._cache) > 200_000:
            self._cache.clear()
        self._cache[word] = result
        return result

    def best(self, word: str) -> float:
        hits = self.lookup(word)
        return hits[0][1] if hits else 0.0


# --------------------------------------------------------------------------- index


@dataclass
class _ScopeIndex:
    """The entries of one scope (common or a municipality) as postings."""

    entries: list[Entry]
    variant_entry: np.ndarray  # variant -> entry position
    variant_text: list[str]
    variant_norm: np.ndarray  # sum of idf over each variant's distinct terms
    variant_postings: dict[int, np.ndarray]  # term -> variants that contain it
    entry_postings: dict[int, tuple[np.ndarray, np.ndarray]]  # term -> (entries, field weight)
    positions: dict[str, int] = field(default_factory=dict)  # entry id -> position


@dataclass
class _Word:
    text: str
    weight: float
    hits: tuple[tuple[int, float], ...]
    optional: bool = False  # a place name: counts only where it matches


class Matcher:
    """Ranks the entries visible in a municipality for a message and decides."""

    def __init__(self, knowledge: Knowledge, thresholds: Thresholds | None = None):
        self.knowledge = knowledge
        self.thresholds = thresholds or Thresholds()
        region = knowledge.region
        self.stop = frozenset().union(*(stop_words(lang) for lang in region.languages))
        self._places = _PlaceFinder(knowledge)

        texts: dict[str, list[str]] = {lang: [] for lang in region.languages}
        for e in knowledge.entries:
            for lang, qs in e.questions.items():
                texts.setdefault(lang, []).extend(qs)
            for lang, a in e.answer.items():
                texts.setdefault(lang, []).append(a)
        self.languages = LanguageModel({lang: texts[lang] for lang in region.languages})

        # Terms per entry and field; document frequency over entries.
        fields: list[dict[str, set[str]]] = []
        df: Counter = Counter()
        for e in knowledge.entries:
            topic_name = region.topics.get(e.topic, {})
            f = {
                "question": {w for qs in e.questions.values() for q in qs for w in self._terms(q)},
                "topic": {w for name in topic_name.values() for w in self._terms(name)}
                         | set(self._terms(e.topic.replace("-", " "))),
                "answer": {w for a in e.answer.values() for w in self._terms(a)},
            }
            fields.append(f)
            df.update(set().union(*f.values()))
        self.vocabulary = Vocabulary(df)
        n = max(1, len(knowledge.entries))
        self.idf = np.array([math.log(1 + n / df[t]) for t in self.vocabulary.terms])
        self.unknown_idf = math.log(1 + n)

        self._indexes: dict[str, _ScopeIndex] = {}
        by_scope: dict[str, list[int]] = {}
        for i, e in enumerate(knowledge.entries):
            by_scope.setdefault(e.scope, []).append(i)
        for scope, idxs in by_scope.items():
            self._indexes[scope] = self._build_scope([knowledge.entries[i] for i in idxs],
                                                     [fields[i] for i in idxs])

    def _terms(self, text: str) -> list[str]:
        return [w for w in words(text) if w not in self.stop and not w.isdigit() and len(w) > 1]

    def _build_scope(self, entries: list[Entry], fields: list[dict[str, set[str]]]) -> _ScopeIndex:
        ids = self.vocabulary.ids
        variant_entry, variant_text, variant_norm = [], [], []
        vpost: dict[int, list[int]] = {}
        epost: dict[int, dict[int, float]] = {}
        for pos, (e, f) in enumerate(zip(entries, fields)):
            for name in ("answer", "topic", "question"):  # later fields overwrite: max weight
                for t in f[name]:
                    epost.setdefault(ids[t], {})[pos] = FIELD_WEIGHTS[name]
            for qs in e.questions.values():
                for q in qs:
                    terms = {ids[t] for t in self._terms(q)}
                    if not terms:
                        continue
                    v = len(variant_entry)
                    variant_entry.append(pos)
                    variant_text.append(q)
                    variant_norm.append(sum(self.idf[t] for t in terms))
                    for t in terms:
                        vpost.setdefault(t, []).append(v)
        return _ScopeIndex(
            entries=entries,
            variant_entry=np.array(variant_entry, dtype=np.int32),
            variant_text=variant_text,
            variant_norm=np.array(variant_norm, dtype=np.float64),
            variant_postings={t: np.array(v, dtype=np.int32) for t, v in vpost.items()},
            entry_postings={t: (np.array(list(d), dtype=np.int32),
                                np.array(list(d.values()), dtype=np.float64))
                            for t, d in epost.items()},
            positions={e.id: i for i, e in enumerate(entries)},
        )

    # ----------------------------------------------------------------- query side

    def _words(self, raw: list[str], place_words: set[int]) -> list[_Word]:
        vocab = self.vocabulary
        kept = [(i, w) for i, w in enumerate(raw)
                if w not in self.stop and not w.isdigit() and len(w) > 1]
        out: list[_Word] = []
        j = 0
        while j < len(kept):
            i, w = kept[j]
            # Two words that are one known term: "steuer karte", "barne hage".
            if j + 1 < len(kept) and kept[j + 1][0] == i + 1:
                joined = w + kept[j + 1][1]
                if vocab.best(joined) >= 0.9 and max(vocab.best(w), vocab.best(kept[j + 1][1])) < 0.9:
                    out.append(self._word(joined))
                    j += 2
                    continue
            if i in place_words:
                word = self._word(w)
                word.optional = True
                out.append(word)
            else:
                out.extend(self._split(w))
            j += 1
        return out

    def _word(self, w: str) -> _Word:
        hits = self.vocabulary.lookup(w)
        weight = self.idf[hits[0][0]] if hits else self.unknown_idf
        return _Word(w, float(weight), hits)

    def _split(self, w: str) -> list[_Word]:
        """The word, or its two parts when it is a compound of known terms."""
        whole = self._word(w)
        if len(w) < 7 or (whole.hits and whole.hits[0][1] >= 0.9):
            return [whole]
        best_parts, best_sim = None, 0.0
        for cut in range(3, len(w) - 2):
            head, tail = w[:cut], w[cut:]
            head_sim = self.vocabulary.best(head)
            if head_sim < 0.9 and head[-1] in "se" and len(head) > 4:
                head_sim = self.vocabulary.best(head[:-1])  # linking s/e: arbeidsgiver
            if head_sim < 0.9:
                continue
            tail_sim = self.vocabulary.best(tail)
            if tail_sim >= 0.85 and min(head_sim, tail_sim) > best_sim:
                best_parts, best_sim = (head, tail), min(head_sim, tail_sim)
        if best_parts is None or (whole.hits and whole.hits[0][1] >= best_sim):
            return [whole]
        parts = [self._word(p) for p in best_parts]
        if parts[0].hits == () and best_parts[0][-1] in "se":
            parts[0] = self._word(best_parts[0][:-1])
        for p in parts:
            p.weight = whole.weight / 2 if whole.hits else max(p.weight, whole.weight / 2)
        return parts

    # ----------------------------------------------------------------- scoring

    def _score_scope(self, index: _ScopeIndex, qwords: list[_Word],
                     hidden: set[str]) -> list[Candidate]:
        nv = len(index.variant_entry)
        ne = len(index.entries)
        if nv == 0:
            return []
        required = sum(w.weight for w in qwords if not w.optional)
        msg_num = np.zeros(nv)
        msg_den = np.full(nv, required)
        ent_num = np.zeros(ne)
        ent_den = np.full(ne, required)
        term_best: dict[int, float] = {}
        for w in qwords:
            per_variant = np.zeros(nv)
            per_entry = np.zeros(ne)
            for t, sim in w.hits:
                if sim > term_best.get(t, 0.0):
                    term_best[t] = sim
                vs = index.variant_postings.get(t)
                if vs is not None:
                    per_variant[vs] = np.maximum(per_variant[vs], sim)
                ep = index.entry_postings.get(t)
                if ep is not None:
                    es, fw = ep
                    per_entry[es] = np.maximum(per_entry[es], sim * fw)
            msg_num += w.weight * per_variant
            ent_num += w.weight * per_entry
            if w.optional:
                msg_den += w.weight * per_variant
                ent_den += w.weight * per_entry
        var_num = np.zeros(nv)
        for t, sim in term_best.items():
            vs = index.variant_postings.get(t)
            if vs is not None:
                var_num[vs] += self.idf[t] * sim
        with np.errstate(divide="ignore", invalid="ignore"):
            msg_side = np.where(msg_den > 0, msg_num / msg_den, 0.0)
            ent_side = np.where(ent_den > 0, ent_num / ent_den, 0.0)
        var_side = np.minimum(1.0, var_num / index.variant_norm)
        variant_score = np.sqrt(np.clip(msg_side, 0, 1) ** (1 - VARIANT_SIDE) *
                                np.clip(var_side, 0, 1) ** VARIANT_SIDE) ** 2
        # best variant of each entry
        best_variant = np.full(ne, -1, dtype=np.int64)
        best_score = np.full(ne, -1.0)
        order = np.argsort(variant_score, kind="stable")
        best_score[index.variant_entry[order]] = variant_score[order]
        best_variant[index.variant_entry[order]] = order
        total = VARIANT_VS_ENTRY * best_score + (1 - VARIANT_VS_ENTRY) * np.clip(ent_side, 0, 1)
        out = []
        for pos in np.nonzero(total > 0)[0]:
            e = index.entries[pos]
            if e.id in hidden:
                continue
            v = int(best_variant[pos])
            out.append(Candidate(e, round(float(total[pos]) * 100, 1), index.variant_text[v],
                                 round(float(msg_side[v]) * 100, 1),
                                 round(float(var_side[v]) * 100, 1),
                                 round(float(ent_side[pos]) * 100, 1)))
        return out

    def rank(self, qwords: list[_Word], municipality: str | None) -> list[Candidate]:
        candidates: list[Candidate] = []
        local = self._indexes.get(municipality) if municipality else None
        overridden = set(local.positions) if local else set()
        if COMMON in self._indexes:
            candidates += self._score_scope(self._indexes[COMMON], qwords, overridden)
        if local is not None:
            candidates += self._score_scope(local, qwords, set())
        candidates.sort(key=lambda c: (-c.score, c.entry.id))
        return candidates

    # ----------------------------------------------------------------- public

    def match(self, text: str, municipality: str | None = None,
              language: str | None = None, limit: int = 5) -> Match:
        """Rank and decide for one message from a user in `municipality`."""
        raw = words(text)
        guess: Guess = self.languages.guess(raw, preferred=language)
        named, place_words = self._places.find(raw)
        used_municipality = named or municipality
        qwords = self._words(raw, place_words)
        if not any(not w.optional for w in qwords):
            qwords = [w for w in qwords if w.hits]  # only a place name: match on it
        candidates = self.rank(qwords, used_municipality) if qwords else []
        lang = guess.language
        if not guess.certain and language is None and candidates:
            lang = self._variant_language(candidates[0]) or lang
        outcome, suggestions = self.decide(candidates)
        return Match(outcome, lang, guess.certain, used_municipality, named is not None,
                     tuple(candidates[:limit]), tuple(suggestions),
                     tuple(w.text for w in qwords))

    def _variant_language(self, candidate: Candidate) -> str | None:
        for lang, qs in candidate.entry.questions.items():
            if candidate.variant in qs and candidate.variant_side >= 99:
                return lang
        return None

    def decide(self, candidates: Sequence[Candidate]) -> tuple[Outcome, list[Entry]]:
        th = self.thresholds
        if not candidates or candidates[0].score < th.suggest:
            return Outcome.FALLBACK, []
        best = candidates[0].score
        second = candidates[1].score if len(candidates) > 1 else 0.0
        if best >= th.answer and (best - second >= th.margin or best >= th.sure):
            return Outcome.ANSWERED, []
        close = [c.entry for c in candidates
                 if c.score >= th.suggest and best - c.score <= th.suggest_window]
        return Outcome.SUGGESTED, close[:th.max_suggestions]


# --------------------------------------------------------------------------- places


class _PlaceFinder:
    """Finds a municipality or town named in a message: 'i Bardu', 'in Finnsnes'."""

    def __init__(self, knowledge: Knowledge):
        self.names: dict[str, str] = {}  # folded name -> municipality id
        self.multi: list[tuple[tuple[str, ...], str]] = []
        for m in knowledge.region.municipalities:
            for name in (*m.name.values(), *m.aliases, m.id):
                parts = tuple(words(name))
                if len(parts) == 1:
                    self.names.setdefault(parts[0], m.id)
                elif parts:
                    self.multi.append((parts, m.id))
        self._choices = list(self.names)

    def _lookup(self, word: str) -> str | None:
        if word in self.names:
            return self.names[word]
        if len(word) < 5:
            return None
        for cut in (1, 2):  # genitive and inflection: Bardus, Finnsnesa
            if word[:-cut] in self.names and len(word[:-cut]) >= 5:
                return self.names[word[:-cut]]
        hit = process.extractOne(word, self._choices, scorer=fuzz.ratio, score_cutoff=86)
        return self.names[hit[0]] if hit else None

    def find(self, raw: Sequence[str]) -> tuple[str | None, set[int]]:
        """The municipality named (the first one), and the positions of its words."""
        found: str | None = None
        positions: set[int] = set()
        for parts, mid in self.multi:
            n = len(parts)
            for i in range(len(raw) - n + 1):
                if tuple(raw[i:i + n]) == parts:
                    found = found or mid
                    positions.update(range(i, i + n))
        for i, w in enumerate(raw):
            if i in positions:
                continue
            mid = self._lookup(w)
            if mid is not None:
                found = found or mid
                positions.add(i)
        return found, positions


def fold_name(text: str) -> str:
    return fold(text).strip()
