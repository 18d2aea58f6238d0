"""The website in a real browser: Debian's headless Chromium driven by selenium, served on loopback.

It walks the site as a newcomer would (start page, municipality, entry, other
language, search), runs axe-core on each kind of page, and writes phone-sized
and desktop screenshots to build/screenshots/ (or $VERTSKAP_SCREENSHOTS) for a
person to look at. .ci/run installs chromium and chromium-driver; where neither
can be found the test is skipped and says so.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.i18n import I18n
from bot.knowledge import load_knowledge
from bot.site.build import SiteOptions, build_site
from bot.site.serve import make_server

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = Path(os.environ.get("VERTSKAP_SCREENSHOTS") or ROOT / "build" / "screenshots")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
WAIT = 30  # seconds at most for a page or the search to show up; never an assertion on speed
PHONE, DESKTOP = (390, 844), (1280, 900)

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="no Chromium or chromedriver on this machine: install Debian's 'chromium' and "
           "'chromium-driver' (apt-get install chromium chromium-driver; .ci/run does as root)")


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    knowledge = load_knowledge(ROOT / "knowledge")
    out = tmp_path_factory.mktemp("browser") / "site"
    build_site(knowledge, I18n(knowledge.region.languages), out, SiteOptions(bot_username="VertskapBot"))
    server = make_server(out, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="vertskap-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                 f"--window-size={DESKTOP[0]},{DESKTOP[1]}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_script_timeout(WAIT)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def wait_for(driver, condition, ignored: tuple = ()):
    """Wait until `condition` holds; the errors in `ignored` mean "not yet"."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT, ignored_exceptions=ignored or None).until(condition)


def by_css(driver, selector):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


def path_of(driver) -> str:
    return urlsplit(driver.current_url).path


def click_and_wait(driver, element) -> None:
    """Click a link and wait until the next page has replaced this one and has loaded.

    The old page is marked on its window object; the wait ends when a loaded page
    lacks the mark. Asking the browser while it swaps documents may fail in more ways
    than "stale element" (chromedriver also reports inspector errors), so every
    WebDriver error during the wait means "not yet".
    """
    from selenium.common.exceptions import WebDriverException

    driver.execute_script("window.vertskapLeaving = true;")
    element.click()
    wait_for(driver, lambda d: d.execute_script(
        "return !window.vertskapLeaving && document.readyState === 'complete';"),
        ignored=(WebDriverException,))


def search_results(driver, page: str, query: str) -> list[str]:
    """Search from the box in the header of `page`; the paths of the result titles, best first."""
    from selenium.webdriver.common.by import By

    driver.get(page)
    field = by_css(driver, "header form[role=search] input[name=q]")
    field.send_keys(query)
    click_and_wait(driver, by_css(driver, "header form[role=search] button"))
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#results li a")
             or "“" in by_css(d, "#status").text and "…" not in by_css(d, "#status").text)
    return [urlsplit(a.get_attribute("href")).path
            for a in driver.find_elements(By.CSS_SELECTOR, "#results li > a")]


def serious_violations(driver) -> list[str]:
    from axe_selenium_python import Axe

    script = os.environ.get("VERTSKAP_AXE_JS")  # a newer axe.min.js than the package's, if given
    axe = Axe(driver, script) if script else Axe(driver)
    axe.inject()
    results = axe.run()
    return [f"{v['id']} ({v['impact']}): {v['help']} – "
            + "; ".join(node["target"][0] if isinstance(node["target"][0], str) else str(node["target"])
                        for node in v["nodes"][:5])
            for v in results["violations"] if v.get("impact") in ("serious", "critical")]


def screenshot(driver, name: str) -> None:
    """The whole page, phone-sized and on a desktop window, as PNG files."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, (width, height) in (("phone", PHONE), ("desktop", DESKTOP)):
        driver.set_window_size(width, height)
        full = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, max(height, min(full, 4000)))
        driver.execute_script("window.scrollTo(0, 0)")  # axe scrolls while it checks contrast
        assert driver.save_screenshot(str(SCREENSHOTS / f"{name}-{label}.png"))
    driver.set_window_size(*DESKTOP)


def test_a_newcomer_finds_answers_in_the_browser(browser, site_url):
    """Start page → municipality → entry → another language → search, with axe and screenshots."""
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(site_url)
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "nb"
    click_and_wait(driver, by_css(driver, 'ul.choices a[hreflang="en"]'))
    assert path_of(driver) == "/en/"
    assert by_css(driver, "h1").text == "Welcome to Central Troms"
    assert "113" in by_css(driver, ".emergency").text
    assert serious_violations(driver) == []
    screenshot(driver, "start")

    click_and_wait(driver, driver.find_element(By.LINK_TEXT, "Senja"))
    assert path_of(driver) == "/en/senja/"
    assert by_css(driver, "h1").text == "Senja"
    assert by_css(driver, ".telegram a.button").get_attribute("href") == \
        "https://t.me/VertskapBot?start=senja-en"
    assert serious_violations(driver) == []
    screenshot(driver, "municipality")

    click_and_wait(driver, by_css(driver, 'a[href$="tax/tax-card/"]'))
    assert path_of(driver) == "/en/senja/tax/tax-card/"
    assert by_css(driver, "h1").text == "How do I get a Norwegian tax card?"
    assert serious_violations(driver) == []

    click_and_wait(driver, by_css(driver, 'nav.langs a[lang="de"]'))
    assert path_of(driver) == "/de/senja/tax/tax-card/"
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de"
    assert by_css(driver, "h1").text == "Wie bekomme ich eine norwegische Steuerkarte?"

    found = search_results(driver, site_url + "nb/", "skattekort")
    assert path_of(driver) == "/nb/search/"
    assert found and found[0].startswith("/nb/") and found[0].endswith("/tax/tax-card/"), found[:5]
    assert len(found) == len(set(found))  # one result per entry, not one per municipality
    assert serious_violations(driver) == []
    screenshot(driver, "search")

    found = search_results(driver, site_url + "de/", "Steuerkarte")
    assert found and found[0].startswith("/de/") and found[0].endswith("/tax/tax-card/"), found[:5]

    # From a municipality's page, its own page of each answer comes first.
    assert search_results(driver, site_url + "de/dyroy/", "Steuerkarte")[0] == "/de/dyroy/tax/tax-card/"

    # Each municipality's own answer to the same question is one result, its own page first.
    found = search_results(driver, site_url + "nb/senja/", "fastlege")
    assert found[0] == "/nb/senja/health/gp/", found[:5]
    links = [urlsplit(a.get_attribute("href")).path
             for a in driver.find_elements(By.CSS_SELECTOR, "#results li:first-child .meta a")]
    assert links[0] == "/nb/senja/health/gp/" and len(links) == 5 == len(set(links))

    assert search_results(driver, site_url + "en/", "xylofonpyramide") == []
    assert "xylofonpyramide" in by_css(driver, "#status").text


def test_a_missing_page_gets_the_404_page(browser, site_url):
    browser.get(site_url + "en/nowhere/")
    assert browser.find_element("css selector", "h1").text == "Fant ikke siden"
