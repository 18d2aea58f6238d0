"""Questions written in a language the region does not answer in (Polish, Ukrainian, …).

The language guesser of `bot.matching.language` knows only the region's
languages. This asks py3langid (its model ships in the wheel), limited to the
region's languages and those of `bot/data/other-languages.txt`, whether a
message is clearly in one of the others. Such a message is matched all the
same (the embedding model is multilingual) and answered in the user's chosen
language.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from bot.text import words

# How sure py3langid must be (its normalised probability) before a message counts as foreign.
SURE = 0.9
# A message needs this many words to say which language it is in.
MIN_WORDS = 3
# py3langid's codes for the region's languages where they differ (it knows one Norwegian).
ALIASES = {"nb": "no", "nn": "no"}
# Languages so close to a region language that a reader of one reads the other.
READ_AS = {"da": "no"}


def other_languages() -> tuple[str, ...]:
    text = resources.files("bot.data").joinpath("other-languages.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines()
                 if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=4)
def _identifier(candidates: tuple[str, ...]):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages([c for c in candidates if c in identifier.nb_classes])
    return identifier


class ForeignLanguage:
    """Tells whether a message is written in a language other than the region's."""

    def __init__(self, region_languages: tuple[str, ...]):
        self.own = {ALIASES.get(lang, lang) for lang in region_languages}
        self.candidates = tuple(sorted(self.own | set(other_languages()) | set(READ_AS)))

    def __call__(self, text: str) -> str | None:
        """The language's code (ISO 639-1) when the message is clearly in another one."""
        if len(words(text)) < MIN_WORDS:
            return None
        code, probability = _identifier(self.candidates).classify(text)
        code = READ_AS.get(code, code)
        if code in self.own:
            return None
        # Another script than the region's (Cyrillic, …) says enough even where the
        # identifier hesitates between two of its languages (Ukrainian, Russian).
        if probability < SURE and not _other_script(text):
            return None
        return code


def _other_script(text: str) -> bool:
    """Whether most letters of `text` are outside the Latin script."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(not _latin(c) for c in letters) > len(letters) / 2


def _latin(char: str) -> bool:
    return char < "\u0250"  # Basic Latin to Latin Extended-B: every region language's letters
