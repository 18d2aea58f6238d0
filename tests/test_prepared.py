"""The prepared cache: the same answers, a change makes a new copy, damage is ignored."""

import shutil

from bot.matching import prepared


def test_a_second_start_reads_the_prepared_copy_and_a_change_rebuilds(region_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "k"
    shutil.copytree(region_dir, folder)
    knowledge, matcher = prepared.load_prepared(folder)
    files = list((tmp_path / "cache" / "vertskap").glob("*.pickle"))
    assert len(files) == 1
    again, again_matcher = prepared.load_prepared(folder)
    assert again == knowledge
    assert again_matcher.match("skattekort").entry.key == matcher.match("skattekort").entry.key
    path = folder / "faq" / "common" / "tax.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    prepared.load_prepared(folder)
    assert len(list((tmp_path / "cache" / "vertskap").glob("*.pickle"))) == 1  # the old one went


def test_a_damaged_prepared_copy_is_ignored(region_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    prepared.load_prepared(region_dir)
    (pickle_file,) = (tmp_path / "cache" / "vertskap").glob("*.pickle")
    pickle_file.write_bytes(b"garbage")
    knowledge, matcher = prepared.load_prepared(region_dir)
    assert matcher.match("skattekort").entry.id == "tax-card"
