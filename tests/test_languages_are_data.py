"""A fourth language is data: region.yaml, the entries and a catalog, no code."""

import shutil

import yaml
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from bot.conversation import ButtonPress, Command, Engine, TextMessage, UserState, all_button_data
from bot.i18n import DEFAULT_LOCALES
from bot.services import load_services

POLISH = {
    "Welcome! I am the newcomer assistant of {region}. Ask me your question in your own words, in {languages}.":
        "Witamy! Jestem asystentem dla nowych mieszkańców regionu {region}. Zadaj pytanie własnymi słowami, w języku: {languages}.",
    "Was this helpful?": "Czy to było pomocne?",
    "{first} or {last}": "{first} lub {last}",
}


def add_polish(knowledge_dir, locales_dir):
    region_path = knowledge_dir / "region.yaml"
    region = yaml.safe_load(region_path.read_text(encoding="utf-8"))
    region["languages"].append("pl")
    region["topics"]["tax"]["pl"] = "Podatki"
    region_path.write_text(yaml.safe_dump(region, allow_unicode=True), encoding="utf-8")
    tax_path = knowledge_dir / "faq" / "common" / "tax.yaml"
    tax = yaml.safe_load(tax_path.read_text(encoding="utf-8"))
    card = tax["entries"][0]
    card["questions"]["pl"] = ["Jak uzyskać kartę podatkową?", "karta podatkowa skattekort"]
    card["answer"]["pl"] = "Kartę podatkową (skattekort) zamawia się w urzędzie skarbowym."
    tax_path.write_text(yaml.safe_dump(tax, allow_unicode=True), encoding="utf-8")

    with open(locales_dir / "en" / "LC_MESSAGES" / "vertskap.po", "rb") as f:
        catalog = read_po(f, locale="pl")
    catalog.locale = "pl"
    for message in catalog:
        if message.id:
            message.string = POLISH.get(message.id, message.id)
    target = locales_dir / "pl" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(target / "vertskap.po", "wb") as f:
        write_po(f, catalog)
    with open(target / "vertskap.mo", "wb") as f:
        write_mo(f, catalog)


def test_a_fourth_language_needs_no_code(region_dir, tmp_path):
    knowledge_dir, locales_dir = tmp_path / "knowledge", tmp_path / "locales"
    shutil.copytree(region_dir, knowledge_dir)
    shutil.copytree(DEFAULT_LOCALES, locales_dir)
    add_polish(knowledge_dir, locales_dir)

    engine = Engine(load_services(knowledge_dir, locales_dir))
    start = engine.handle(UserState(), Command("start", client_language="pl-PL"))
    assert start.state.language == "pl"
    assert start.replies[0].text.startswith("Witamy!")
    assert start.replies[0].text.endswith("Deutsch lub Polski.")

    picker = engine.handle(start.state, Command("language"))
    assert "l:pl" in all_button_data(picker.replies)
    state = engine.handle(start.state, ButtonPress("m:senja")).state

    turn = engine.handle(state, TextMessage("Jak mogę uzyskać kartę podatkową?"))
    assert turn.match.language == "pl"
    assert turn.replies[0].text == "Kartę podatkową (skattekort) zamawia się w urzędzie skarbowym."
    assert turn.replies[0].footer == "Czy to było pomocne?"

    # The other languages still answer as before.
    turn = engine.handle(state, TextMessage("Wie bekomme ich eine Steuerkarte?"))
    assert turn.replies[0].text.startswith("Die Steuerkarte")
