"""Coordinators' figures from a recorded fixture: gaps, the report, posters, retention."""

import datetime as dt

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.conversation import Record, UserState
from bot.hosts import Ticket
from bot.coordination.reports import gaps, report
from bot.store import Store

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)  # a Monday


def q(text, outcome, lang="nb", muni="bardu", entry=None):
    return Record("question", lang, muni, text=text, outcome=outcome, entry=entry, score=50.0)


@pytest.fixture()
def store(tmp_path):
    s = Store(tmp_path / "db.sqlite3")
    s.add_records(1, [q("skattekort?", "fallback")], at=T0)
    s.add_records(2, [q("hvordan får jeg skattekort", "suggested")], at=T0 + dt.timedelta(hours=1))
    s.add_records(3, [q("skattekortet mitt", "answered", entry="common/tax-card")], at=T0 + dt.timedelta(days=1))
    s.add_records(3, [Record("feedback", "nb", "bardu", entry="common/tax-card", value="down")],
                  at=T0 + dt.timedelta(days=1, minutes=1))
    s.add_records(4, [q("how do I get a GP", "answered", "en", "senja", "common/gp")], at=T0 + dt.timedelta(days=8))
    s.add_records(4, [Record("feedback", "en", "senja", entry="common/gp", value="up")], at=T0 + dt.timedelta(days=8))
    s.add_records(5, [q("wo ist das Schwimmbad", "suggested", "de", None)], at=T0 + dt.timedelta(days=9))
    s.add_records(5, [Record("suggestion-taken", "de", None, entry="common/gp")],
                  at=T0 + dt.timedelta(days=9, minutes=2))
    t = s.open_ticket(Ticket(0, 2, "default", -100, 7, "bardu", "nb", "Ana", "hvordan får jeg skattekort",
                             created_at=T0 + dt.timedelta(hours=1)))
    s.update_ticket(t.id, first_reply_at=T0 + dt.timedelta(hours=3), status="closed", rating=5)
    yield s
    s.close()


def test_gaps_group_near_identical_questions(store, matcher):
    found = gaps(store.records(), matcher.content_words)
    assert [(g.count, sorted(g.texts)) for g in found] == [
        (3, ["hvordan får jeg skattekort", "skattekort?", "skattekortet mitt"])]
    assert found[0].reasons == ("fallback", "suggestion not taken", "thumbs down")


def test_the_report_figures_match_the_fixture(store, knowledge):
    r = report(store.records(), store.tickets(), knowledge, T0, T0 + dt.timedelta(days=30),
               store.first_record_at())
    assert r.questions == 5
    assert r.outcomes == {"answered": 2, "suggested": 2, "fallback": 1}
    assert r.by_language == {"nb": 3, "en": 1, "de": 1}
    assert r.by_municipality == {"bardu": 3, "senja": 1, "-": 1}
    assert r.escalated == 1 and r.median_first_reply == dt.timedelta(hours=2)
    assert r.ratings == {5: 1} and r.thumbs == {"up": 1, "down": 1}
    assert r.top_entries == [("common/tax-card", 1), ("common/gp", 1)]
    assert r.weekly == {"2026-W10": {"nb": 3}, "2026-W11": {"en": 1, "de": 1}}
    assert r.data_from == T0


def test_report_command_formats_with_babel(store, region_dir):
    runner = CliRunner()
    out = runner.invoke(main, ["report", "--knowledge", str(region_dir), "--database", str(store.path),
                               "--since", "2026-03-01", "--until", "2026-04-01", "--lang", "de"])
    assert out.exit_code == 0, out.output
    assert "| Fragen | 5 |" in out.output
    assert "| Beantwortet | 2 (40\xa0%) |" in out.output  # Babel: German percent with a no-break space
    html = runner.invoke(main, ["report", "--knowledge", str(region_dir), "--database", str(store.path),
                                "--since", "2026-03-01", "--until", "2026-04-01", "--format", "html"])
    assert "<svg" in html.output and "2026-W10 nb: 3" in html.output


def test_gaps_command_writes_drafts(store, region_dir, tmp_path):
    runner = CliRunner()
    out = runner.invoke(main, ["gaps", "--knowledge", str(region_dir), "--database", str(store.path),
                               "--since", "2026-01-01", "--drafts", str(tmp_path / "drafts")])
    assert out.exit_code == 0, out.output
    assert "| 1 | 3 |" in out.output
    assert (tmp_path / "drafts" / "gap-1.yaml").exists()


def test_poster_writes_png_and_svg_for_the_deep_link(region_dir, tmp_path):
    out = CliRunner().invoke(main, ["poster", "--knowledge", str(region_dir), "-m", "bardu", "-l", "de",
                                    "-t", "tax", "--username", "vertskap_bot", "--out", str(tmp_path)])
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[0] == "https://t.me/vertskap_bot?start=bardu-de-tax"
    assert (tmp_path / "vertskap-bardu-de-tax.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "vertskap-bardu-de-tax.svg").read_text().lstrip().startswith("<?xml")


def test_retention_forgets_old_records_and_personal_fields(store):
    assert store.forget_before(T0 + dt.timedelta(days=8)) == 4
    assert store.first_record_at() == T0 + dt.timedelta(days=8)
    ticket = store.ticket(1)
    assert (ticket.first_name, ticket.question, ticket.user_id) == ("", "", 0)
    assert store.user(3) == UserState()  # users' choices are kept apart from records
