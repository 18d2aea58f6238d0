"""Property-based: hostile text never breaks the matcher, the engine or the HTML."""

import sqlite3

import pytest
from fakebotapi import check_html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.conversation import ButtonPress, Reply, TextMessage, UserState
from bot.store import Store, StoreError
from bot.telegram_app.render import MAX_TEXT, render

hostile = st.one_of(
    st.text(max_size=4096),
    st.text(alphabet=st.sampled_from(list("<>&\"'*_`[]()~|#\u200b\u200f\u202e\u0000\ufeffæøåäöüß😀 \n")),
            max_size=600),
    st.from_regex(r"(<a href=\"javascript:x\">|<b>|</i>|&amp;|&#x[0-9a-f]{1,8};|\*\*|__|\[x\]\(tg://x\))+",
                  fullmatch=True),
)
quick = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@quick
@given(text=hostile)
def test_the_matcher_never_raises_and_scores_stay_in_range(matcher, text):
    m = matcher.match(text, municipality="bardu")
    assert all(0 <= c.score <= 100 for c in m.candidates)
    assert m.language in ("nb", "en", "de")


@quick
@given(text=hostile, data=st.text(max_size=80))
def test_the_engine_always_replies_with_valid_telegram_html(engine, text, data):
    for event in (TextMessage(text), ButtonPress(data)):
        turn = engine.handle(UserState(language="en", municipality="senja"), event)
        assert turn.replies or turn.wants_host
        for reply in turn.replies:
            for html, markup in render(reply):
                plain, problems = check_html(html)
                assert problems == [] and 0 < len(plain) <= MAX_TEXT
                for row in (markup.inline_keyboard if markup else ()):
                    assert all(len(b.callback_data.encode()) <= 64 for b in row)


@quick
@given(text=hostile, footer=st.text(max_size=200), links=st.lists(st.from_regex(
    r"https://[a-z]{1,10}\.no/[a-z&<>\"]{0,20}", fullmatch=True), max_size=3))
def test_rendering_any_reply_gives_valid_html_within_the_limit(text, footer, links):
    for html, _ in render(Reply(text, links=tuple(links), footer=footer)):
        plain, problems = check_html(html)
        assert problems == [] and len(plain) <= MAX_TEXT


def test_a_corrupt_database_is_one_clear_error(tmp_path):
    path = tmp_path / "db.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot use the database .*db.sqlite3"):
        Store(path)


def test_a_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "db.sqlite3"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer version of Vertskap"):
        Store(path)


def test_the_database_uses_wal_and_the_latest_schema(tmp_path):
    store = Store(tmp_path / "db.sqlite3")
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.version == 3
