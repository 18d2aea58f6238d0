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
5. Beside these words, the semantic scorer (`bot.matching.semantic`) gives
   each entry the best cosine between the message's embedding and its questions'
   (multilingual-e5-small), and small talk is recognised by meaning.
6. Decide with the calibrated model (`bot.matching.decision`): the probability
   that an entry is right, from both signals; answer, suggest or fall back to a
   person by its two thresholds. Without the semantic signal (`semantic=False`)
   the named lexical thresholds below decide: answer when the best entry is good
   enough and clear of the second; suggest the close ones when it is not.

Steps 1–3 are in `bot.matching.words` (the message's side), `places`,
`vocabulary` and `index` (the knowledge's side, built once); step 4 here;
steps 5–6 in `meaning` (a mixin of the Matcher), `semantic` and `decision`.
Scores are 0–100. Nothing here does I/O, uses gettext or imports telegram.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from bot.knowledge import COMMON, Entry, Knowledge, bulk_load
from bot.matching.index import Hits, IndexBuilding, _Postings, _Scope, _Word
from bot.matching.language import Guess, stop_words
from bot.matching.decision import Calibration
from bot.matching.lemmas import Lemmatizer
from bot.matching.meaning import MeaningSide
from bot.matching.other_languages import ForeignLanguage
from bot.matching.places import _PlaceFinder
from bot.matching.results import Candidate, Match, Outcome
from bot.matching.semantic import VectorCache
from bot.matching.words import MessageWords
from bot.text import fold, tokens
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



# How much the variant's side weighs against the message's side in a variant's score.
VARIANT_SIDE = 0.55
# How many times the size of a question a message may be before extra words stop counting.
LONG_MESSAGE = 2.0
# How much an entry's best variant weighs against the entry as a whole.
VARIANT_VS_ENTRY = 0.4


class Matcher(MessageWords, IndexBuilding, MeaningSide):
    """Ranks the entries visible in a municipality for a message and decides.

    With `semantic` on (the default) it also embeds every question variant
    (`vector_cache` keeps the vectors between starts) and decides with
    `calibration` (default: the knowledge folder's own calibration.json, else the
    shipped one); it raises SemanticError or CalibrationError when those are broken.
    Off, the lexical `thresholds` decide (for comparison and a few unit tests).
    """

    def __init__(self, knowledge: Knowledge, thresholds: Thresholds | None = None, *,
                 semantic: bool = True, calibration: Calibration | None = None,
                 vector_cache: VectorCache | None = None):
        cache = vector_cache or VectorCache(None)
        embedded = self._start_embedding(knowledge, cache) if semantic else None
        with bulk_load():
            self._build(knowledge, thresholds)
        self.foreign = ForeignLanguage(tuple(knowledge.region.languages))
        if semantic:
            self._build_meaning(knowledge, calibration, cache, vector_cache is not None, embedded)

    def _build(self, knowledge: Knowledge, thresholds: Thresholds | None) -> None:
        self.knowledge = knowledge
        self.thresholds = thresholds or Thresholds()
        region = knowledge.region
        # A word is a stop word in the language it is written in: German "bin" and "die",
        # Norwegian "alt" are words of meaning in English and German. Where the language is
        # unknown (a message the guesser is unsure of, a topic's id), those of all languages.
        self.stop_in = {lang: stop_words(lang) for lang in region.languages}
        self.stop = frozenset().union(*self.stop_in.values())
        self.lemmatizer = Lemmatizer(region.languages)
        self._index_words: dict[tuple[str, str | None], str | None] = {}
        self._places = _PlaceFinder(knowledge)
        self._train_languages(knowledge)
        entries, raw_fields, raw_variants = self._build_vocabulary(knowledge)
        self._build_thesaurus()
        self._build_tables(entries, raw_fields, raw_variants)

    def content_words(self, text: str, language: str | None = None) -> list[str]:
        """The words of a text that carry its meaning, as the matcher sees them."""
        return self._raw(text, language)

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
        qwords = self._words(raw, self.lemmatizer.lemmas(toks, guess.language), place_words,
                             guess.language if guess.certain else None)
        candidates = self.rank(qwords, used_municipality) if qwords else []
        lang = guess.language
        if (not guess.certain and language is None and candidates
                and guess.lead < self.languages.WEAK_LEAD):
            # No language to go by: the language of the question it matched fully.
            lang = self._variant_language(candidates[0]) or lang
        foreign = self.foreign(text)
        if foreign is not None:  # answered in the user's language, else English
            lang = language or next((x for x in ("en",) if x in self.knowledge.region.languages),
                                    self.knowledge.region.fallback_language)
        small_talk, margin, negative = None, None, ""
        if self.semantic is not None:
            query = self.embedder.embed_one(self.meaning_text(text))
            nearest, negative = self.calibration.nearest_negative(query)
            candidates = self.weigh(query, qwords, candidates, used_municipality, nearest)
            small_talk, margin = self.small_talk_kind(query, candidates)
            outcome, suggestions = (Outcome.FALLBACK, []) if small_talk \
                else self.decide_calibrated(candidates)
        else:
            outcome, suggestions = self.decide(candidates)
        return Match(outcome, lang, guess.certain, used_municipality, named is not None,
                     tuple(candidates[:limit]), tuple(suggestions),
                     tuple(w.text for w in qwords), small_talk, margin, negative, foreign)

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
