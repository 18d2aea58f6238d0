"""Matching a message to the knowledge: text folding, dictionary forms, the lexical scorer.

Each part is its own module: `lemmas`, `frequency`, `language`, `thesaurus`
(the word resources); `vocabulary`, `places`, `words` and `index` (what the
lexical scorer knows of the knowledge's and the message's words); `lexical`
(the `Matcher`: lexical scoring) with `meaning` (its semantic side: `semantic`
embeddings, `small_talk`, `other_languages`, and the calibrated answer `decision`,
fitted by `fitting`); `results`
(the outcome, candidates and match it gives);
`prepared` (a cache of the loaded knowledge and index).
Nothing here does I/O beyond reading packaged data, uses gettext or imports telegram.
"""

from bot.matching import decision, fitting
from bot.matching.index import FIELD_WEIGHTS, LANGUAGE_SAMPLE, PART_FACTOR, Hits
from bot.matching.lexical import LONG_MESSAGE, VARIANT_SIDE, VARIANT_VS_ENTRY, Matcher, Thresholds
from bot.matching.results import Candidate, Match, Outcome
from bot.matching.places import PLACE, place_term
from bot.matching.vocabulary import LINKS, MIN_PART, Vocabulary
from bot.matching.words import SYNONYM

__all__ = [
    "decision", "fitting",
    "FIELD_WEIGHTS", "LANGUAGE_SAMPLE", "LINKS", "LONG_MESSAGE", "MIN_PART", "PART_FACTOR", "PLACE",
    "SYNONYM", "VARIANT_SIDE", "VARIANT_VS_ENTRY", "Candidate", "Hits", "Match", "Matcher",
    "Outcome", "Thresholds", "Vocabulary", "place_term",
]
