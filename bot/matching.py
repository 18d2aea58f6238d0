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
import re
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from typing import Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from bot.frequency import generality_factor, zipf_table
from bot import thesaurus
from bot.knowledge import COMMON, Entry, Knowledge
from bot.language import Guess, LanguageModel, stop_words
from bot.lemmas import Lemmatizer
from bot.text import fold, tokens, words


@dataclass(frozen=True)
class Thresholds:
    """The score cut-offs (0–100) that turn a ranking into an outcome.

    answer:          the best entry needs at least this score to be answered ...
    margin:          ... and must lead the second-best entry by this much (two
                     entries that both fit perfectly are ambiguous, however high) ...
    evidence:        ... and its best question must match words of the message worth
                     this share of one rare word (so that "thanks for the help"
                     is not answered by the one entry that mentions "help") ...
    coverage:        ... and the message must cover this much (0–100) of that
                     question: one word of a long question is not enough;
    suggest:         entries scoring this or more may be offered as "did you mean";
    suggest_window:  only entries within this distance of the best are offered;
    max_suggestions: at most this many suggestions.
    """

    answer: float = 48.0
    margin: float = 8.0
    evidence: float = 0.3
    coverage: float = 25.0
    suggest: float = 22.0
    suggest_window: float = 30.0
    max_suggestions: int = 3


# How much a term counts in each field of an entry when scoring the entry as a whole.
FIELD_WEIGHTS = {"question": 1.0, "topic": 0.7, "answer": 0.6}
# How much the variant's side weighs against the message's side in a variant's score.
VARIANT_SIDE = 0.55
# How much a synonym from the thesaurus counts, against the word itself.
SYNONYM = 0.85
# How much a compound's part counts where only the compound is written (and back).
PART_FACTOR = 0.5
# How many times the size of a question a message may be before extra words stop counting.
LONG_MESSAGE = 2.0
# How much an entry's best variant weighs against the entry as a whole.
VARIANT_VS_ENTRY = 0.4


_BRACKETS = re.compile(r"\([^()]*\)")


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
    evidence: float = 0.0  # weight of the message's words that the best variant matched


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
    """Every word of the knowledge, for looking up what a user's word stands for."""

    INFLECTED = 0.92

    def __init__(self, terms: Iterable[str]):
        self.terms: list[str] = sorted(set(terms))
        self.ids = {t: i for i, t in enumerate(self.terms)}
        self._cache: dict[str, tuple[tuple[int, float], ...]] = {}

    def lookup(self, word: str) -> tuple[tuple[int, float], ...]:
        """Words that `word` may stand for, with a similarity 0–1, best first."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        found: dict[int, float] = {}
        exact = self.ids.get(word)
        if exact is not None:
            found[exact] = 1.0
        # words that extend it: kort → korte, kortet
        lo = bisect.bisect_left(self.terms, word)
        hi = bisect.bisect_left(self.terms, word + "\uffff")
        for i in range(lo, min(hi, lo + 50)):
            if _inflection_ok(word, self.terms[i]):
                found.setdefault(i, self.INFLECTED)
        # words it extends: skattekortet → skattekort
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

    def split(self, word: str, fuzzy: bool = False) -> tuple[str, str] | None:
        """Two known words that `word` is glued from (barnehage|plass, arbeid-s-avtale).

        With `fuzzy`, the parts may be typos or inflections of known words.
        """
        if len(word) < 2 * MIN_PART:
            return None
        best: tuple[str, str] | None = None
        best_rank: tuple = ()
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            head, tail = word[:cut], word[cut:]
            tail_exact = tail in self.ids
            if not (tail_exact or self._known(tail, fuzzy)):
                continue
            heads = [head] + [head[:-len(j)] for j in LINKS
                              if head.endswith(j) and len(head) - len(j) >= MIN_PART]
            for h in heads:
                head_exact = h in self.ids
                if not (head_exact or self._known(h, fuzzy)):
                    continue
                # exact parts first, then the most even split
                rank = (tail_exact + head_exact, min(len(h), len(tail)), len(h))
                if rank > best_rank:
                    best, best_rank = (h, tail), rank
        return best

    def _known(self, part: str, fuzzy: bool) -> bool:
        return part in self.ids or (fuzzy and self.best(part) >= 0.9)


# Compound parts are at least this long; German and Norwegian linking letters.
MIN_PART = 4
LINKS = ("s", "e", "n", "en", "es")


# --------------------------------------------------------------------------- index


@dataclass
class _ScopeIndex:
    """The entries of one scope (common or a municipality) as postings."""

    entries: list[Entry]
    variant_entry: np.ndarray  # variant -> entry position
    variant_text: list[str]
    variant_norm: np.ndarray  # sum of idf over each variant's distinct terms
    entry_size: np.ndarray  # mean variant_norm of each entry
    variant_postings: dict[int, tuple[np.ndarray, np.ndarray]]  # term -> (variants, factor)
    entry_postings: dict[int, tuple[np.ndarray, np.ndarray]]  # term -> (entries, field weight)
    positions: dict[str, int] = field(default_factory=dict)  # entry id -> position


Hits = tuple[tuple[int, float], ...]  # (term id, similarity 0–1), best first


@dataclass
class _Word:
    """A word of the message: the terms it may stand for, or its compound parts."""

    text: str
    weight: float
    hits: Hits
    parts: tuple[Hits, ...] = ()  # a compound's parts; each must match for full credit
    split: bool = False  # the word itself is unknown: only its parts stand for it


class Matcher:
    """Ranks the entries visible in a municipality for a message and decides."""

    def __init__(self, knowledge: Knowledge, thresholds: Thresholds | None = None):
        self.knowledge = knowledge
        self.thresholds = thresholds or Thresholds()
        region = knowledge.region
        self.stop = frozenset().union(*(stop_words(lang) for lang in region.languages))
        self.lemmatizer = Lemmatizer(region.languages)
        self._places = _PlaceFinder(knowledge)

        texts: dict[str, list[str]] = {lang: [] for lang in region.languages}
        for e in knowledge.entries:
            for lang, qs in e.questions.items():
                texts.setdefault(lang, []).extend(qs)
            for lang, a in e.answer.items():
                # Answers give the Norwegian term in brackets, "tax card (skattekort)":
                # that is not the answer's language, so it does not train it.
                texts.setdefault(lang, []).append(_BRACKETS.sub(" ", a))
        self.languages = LanguageModel({lang: texts[lang] for lang in region.languages})

        # The words of each entry's fields, as dictionary forms.
        raw_fields = []
        for e in knowledge.entries:
            topic_name = region.topics.get(e.topic, {})
            raw_fields.append({
                "question": {w for lang, qs in e.questions.items() for q in qs
                             for w in self._raw(q, lang)},
                "topic": {w for lang, name in topic_name.items() for w in self._raw(name, lang)}
                         | set(self._raw(e.topic.replace("-", " "), None)),
                "answer": {w for lang, a in e.answer.items() for w in self._raw(a, lang)},
            })
        self.vocabulary = Vocabulary(w for f in raw_fields for ws in f.values() for w in ws)
        vocab = self.vocabulary
        # A compound of two known words also stands, softly, for its parts.
        self._parts: list[tuple[int, ...]] = [
            tuple(vocab.ids[p] for p in (vocab.split(w) or ())) for w in vocab.terms]
        df = np.zeros(len(vocab.terms))
        for f in raw_fields:
            seen = {vocab.ids[w] for ws in f.values() for w in ws}
            seen |= {p for t in list(seen) for p in self._parts[t]}
            df[list(seen)] += 1
        n = max(1, len(knowledge.entries))
        self._zipf = zipf_table(tuple(region.languages))
        general = np.array([self._general(t) for t in vocab.terms])
        with np.errstate(divide="ignore"):
            self.idf = np.where(df > 0, np.log1p(n / np.maximum(df, 1)), 0.0) * general
        self.unknown_idf = math.log1p(n)

        self._place_terms = {t for t, term in enumerate(vocab.terms) if term.startswith(PLACE)}
        # Thesaurus groups: every folded and lemmatised form of a member -> its groups,
        # and each group -> the knowledge's words in it.
        self._form_groups: dict[str, set[int]] = {}
        for g, members in enumerate(thesaurus.groups()):
            for member in members:
                for form in {fold(member.lower()), *(self.lemmatizer.lemmas([member.lower()], lang)[0]
                                                     for lang in self.lemmatizer.languages)}:
                    self._form_groups.setdefault(form, set()).add(g)
        self._group_terms: dict[int, tuple[int, ...]] = {}
        for t, term in enumerate(vocab.terms):
            for g in self._form_groups.get(term, ()):
                self._group_terms[g] = (*self._group_terms.get(g, ()), t)

        self._indexes: dict[str, _ScopeIndex] = {}
        by_scope: dict[str, list[int]] = {}
        for i, e in enumerate(knowledge.entries):
            by_scope.setdefault(e.scope, []).append(i)
        for scope, idxs in by_scope.items():
            self._indexes[scope] = self._build_scope([knowledge.entries[i] for i in idxs],
                                                     [raw_fields[i] for i in idxs])

    def _general(self, word: str) -> float:
        return generality_factor(self._zipf.get(word, 0.0))

    def _content(self, surface: str, lemma: str) -> bool:
        return (surface not in self.stop and lemma not in self.stop
                and not surface.isdigit() and len(surface) > 1)

    def _raw(self, text: str, lang: str | None) -> list[str]:
        """Content words of a text in `lang`, as dictionary forms: no stop words or numbers.

        The names of a municipality and its towns all become one word (`@senja`).
        """
        toks = tokens(text)
        lemmas = self.lemmatizer.lemmas(toks, lang)
        out = []
        for t, lem in zip(toks, lemmas):
            folded = fold(t)
            place = self._places.names.get(folded)
            if place is not None:
                out.append(place_term(place))
            elif self._content(folded, lem):
                out.append(lem)
        return out

    def _build_scope(self, entries: list[Entry], fields: list[dict[str, set[str]]]) -> _ScopeIndex:
        ids = self.vocabulary.ids
        variant_entry, variant_text, variant_norm = [], [], []
        vpost: dict[int, dict[int, float]] = {}
        epost: dict[int, dict[int, float]] = {}
        for pos, (e, f) in enumerate(zip(entries, fields)):
            for name in ("answer", "topic", "question"):
                weight = FIELD_WEIGHTS[name]
                for w in f[name]:
                    t = ids[w]
                    for term, factor in ((t, 1.0), *((p, PART_FACTOR) for p in self._parts[t])):
                        d = epost.setdefault(term, {})
                        d[pos] = max(d.get(pos, 0.0), weight * factor)
            for lang, qs in e.questions.items():
                for q in qs:
                    terms = {ids[w] for w in self._raw(q, lang)}
                    if not terms:
                        continue
                    v = len(variant_entry)
                    variant_entry.append(pos)
                    variant_text.append(q)
                    # A place named in a question counts only where the message names it too.
                    variant_norm.append(float(sum(self.idf[t] for t in terms
                                                  if not self.vocabulary.terms[t].startswith(PLACE))))
                    for t in terms:
                        vpost.setdefault(t, {})[v] = 1.0
                        for p in self._parts[t]:
                            vpost.setdefault(p, {}).setdefault(v, PART_FACTOR)
        variant_entry_arr = np.array(variant_entry, dtype=np.int32)
        norms = np.array(variant_norm, dtype=np.float64)
        counts = np.bincount(variant_entry_arr, minlength=len(entries))
        sizes = np.bincount(variant_entry_arr, weights=norms, minlength=len(entries))

        def arrays(d: dict[int, float]) -> tuple[np.ndarray, np.ndarray]:
            return np.fromiter(d.keys(), np.int32, len(d)), np.fromiter(d.values(), np.float64, len(d))

        return _ScopeIndex(
            entries=entries,
            variant_entry=variant_entry_arr,
            variant_text=variant_text,
            variant_norm=norms,
            entry_size=np.where(counts > 0, sizes / np.maximum(counts, 1), 1.0),
            variant_postings={t: arrays(d) for t, d in vpost.items()},
            entry_postings={t: arrays(d) for t, d in epost.items()},
            positions={e.id: i for i, e in enumerate(entries)},
        )

    # ----------------------------------------------------------------- query side

    def _words(self, raw: list[str], lemmas: list[str], place_words: dict[int, str]) -> list[_Word]:
        vocab = self.vocabulary
        kept = [(i, place_term(place_words[i]) if i in place_words else lem)
                for i, lem in enumerate(lemmas) if i in place_words or self._content(raw[i], lem)]
        out: list[_Word] = []
        j = 0
        while j < len(kept):
            i, w = kept[j]
            if i in place_words:  # decides the municipality; says nothing of the subject
                j += 1
                continue
            # Two words that are one known word: "steuer karte", "barne hage".
            if j + 1 < len(kept) and kept[j + 1][0] == i + 1 and kept[j + 1][0] not in place_words:
                joined = w + kept[j + 1][1]
                if vocab.best(joined) >= 0.9 and max(vocab.best(w), vocab.best(kept[j + 1][1])) < 0.9:
                    out.append(self._word(joined))
                    j += 2
                    continue
            out.append(self._word(w))
            j += 1
        return out

    def _word(self, w: str) -> _Word:
        """What a user's word may stand for: known words, synonyms, a compound's parts."""
        vocab = self.vocabulary
        hits = vocab.lookup(w)
        synonyms = self._synonym_hits(w, hits)
        if hits and hits[0][1] >= 0.9:
            best, sim = hits[0]
            parts = tuple(((p, sim),) for p in self._parts[best])
            return _Word(w, float(self.idf[best]), hits + synonyms, parts)
        if not synonyms:
            split = vocab.split(w, fuzzy=True)
            if split is not None:
                parts = tuple(vocab.lookup(p) for p in split)
                weight = max(float(self.idf[h[0][0]]) for h in parts)
                return _Word(w, weight, hits, parts, split=True)
        every = tuple(sorted({**dict(synonyms), **dict(hits)}.items(), key=lambda kv: -kv[1]))
        if every:
            return _Word(w, float(self.idf[every[0][0]]), every)
        return _Word(w, self.unknown_idf * self._general(w), ())

    def _synonym_hits(self, w: str, hits: Hits) -> Hits:
        """The knowledge's words that mean the same as `w` (or as the word it matched)."""
        group_ids = set(self._form_groups.get(w, ()))
        if hits and hits[0][1] >= 0.9:
            group_ids.update(self._form_groups.get(self.vocabulary.terms[hits[0][0]], ()))
        if not group_ids:
            return ()
        own = {t for t, _ in hits}
        scale = hits[0][1] if hits and hits[0][1] >= 0.9 else 1.0
        return tuple((t, SYNONYM * scale) for g in sorted(group_ids)
                     for t in self._group_terms.get(g, ()) if t not in own)

    # ----------------------------------------------------------------- scoring

    @staticmethod
    def _spread(postings: dict, hits: Hits, size: int) -> np.ndarray:
        """Best similarity × factor of any of `hits` in each variant (or entry)."""
        out = np.zeros(size)
        for t, sim in hits:
            p = postings.get(t)
            if p is not None:
                idx, factor = p
                np.maximum.at(out, idx, sim * factor)
        return out

    def _credit(self, postings: dict, word: _Word, size: int) -> np.ndarray:
        credit = self._spread(postings, word.hits, size)
        if word.parts:
            both = np.mean([self._spread(postings, h, size) for h in word.parts], axis=0)
            credit = np.maximum(credit, both)
        return credit

    def _score_scope(self, index: _ScopeIndex, qwords: list[_Word],
                     hidden: set[str]) -> list[Candidate]:
        nv = len(index.variant_entry)
        ne = len(index.entries)
        if nv == 0:
            return []
        required = float(sum(w.weight for w in qwords))
        msg_num = np.zeros(nv)
        msg_den = np.full(nv, required)
        ent_num = np.zeros(ne)
        ent_den = np.full(ne, required)
        term_best: dict[int, float] = {}
        for w in qwords:
            # A known compound's parts add nothing to the variant side: the whole counts.
            for t, sim in (*w.hits, *(h for part in w.parts if w.split for h in part)):
                if sim > term_best.get(t, 0.0):
                    term_best[t] = sim
            per_variant = self._credit(index.variant_postings, w, nv)
            per_entry = self._credit(index.entry_postings, w, ne)
            msg_num += w.weight * per_variant
            ent_num += w.weight * per_entry
        # A long message may say more than its question: beyond LONG_MESSAGE times the
        # size of the question it is compared with, unmatched words stop counting against it.
        msg_den = np.minimum(msg_den, LONG_MESSAGE * index.variant_norm)
        ent_den = np.minimum(ent_den, LONG_MESSAGE * index.entry_size)
        var_num = np.zeros(nv)
        for t, sim in term_best.items():
            if t in self._place_terms:
                continue
            p = index.variant_postings.get(t)
            if p is not None:
                idx, factor = p
                np.add.at(var_num, idx, self.idf[t] * sim * factor)
        with np.errstate(divide="ignore", invalid="ignore"):
            msg_side = np.clip(np.where(msg_den > 0, msg_num / msg_den, 0.0), 0, 1)
            ent_side = np.clip(np.where(ent_den > 0, ent_num / ent_den, 0.0), 0, 1)
            var_side = np.clip(np.where(index.variant_norm > 0, var_num / index.variant_norm, 0.0), 0, 1)
        variant_score = msg_side ** (1 - VARIANT_SIDE) * var_side ** VARIANT_SIDE
        # best variant of each entry
        order = np.lexsort((variant_score, index.variant_entry))  # by entry, then score
        grouped = index.variant_entry[order]
        last = np.r_[grouped[1:] != grouped[:-1], True]  # each entry's best variant
        best_variant = np.zeros(ne, dtype=np.int64)
        best_score = np.zeros(ne)
        best_variant[grouped[last]] = order[last]
        best_score[grouped[last]] = variant_score[order[last]]
        total = VARIANT_VS_ENTRY * best_score + (1 - VARIANT_VS_ENTRY) * ent_side
        out = []
        for pos in np.nonzero(total > 0)[0]:
            e = index.entries[pos]
            if e.id in hidden:
                continue
            v = int(best_variant[pos])
            out.append(Candidate(e, round(float(total[pos]) * 100, 1), index.variant_text[v],
                                 round(float(msg_side[v]) * 100, 1),
                                 round(float(var_side[v]) * 100, 1),
                                 round(float(ent_side[pos]) * 100, 1),
                                 round(float(msg_num[v]), 2)))
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
        toks = tokens(text)
        raw = [fold(t) for t in toks]
        named, place_words = self._places.find(raw)
        # Place names say nothing about the language.
        guess: Guess = self.languages.guess([t for i, t in enumerate(toks) if i not in place_words],
                                            preferred=language)
        used_municipality = named or municipality
        qwords = self._words(raw, self.lemmatizer.lemmas(toks, guess.language), place_words)
        candidates = self.rank(qwords, used_municipality) if qwords else []
        lang = guess.language
        if (not guess.certain and language is None and candidates
                and guess.lead < self.languages.WEAK_LEAD):
            # No language to go by: the language of the question it matched fully.
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
        top = candidates[0]
        evidence = top.evidence / self.unknown_idf
        if (best >= th.answer and best - second >= th.margin and evidence >= th.evidence
                and top.variant_side >= th.coverage):
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

    def find(self, raw: Sequence[str]) -> tuple[str | None, dict[int, str]]:
        """The municipality named (the first one), and its words' positions -> municipality."""
        found: str | None = None
        positions: dict[int, str] = {}
        for parts, mid in self.multi:
            n = len(parts)
            for i in range(len(raw) - n + 1):
                if tuple(raw[i:i + n]) == parts:
                    found = found or mid
                    positions.update((j, mid) for j in range(i, i + n))
        for i, w in enumerate(raw):
            if i in positions:
                continue
            mid = self._lookup(w)
            if mid is not None:
                found = found or mid
                positions[i] = mid
        return found, positions


def place_term(municipality: str) -> str:
    """The one word that stands for every name of a municipality and its towns."""
    return f"{PLACE}{municipality}"


PLACE = "@"
