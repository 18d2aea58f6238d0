"""Which of the region's languages a message is written in.

A small naive-Bayes model over words and character trigrams, trained on the
knowledge itself (every question and answer in each language) and on the
packaged stop-word lists. No language is built in: a fourth language in
region.yaml gets a model from its own questions and answers.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from typing import Iterable, Mapping, Sequence

from bot.text import tokens


def stop_words(language: str) -> frozenset[str]:
    """The packaged stop words for `language` (folded), empty when none ship."""
    try:
        raw = resources.files("bot.data").joinpath(f"stopwords-{language}.txt").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return frozenset()
    out: set[str] = set()
    for line in raw.splitlines():
        if line.lstrip().startswith("#"):
            continue
        out.update(line.split())
    return frozenset(out)


def _trigrams(word: str) -> list[str]:
    padded = f"<{word}>"
    return [padded[i:i + 3] for i in range(len(padded) - 2)]


@dataclass(frozen=True)
class Guess:
    language: str
    certain: bool
    scores: Mapping[str, float]  # mean log-likelihood per token, higher is likelier
    lead: float = 0.0  # log-likelihood lead of the best language over the second


class LanguageModel:
    """Scores a message against each language's words and trigrams."""

    # A guess is certain when the best language leads by this much per word ...
    MARGIN_PER_WORD = 0.6
    # ... and has at least this many words to go on.
    MIN_WORDS = 2
    # A lone word is enough when its lead is this clear (a stop word, 'Steuerkarte').
    LONE_WORD_MARGIN = 2.5
    # With no preferred language, an uncertain guess is still taken above this lead.
    WEAK_LEAD = 1.0

    def __init__(self, texts: Mapping[str, Iterable[str]]):
        self.languages: tuple[str, ...] = tuple(texts)
        self._word_counts: dict[str, Counter] = {}
        self._tri_counts: dict[str, Counter] = {}
        for lang, lang_texts in texts.items():
            wc: Counter = Counter()
            for text in lang_texts:
                wc.update(tokens(text))
            for w in stop_words(lang):
                wc[w] += 5  # stop words are frequent in any real text
            tc: Counter = Counter()
            for w, n in wc.items():
                for tri in _trigrams(w):
                    tc[tri] += n
            self._word_counts[lang] = wc
            self._tri_counts[lang] = tc
        vocab = set().union(*self._word_counts.values()) if texts else set()
        trivocab = set().union(*self._tri_counts.values()) if texts else set()
        self._word_total = {l: sum(c.values()) + len(vocab) for l, c in self._word_counts.items()}
        self._tri_total = {l: sum(c.values()) + len(trivocab) for l, c in self._tri_counts.items()}

    def _word_logp(self, lang: str, word: str) -> float:
        known = any(word in c for c in self._word_counts.values())
        tris = _trigrams(word)
        tri_counts = self._tri_counts[lang]
        tri_lp = sum(math.log((tri_counts.get(t, 0) + 0.5) / self._tri_total[lang]) for t in tris)
        tri_lp /= max(1, len(tris))
        if not known:
            return tri_lp
        word_lp = math.log((self._word_counts[lang].get(word, 0) + 0.1) / self._word_total[lang])
        return 0.5 * word_lp + 0.5 * tri_lp

    def guess(self, text_words: Sequence[str], preferred: str | None = None) -> Guess:
        """The likeliest language; not certain for one word or a close call."""
        content = [w for w in text_words if not w.isdigit()]
        fallback = preferred if preferred in self.languages else self.languages[0]
        if not content or not self.languages:
            return Guess(fallback, False, {})
        totals = {lang: sum(self._word_logp(lang, w) for w in content) for lang in self.languages}
        ranked = sorted(totals, key=totals.get, reverse=True)
        best = ranked[0]
        lead = totals[best] - totals[ranked[1]] if len(ranked) > 1 else math.inf
        if len(content) >= self.MIN_WORDS:
            certain = lead / len(content) >= self.MARGIN_PER_WORD or lead >= 4.0
        else:
            certain = lead >= self.LONE_WORD_MARGIN
        per_word = {lang: totals[lang] / len(content) for lang in self.languages}
        if certain:
            return Guess(best, True, per_word, lead)
        if preferred is None and lead >= self.WEAK_LEAD:
            return Guess(best, False, per_word, lead)
        return Guess(fallback, False, per_word, lead)
