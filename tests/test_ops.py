"""Operating it: backups while writes go on, restore, the run lock, init, the default folders."""

import shutil
import sqlite3
import threading

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.config import load_settings
from bot.conversation import Record, UserState
from bot import shipped
from bot.ops.backup import BackupError, backup, restore
from bot.cli.language import cli_language
from bot.ops.init import FolderNotEmpty, init_region
from bot.ops.runlock import DatabaseInUse, RunLock, is_running
from bot.store import Store


def question(n: int) -> Record:
    return Record("question", "nb", "bardu", text=f"spørsmål {n}", outcome="answered", score=n)


def test_a_backup_while_writes_go_on_is_whole_and_loses_nothing(tmp_path):
    store = Store(tmp_path / "live.sqlite3")
    stop = threading.Event()
    written = []

    def write():
        n = 0
        while not stop.is_set():
            n += 1
            store.add_records(n, [question(n)])
            store.save_user(n, UserState(language="nb", municipality="bardu", onboarded=True))
            written.append(n)

    writer = threading.Thread(target=write)
    writer.start()
    copies = []
    try:
        while len(written) < 200:
            threading.Event().wait(0.01)
        for i in range(5):
            copies.append(backup(store.path, tmp_path / f"copy-{i}.sqlite3"))
            threading.Event().wait(0.02)
    finally:
        stop.set()
        writer.join()
    final = backup(store.path, tmp_path / "final.sqlite3")
    store.close()

    counts = []
    for copied in copies + [final]:
        db = sqlite3.connect(copied.path)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file, no -wal
        ids = [r[0] for r in db.execute("SELECT id FROM records ORDER BY id")]
        assert ids == list(range(1, len(ids) + 1))  # a snapshot: every row up to a point
        users = db.execute("SELECT COUNT(*) FROM users").fetchone()[0]
        assert users in (len(ids), len(ids) - 1)  # a user row follows its question
        counts.append(len(ids))
        db.close()
    assert counts == sorted(counts) and counts[0] >= 200
    assert counts[-1] == len(written)  # the backup after the writes has every row


def test_a_backup_to_a_folder_gets_a_dated_name(tmp_path):
    Store(tmp_path / "db.sqlite3").close()
    (tmp_path / "backups").mkdir()
    copied = backup(tmp_path / "db.sqlite3", tmp_path / "backups")
    assert copied.path.parent == tmp_path / "backups"
    assert copied.path.name.startswith("vertskap-") and copied.path.suffix == ".sqlite3"
    assert list((tmp_path / "backups").iterdir()) == [copied.path]  # no partial file left


def test_restore_puts_a_backup_back(tmp_path):
    store = Store(tmp_path / "db.sqlite3")
    store.add_records(1, [question(1)])
    store.close()
    saved = backup(tmp_path / "db.sqlite3", tmp_path / "saved.sqlite3")
    store = Store(tmp_path / "db.sqlite3")
    store.add_records(1, [question(2), question(3)])
    store.close()
    restore(saved.path, tmp_path / "db.sqlite3")
    store = Store(tmp_path / "db.sqlite3")
    assert [r["text"] for r in store.records()] == ["spørsmål 1"]
    store.close()


def test_restore_refuses_while_the_run_lock_is_held(tmp_path):
    database = tmp_path / "db.sqlite3"
    Store(database).close()
    saved = backup(database, tmp_path / "saved.sqlite3")
    with RunLock(database):
        assert is_running(database)
        with pytest.raises(DatabaseInUse):
            restore(saved.path, database)
        with pytest.raises(DatabaseInUse):
            RunLock(database)  # a second bot on the same database
    assert not is_running(database)


def test_restore_refuses_what_is_no_vertskap_database(tmp_path):
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(BackupError, match="is not a Vertskap database"):
        restore(tmp_path / "notes.txt", tmp_path / "db.sqlite3")
    other = sqlite3.connect(tmp_path / "other.sqlite3")
    other.execute("CREATE TABLE t (x)")
    other.close()
    with pytest.raises(BackupError, match="no users and records tables"):
        restore(tmp_path / "other.sqlite3", tmp_path / "db.sqlite3")


def test_backup_and_restore_commands(tmp_path):
    database = tmp_path / "db.sqlite3"
    store = Store(database)
    store.add_records(1, [question(1)])
    store.close()
    runner = CliRunner()
    result = runner.invoke(main, ["backup", str(tmp_path / "b.sqlite3"), "--database", str(database)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Backed up {database} to {tmp_path / 'b.sqlite3'}: ")
    assert "integrity ok" in result.output
    with RunLock(database):
        result = runner.invoke(main, ["restore", str(tmp_path / "b.sqlite3"), "--database",
                                      str(database), "--lang", "de"])
    assert result.exit_code == 1
    assert "läuft" in result.output and "Traceback" not in result.output
    result = runner.invoke(main, ["restore", str(tmp_path / "b.sqlite3"), "--database", str(database)])
    assert result.exit_code == 0, result.output
    assert "db.sqlite3.before-restore" in result.output
    result = runner.invoke(main, ["backup", str(tmp_path / "x.sqlite3"), "--database",
                                  str(tmp_path / "none.sqlite3")])
    assert result.exit_code == 1 and "there is no database at" in result.output


def test_init_makes_a_region_folder_that_validates_and_runs(tmp_path, monkeypatch):
    knowledge, settings_file = init_region(tmp_path / "troms")
    assert (knowledge / "region.yaml").is_file() and list((knowledge / "faq").iterdir())
    settings = load_settings(settings_file, env={"TELEGRAM_BOT_TOKEN": "1:abc"})
    assert settings.knowledge == knowledge.resolve()
    with pytest.raises(FolderNotEmpty):
        init_region(tmp_path / "troms")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "troms"), "--lang", "nb"])
    assert result.exit_code == 1 and "finnes" in result.output
    monkeypatch.chdir(tmp_path / "troms")
    monkeypatch.delenv("VERTSKAP_KNOWLEDGE", raising=False)
    assert shipped.default_knowledge() == knowledge  # ./knowledge is the coordinators' folder
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert str(knowledge) in result.output


def test_the_default_knowledge_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("VERTSKAP_KNOWLEDGE", raising=False)
    monkeypatch.chdir(tmp_path)
    assert shipped.default_knowledge() == shipped.shipped("knowledge")
    (tmp_path / "knowledge").mkdir()  # a folder without a region is not taken
    assert shipped.default_knowledge() == shipped.shipped("knowledge")
    monkeypatch.setenv("VERTSKAP_KNOWLEDGE", str(tmp_path / "elsewhere"))
    assert shipped.default_knowledge() == tmp_path / "elsewhere"
    assert (shipped.shipped("locales") / "de" / "LC_MESSAGES" / "vertskap.mo").is_file()


@pytest.mark.parametrize("chosen, env, expected", [
    (None, {}, "en"),
    (None, {"LANG": "nb_NO.UTF-8"}, "nb"),
    (None, {"LANG": "nn_NO.UTF-8"}, "nb"),
    (None, {"LC_ALL": "de_AT.UTF-8", "LANG": "nb_NO.UTF-8"}, "de"),
    (None, {"LANGUAGE": "fr:de", "LANG": "nb_NO.UTF-8"}, "de"),
    (None, {"LC_ALL": "C.UTF-8", "LANG": "de_DE.UTF-8"}, "en"),
    (None, {"LANG": "fr_FR.UTF-8"}, "en"),
    ("de", {"LANG": "nb_NO.UTF-8"}, "de"),
    ("xx", {}, "en"),
])
def test_the_command_line_language(chosen, env, expected):
    assert cli_language(chosen, env) == expected


def test_the_coordinators_commands_speak_their_language(region_dir, tmp_path):
    runner = CliRunner()
    nb = runner.invoke(main, ["validate", "--knowledge", str(region_dir), "--lang", "nb"])
    assert nb.exit_code == 0 and nb.output.endswith("0 feil, 0 advarsel/advarsler – ok\n")
    de = runner.invoke(main, ["coverage", "--knowledge", str(region_dir), "--stale", "--lang", "de"])
    assert de.output.splitlines()[0] == "bardu/gp: nie geprüft"
    assert de.output.splitlines()[-1] == "8 Einträge zu prüfen"
    by_locale = runner.invoke(main, ["coverage", "--knowledge", str(region_dir), "--stale"],
                              env={"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "",
                                   "LANG": "nb_NO.UTF-8"})
    assert by_locale.output.splitlines()[-1] == "8 oppføringer å gjennomgå"
    cases = tmp_path / "cases.yaml"
    cases.write_text("cases:\n  - text: how do I get a GP\n    expect: bardu/gp\n"
                     "    municipality: senja\n", encoding="utf-8")
    check = runner.invoke(main, ["check", "--knowledge", str(region_dir), "--cases", str(cases),
                                 "--lang", "de"])
    assert check.output.startswith("FEHLER  'how do I get a GP' [senja]: erwartet bardu/gp, erhalten ")
    assert check.output.splitlines()[-1] == "0/1 Fälle bestanden"


SCHOOLS = """\
topic: schools
entries:
  - id: school-start
    questions:
      nb: [Når starter skolen?]
      en: [When does school start?]
      de: [Wann beginnt die Schule?]
    answer:
      nb: I august.
      en: In August.
    lenks: []
"""


NO_LOCALE = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": ""}


@pytest.mark.parametrize("args, env, expected", [
    ([], {}, [
        "faq/bardu/schools.yaml:9:7: warning: entry 'school-start' has no answer in 'de'; the "
        "program will answer in the fallback language 'nb'; add answer.de",
        "faq/bardu/schools.yaml:11:5: error: unknown key 'lenks' in entry 'school-start'; did you "
        "mean 'links'?"]),
    (["--lang", "de"], {"LANG": "nb_NO.UTF-8"}, [
        "faq/bardu/schools.yaml:9:7: Warnung: Eintrag 'school-start' hat keine Antwort in 'de'; das "
        "Programm antwortet dann in der Ersatzsprache 'nb'; fügen Sie answer.de hinzu",
        "faq/bardu/schools.yaml:11:5: Fehler: unbekannter Schlüssel 'lenks' in Eintrag "
        "'school-start'; meinten Sie 'links'?"]),
    ([], {"LANG": "nb_NO.UTF-8"}, [
        "faq/bardu/schools.yaml:9:7: advarsel: oppføringen 'school-start' har ikke noe svar på "
        "'de'; programmet svarer da på reservespråket 'nb'; legg til answer.de",
        "faq/bardu/schools.yaml:11:5: feil: ukjent nøkkel 'lenks' i oppføringen 'school-start'; "
        "mente du 'links'?"]),
])
def test_the_findings_of_validate_speak_the_language_in_the_same_place(region_dir, tmp_path, args,
                                                                       env, expected):
    folder = tmp_path / "knowledge"
    shutil.copytree(region_dir, folder)
    (folder / "faq" / "bardu" / "schools.yaml").write_text(SCHOOLS, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--knowledge", str(folder), *args],
                                env={**NO_LOCALE, **env})
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == expected
    as_json = CliRunner().invoke(main, ["validate", "--knowledge", str(folder), "--json", *args],
                                 env={**NO_LOCALE, **env})
    assert "add answer.de" in as_json.output  # JSON keeps the English text


@pytest.mark.parametrize("args, expected", [
    (["validate", "--help", "--lang", "de"], ["Aufruf: vertskap validate [OPTIONS]",
                                              "Prüft einen Wissensordner",
                                              "Optionen:", "Zeigt diese Hilfe an"]),
    (["gaps", "--lang", "nb", "-h"], ["Bruk: vertskap gaps", "Det folk spurte om", "Valg:",
                                      "Bare denne kommune-id-en."]),
    (["check", "-h"], ["Usage: vertskap check", "Run test questions", "Options:"]),
    (["coverage", "-l", "de", "-h"], ["Eine Tabelle Gemeinde × Thema"]),
])
def test_the_help_texts_come_from_the_catalogs(args, expected):
    result = CliRunner().invoke(main, args, prog_name="vertskap")
    assert result.exit_code == 0
    for text in expected:
        assert text in result.output, text


def test_usage_errors_speak_the_language_too(region_dir):
    result = CliRunner().invoke(main, ["check", "--knowledge", str(region_dir), "--cases",
                                       "/nope.yaml", "--lang", "de"], prog_name="vertskap")
    assert result.exit_code == 2
    assert "Aufruf: vertskap check" in result.output
    assert "Versuchen Sie 'vertskap check -h' für Hilfe." in result.output
    assert "Fehler: " in result.output and "'/nope.yaml' existiert nicht" in result.output
    listing = CliRunner().invoke(main, ["-h"], env={"LANGUAGE": "de"})
    assert "Befehle:" in listing.output and "Prüft einen Wissensordner" in listing.output


def test_metrics_count_outcomes_by_region_language_and_carry_nothing_personal():
    from bot.ops.metrics import Metrics

    metrics = Metrics(["nb", "en", "de"])
    metrics.counted([Record("question", "nb", "bardu", text="hvor får jeg skattekort",
                            outcome="answered", entry="common/tax-card", score=90.0),
                     Record("question", "fr", None, text="où est la mairie", outcome="fallback"),
                     Record("feedback", "nb", "bardu", entry="common/tax-card", value="down")])
    metrics.handled(0.02)
    text = metrics.exposition().decode()
    assert 'vertskap_questions_total{language="nb",outcome="answered"} 1.0' in text
    assert 'vertskap_questions_total{language="other",outcome="fallback"} 1.0' in text
    assert 'language="fr"' not in text
    for private in ("skattekort", "mairie", "tax-card", "bardu"):
        assert private not in text
    assert "_created" not in text
