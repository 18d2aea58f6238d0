"""The catalogs: complete, consistent with the code, compiled, and loud when missing."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from bot.i18n import DEFAULT_LOCALES, DOMAIN, CatalogMissing, I18n

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = sorted(p.name for p in DEFAULT_LOCALES.iterdir() if p.is_dir())
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def code_messages() -> set[str]:
    found = extract_from_dir(str(ROOT / "bot"), keywords={"N_": None},
                             method_map=[("**.py", "python")])
    return {message for _, _, message, _, _ in found}


def po(lang):
    with open(DEFAULT_LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as f:
        return read_po(f, locale=lang)


def test_the_region_languages_all_have_catalogs():
    assert set(LANGUAGES) >= {"nb", "en", "de"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_in_the_code_is_translated(lang):
    catalog = po(lang)
    missing = sorted(m for m in code_messages()
                     if catalog.get(m) is None or not catalog.get(m).string
                     or "fuzzy" in catalog.get(m).flags)
    assert missing == [], f"{lang}: run pybabel extract/update and translate these"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders(lang):
    for message in po(lang):
        if message.id and message.string:
            assert set(PLACEHOLDER.findall(message.id)) == set(PLACEHOLDER.findall(message.string)), message.id


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogs_match_their_po_files(lang):
    with open(DEFAULT_LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as f:
        compiled = {m.id: m.string for m in read_mo(f) if m.id}
    source = {m.id: m.string for m in po(lang) if m.id and m.string}
    assert compiled == source, "run: pybabel compile -d locales -D vertskap"


def test_a_missing_catalog_stops_the_start(tmp_path):
    with pytest.raises(CatalogMissing, match="'xx'"):
        I18n(["nb", "xx"], DEFAULT_LOCALES)
    with pytest.raises(CatalogMissing):
        I18n(["nb"], tmp_path)


def test_negotiation():
    i18n = I18n(["nb", "en", "de"])
    assert [i18n.negotiate(c) for c in ["de-AT", "nn", "no", "nb_NO", "en-GB", "fr", None, ""]] == \
        ["de", "nb", "nb", "nb", "en", "nb", "nb", "nb"]
    assert i18n.negotiate("fr", default="en") == "en"


def test_gettext_formats_placeholders():
    i18n = I18n(["nb", "en", "de"])
    assert i18n.gettext("de", "I will write in {language}.", language="Deutsch") == "Ich schreibe auf Deutsch."
