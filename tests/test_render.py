"""Replies as Telegram HTML: escaped, within the limit, cut at paragraphs."""

from fakebotapi import check_html

from bot.conversation import Button, Reply
from bot.telegram_app.render import MAX_TEXT, render


def test_text_is_escaped_and_links_are_anchors():
    (text, markup), = render(Reply("1 < 2 & <b>bold</b>", links=("https://www.nav.no/en?a=1&b=2",),
                                   buttons=((Button("👍", "f+:x"),),), footer="Ok?"))
    assert text == ('1 &lt; 2 &amp; &lt;b&gt;bold&lt;/b&gt;\n\n'
                    '→ <a href="https://www.nav.no/en?a=1&amp;b=2">nav.no/en</a>\n\nOk?')
    assert check_html(text) == ("1 < 2 & <b>bold</b>\n\n→ nav.no/en\n\nOk?", [])
    assert markup.inline_keyboard[0][0].callback_data == "f+:x"


def test_long_replies_are_cut_at_paragraphs_and_keep_buttons_on_the_last():
    paragraphs = [f"Paragraph {i}. " + "word " * 400 for i in range(10)]
    messages = render(Reply("\n\n".join(paragraphs), buttons=((Button("a", "b"),),)))
    assert len(messages) > 2
    assert all(len(check_html(t)[0]) <= MAX_TEXT and not check_html(t)[1] for t, _ in messages)
    assert all(t.startswith("Paragraph") for t, _ in messages)  # no paragraph is split
    assert [m is not None for _, m in messages] == [False] * (len(messages) - 1) + [True]


def test_an_endless_word_of_escapes_is_cut_between_escapes():
    messages = render(Reply("<&>" * 3000))
    for text, _ in messages:
        plain, problems = check_html(text)
        assert not problems and len(text) <= MAX_TEXT
    assert "".join(check_html(t)[0] for t, _ in messages) == "<&>" * 3000


def test_an_empty_reply_still_sends_something():
    assert render(Reply("")) == [("…", None)]
