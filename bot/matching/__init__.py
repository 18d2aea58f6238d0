"""Matching a message to the knowledge: text folding, dictionary forms, the lexical scorer.

Each part is its own module: `lemmas`, `frequency`, `language`, `thesaurus`
(the word resources), `lexical` (the scorer and its answered / suggested /
fallback decision), `prepared` (a cache of the loaded knowledge and index).
Nothing here does I/O beyond reading packaged data, uses gettext or imports telegram.
"""

from bot.matching.lexical import (FIELD_WEIGHTS, LANGUAGE_SAMPLE, LINKS, LONG_MESSAGE, MIN_PART,
                                  PART_FACTOR, PLACE, SYNONYM, VARIANT_SIDE, VARIANT_VS_ENTRY,
                                  Candidate, Hits, Match, Matcher, Outcome, Thresholds, Vocabulary,
                                  place_term)

__all__ = [
    "FIELD_WEIGHTS", "LANGUAGE_SAMPLE", "LINKS", "LONG_MESSAGE", "MIN_PART", "PART_FACTOR", "PLACE",
    "SYNONYM", "VARIANT_SIDE", "VARIANT_VS_ENTRY", "Candidate", "Hits", "Match", "Matcher",
    "Outcome", "Thresholds", "Vocabulary", "place_term",
]
