"""The website (`vertskap site`): every page there, linked, well-formed, escaped, in every language.

The shipped knowledge is built once (without the search index, which the
browser test in test_site_browser.py uses); small cases build tmp folders.
"""

from __future__ import annotations

import re
import shutil
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib
import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.knowledge import Level
from bot.i18n import DEFAULT_LOCALES, I18n
from bot.knowledge import load_knowledge
from bot.site import SiteError, SiteOptions, build_site
from bot.site.build import format_hours, linkify
from bot.knowledge.validation import validate

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "knowledge"
GOOD = Path(__file__).parent / "fixtures" / "good"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def shipped():
    return load_knowledge(SHIPPED)


@pytest.fixture(scope="module")
def site(shipped, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "out"
    build_site(shipped, I18n(shipped.region.languages), out,
               SiteOptions(base_url="https://vertskap.example.org/", bot_username="VertskapBot",
                           search_index=False))
    return out


def pages(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.html") if "pagefind" not in p.relative_to(out).parts)


def parse(path: Path):
    """The page as a DOM tree; html5lib in strict mode raises on any parse error."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=True).parse(path.read_bytes())


def knowledge_folder(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(GOOD, root)
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def build_from(folder: Path, out: Path, **options) -> Path:
    knowledge = load_knowledge(folder)
    build_site(knowledge, I18n(knowledge.region.languages), out, SiteOptions(search_index=False, **options))
    return out


# --------------------------------------------------------------------------- the shipped knowledge


def test_every_entry_has_a_page_in_every_language(shipped, site):
    region = shipped.region
    count = 0
    for m in region.municipalities:
        for entry in shipped.visible_entries(m.id):
            for lang in region.languages:
                page = site / lang / m.id / entry.topic / entry.id / "index.html"
                assert page.is_file(), page
                count += 1
    assert count > 3 * 5 * 50
    for lang in region.languages:
        assert (site / lang / "index.html").is_file()
        assert (site / lang / "search" / "index.html").is_file()
        for m in region.municipalities:
            assert (site / lang / m.id / "index.html").is_file()
            assert (site / lang / m.id / "checklist" / "index.html").is_file()
            assert (site / lang / m.id / "telegram.svg").is_file()
    assert (site / "404.html").is_file() and (site / "index.html").is_file()


def test_a_municipality_shows_its_own_entry_where_it_overrides_the_common_one(shipped, site):
    local = next(e for e in shipped.entries if e.scope != "common"
                 and any(c.id == e.id for c in shipped.entries if c.scope == "common"))
    page = (site / "en" / local.scope / local.topic / local.id / "index.html").read_text("utf-8")
    first_words = local.answer["en"].split(".")[0]
    assert str(linkify(first_words)).removeprefix("<p>").removesuffix("</p>") in page


def test_every_page_is_well_formed_with_lang_title_one_h1_and_alternates(shipped, site):
    languages = set(shipped.region.languages)
    for path in pages(site):
        tree = parse(path)  # strict: raises on any parse error
        html = tree.getroot() if hasattr(tree, "getroot") else tree
        where = path.relative_to(site)
        assert html.get("lang") in languages, where
        title = html.find(f"{XHTML}head/{XHTML}title")
        assert title is not None and title.text and title.text.strip(), where
        assert len(html.findall(f".//{XHTML}h1")) == 1, where
        alternates = {link.get("hreflang") for link in html.iter(f"{XHTML}link")
                      if link.get("rel") == "alternate"}
        assert alternates >= languages, where
        assert html.find(f".//{XHTML}main") is not None, where
        assert html.find(f".//{XHTML}form[@role='search']") is not None, f"{where}: no search box"
        for control in html.iter(f"{XHTML}input"):
            if control.get("type") == "hidden":
                continue
            labels = [lab for lab in html.iter(f"{XHTML}label") if lab.get("for") == control.get("id")]
            assert labels, f"{where}: input without a label"


def test_every_internal_link_resolves(site):
    checked = 0
    for path in pages(site):
        html = parse(path)
        ids = {el.get("id") for el in html.iter() if el.get("id")}
        for el in html.iter():
            for attribute in ("href", "src", "action"):
                url = el.get(attribute)
                if not url:
                    continue
                parts = urlsplit(url)
                if parts.scheme in ("http", "https", "tel", "mailto"):
                    assert el.tag == f"{XHTML}a" or parts.netloc == "vertskap.example.org", \
                        f"{path.relative_to(site)}: a resource from elsewhere: {url}"
                    continue
                if not parts.path:
                    assert parts.fragment in ids, f"{path.relative_to(site)}: #{parts.fragment}"
                    continue
                base = site if parts.path.startswith("/") else path.parent
                target = (base / unquote(parts.path).lstrip("/")).resolve()
                if target.is_dir():
                    target = target / "index.html"
                assert target.is_file(), f"{path.relative_to(site)}: {url} does not resolve"
                if parts.fragment:
                    assert f'id="{parts.fragment}"' in target.read_text("utf-8"), url
                checked += 1
    assert checked > 10000


def test_the_language_switcher_stays_on_the_same_entry(site):
    html = parse(site / "en" / "senja" / "tax" / "tax-card" / "index.html")
    nav = next(n for n in html.iter(f"{XHTML}nav") if n.get("class") == "langs")
    links = {a.get("lang"): a.get("href") for a in nav.iter(f"{XHTML}a")}
    assert links == {"nb": "../../../../nb/senja/tax/tax-card/",
                     "en": "../../../../en/senja/tax/tax-card/",
                     "de": "../../../../de/senja/tax/tax-card/"}


def test_words_come_from_the_catalogs_in_the_page_language(site):
    de = (site / "de" / "bardu" / "tax" / "tax-card" / "index.html").read_text("utf-8")
    assert "In den Antworten suchen" in de and "Zuletzt geprüft: 26. November 2026" in de
    assert "Wie bekomme ich eine norwegische Steuerkarte?" in de
    nb = (site / "nb" / "index.html").read_text("utf-8")
    assert "Velkommen til Midt-Troms" in nb and "Nødnumre" in nb and 'href="tel:113"' in nb


def test_deep_links_and_qr_codes(site):
    page = (site / "de" / "senja" / "index.html").read_text("utf-8")
    assert 'href="https://t.me/VertskapBot?start=senja-de"' in page
    assert 'src="telegram.svg"' in page
    entry = (site / "en" / "malselv" / "schools" / "school-start" / "index.html").read_text("utf-8")
    assert 'href="https://t.me/VertskapBot?start=malselv-en-schools"' in entry
    assert (site / "de" / "senja" / "telegram.svg").read_text("utf-8").startswith("<svg")


def test_the_sitemap_lists_every_page_with_its_alternates(shipped, site):
    tree = ET.parse(site / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = tree.findall("s:url", ns)
    for url in urls:
        loc = url.find("s:loc", ns).text
        assert loc.startswith("https://vertskap.example.org/")
        assert (site / loc.removeprefix("https://vertskap.example.org/") / "index.html").is_file(), loc
        assert len(url.findall("x:link", ns)) == len(shipped.region.languages)
    entry_pages = sum(1 for p in pages(site) if len(p.relative_to(site).parts) == 5)
    assert sum("/checklist/" not in u.find("s:loc", ns).text for u in urls) > entry_pages
    assert (site / "robots.txt").read_text("utf-8").endswith("sitemap.xml\n")


def test_no_external_fonts_scripts_or_trackers(site):
    for path in [site / "style.css", site / "search.js", *pages(site)[:50]]:
        text = path.read_text("utf-8")
        assert "@import" not in text and "googleapis" not in text and "cdn" not in text.lower()
        assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"https?://(?!vertskap\.example\.org/)", text), path


# --------------------------------------------------------------------------- small folders


def test_text_is_escaped_never_markup(tmp_path):
    folder = knowledge_folder(tmp_path, {"faq/common/evil.yaml": """\
        topic: tax
        entries:
          - id: evil
            questions:
              nb: ['<script>alert("q")</script> skatt?']
              en: ['<b>bold</b> tax?']
              de: ['Steuer & "Zitat"?']
            answer:
              nb: 'Svar <script>alert("x")</script> & <img src=x onerror=alert(1)> https://example.org/a?b=1&c=<2>'
              en: An answer.
              de: Eine Antwort.
        """})
    out = build_from(folder, tmp_path / "out")
    page = out / "nb" / "bardu" / "tax" / "evil" / "index.html"
    text = page.read_text("utf-8")
    assert "<script>alert" not in text and "<img src=x" not in text and "<b>bold" not in text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in text or "&lt;script&gt;alert(&quot;x&quot;)" in text
    html = parse(page)
    assert [s.get("src") for s in html.iter(f"{XHTML}script")] == []
    h1 = html.find(f".//{XHTML}h1")
    assert h1.text == '<script>alert("q")</script> skatt?'
    links = [a.get("href") for a in html.iter(f"{XHTML}a") if a.get("href", "").startswith("https://example")]
    assert links == ["https://example.org/a?b=1&c="]
    municipality = (out / "en" / "bardu" / "index.html").read_text("utf-8")
    assert "&lt;b&gt;bold&lt;/b&gt; tax?" in municipality


def test_web_false_entries_are_left_out_and_validate(tmp_path):
    folder = knowledge_folder(tmp_path, {"faq/bardu/tax.yaml": """\
        topic: tax
        entries:
          - id: internal-note
            web: false
            questions: {nb: [intern skatteveiledning], en: [internal tax guidance], de: [interne Steuerberatung]}
            answer: Bare for chatten.
        """})
    assert [f for f in validate(folder) if f.level is Level.ERROR] == []
    assert any(e.id == "internal-note" and not e.web for e in load_knowledge(folder).entries)
    out = build_from(folder, tmp_path / "out")
    assert not (out / "nb" / "bardu" / "tax" / "internal-note").exists()
    assert "internal-note" not in (out / "nb" / "bardu" / "index.html").read_text("utf-8")
    assert (out / "nb" / "bardu" / "tax" / "tax-card" / "index.html").is_file()


def test_web_must_be_true_or_false(tmp_path):
    folder = knowledge_folder(tmp_path, {"faq/bardu/tax.yaml": """\
        topic: tax
        entries:
          - id: internal-note
            web: no
            questions: {nb: [intern skatteveiledning], en: [internal tax guidance], de: [interne Steuerberatung]}
            answer: Bare for chatten.
        """})
    assert [str(f) for f in validate(folder) if f.level is Level.ERROR] == [
        "faq/bardu/tax.yaml:4:10: error: web 'no' of entry 'internal-note' is neither true nor false; "
        "write 'web: false' to leave the entry off the website, or remove the line"]


def test_a_missing_translation_shows_the_fallback_and_says_so(tmp_path):
    folder = knowledge_folder(tmp_path, {"faq/common/only-nb.yaml": """\
        topic: schools
        entries:
          - id: only-nb
            questions: {nb: [Bare på norsk?]}
            answer: {nb: Bare på norsk.}
        """})
    out = build_from(folder, tmp_path / "out")
    html = parse(out / "de" / "senja" / "schools" / "only-nb" / "index.html")
    answer = next(d for d in html.iter(f"{XHTML}div") if d.get("class") == "answer")
    assert answer.get("lang") == "nb"
    note = next(p for p in html.iter(f"{XHTML}p") if p.get("class") == "note")
    assert note.text == "Diese Antwort gibt es noch nicht auf Deutsch; hier steht sie auf Norwegisch (Bokmål)."
    assert html.find(f".//{XHTML}h1").get("lang") == "nb"


def test_a_fourth_language_is_data(region_dir, tmp_path):
    from test_languages_are_data import add_polish

    knowledge_dir, locales_dir = tmp_path / "knowledge", tmp_path / "locales"
    shutil.copytree(region_dir, knowledge_dir)
    shutil.copytree(DEFAULT_LOCALES, locales_dir)
    add_polish(knowledge_dir, locales_dir)
    knowledge = load_knowledge(knowledge_dir)
    out = tmp_path / "out"
    build_site(knowledge, I18n(knowledge.region.languages, locales_dir), out, SiteOptions(search_index=False))
    page = (out / "pl" / "senja" / "tax" / "tax-card" / "index.html").read_text("utf-8")
    assert '<html lang="pl">' in page and "Kartę podatkową (skattekort)" in page
    assert 'hreflang="pl"' in (out / "de" / "senja" / "tax" / "tax-card" / "index.html").read_text("utf-8")


def test_the_search_indexes_each_answer_once(tmp_path):
    out = build_from(GOOD, tmp_path / "out")
    indexed = {}
    for path in pages(out):
        html = parse(path)
        for article in html.iter(f"{XHTML}article"):
            if article.get("data-pagefind-body") is not None:
                indexed[path.relative_to(out).as_posix()] = article.get("data-pagefind-meta")
    assert indexed == {
        f"{lang}/{page}": meta for lang in ("nb", "en", "de") for page, meta in {
            # common entries on the first municipality's page, with where they are replaced
            "bardu/tax/tax-card/index.html": "scope:common",
            "bardu/tax/tax-return/index.html": "scope:common",
            "senja/schools/school-start/index.html": "scope:common, hidden:bardu",
            "bardu/schools/kindergarten-place/index.html": "scope:common",
            "bardu/schools/school-start/index.html": "scope:bardu",  # Bardu's own
            "bardu/schools/school-bus/index.html": "scope:bardu",
        }.items()}


def test_office_hours_in_the_page_language():
    import datetime as dt

    spans = {d: (dt.time(8), dt.time(15, 30)) for d in range(4)} | {4: (dt.time(8), dt.time(14))}
    assert format_hours(spans, "en") == "Monday–Thursday 08:00–15:30, Friday 08:00–14:00"
    assert format_hours(spans, "de") == "Montag–Donnerstag 08:00–15:30, Freitag 08:00–14:00"
    assert format_hours(spans, "nb") == "mandag–torsdag 08:00–15:30, fredag 08:00–14:00"


# --------------------------------------------------------------------------- the command


def test_the_command_builds_with_hours_from_the_settings(tmp_path):
    config = tmp_path / "vertskap.toml"
    config.write_text(textwrap.dedent(f"""\
        [bot]
        knowledge = "{GOOD}"
        [hosts.default]
        chat_id = -1001
        office_hours = "Mon-Fri 09:00-15:00"
        [hosts.senja]
        chat_id = -1002
        office_hours = "Mon-Thu 08:00-15:30, Fri 08:00-14:00"
        """), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["site", str(out), "--config", str(config),
                                       "--bot-username", "@VertskapBot"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{out}: ")
    senja = (out / "de" / "senja" / "index.html").read_text("utf-8")
    assert "Bürozeiten: Montag–Donnerstag 08:00–15:30, Freitag 08:00–14:00 (norwegische Zeit)" in senja
    assert "Bürozeiten: Montag–Freitag 09:00–15:00" in (out / "de" / "bardu" / "index.html").read_text("utf-8")
    assert (out / "pagefind" / "pagefind.js").is_file()
    # A second build empties the folder it made before.
    (out / "nb" / "stale.html").write_text("old", encoding="utf-8")
    assert CliRunner().invoke(main, ["site", str(out), "--knowledge", str(GOOD)]).exit_code == 0
    assert not (out / "nb" / "stale.html").exists()
    assert "t.me" not in (out / "de" / "senja" / "index.html").read_text("utf-8")


def test_the_command_never_empties_a_folder_it_did_not_build(tmp_path):
    (tmp_path / "mine.txt").write_text("keep", encoding="utf-8")
    result = CliRunner().invoke(main, ["site", str(tmp_path), "--knowledge", str(GOOD)])
    assert result.exit_code == 1
    assert "is not empty and was not built by 'vertskap site'" in result.output
    assert (tmp_path / "mine.txt").read_text("utf-8") == "keep"
    with pytest.raises(SiteError):
        build_site(load_knowledge(GOOD), I18n(["nb", "en", "de"]), tmp_path / "mine.txt")


def test_a_bad_base_url_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["site", str(tmp_path / "o"), "--knowledge", str(GOOD),
                                       "--base-url", "vertskap.example.org"])
    assert result.exit_code == 2


def test_the_site_needs_neither_telegram_nor_the_matcher():
    import subprocess
    import sys

    code = ("import sys, bot.site.build, bot.site.serve; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'telegram' "
            "or m in ('bot.matching', 'bot.dialogue')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


def test_the_local_server_serves_pages_and_the_404_page(site):
    import threading
    import urllib.error
    import urllib.request

    from bot.site.serve import make_server

    server = make_server(site, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with urllib.request.urlopen(base + "de/senja/") as response:
            assert response.status == 200 and b'<html lang="de">' in response.read()
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(base + "de/nowhere/")
        assert missing.value.code == 404
        assert "Fant ikke siden" in missing.value.read().decode("utf-8")
    finally:
        server.shutdown()
        server.server_close()
