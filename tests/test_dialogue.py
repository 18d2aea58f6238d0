"""The conversation engine: state + event in, replies out, on fixtures/region."""

from bot.conversation import (CALLBACK_LIMIT, ButtonPress, Command, Engine, TextMessage,
                              UserState, all_button_data)


def texts(turn):
    return "\n".join(r.text for r in turn.replies)


def test_start_greets_in_the_clients_language_and_asks_for_the_municipality(engine):
    turn = engine.handle(UserState(), Command("start", client_language="de"))
    assert turn.state.language == "de"
    assert "Willkommen" in texts(turn)
    assert all_button_data(turn.replies) == ["m:bardu", "m:malselv", "m:senja", "m:-"]


def test_start_maps_norwegian_codes_to_bokmal_and_unknown_ones_to_english(engine):
    assert engine.handle(UserState(), Command("start", client_language="nn")).state.language == "nb"
    assert engine.handle(UserState(), Command("start", client_language="no")).state.language == "nb"
    assert engine.handle(UserState(), Command("start", client_language="pt-br")).state.language == "en"
    assert engine.handle(UserState(), Command("start")).state.language == "en"


def test_choosing_a_municipality_shows_examples_and_the_emergency_numbers(engine):
    state = engine.handle(UserState(), Command("start", client_language="en")).state
    turn = engine.handle(state, ButtonPress("m:bardu"))
    assert turn.state.municipality == "bardu"
    text = texts(turn)
    assert "Bardu" in text and "113" in text and "112" in text and "110" in text
    # three example questions, local ones first (Bardu's own GP entry)
    examples = [line for line in text.splitlines() if line.startswith("• ")]
    assert len(examples) == 3
    assert examples[0] == "• How do I get a GP in Bardu?"


def test_not_decided_yet_keeps_no_municipality(engine):
    turn = engine.handle(UserState(language="nb", municipality="bardu"), ButtonPress("m:-"))
    assert turn.state.municipality is None
    assert "Midt-Troms" in texts(turn)


def test_deep_links_preselect_municipality_language_and_topic(engine):
    turn = engine.handle(UserState(), Command("start", "senja-de-schools", client_language="en"))
    assert (turn.state.municipality, turn.state.language) == ("senja", "de")
    assert "Senja" in texts(turn)
    assert "a:senja/kindergarten-place" in all_button_data(turn.replies)
    turn = engine.handle(UserState(), Command("start", "bardu", client_language="nb"))
    assert (turn.state.municipality, turn.state.language) == ("bardu", "nb")


def test_an_unknown_deep_link_falls_back_to_the_normal_start(engine):
    turn = engine.handle(UserState(), Command("start", "oslo-xx-<b>", client_language="en"))
    assert turn.state.municipality is None
    assert "m:bardu" in all_button_data(turn.replies)


def test_an_answered_question_comes_with_links_and_feedback_buttons(engine):
    turn = engine.handle(UserState(language="en", municipality="bardu"),
                         TextMessage("Wie bekomme ich eine Steuerkarte?"))
    reply = turn.replies[0]
    assert reply.text.startswith("Die Steuerkarte (skattekort)")  # German, as asked
    assert reply.links == ("https://www.skatteetaten.no/en/person/foreign/",)
    assert reply.footer == "War das hilfreich?"
    assert all_button_data([reply]) == ["f+:common/tax-card", "f-:common/tax-card"]
    assert turn.records[0].kind == "question" and turn.records[0].outcome == "answered"
    assert turn.records[0].entry == "common/tax-card"


def test_a_suggestion_can_be_pressed_to_see_its_answer(doubtful_services):
    engine = Engine(doubtful_services)
    state = UserState(language="nb")
    turn = engine.handle(state, TextMessage("skatt"))
    data = all_button_data(turn.replies)
    assert "a:common/tax-card" in data and data[-1] == "h"
    pressed = engine.handle(state, ButtonPress("a:common/tax-card"))
    assert pressed.replies[0].text.startswith("Du bestiller skattekort")
    assert pressed.records[0].kind == "suggestion-taken"


def test_no_answer_offers_a_person(engine):
    turn = engine.handle(UserState(language="en"), TextMessage("best pizza in town?"))
    assert "Sorry" in texts(turn)
    assert all_button_data(turn.replies) == ["h"]
    assert turn.records[0].outcome == "fallback"


def test_feedback_is_recorded_and_thumbs_down_offers_a_person(engine):
    state = UserState(language="en")
    up = engine.handle(state, ButtonPress("f+:common/tax-card"))
    assert up.records[0].value == "up" and up.records[0].entry == "common/tax-card"
    down = engine.handle(state, ButtonPress("f-:common/tax-card"))
    assert down.records[0].value == "down"
    assert all_button_data(down.replies) == ["h"]


def test_forged_or_stale_buttons_get_a_polite_reply(engine):
    state = UserState(language="en", municipality="senja")
    for data in ["a:common/nope", "m:oslo", "l:xx", "zz", "", "f+:", "t:nope", "a:#deadbeef", "h:x"]:
        turn = engine.handle(state, ButtonPress(data))
        assert turn.state == state
        assert "expired" in texts(turn)


def test_language_and_municipality_can_be_changed(engine):
    state = UserState(language="en", municipality="bardu")
    turn = engine.handle(state, Command("language"))
    assert all_button_data(turn.replies) == ["l:nb", "l:en", "l:de"]
    turn = engine.handle(state, ButtonPress("l:nb"))
    assert turn.state.language == "nb" and "bokmål" in texts(turn).lower()
    turn = engine.handle(turn.state, ButtonPress("m:senja"))
    assert turn.state == UserState(language="nb", municipality="senja", onboarded=True)


def test_topics_list_the_municipalitys_entries(engine):
    state = UserState(language="en", municipality="malselv")
    topics = engine.handle(state, Command("topics"))
    assert all_button_data(topics.replies) == ["t:tax", "t:schools", "t:health"]
    tax = engine.handle(state, ButtonPress("t:tax"))
    assert all_button_data(tax.replies) == ["a:common/tax-card", "a:common/tax-return",
                                            "a:malselv/property-tax"]


def test_help_and_unknown_commands_answer_in_the_users_language(engine):
    assert "/topics" in texts(engine.handle(UserState(language="de"), Command("help")))
    assert "Diesen Befehl kenne ich nicht" in texts(
        engine.handle(UserState(language="de"), Command("frobnicate")))


def test_empty_text_asks_for_text(engine):
    assert "text" in texts(engine.handle(UserState(language="en"), TextMessage("   "))).lower()


def test_without_host_chats_asking_for_a_person_points_to_the_municipality(engine):
    turn = engine.handle(UserState(language="en", municipality="bardu"), ButtonPress("h"))
    assert not turn.wants_host
    assert "https://www.bardu.kommune.no" in texts(turn)


def test_with_host_chats_asking_for_a_person_says_what_is_shared_and_asks_first(services):
    from dataclasses import replace as copy

    from bot.conversation import Engine
    from bot.hosts import DEFAULT, HostChat, OfficeHours, Routing

    hours = OfficeHours.parse("Mon-Fri 08:00-15:30")
    engine = Engine(copy(services, hosts=Routing({DEFAULT: HostChat(DEFAULT, -1, hours)})))
    state = UserState(language="en", municipality="bardu")
    ask = engine.handle(state, Command("host"))
    assert "first name" in texts(ask) and "never your phone number" in texts(ask)
    assert all_button_data(ask.replies) == ["hc", "hn"]
    assert engine.handle(state, ButtonPress("hc")).wants_host
    assert engine.handle(state, ButtonPress("hb")).leaves_host
    assert engine.handle(state, ButtonPress("r:7:5")).rating == (7, 5)
    assert "expired" in texts(engine.handle(state, ButtonPress("r:7:9")))


def test_every_button_fits_telegrams_callback_limit(engine, knowledge):
    state = UserState(language="en", municipality="senja")
    replies = []
    for cmd in ("start", "topics", "language", "municipality"):
        replies += engine.handle(state, Command(cmd)).replies
    for topic in knowledge.region.topics:
        replies += engine.handle(state, ButtonPress(f"t:{topic}")).replies
    assert all(len(d.encode()) <= CALLBACK_LIMIT for d in all_button_data(replies))


def test_an_answer_missing_in_the_language_says_so_and_uses_the_fallback(engine, knowledge):
    from dataclasses import replace
    from types import MappingProxyType

    entry = knowledge.entry("tax-card")
    only_nb = replace(entry, answer=MappingProxyType({"nb": entry.answer["nb"]}))
    reply = engine.answer_reply(only_nb, "de")
    assert reply.text.splitlines()[0] == ("Diese Antwort gibt es noch nicht auf Deutsch; hier "
                                          "ist sie auf Norwegisch (Bokmål).")
    assert entry.answer["nb"] in reply.text
