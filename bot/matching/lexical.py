"""Matching a newcomer's message to a knowledge entry.

The method, in the order a message goes through it:

1. Fold and split the text into words (`bot.text`), guess its language
   (`bot.matching.language`), and find a municipality or town named in it.
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
from dataclasses import dataclass
from enum import Enum
from typing import Iterable, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from bot.matching.frequency import generality_factor, zipf_table
from bot.matching import thesaurus
from bot.knowledge import COMMON, Entry, Knowledge, bulk_load
from bot.matching.language import Guess, LanguageModel, stop_words
from bot.matching.lemmas import Lemmatizer
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
# The language model learns from at most this many characters of each language.
LANGUAGE_SAMPLE = 300_000
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
    ALIAS = 0.97

    def __init__(self, terms: Iterable[str]):
        self.terms: list[str] = sorted(set(terms))
        self.ids = {t: i for i, t in enumerate(self.terms)}
        self._cache: dict[str, tuple[tuple[int, float], ...]] = {}
        # æ folds to "ae", but people without æ on the keyboard also type "a" or "e":
        # "lare" and "lere" stand for "laere" (lære).
        self.aliases: dict[str, int] = {}
        for i, t in enumerate(self.terms):
            if "ae" in t:
                for alias in (t.replace("ae", "a"), t.replace("ae", "e")):
                    if alias not in self.ids:
                        self.aliases.setdefault(alias, i)
        # The words sorted by length, and where each length starts, for the fuzzy search.
        order = sorted(range(len(self.terms)), key=lambda i: (len(self.terms[i]), self.terms[i]))
        self._by_length = [self.terms[i] for i in order]
        self._by_length_ids = order
        lengths = [len(t) for t in self._by_length]
        self._length_start = [bisect.bisect_left(lengths, n)
                              for n in range((lengths[-1] if lengths else 0) + 2)]

    def lookup(self, word: str) -> tuple[tuple[int, float], ...]:
        """Words that `word` may stand for, with a similarity 0–1, best first."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        found = self._inflected(word)
        cutoff = _fuzzy_cutoff(len(word))
        if cutoff is not None and word not in self.ids and word not in self.aliases:  # no typo
            # Indel similarity ≥ c needs a length ratio ≥ c / (2 - c): compare only those.
            shortest = math.ceil(len(word) * cutoff / (200 - cutoff))
            longest = math.floor(len(word) * (200 - cutoff) / cutoff)
            lo = self._length_start[min(shortest, len(self._length_start) - 1)]
            hi = self._length_start[min(longest + 1, len(self._length_start) - 1)]
            for _, score, i in process.extract(word, self._by_length[lo:hi], scorer=fuzz.ratio,
                                               score_cutoff=cutoff, limit=8):
                t = self._by_length_ids[lo + i]
                found[t] = max(found.get(t, 0.0), min(score / 100.0, 0.95))
        result = tuple(sorted(found.items(), key=lambda kv: -kv[1]))
        if len(self._cache) > 200_000:
            self._cache.clear()
        self._cache[word] = result
        return result

    def _inflected(self, word: str) -> dict[int, float]:
        """The word itself and its inflections among the known words (no fuzzy search)."""
        found: dict[int, float] = {}
        exact = self.ids.get(word)
        if exact is not None:
            found[exact] = 1.0
        elif word in self.aliases:
            found[self.aliases[word]] = self.ALIAS
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
        return found

    def best(self, word: str) -> float:
        hits = self.lookup(word)
        return hits[0][1] if hits else 0.0

    def split(self, word: str, fuzzy: bool = False) -> tuple[str, str] | None:
        """Two known words that `word` is glued from (barnehage|plass, arbeid-s-avtale).

        With `fuzzy`, the parts may be inflections of known words.
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
        # Inflected parts only: a fuzzy search for every possible cut costs too much.
        return part in self.ids or (fuzzy and bool(self._inflected(part)))


# Compound parts are at least this long; German and Norwegian linking letters.
MIN_PART = 4
LINKS = ("s", "e", "n", "en", "es")


# --------------------------------------------------------------------------- index


@dataclass(frozen=True)
class _Postings:
    """term -> rows: for term t, `ids[ptr[t]:ptr[t+1]]` (ascending) with their `weights`."""

    ptr: np.ndarray
    ids: np.ndarray
    weights: np.ndarray

    @classmethod
    def build(cls, n_terms: int, terms: list[int], ids: list[int], weights: list[float]) -> "_Postings":
        t = np.asarray(terms, dtype=np.int64)
        i = np.asarray(ids, dtype=np.int32)
        w = np.asarray(weights, dtype=np.float64)
        order = np.lexsort((i, t))
        ptr = np.zeros(n_terms + 1, dtype=np.int64)
        ptr[1:] = np.cumsum(np.bincount(t, minlength=n_terms))
        return cls(ptr, i[order], w[order])

    def rows(self, term: int, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """The rows of `term` within [lo, hi), renumbered from lo."""
        a, b = self.ptr[term], self.ptr[term + 1]
        ids = self.ids[a:b]
        i, j = np.searchsorted(ids, lo), np.searchsorted(ids, hi)
        return ids[i:j] - lo, self.weights[a + i:a + j]


@dataclass(frozen=True)
class _Scope:
    """Where one scope's entries and variants lie in the global tables."""

    entries: tuple[int, int]  # [first, end) of its entries
    variants: tuple[int, int]  # [first, end) of its variants
    ids: dict[str, int]  # entry id -> global entry number


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
        with bulk_load():
            self._build(knowledge, thresholds)

    def _build(self, knowledge: Knowledge, thresholds: Thresholds | None) -> None:
        self.knowledge = knowledge
        self.thresholds = thresholds or Thresholds()
        region = knowledge.region
        self.stop = frozenset().union(*(stop_words(lang) for lang in region.languages))
        self.lemmatizer = Lemmatizer(region.languages)
        self._index_words: dict[tuple[str, str | None], str | None] = {}
        self._places = _PlaceFinder(knowledge)

        texts: dict[str, list[str]] = {lang: [] for lang in region.languages}
        size: Counter = Counter()
        for e in knowledge.entries:
            for lang, qs in e.questions.items():
                if lang in texts and size[lang] < LANGUAGE_SAMPLE:
                    texts[lang].extend(qs)
                    size[lang] += sum(map(len, qs))
            for lang, a in e.answer.items():
                # Answers give the Norwegian term in brackets, "tax card (skattekort)":
                # that is not the answer's language, so it does not train it.
                if lang in texts and size[lang] < LANGUAGE_SAMPLE:
                    texts[lang].append(_BRACKETS.sub(" ", a))
                    size[lang] += len(a)
        self.languages = LanguageModel(texts)

        # Entries in scope order, so that each scope is one range of the tables.
        entries = sorted(knowledge.entries, key=lambda e: (e.scope != COMMON, e.scope))
        self.entries: list[Entry] = entries
        # The words of each entry's fields and question variants, as dictionary forms.
        raw_fields, raw_variants = [], []
        for e in entries:
            topic_name = region.topics.get(e.topic, {})
            variants = [(q, self._raw(q, lang)) for lang, qs in e.questions.items() for q in qs]
            raw_variants.append(variants)
            raw_fields.append({
                "question": {w for _, ws in variants for w in ws},
                "topic": {w for lang, name in topic_name.items() for w in self._raw(name, lang)}
                         | set(self._raw(e.topic.replace("-", " "), None)),
                "answer": {w for lang, a in e.answer.items() for w in self._raw(a, lang)},
            })
        self.vocabulary = Vocabulary(w for f in raw_fields for ws in f.values() for w in ws)
        vocab = self.vocabulary
        ids = vocab.ids
        # A compound of two known words also stands, softly, for its parts.
        self._parts: list[tuple[int, ...]] = [
            tuple(ids[p] for p in (vocab.split(w) or ())) for w in vocab.terms]
        df = np.zeros(len(vocab.terms))
        for f in raw_fields:
            seen = {ids[w] for ws in f.values() for w in ws}
            seen |= {p for t in list(seen) for p in self._parts[t]}
            df[list(seen)] += 1
        n = max(1, len(entries))
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

        # The tables: entries' field words and variants' words, as postings.
        e_terms, e_rows, e_weights = [], [], []
        v_terms, v_rows, v_weights = [], [], []
        variant_entry, variant_norm = [], []
        self.variant_text: list[str] = []
        scope_first: dict[str, tuple[int, int]] = {}
        self._scopes: dict[str, _Scope] = {}
        for pos, (e, f, variants) in enumerate(zip(entries, raw_fields, raw_variants, strict=False)):
            scope_first.setdefault(e.scope, (pos, len(variant_entry)))
            weights: dict[int, float] = {}
            for name in ("answer", "topic", "question"):
                weight = FIELD_WEIGHTS[name]
                for w in f[name]:
                    t = ids[w]
                    for term, factor in ((t, 1.0), *((p, PART_FACTOR) for p in self._parts[t])):
                        weights[term] = max(weights.get(term, 0.0), weight * factor)
            e_terms += weights.keys()
            e_rows += [pos] * len(weights)
            e_weights += weights.values()
            for q, ws in variants:
                terms = {ids[w] for w in ws}
                if not terms:
                    continue
                v = len(variant_entry)
                variant_entry.append(pos)
                self.variant_text.append(q)
                # A place named in a question counts only where the message names it too.
                variant_norm.append(float(sum(self.idf[t] for t in terms if t not in self._place_terms)))
                factors = {p: PART_FACTOR for t in terms for p in self._parts[t]}
                factors.update((t, 1.0) for t in terms)
                v_terms += factors.keys()
                v_rows += [v] * len(factors)
                v_weights += factors.values()
        n_terms = len(vocab.terms)
        self._entry_postings = _Postings.build(n_terms, e_terms, e_rows, e_weights)
        self._variant_postings = _Postings.build(n_terms, v_terms, v_rows, v_weights)
        self.variant_entry = np.array(variant_entry, dtype=np.int32)
        self.variant_norm = np.array(variant_norm, dtype=np.float64)
        counts = np.bincount(self.variant_entry, minlength=len(entries))
        sizes = np.bincount(self.variant_entry, weights=self.variant_norm, minlength=len(entries))
        self.entry_size = np.where(counts > 0, sizes / np.maximum(counts, 1), 1.0)
        scope_names = list(scope_first)
        for k, scope in enumerate(scope_names):
            e_lo, v_lo = scope_first[scope]
            e_hi, v_hi = scope_first[scope_names[k + 1]] if k + 1 < len(scope_names) \
                else (len(entries), len(variant_entry))
            self._scopes[scope] = _Scope((e_lo, e_hi), (v_lo, v_hi),
                                         {entries[i].id: i for i in range(e_lo, e_hi)})

    def _general(self, word: str) -> float:
        return generality_factor(self._zipf.get(word, 0.0))

    def _content(self, surface: str, lemma: str) -> bool:
        return (surface not in self.stop and lemma not in self.stop
                and not surface.isdigit() and len(surface) > 1)

    def content_words(self, text: str, language: str | None = None) -> list[str]:
        """The words of a text that carry its meaning, as the matcher sees them."""
        return self._raw(text, language)

    def _raw(self, text: str, lang: str | None) -> list[str]:
        """Content words of a text in `lang`, as dictionary forms: no stop words or numbers.

        The names of a municipality and its towns all become one word (`@senja`).
        """
        out = []
        cache = self._index_words
        for t in tokens(text):
            key = (t, lang)
            word = cache.get(key, "")
            if word == "":
                folded = fold(t)
                place = self._places.names.get(folded)
                if place is not None:
                    word = place_term(place)
                else:
                    lemma = self.lemmatizer.lemmas([t], lang)[0]
                    word = lemma if self._content(folded, lemma) else None
                cache[key] = word
            if word is not None:
                out.append(word)
        return out

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
    def _spread(postings: _Postings, hits: Hits, lo: int, hi: int) -> np.ndarray:
        """Best similarity × weight of any of `hits` in each row of [lo, hi)."""
        out = np.zeros(hi - lo)
        for t, sim in hits:
            idx, weight = postings.rows(t, lo, hi)
            if len(idx):
                np.maximum.at(out, idx, sim * weight)
        return out

    def _credit(self, postings: _Postings, word: _Word, lo: int, hi: int) -> np.ndarray:
        credit = self._spread(postings, word.hits, lo, hi)
        if word.parts:
            both = np.mean([self._spread(postings, h, lo, hi) for h in word.parts], axis=0)
            credit = np.maximum(credit, both)
        return credit

    def _score_scope(self, scope: _Scope, qwords: list[_Word],
                     hidden: set[str]) -> list[Candidate]:
        e_lo, e_hi = scope.entries
        v_lo, v_hi = scope.variants
        nv, ne = v_hi - v_lo, e_hi - e_lo
        if nv == 0:
            return []
        variant_entry = self.variant_entry[v_lo:v_hi] - e_lo
        variant_norm = self.variant_norm[v_lo:v_hi]
        required = float(sum(w.weight for w in qwords))
        msg_num = np.zeros(nv)
        ent_num = np.zeros(ne)
        term_best: dict[int, float] = {}
        for w in qwords:
            # A known compound's parts add nothing to the variant side: the whole counts.
            for t, sim in (*w.hits, *(h for part in w.parts if w.split for h in part)):
                if sim > term_best.get(t, 0.0):
                    term_best[t] = sim
            msg_num += w.weight * self._credit(self._variant_postings, w, v_lo, v_hi)
            ent_num += w.weight * self._credit(self._entry_postings, w, e_lo, e_hi)
        # A long message may say more than its question: beyond LONG_MESSAGE times the
        # size of the question it is compared with, unmatched words stop counting against it.
        msg_den = np.minimum(required, LONG_MESSAGE * variant_norm)
        ent_den = np.minimum(required, LONG_MESSAGE * self.entry_size[e_lo:e_hi])
        var_num = np.zeros(nv)
        for t, sim in term_best.items():
            if t in self._place_terms:
                continue
            idx, factor = self._variant_postings.rows(t, v_lo, v_hi)
            if len(idx):
                np.add.at(var_num, idx, self.idf[t] * sim * factor)
        with np.errstate(divide="ignore", invalid="ignore"):
            msg_side = np.clip(np.where(msg_den > 0, msg_num / msg_den, 0.0), 0, 1)
            ent_side = np.clip(np.where(ent_den > 0, ent_num / ent_den, 0.0), 0, 1)
            var_side = np.clip(np.where(variant_norm > 0, var_num / variant_norm, 0.0), 0, 1)
        variant_score = msg_side ** (1 - VARIANT_SIDE) * var_side ** VARIANT_SIDE
        order = np.lexsort((variant_score, variant_entry))  # by entry, then score
        grouped = variant_entry[order]
        last = np.r_[grouped[1:] != grouped[:-1], True]  # each entry's best variant
        best_variant = np.zeros(ne, dtype=np.int64)
        best_score = np.zeros(ne)
        best_variant[grouped[last]] = order[last]
        best_score[grouped[last]] = variant_score[order[last]]
        total = VARIANT_VS_ENTRY * best_score + (1 - VARIANT_VS_ENTRY) * ent_side
        out = []
        for pos in np.nonzero(total > 0)[0]:
            e = self.entries[e_lo + pos]
            if e.id in hidden:
                continue
            v = int(best_variant[pos])
            out.append(Candidate(e, round(float(total[pos]) * 100, 1), self.variant_text[v_lo + v],
                                 round(float(msg_side[v]) * 100, 1),
                                 round(float(var_side[v]) * 100, 1),
                                 round(float(ent_side[pos]) * 100, 1),
                                 round(float(msg_num[v]), 2)))
        return out

    def rank(self, qwords: list[_Word], municipality: str | None) -> list[Candidate]:
        candidates: list[Candidate] = []
        local = self._scopes.get(municipality) if municipality else None
        overridden = set(local.ids) if local else set()
        if COMMON in self._scopes:
            candidates += self._score_scope(self._scopes[COMMON], qwords, overridden)
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
