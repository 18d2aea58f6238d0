"""The knowledge's words: exact, inflected, fuzzy and compound lookups of a message's word."""

from __future__ import annotations

import bisect
import math
from typing import Iterable

from rapidfuzz import fuzz, process


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
