"""The terminal chat: buttons as numbers, commands, text."""

from bot.cli.console import chat


def run(engine, lines, **kw):
    inputs = iter(lines)
    out = []

    def read(prompt):
        try:
            return next(inputs)
        except StopIteration:
            raise EOFError from None

    state = chat(engine, read, out.append, **kw)
    return state, "\n".join(out)


def test_a_newcomer_picks_a_municipality_by_number_and_gets_an_answer(engine):
    state, out = run(engine, ["3", "barnehageplass", "1", "/quit", "never read"], language="nb")
    assert "[3] Senja" in out
    assert state.municipality == "senja"
    assert "I Senja søker du barnehageplass" in out
    assert "  → https://www.senja.kommune.no" in out
    assert "Takk for at du sa ifra!" in out  # pressed [1] 👍


def test_municipality_and_language_options_start_like_a_deep_link(engine):
    state, out = run(engine, ["Wie bekomme ich einen Hausarzt?"], municipality="bardu", language="de")
    assert (state.municipality, state.language) == ("bardu", "de")
    assert "In Bardu wählen Sie den Hausarzt" in out


def test_commands_work_and_end_of_input_ends_the_chat(engine):
    state, out = run(engine, ["/language", "1", "/help"], language="en")
    assert state.language == "nb"
    assert "/topics – bla i alle spørsmål etter tema" in out
