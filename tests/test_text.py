from bot.text import fold, normalize, tokens, words


def test_fold_maps_norwegian_and_german_letters_to_plain_ones():
    assert fold("Søknad Bostøtte Århus Æbler") == "soknad bostotte arhus aebler"
    assert fold("Steuererklärung Größe Übung") == "steuererklarung grosse ubung"


def test_text_typed_with_and_without_diacritics_folds_alike():
    assert normalize("Når må jeg søke?") == normalize("nar ma jeg soke")


def test_words_drop_punctuation_emoji_and_invisible_characters():
    assert words("Hei!!! 😀 skatte\u200bkort??") == ["hei", "skattekort"]


def test_hyphenated_words_split_unless_a_part_is_a_letter_prefix():
    assert words("Kita-Gebühren") == ["kita", "gebuhren"]
    assert words("D-nummer") == ["dnummer"]


def test_tokens_keep_diacritics_for_the_lemmatizer():
    assert tokens("Søknad Größe") == ["søknad", "grösse"]
