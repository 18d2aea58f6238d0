"""Dictionary forms of words (simplemma), so that "Kindern", "Kinder" and "Kind"
or "kids" and "kid" count as one word. Languages simplemma does not know, or
a machine without it, keep the words as they are.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from bot.text import fold


@lru_cache(maxsize=1)
def _simplemma():
    try:
        import simplemma
    except ImportError:  # pragma: no cover - simplemma is a dependency
        return None
    return simplemma


@lru_cache(maxsize=64)
def _supported(lang: str) -> bool:
    simplemma = _simplemma()
    if simplemma is None:
        return False
    try:
        simplemma.lemmatize("test", lang=lang)
    except (ValueError, KeyError):
        return False
    return True


class Lemmatizer:
    """Folded dictionary forms, trying the message's language first."""

    def __init__(self, languages: Sequence[str]):
        self.languages = tuple(lang for lang in languages if _supported(lang))

    def order(self, first: str | None) -> tuple[str, ...]:
        if first in self.languages:
            return (first, *(x for x in self.languages if x != first))
        return self.languages

    def lemmas(self, tokens: Sequence[str], first: str | None) -> list[str]:
        order = self.order(first)
        return [_lemma(t, order) for t in tokens]


@lru_cache(maxsize=262144)
def _lemma(token: str, order: tuple[str, ...]) -> str:
    simplemma = _simplemma()
    if not order or simplemma is None or token.isdigit() or len(token) < 4:
        return fold(token)
    lemma = simplemma.lemmatize(token, lang=order)
    if lemma == token and "de" in order:
        capital = simplemma.lemmatize(token.capitalize(), lang=order)  # German nouns
        if capital.lower() != token:
            lemma = capital
    return fold(lemma.lower())
