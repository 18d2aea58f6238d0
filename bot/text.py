"""Text normalisation and tokenisation shared by the matcher and the checkers.

Newcomers type without æøå or äöüß, with typos and emoji. Everything is folded
to a small alphabet (a–z, 0–9) so that "Når", "nar" and "naar" land close:
æ→ae, ø→o, å→a, ä→a, ö→o, ü→u, ß→ss, other accents dropped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_FOLD = str.maketrans({
    "æ": "ae", "ø": "o", "å": "a",
    "ä": "a", "ö": "o", "ü": "u", "ß": "ss",
    "œ": "oe", "đ": "d", "ł": "l", "ı": "i",
})
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
# Single letters that are no word in Norwegian, English or German ('a', 'i', 'å', 'o' are).
_LETTER_PREFIXES = frozenset("bcdfghjklmnpqrstvwxz")
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])['’`´](?=[^\W\d_])")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case- and diacritic-folded text, punctuation kept."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).casefold().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """Lower-case words with their diacritics; hyphenated words split, except
    letter-prefixes: "D-nummer" and "D number" both give "dnummer"/"dnumber"."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).casefold()
    text = _APOSTROPHE.sub("", text)  # I'm, what's, geht's: one word each
    out: list[str] = []
    for match in _WORD.finditer(text):
        word = match.group()
        if "-" not in word:
            if out and len(out[-1]) == 1 and out[-1] in _LETTER_PREFIXES:
                out[-1] += word  # "d number": a letter that is not a word of its own
            else:
                out.append(word)
            continue
        parts = [p for p in word.split("-") if p]
        if min(len(p) for p in parts) <= 2:
            out.append("".join(parts))
        else:
            out.extend(parts)
    return out


def words(text: str) -> list[str]:
    """Folded words (see `tokens`), one for each token."""
    return [fold(t) for t in tokens(text)]


def normalize(text: str) -> str:
    """One comparable string: folded words joined by single spaces."""
    return " ".join(words(text))
