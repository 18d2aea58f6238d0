"""The matcher's behaviours, on the small region in fixtures/region."""

from pathlib import Path

import pytest

from bot.knowledge import load_knowledge
from bot.matching import Matcher, Outcome, Thresholds


def answered(matcher, text, **kw):
    m = matcher.match(text, **kw)
    assert m.outcome is Outcome.ANSWERED, (text, m.outcome, [(c.entry.key, c.score) for c in m.candidates])
    return m


@pytest.mark.parametrize("text", [
    "Hvordan får jeg skattekort?",
    "hvordan far jeg skattekort",           # no æøå
    "skattekrot bestille hvor",             # typo
    "skattekortet mitt",                    # inflected
    "how do i get a tax card",
    "Steuerkarte beantragen",
    "steuerkarte",
])
def test_tax_card_questions_are_answered_by_the_tax_card(matcher, text):
    assert answered(matcher, text).entry.id == "tax-card"


@pytest.mark.parametrize("text, lang", [
    ("Hvordan får jeg skattekort?", "nb"),
    ("when is the tax return deadline", "en"),
    ("Wann muss ich die Steuererklärung abgeben?", "de"),
    ("wann muss ich die steuererklarung abgeben", "de"),
])
def test_the_reply_language_is_the_language_of_the_message(matcher, text, lang):
    m = matcher.match(text, language="en" if lang != "en" else "nb")
    assert (m.language, m.language_certain) == (lang, True)


def test_an_unclear_language_falls_back_to_the_users_choice(matcher):
    m = matcher.match("Bardu", language="de")
    assert (m.language, m.language_certain) == ("de", False)


def test_compound_words_match_their_parts(matcher):
    # 'Kindergartenplatz' is in the knowledge; the user writes the parts apart.
    assert answered(matcher, "Platz im Kindergarten beantragen").entry.id == "kindergarten-place"
    # ... and a compound that is not in the knowledge, of two words that are.
    assert answered(matcher, "fastlegebytte").entry.id == "gp"


@pytest.mark.parametrize("text, municipality", [
    ("barnehage i Finnsnes", "senja"),
    ("kindergarten in finnsnes", "senja"),
    ("barnehage på Silsand", "senja"),
    ("Kindergartenplatz in Lenvik", "senja"),
    ("lege på Setermoen", "bardu"),
    ("fastlege i Bardus sentrum", "bardu"),        # genitive
    ("fastlege i Sætermoen", "bardu"),             # fuzzy spelling
])
def test_a_place_named_in_the_message_decides_the_municipality(matcher, text, municipality):
    m = matcher.match(text, municipality="malselv")
    assert (m.municipality, m.municipality_from_text) == (municipality, True)


def test_a_municipality_override_answers_there_and_the_common_entry_elsewhere(matcher):
    assert answered(matcher, "how do I get a GP", municipality="bardu").entry.key == "bardu/gp"
    assert answered(matcher, "how do I get a GP", municipality="senja").entry.key == "common/gp"
    assert answered(matcher, "how do I get a GP").entry.key == "common/gp"
    assert answered(matcher, "barnehageplass", municipality="senja").entry.key == "senja/kindergarten-place"


def test_a_local_entry_does_not_leak_into_other_municipalities(matcher):
    assert answered(matcher, "eiendomsskatt", municipality="malselv").entry.key == "malselv/property-tax"
    assert answered(matcher, "eiendomsskatt Bardufoss").entry.key == "malselv/property-tax"
    for elsewhere in ("senja", "bardu", None):
        m = matcher.match("eiendomsskatt", municipality=elsewhere)
        assert m.entry is None or m.entry.id != "property-tax"


@pytest.mark.parametrize("text", [
    "what's the weather like tomorrow",
    "hvor kjøper jeg fiskekort",
    "best pizza in town",
    "asdfgh",
    "???",
    "",
    "😀😀",
])
def test_out_of_scope_messages_are_not_answered(matcher, text):
    assert matcher.match(text).outcome is not Outcome.ANSWERED


def test_a_doubtful_message_gets_suggestions_most_likely_first(doubtful_services):
    matcher = doubtful_services.matcher
    m = matcher.match("skatt")
    assert m.outcome is Outcome.SUGGESTED
    assert m.suggestions[0].id == "tax-card"
    assert len(m.suggestions) <= matcher.thresholds.max_suggestions
    probabilities = [c.probability for c in m.candidates]
    assert probabilities == sorted(probabilities, reverse=True)
    offered = {e.key for e in m.suggestions}
    assert all(c.probability >= matcher.calibration.suggest for c in m.candidates
               if c.entry.key in offered)


def test_without_the_semantic_signal_the_lexical_thresholds_suggest_the_close_ones(knowledge):
    lexical = Matcher(knowledge, semantic=False)
    m = lexical.match("skatt")
    assert m.outcome is Outcome.SUGGESTED
    assert {e.id for e in m.suggestions} >= {"tax-card", "tax-return"}
    assert m.confidence is None


def test_a_long_chatty_message_is_answered_by_the_question_in_it(matcher):
    text = ("Hi! I just moved here from Lithuania and start at the fish factory on monday. "
            "My boss says I need a tax card before the first salary, how do I get one? thanks")
    assert answered(matcher, text).entry.id == "tax-card"


def test_scores_are_0_to_100_and_ranked(matcher):
    m = matcher.match("tax card")
    scores = [c.score for c in m.candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 for s in scores)


def test_thresholds_decide_the_outcome(knowledge):
    strict = Matcher(knowledge, Thresholds(answer=100.1, suggest=101), semantic=False)
    assert strict.match("Hvordan får jeg skattekort?").outcome is Outcome.FALLBACK
    lenient = Matcher(knowledge, Thresholds(answer=1, margin=0, suggest=1), semantic=False)
    assert lenient.match("skatt").outcome is Outcome.ANSWERED


def test_never_raises_on_strange_input(matcher):
    for text in ["\u202eevil", "a" * 5000, "\x00\x01", "ß" * 10, "-" * 40, "d-", "1234 5678"]:
        matcher.match(text)


def test_ae_typed_as_a_or_e_still_matches(knowledge):
    from bot.matching import Vocabulary

    vocab = Vocabulary(["laere", "skole"])
    assert vocab.lookup("lare")[0] == (vocab.ids["laere"], Vocabulary.ALIAS)
    assert vocab.lookup("lere")[0] == (vocab.ids["laere"], Vocabulary.ALIAS)


def test_a_stop_word_of_one_language_is_a_word_of_meaning_in_another(matcher):
    # "bin" is German for "am" but an English noun; "alt" is Norwegian for "everything"
    # but German for "old". Each is dropped only in the language where it is a function word.
    assert "bin" in matcher.match("which bin does the pizza box go in").words
    assert "bin" not in matcher.match("ich bin neu hier und suche eine Wohnung").words
    assert "alt" in matcher.match("Wie alt muss mein Kind für die Schule sein?").words
    assert "alt" not in matcher.match("hvor finner jeg alt om skattekort").words


def test_a_question_variant_keeps_the_words_of_its_own_language():
    # The shipped knowledge asks "Which bin is for what?" (waste-sorting): the index
    # must keep "bin" there too, or the message's "bin" finds nothing.
    shipped = Matcher(load_knowledge(Path(__file__).parent.parent / "knowledge"), semantic=False)
    m = shipped.match("which bin does the pizza box go in")
    assert m.candidates[0].entry.id == "waste-sorting"
