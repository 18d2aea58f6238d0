"""How common a word is in everyday language, from the wordfreq package.

A word that is frequent everywhere ("come", "year", "kommen") says little
about what a newcomer asks; a rare one ("skattekort", "pizza") says a lot.
The matcher scales its weights with this. Languages wordfreq does not know,
or a machine without wordfreq, simply get no scaling.
"""

from __future__ import annotations

import math
from functools import lru_cache

from bot.text import fold

# Zipf frequency (log10 of occurrences per billion words): at or below COMMON_FROM
# a word keeps its full weight; at VERY_COMMON and above it keeps FLOOR of it.
COMMON_FROM = 4.0
VERY_COMMON = 6.5
FLOOR = 0.25


@lru_cache(maxsize=16)
def zipf_table(languages: tuple[str, ...]) -> dict[str, float]:
    """Folded word -> highest Zipf frequency among `languages` (the ~30,000 commonest each)."""
    try:
        from wordfreq import available_languages, get_frequency_dict
    except ImportError:
        return {}
    known = available_languages("small")
    table: dict[str, float] = {}
    for lang in languages:
        if lang not in known:
            continue
        for word, freq in get_frequency_dict(lang, "small").items():
            key = fold(word)
            zipf = math.log10(freq * 1e9)
            if zipf > table.get(key, 0.0):
                table[key] = zipf
    return table


def generality_factor(zipf: float) -> float:
    """1.0 for rare words, down to FLOOR for the commonest."""
    if zipf <= COMMON_FROM:
        return 1.0
    share = min(1.0, (zipf - COMMON_FROM) / (VERY_COMMON - COMMON_FROM))
    return 1.0 - share * (1.0 - FLOOR)
