"""The matcher's index: the knowledge's words, their weights, synonyms and the postings tables.

`IndexBuilding` is the part of the `Matcher` that builds these once, when the
knowledge is loaded; the scoring reads them for every message.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from bot.knowledge import COMMON, Entry, Knowledge
from bot.matching import thesaurus
from bot.matching.frequency import zipf_table
from bot.matching.language import LanguageModel
from bot.matching.places import PLACE
from bot.matching.vocabulary import Vocabulary
from bot.text import fold

# How much a term counts in each field of an entry when scoring the entry as a whole.
FIELD_WEIGHTS = {"question": 1.0, "topic": 0.7, "answer": 0.6}
# The language model learns from at most this many characters of each language.
LANGUAGE_SAMPLE = 300_000
# How much a compound's part counts where only the compound is written (and back).
PART_FACTOR = 0.5

_BRACKETS = re.compile(r"\([^()]*\)")


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


class IndexBuilding:
    """Builds the index a `Matcher` scores with (mixed into it)."""

    def _train_languages(self, knowledge: Knowledge) -> None:
        """The language guesser, trained on the knowledge's own questions and answers."""
        region = knowledge.region
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

    def _build_vocabulary(self, knowledge: Knowledge) -> tuple[list[Entry], list[dict], list[list]]:
        """The knowledge's words, their weights (idf) and compound parts; returns what the tables need."""
        region = knowledge.region
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
        return entries, raw_fields, raw_variants

    def _build_thesaurus(self) -> None:
        vocab = self.vocabulary
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

    def _build_tables(self, entries: list[Entry], raw_fields: list[dict], raw_variants: list[list]) -> None:
        ids = self.vocabulary.ids
        n_terms = len(self.vocabulary.terms)
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
