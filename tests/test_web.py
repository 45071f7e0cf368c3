"""The web page of ``axialkg serve`` driven in headless Chromium (Debian's chromium + chromedriver,
never a downloaded browser): pick a named query, set its parameter, run it, see its rows, open an
entity page and its neighbourhood graph. Also writes docs/screenshot.png when asked
(AXIALKG_SCREENSHOT=1)."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

from axialkg.server import ServerConfig, make_server

CHROMIUM = os.environ.get("AXIALKG_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("AXIALKG_CHROMEDRIVER", "/usr/bin/chromedriver")
REQUIRED = os.environ.get("AXIALKG_REQUIRE_SERVERS") == "1"
ROOT = Path(__file__).resolve().parents[1]


def _need(ok: bool, why: str) -> None:
    if not ok:
        if REQUIRED:
            pytest.fail(f"{why} (AXIALKG_REQUIRE_SERVERS=1: install chromium and chromium-driver)")
        pytest.skip(why)


@pytest.fixture(scope="module")
def server():
    srv = make_server(ServerConfig(port=0, quiet=True, workers=2, timeout=20))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def browser():
    _need(Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists(), f"no {CHROMIUM} or {CHROMEDRIVER}")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _need(False, "selenium is not installed")
    profile = tempfile.mkdtemp(prefix="axialkg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", "--window-size=1280,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _wait(driver, condition, timeout=30):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def test_named_query_with_parameter_shows_rows_and_links_to_entity_page(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(server.base_url + "/")
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#query-select option")) > 1)
    Select(browser.find_element(By.ID, "query-select")).select_by_value("drugs-for-cause")
    # picking the query shows its parameter as an input and its SPARQL in the editor
    cause = _wait(browser, lambda d: d.find_element(By.ID, "param-cause"))
    assert "SELECT" in browser.find_element(By.ID, "sparql").get_attribute("value").upper()
    cause.clear()
    cause.send_keys("myelofibrosis")
    browser.find_element(By.ID, "run").click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#results tbody tr"))
    table = browser.find_element(By.ID, "results").text
    assert "ruxolitinib" in table
    assert "row" in browser.find_element(By.ID, "status").text
    # the value travelled as a parameter of the named-query API, not pasted into SPARQL
    assert "cause=myelofibrosis" in browser.current_url
    assert "myelofibrosis" not in browser.find_element(By.ID, "sparql").get_attribute("value")

    # the neighbourhood graph of a result
    rux_row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#results tbody tr") if "ruxolitinib" in r.text)
    rux_row.find_element(By.CSS_SELECTOR, "button.mini").click()
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#result-graph .node")) > 3)
    graph_text = browser.find_element(By.ID, "result-graph").text
    assert "myelofibrosis" in graph_text and "JAK2" in graph_text.upper()

    if os.environ.get("AXIALKG_SCREENSHOT") == "1":
        (ROOT / "docs").mkdir(exist_ok=True)
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(1280, min(max(height + 160, 1000), 2400))
        browser.save_screenshot(str(ROOT / "docs" / "screenshot.png"))
        browser.set_window_size(1280, 1000)

    # an entity label links to its page: label, definition, synonyms, cross-references, claims with sources
    link = next(a for a in browser.find_elements(By.CSS_SELECTOR, "#results a.entity") if a.text == "ruxolitinib")
    link.click()
    _wait(browser, lambda d: d.find_element(By.ID, "entity-label").text == "ruxolitinib")
    assert "#/entity/ruxolitinib" in browser.current_url
    assert "JAK1" in browser.find_element(By.ID, "entity-definition").text
    assert "Jakafi" in browser.find_element(By.ID, "entity-synonyms").text
    assert "DRUGBANK:DB08877" in browser.find_element(By.ID, "entity-xrefs").text
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#entity-claims tbody tr"))
    claims = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#entity-claims tbody tr")]
    assert any("treats" in c and "myelofibrosis" in c and "FDA" in c for c in claims), claims
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#entity-graph .node")) > 3)


def test_own_sparql_runs_through_the_endpoint(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.get(server.base_url + "/#/")
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#query-select option")) > 1)
    Select(browser.find_element(By.ID, "query-select")).select_by_value("")
    box = browser.find_element(By.ID, "sparql")
    box.clear()
    box.send_keys("PREFIX axkg: <https://w3id.org/axialkg/> SELECT ?target WHERE { axkg:ruxolitinib axkg:targets ?target }")
    browser.find_element(By.ID, "run").click()
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results tbody tr")) == 2)
    cells = {a.text for a in browser.find_elements(By.CSS_SELECTOR, "#results a.entity")}
    assert {c.upper() for c in cells} == {"JAK1", "JAK2"}
    # a malformed query shows the parser's message, not a blank page
    box.clear()
    box.send_keys("SELECT ?x WHERE {")
    browser.find_element(By.ID, "run").click()
    _wait(browser, lambda d: "malformed SPARQL" in d.find_element(By.ID, "status").text)


def test_entity_path_opens_the_entity_page(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server.base_url + "/entity/myelofibrosis")
    _wait(browser, lambda d: d.find_element(By.ID, "entity-label").text == "myelofibrosis")
    assert "ORPHA:824" in browser.find_element(By.ID, "entity-xrefs").text
