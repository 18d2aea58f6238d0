"""The command line's own words in the reader's language: `--lang`, else the locale, else English.

The words come from the same gettext catalogs as the assistant's (message ids in
English). The locale is read as gettext does: LANGUAGE, LC_ALL, LC_MESSAGES, LANG.
"""

from __future__ import annotations

import os
from typing import Callable, Mapping

from babel.support import NullTranslations, Translations

from bot.i18n import ALIASES, DOMAIN, DEFAULT_LOCALES

ENGLISH = "en"
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def catalog_languages() -> tuple[str, ...]:
    """The languages with a compiled catalog."""
    return tuple(sorted(p.name for p in DEFAULT_LOCALES.iterdir()
                        if (p / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file()))


def _known(code: str) -> str | None:
    code = code.split(".")[0].split("@")[0].replace("_", "-").lower()
    code = ALIASES.get(code, ALIASES.get(code.split("-")[0], code.split("-")[0]))
    return code if code in catalog_languages() else None


def cli_language(chosen: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The language for the command line's messages and help."""
    if chosen:
        return _known(chosen) or ENGLISH
    env = os.environ if env is None else env
    for name in LOCALE_VARIABLES:
        value = env.get(name, "")
        if not value:
            continue
        if value in ("C", "POSIX") or value.startswith(("C.", "POSIX.")):
            return ENGLISH
        for code in value.split(":"):  # LANGUAGE may list several
            if code and _known(code):
                return _known(code)
        return ENGLISH
    return ENGLISH


_catalogs: dict[str, NullTranslations] = {}


def translator(lang: str) -> Callable[..., str]:
    """`_(message, **values)` for `lang`; English (the message ids) where no catalog answers."""
    if lang not in _catalogs:
        catalog = Translations.load(str(DEFAULT_LOCALES), [lang], DOMAIN)
        _catalogs[lang] = catalog if isinstance(catalog, Translations) else NullTranslations()
    catalog = _catalogs[lang]

    def _(message: str, **values) -> str:
        text = catalog.gettext(message)
        return text.format(**values) if values else text

    return _
