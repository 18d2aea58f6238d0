"""The user-facing strings: gettext catalogs under locales/, chosen per user.

Message ids are English. Every language of the region must have a compiled
catalog (`locales/<lang>/LC_MESSAGES/vertskap.mo`); a missing one stops the
start-up instead of silently showing English (Babel's `Translations.load`
returns NullTranslations for a missing file, which we refuse).
"""

from __future__ import annotations

import gettext as _gettext
from pathlib import Path
from typing import Sequence

from babel import Locale, UnknownLocaleError
from babel.support import NullTranslations, Translations

from bot.shipped import shipped

DOMAIN = "vertskap"
DEFAULT_LOCALES = shipped("locales")  # the wheel's copy, or the checkout's locales/

# Telegram reports language codes such as 'nn' or 'no' for Norwegian; bokmål
# is what the knowledge is written in. Other codes are matched by Babel.
ALIASES = {"no": "nb", "nn": "nb", "nb-no": "nb", "nn-no": "nb"}


class CatalogMissing(Exception):
    """A language of the region has no compiled catalog."""


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


class I18n:
    """Catalogs for each language of the region."""

    def __init__(self, languages: Sequence[str], locales: Path | None = None):
        self.languages = tuple(languages)
        self.locales = Path(locales or DEFAULT_LOCALES)
        self._catalogs: dict[str, _gettext.NullTranslations] = {}
        missing = []
        for lang in self.languages:
            catalog = Translations.load(str(self.locales), [lang], DOMAIN)
            if type(catalog) is NullTranslations or not isinstance(catalog, Translations):
                missing.append(lang)
            else:
                self._catalogs[lang] = catalog
        if missing:
            raise CatalogMissing(
                "no compiled catalog for " + ", ".join(repr(m) for m in missing)
                + f" in {self.locales}; add locales/<lang>/LC_MESSAGES/{DOMAIN}.po and run "
                "'pybabel compile -d locales -D vertskap'")

    def gettext(self, lang: str, message: str, **values) -> str:
        catalog = self._catalogs.get(lang) or self._catalogs[self.languages[0]]
        text = catalog.gettext(message)
        return text.format(**values) if values else text

    def ngettext(self, lang: str, singular: str, plural: str, n: int, **values) -> str:
        catalog = self._catalogs.get(lang) or self._catalogs[self.languages[0]]
        return catalog.ngettext(singular, plural, n).format(n=n, **values)

    def language_name(self, lang: str, in_language: str | None = None) -> str:
        """The language's name in `in_language`, by default its own ('Deutsch'), from Babel."""
        try:
            name = Locale.parse(lang).get_display_name(in_language or lang) or lang
        except (ValueError, UnknownLocaleError):
            return lang
        return name[:1].upper() + name[1:]

    def negotiate(self, code: str | None, default: str | None = None) -> str:
        """The region language for a client's language code; else `default`."""
        fallback = default if default in self.languages else self.languages[0]
        if not code:
            return fallback
        code = code.replace("_", "-").lower()
        code = ALIASES.get(code, ALIASES.get(code.split("-")[0], code))
        found = Locale.negotiate([code], list(self.languages), sep="-")
        return str(found) if found is not None and str(found) in self.languages else fallback


def babel_locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang)
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")
