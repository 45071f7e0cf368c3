"""The web page of ``axialkg serve`` driven in headless Chromium (Debian's chromium + chromedriver,
never a downloaded browser), view by view: the SPARQL workbench (Yasqe editor with highlighting and
completion, Yasr table with sorting, filtering and downloads, queries kept in the URL), named queries
and their parameters, CONSTRUCT as a triples table, entity and class pages, cross-reference links, the
Cytoscape neighbourhood, and the search box and diagnose form where the server has their routes.
With AXIALKG_SCREENSHOT=1 each view is also saved to docs/screenshots/."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from axialkg.server import ServerConfig, make_server

CHROMIUM = os.environ.get("AXIALKG_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("AXIALKG_CHROMEDRIVER", "/usr/bin/chromedriver")
REQUIRED = os.environ.get("AXIALKG_REQUIRE_SERVERS") == "1"
SCREENSHOTS = os.environ.get("AXIALKG_SCREENSHOT") == "1"
ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "src" / "axialkg" / "web"


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
def downloads():
    path = Path(tempfile.mkdtemp(prefix="axialkg-downloads-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def browser(downloads):
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
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _wait(driver, condition, timeout=30):
    from selenium.webdriver.support.ui import WebDriverWait

    # polled every 50 ms (selenium's default is 500 ms, a quarter second lost on average per wait)
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(condition)


def _open(browser, url):
    browser.get("about:blank")  # a new document: a URL differing only in its #fragment would not reload
    browser.get(url)
    _wait(browser, lambda d: d.execute_script("return document.body.dataset.ready") == "1")


def _rows(browser):
    """Row texts of the results table, read in one script (the table redraws under selenium)."""
    return browser.execute_script(
        "return [...document.querySelectorAll('#yasr tbody tr')].map((r) => r.innerText).filter((t) => t.trim())")


def _set_query(browser, text):
    browser.execute_script("axialkg.state.yasqe.setValue(arguments[0])", text)


def _run_and_wait(browser, previous_status=None):
    from selenium.webdriver.common.by import By

    browser.execute_script("document.getElementById('status').textContent = ''")
    browser.find_element(By.ID, "run").click()
    _wait(browser, lambda d: re.search(r"\d+ (row|triple)s? in|\S", d.find_element(By.ID, "status").text)
          and d.find_element(By.ID, "status").text != "running…")
    return browser.find_element(By.ID, "status").text


def _graph(browser, box):
    """Nodes of a Cytoscape neighbourhood: visible labels and categories, and the label boxes."""
    return browser.execute_script("""
        const g = axialkg.graphs[arguments[0]]; if (!g) return null;
        const nodes = g.cy.nodes().filter((n) => !n.hasClass('off'));
        return {visible: nodes.map((n) => n.data('label')), categories: nodes.map((n) => n.data('category')),
                total: g.cy.nodes().length,
                boxes: nodes.map((n) => n.boundingBox({includeLabels: true, includeOverlays: false}))};""", box)


def _shot(browser, name):
    if not SCREENSHOTS:
        return
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(max(height + 160, 1000), 2400))
    browser.save_screenshot(str(out / f"{name}.png"))
    browser.set_window_size(1280, 1000)


def _route(server, path):
    try:
        with urllib.request.urlopen(server.base_url + path) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


# ---- files the page is built from ---------------------------------------------------------------

def test_vendored_libraries_are_pinned_licensed_and_served_locally(server):
    readme = (WEB / "vendor" / "README.md").read_text()
    for name, version in (("yasqe", "4.6.2"), ("yasr", "4.6.2"), ("cytoscape", "3.35.0")):
        assert re.search(rf"{name}.*\| {re.escape(version)} \| MIT", readme), name
    assert "MIT License" in (WEB / "vendor" / "LICENSE-yasgui.txt").read_text()
    assert "Copyright" in (WEB / "vendor" / "LICENSE-cytoscape.txt").read_text()
    third = (WEB / "vendor" / "THIRD-PARTY-LICENSES.txt").read_text()
    assert "codemirror 5.65.21 — MIT" in third and "datatables.net 2.3.8 — MIT" in third
    html = (WEB / "index.html").read_text()
    scripts = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert not [s for s in scripts if s.startswith(("http:", "https:", "//"))], "no CDN"
    for path in ("/static/yasqe.min.js", "/static/yasr.min.css", "/static/cytoscape.min.js",
                 "/static/queries.js", "/static/resolvers.js"):
        assert _route(server, path) == 200, path
    # the LOV completers (lov.linkeddata.es) stay off; prefixes come from the bundled list
    assert 'COMPLETERS = ["axkg-prefixes", "variables", "axkg-terms"]' in (WEB / "app.js").read_text()


def test_page_prefixes_are_the_projects():
    from axialkg.vocab import PREFIXES

    text = (WEB / "queries.js").read_text()
    block = text[text.index("export const PREFIXES = {"):text.index("};", text.index("export const PREFIXES"))]
    assert dict(re.findall(r'(\w+): "([^"]+)"', block)) == dict(PREFIXES)


def test_resolver_patterns_are_bioregistrys():
    bioregistry = pytest.importorskip("bioregistry")
    text = (WEB / "resolvers.js").read_text()
    block = text[text.index("{", text.index("URI_FORMATS")):text.index("};") + 1]
    table = json.loads(block)
    assert {"DRUGBANK", "ORPHA", "OMIM", "HP", "NCBIGene", "DOID", "MESH", "UBERON"} <= set(table)
    for prefix, pattern in table.items():
        assert pattern == bioregistry.get_uri_format(bioregistry.normalize_prefix(prefix)), prefix


# ---- the workbench -----------------------------------------------------------------------------

def test_named_query_with_parameter_shows_rows_and_links_to_entity_page(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _open(browser, server.base_url + "/")
    Select(browser.find_element(By.ID, "query-select")).select_by_value("drugs-for-cause")
    cause = _wait(browser, lambda d: d.find_element(By.ID, "param-cause"))
    hint = browser.find_element(By.CSS_SELECTOR, "#params .param-class a")  # the parameter's class, linked
    assert hint.text == "Presentation" and hint.get_attribute("href").endswith("#/entity/Presentation")
    assert "SELECT" in browser.execute_script("return axialkg.state.yasqe.getValue()").upper()
    # highlighted by the editor's SPARQL mode, not a textarea
    assert browser.find_elements(By.CSS_SELECTOR, "#editor .CodeMirror .cm-keyword")
    cause.clear()
    cause.send_keys("myelofibrosis")
    assert "row" in _run_and_wait(browser)
    assert any("ruxolitinib" in r for r in _rows(browser))
    # the value travelled as a parameter of the named-query API, not pasted into SPARQL
    assert "cause=myelofibrosis" in browser.current_url
    assert "myelofibrosis" not in browser.execute_script("return axialkg.state.yasqe.getValue()")

    # a result's neighbourhood, drawn by Cytoscape.js
    rux = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#yasr tbody tr") if "ruxolitinib" in r.text)
    rux.find_element(By.CSS_SELECTOR, "button.mini").click()
    _wait(browser, lambda d: (_graph(d, "result-graph") or {"visible": []})["visible"].__len__() > 3)
    labels = {label.upper() for label in _graph(browser, "result-graph")["visible"]}
    assert "MYELOFIBROSIS" in labels and "JAK2" in labels
    _shot(browser, "workbench")

    # an entity label links to its page: label, definition, synonyms, cross-references as resolver links
    link = next(a for a in browser.find_elements(By.CSS_SELECTOR, "#yasr a.entity") if a.text == "ruxolitinib")
    link.click()
    _wait(browser, lambda d: d.find_element(By.ID, "entity-label").text == "ruxolitinib")
    assert "#/entity/ruxolitinib" in browser.current_url
    assert "JAK1" in browser.find_element(By.ID, "entity-definition").text
    assert "Jakafi" in browser.find_element(By.ID, "entity-synonyms").text
    xref = browser.find_element(By.CSS_SELECTOR, "#entity-xrefs a.xref")
    assert xref.text == "DRUGBANK:DB08877"
    assert xref.get_attribute("href") == "https://go.drugbank.com/drugs/DB08877"
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#entity-claims tbody tr"))
    claims = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#entity-claims tbody tr")]
    # each claim with its sources and the article section it comes from
    assert any("treats" in c and "myelofibrosis" in c and "FDA" in c and "drug treatments" in c for c in claims), claims
    _wait(browser, lambda d: len((_graph(d, "entity-graph") or {"visible": []})["visible"]) > 3)
    _shot(browser, "entity")


def test_editing_a_named_query_keeps_its_parameters_and_the_url_shares_it(server, browser):
    from selenium.webdriver.common.by import By

    _open(browser, server.base_url + "/#/query/drugs-for-cause?cause=systemic-mastocytosis")
    _wait(browser, lambda d: any("midostaurin" in r for r in _rows(d)))
    original = browser.execute_script("return axialkg.state.yasqe.getValue()")
    # keep only the KIT inhibitors: the edited text still gets ?cause bound to the parameter
    assert "\n}\nGROUP BY" in original
    edited = original.replace("\n}\nGROUP BY", "\n  FILTER EXISTS { ?intervention a axkg:KITInhibitor }\n}\nGROUP BY", 1)
    _set_query(browser, edited)
    assert not browser.find_element(By.ID, "edited-note").get_attribute("hidden")
    status = _run_and_wait(browser)
    assert "parameters bound" in status, status
    rows = _rows(browser)
    assert rows and all("KIT inhibitor" in r for r in rows), rows
    assert any("midostaurin" in r for r in rows) and any("avapritinib" in r for r in rows)
    assert "systemic-mastocytosis" not in browser.execute_script("return axialkg.state.yasqe.getValue()")
    shared = browser.current_url
    assert "cause=systemic-mastocytosis" in shared and "_sparql=" in shared
    # the shared link reopens the edited text with its parameter, and runs it
    browser.get("about:blank")
    _open(browser, shared)
    _wait(browser, lambda d: _rows(d) and all("KIT inhibitor" in r for r in _rows(d)))
    assert browser.find_element(By.ID, "param-cause").get_attribute("value") == "systemic-mastocytosis"


def test_a_wrong_name_offers_clickable_suggestions(server, browser):
    from selenium.webdriver.common.by import By

    _open(browser, server.base_url + "/#/query/drugs-for-cause?cause=myelofibrois")
    button = _wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#status button.suggestion"))
    assert "no entity" in browser.find_element(By.ID, "status").text
    assert button.text == "myelofibrosis"
    button.click()
    _wait(browser, lambda d: any("ruxolitinib" in r for r in _rows(d)))
    assert browser.find_element(By.ID, "param-cause").get_attribute("value") == "myelofibrosis"


def test_own_sparql_sorts_filters_downloads_and_lives_in_the_url(server, browser, downloads):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _open(browser, server.base_url + "/#/")
    Select(browser.find_element(By.ID, "query-select")).select_by_value("")
    query = "SELECT ?drug ?target WHERE { ?drug axkg:targets ?target }"  # no PREFIX line needed
    _set_query(browser, query)
    assert "row" in _run_and_wait(browser)
    rows = _rows(browser)
    assert any("ruxolitinib" in r and "JAK2" in r.upper() for r in rows), rows
    assert "#/sparql?query=" in browser.current_url

    # sorting by a column header
    header = next(th for th in browser.find_elements(By.CSS_SELECTOR, "#yasr thead th") if th.text.strip() == "drug")
    def drugs(d):
        return [r.split("\n\t\n")[1] for r in _rows(d)]

    header.click()
    _wait(browser, lambda d: drugs(d) == sorted(drugs(d), key=str.lower) and len(set(drugs(d))) > 3)
    browser.find_element(By.CSS_SELECTOR, "#yasr thead th[data-dt-column='1']").click()
    _wait(browser, lambda d: drugs(d) == sorted(drugs(d), key=str.lower, reverse=True) and len(set(drugs(d))) > 3)
    # filtering
    box = browser.find_element(By.CSS_SELECTOR, "#yasr .tableFilter")
    box.send_keys("ruxolitinib")
    _wait(browser, lambda d: _rows(d) and all("ruxolitinib" in r for r in _rows(d)))
    assert len(_rows(browser)) == 2  # JAK1, JAK2

    # downloads: CSV of the table, JSON of the result
    for old in downloads.iterdir():
        old.unlink()
    browser.find_element(By.ID, "download-csv").click()
    browser.find_element(By.ID, "download-json").click()
    _wait(browser, lambda d: {p.name for p in downloads.iterdir()} >= {"query.csv", "query.json"})
    csv_text = (downloads / "query.csv").read_text()
    assert csv_text.splitlines()[0].replace('"', "") == "drug,target"
    assert "https://w3id.org/axialkg/ruxolitinib" in csv_text
    result = json.loads((downloads / "query.json").read_text())
    assert result["head"]["vars"] == ["drug", "target"] and result["results"]["bindings"]

    # the URL alone reproduces the query
    url = browser.current_url
    browser.get("about:blank")
    _open(browser, url)
    _wait(browser, lambda d: any("ruxolitinib" in r for r in _rows(d)))
    assert browser.execute_script("return axialkg.state.yasqe.getValue()") == query

    # a malformed query shows the parser's message
    _set_query(browser, "SELECT ?x WHERE {")
    assert "malformed SPARQL" in _run_and_wait(browser)
    # an unknown prefix is named in one line, with the prefixes that need no declaration
    _set_query(browser, "SELECT * WHERE { ?s foo:bar ?o }")
    status = _run_and_wait(browser)
    assert status.startswith("unknown prefix 'foo:'") and "axkg, biolink" in status and "\n" not in status, status


def test_construct_is_a_table_of_triples(server, browser):
    from selenium.webdriver.common.by import By

    _open(browser, server.base_url + "/#/")
    _set_query(browser, "CONSTRUCT WHERE { axkg:ruxolitinib axkg:targets ?t }")
    status = _run_and_wait(browser)
    assert "2 triples" in status, status
    heads = browser.execute_script("return [...document.querySelectorAll('#yasr thead th')].map((t) => t.textContent.trim())")
    assert [h for h in heads if h] == ["subject", "predicate", "object"]
    rows = _rows(browser)
    assert len(rows) == 2 and all("ruxolitinib" in r and "targets" in r for r in rows), rows
    # DESCRIBE too: the entity's own triples, as a table
    _set_query(browser, "DESCRIBE axkg:jak2")
    status = _run_and_wait(browser)
    assert re.search(r"\d+ triples", status), status
    rows = _rows(browser)
    assert any("JAK2" in r and "label" in r for r in rows), rows
    # ASK: the answer, not an empty table
    _set_query(browser, "ASK { axkg:ruxolitinib axkg:targets axkg:jak2 }")
    status = _run_and_wait(browser)
    assert status.startswith("answer: true in"), status
    assert "True" in browser.find_element(By.ID, "yasr").text
    _set_query(browser, "ASK { axkg:ruxolitinib axkg:targets axkg:kit }")
    assert _run_and_wait(browser).startswith("answer: false in")


def test_javascript_iris_are_never_links(server, browser):
    from selenium.webdriver.common.by import By

    _open(browser, server.base_url + "/#/")
    _set_query(browser, 'SELECT ?x ?y ?z WHERE { BIND(IRI("javascript:alert(1)") AS ?x) BIND(IRI("https://example.org/a") AS ?y) '
                        """BIND("<img src=x onerror='window.pwned=1'>" AS ?z) }""")
    assert "1 row" in _run_and_wait(browser)
    assert "javascript:alert(1)" in " ".join(_rows(browser))
    # markup in a literal is shown as text, never run
    assert "<img src=x onerror='window.pwned=1'>" in " ".join(_rows(browser))
    assert browser.execute_script("return window.pwned === undefined && !document.querySelector('#yasr img')")
    hrefs = [a.get_attribute("href") or "" for a in browser.find_elements(By.CSS_SELECTOR, "a")]
    assert not [h for h in hrefs if h.lower().startswith("javascript:")]
    assert "https://example.org/a" in hrefs


def test_editor_completes_prefixes_and_graph_terms(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _open(browser, server.base_url + "/#/")
    _set_query(browser, "")
    browser.find_element(By.CSS_SELECTOR, "#editor .CodeMirror").click()
    area = browser.find_element(By.CSS_SELECTOR, "#editor .CodeMirror textarea")
    area.send_keys("PREFIX ob")
    area.send_keys(Keys.CONTROL, " ")
    hints = _wait(browser, lambda d: [h.text for h in d.find_elements(By.CSS_SELECTOR, ".CodeMirror-hints li")])
    assert "oboInOwl: <http://www.geneontology.org/formats/oboInOwl#>" in hints  # the project's
    assert "obo: <http://purl.obolibrary.org/obo/>" in hints
    area.send_keys(Keys.ESCAPE)
    _set_query(browser, "SELECT * WHERE { ?d axkg:targets axkg:ja")
    browser.execute_script("const cm = axialkg.state.yasqe; cm.focus(); cm.setCursor(cm.lineCount(), 0)")
    area.send_keys(Keys.CONTROL, " ")
    _wait(browser, lambda d: any("axkg:jak2" in h.text for h in d.find_elements(By.CSS_SELECTOR, ".CodeMirror-hints li")))
    texts = [h.text for h in browser.find_elements(By.CSS_SELECTOR, ".CodeMirror-hints li")]
    assert any("axkg:jak2" in t and "JAK2" in t for t in texts), texts  # the label beside the term
    area.send_keys(Keys.ESCAPE)
    # typing a known prefix adds its declaration; no completer asked another site (LOV, prefix.cc)
    _set_query(browser, "")
    area.send_keys("SELECT * WHERE { ?s a owl:Class ; rdfs:label ?l }")
    _wait(browser, lambda d: "PREFIX owl: <http://www.w3.org/2002/07/owl#>" in d.execute_script("return axialkg.state.yasqe.getValue()"))
    area.send_keys(Keys.CONTROL, Keys.ENTER)  # Ctrl+Enter runs through the page, not Yasqe's own runner
    _wait(browser, lambda d: re.search(r"\d+ rows in", d.find_element(By.ID, "status").text))
    foreign = browser.execute_script(
        "return performance.getEntriesByType('resource').map((e) => e.name).filter((n) => !n.startsWith(location.origin))")
    assert foreign == []


# ---- pages ---------------------------------------------------------------------------------------

def test_entity_path_opens_the_entity_page(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server.base_url + "/entity/pyknodysostosis")
    _wait(browser, lambda d: d.find_element(By.ID, "entity-label").text == "pyknodysostosis")
    links = {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#entity-xrefs a.xref")}
    assert links["OMIM:265800"] == "https://omim.org/MIM:265800"


def test_class_page_from_a_type_tag(server, browser):
    from selenium.webdriver.common.by import By

    _open(browser, server.base_url + "/#/entity/midostaurin")
    _wait(browser, lambda d: d.find_element(By.ID, "entity-label").text == "midostaurin")
    tag = next(a for a in browser.find_elements(By.CSS_SELECTOR, "#entity-types a.tag") if a.text == "KIT inhibitor")
    tag.click()
    _wait(browser, lambda d: d.find_element(By.ID, "class-label").text == "KIT inhibitor")
    assert "#/entity/KITInhibitor" in browser.current_url
    assert "KIT receptor tyrosine kinase" in browser.find_element(By.ID, "class-definition").text
    assert browser.find_element(By.ID, "class-parents").text == "drug"
    members = browser.find_element(By.ID, "class-members").text
    assert "avapritinib" in members and "midostaurin" in members
    _shot(browser, "class")
    # a class with subclasses lists them, and members reached through them
    browser.find_element(By.CSS_SELECTOR, "#class-parents a").click()
    _wait(browser, lambda d: d.find_element(By.ID, "class-label").text == "drug")
    children = browser.find_element(By.ID, "class-children").text.split(", ")
    assert {"KIT inhibitor", "JAK inhibitor", "bisphosphonate"} <= set(children), children
    assert "ruxolitinib" in browser.find_element(By.ID, "class-members").text
    # a class in a result table links to the same page (it once said "no entity")
    _open(browser, server.base_url + "/#/")
    _set_query(browser, "SELECT ?class WHERE { axkg:midostaurin a ?class . FILTER(?class != owl:NamedIndividual) }")
    assert re.search(r"\d+ rows? in", _run_and_wait(browser))
    cell = next(a for a in browser.find_elements(By.CSS_SELECTOR, "#yasr a.entity") if a.text == "KIT inhibitor")
    cell.click()
    _wait(browser, lambda d: d.find_element(By.ID, "class-label").text == "KIT inhibitor")
    assert "#/entity/KITInhibitor" in browser.current_url
    # neither entity nor class
    _open(browser, server.base_url + "/#/entity/no-such-thing")
    _wait(browser, lambda d: "no entity" in d.find_element(By.ID, "entity-label").text)
    # a misspelt slug suggests pages to go to
    _open(browser, server.base_url + "/#/entity/myelofibros")
    link = _wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#entity-iri a.entity"))
    assert link.text == "myelofibrosis"
    link.click()
    _wait(browser, lambda d: d.find_element(By.ID, "entity-label").text == "myelofibrosis")


def test_property_page_and_its_assertions(server, browser):
    from selenium.webdriver.common.by import By

    _open(browser, server.base_url + "/#/entity/treats")
    _wait(browser, lambda d: d.find_element(By.ID, "property-label").text == "treats")
    text = {k: browser.find_element(By.ID, "property-" + k).text for k in ("domain", "range", "inverse", "match", "iri")}
    assert text == {"domain": "intervention", "range": "treatable condition", "inverse": "treated by",
                    "match": "biolink:treats", "iri": "https://w3id.org/axialkg/treats (object property)"}
    _shot(browser, "property")
    browser.find_element(By.CSS_SELECTOR, "#property-uses a").click()
    _wait(browser, lambda d: any("abaloparatide" in r and "osteoporosis" in r for r in _rows(d)))
    assert "?subject axkg:treats ?object" in browser.execute_script("return axialkg.state.yasqe.getValue()")


def test_neighbourhood_expands_hides_faq_and_keeps_labels_apart(server, browser):
    from selenium.webdriver.common.by import By

    _open(browser, server.base_url + "/#/entity/ruxolitinib")
    _wait(browser, lambda d: len((_graph(d, "entity-graph") or {"visible": []})["visible"]) > 3)
    g = _graph(browser, "entity-graph")
    assert "question" not in g["categories"] and g["total"] > len(g["visible"])  # FAQ nodes there, but off
    legend = browser.find_element(By.CSS_SELECTOR, "#entity-graph .legend")
    faq = legend.find_element(By.CSS_SELECTOR, "input[data-category='question']")
    assert not faq.is_selected()
    assert "JAK inhibitor" in legend.text and "molecular target" in legend.text

    def apart(boxes):
        return not any(min(a["x2"], b["x2"]) > max(a["x1"], b["x1"]) and min(a["y2"], b["y2"]) > max(a["y1"], b["y1"])
                       for i, a in enumerate(boxes) for b in boxes[i + 1:])

    assert apart(g["boxes"])
    faq.click()
    _wait(browser, lambda d: "question" in _graph(d, "entity-graph")["categories"])
    assert apart(_graph(browser, "entity-graph")["boxes"])
    faq.click()
    before = _graph(browser, "entity-graph")["total"]
    # expanding a node adds its own neighbours (tap on JAK2)
    browser.execute_script("axialkg.graphs['entity-graph'].cy.getElementById('https://w3id.org/axialkg/jak2').emit('tap')")
    _wait(browser, lambda d: _graph(d, "entity-graph")["total"] > before)
    g = _graph(browser, "entity-graph")
    assert "primary myelofibrosis" in g["visible"] or "myelofibrosis" in g["visible"]
    assert apart(g["boxes"])
    # hovering an edge names the relation and the sources of its claim
    browser.execute_script("const cy = axialkg.graphs['entity-graph'].cy; cy.edges().filter((e) => "
                           "e.data('target') === 'https://w3id.org/axialkg/jak2' && e.data('source').endsWith('/ruxolitinib'))"
                           ".emit('mouseover')")
    assert browser.find_element(By.CSS_SELECTOR, "#entity-graph .graph-help").text == \
        "ruxolitinib — targets → JAK2 (sources: FDA Access Data)"
    # zoom and drag are on
    assert browser.execute_script("const cy = axialkg.graphs['entity-graph'].cy; "
                                  "return cy.userZoomingEnabled() && cy.userPanningEnabled() && !cy.autoungrabify()")
    _shot(browser, "neighbourhood")


# ---- search and diagnose: shown only where the server has their routes ----------------------------

def test_search_box_autocompletes_or_is_hidden(server, browser):
    from selenium.webdriver.common.by import By

    _open(browser, server.base_url + "/#/")
    form = browser.find_element(By.ID, "search-form")
    if _route(server, "/api/search?q=a&limit=1") in (404, 501):
        assert not form.is_displayed()
        pytest.skip("this server has no /api/search yet: the box is hidden")
    box = browser.find_element(By.ID, "search")
    box.send_keys("Janus kinase")
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#search-list li[role=option]"))
    options = browser.find_elements(By.CSS_SELECTOR, "#search-list li[role=option]")
    assert browser.find_element(By.CSS_SELECTOR, "#search-list li.more").text == "all results for “Janus kinase” ↵"
    assert any("JAK" in o.text.upper() for o in options), [o.text for o in options]
    _shot(browser, "search")
    options[0].click()
    _wait(browser, lambda d: "#/entity/" in d.current_url and d.find_element(By.ID, "entity-label").text)


def test_diagnose_form_ranks_causes_or_is_hidden(server, browser):
    from selenium.webdriver.common.by import By

    _open(browser, server.base_url + "/#/")
    nav = browser.find_element(By.ID, "nav-diagnose")
    if _route(server, "/api/diagnose") in (404, 501):
        assert not nav.is_displayed()
        pytest.skip("this server has no /api/diagnose yet: the form is hidden")
    nav.click()
    # a finding the graph does not name: the server's suggestion is a button that puts the right name in
    browser.find_element(By.ID, "dx-present").send_keys("splenomegaly\nanaemia\nlow marrow signal")
    browser.find_element(By.ID, "dx-run").click()
    button = _wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#dx-status button.suggestion"))
    assert "no entity 'low marrow signal'" in browser.find_element(By.ID, "dx-status").text
    assert button.text == "low marrow signal on MRI"
    button.click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#dx-candidates tbody tr"))
    assert browser.find_element(By.ID, "dx-present").get_attribute("value") == "splenomegaly\nanaemia\nlow marrow signal on MRI"
    first = browser.find_element(By.CSS_SELECTOR, "#dx-candidates tbody tr").text
    assert first.startswith("1") and "myelofibrosis" in first and "enlarged spleen LR" in first
    assert "American Journal of Roentgenology" in first  # each finding for it names its sources
    tests = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#dx-tests tbody tr")]
    assert any(t.startswith("bone biopsy") for t in tests), tests
    assert "prior: article" in browser.find_element(By.ID, "dx-status").text
    read = browser.find_element(By.ID, "dx-read").text  # how each finding was read, and the prior's weights
    assert "present: enlarged spleen (splenomegaly), anaemia, low marrow signal on MRI" in read, read
    assert "prior (article): common causes" in read, read
    assert "present=splenomegaly" in browser.current_url and "low+marrow+signal+on+MRI" in browser.current_url
    _shot(browser, "diagnose")


# ---- the page side of /api/search and /api/diagnose, before those routes land on this server ---------
# The tests above assert real answers once the endpoint serves the routes. Until then these check that
# the page renders the JSON contracts of issues #19 (search) and #16 (diagnose): the responses are
# answered inside the page (a fetch wrapper installed before its scripts), with IRIs from the release.

NS = "https://w3id.org/axialkg/"
SEARCH_REPLY = {"results": [
    {"iri": NS + "jak2", "label": "JAK2", "category": "molecular target", "score": 3.0, "matched": "Janus kinase 2"},
    {"iri": NS + "jak1", "label": "JAK1", "category": "molecular target", "score": 3.0, "matched": "Janus kinase 1"}]}
DIAGNOSE_REPLY = {
    "findings": [{"iri": NS + "splenomegaly", "label": "enlarged spleen"}], "absent": [], "prior": "article",
    "candidates": [
        {"cause": NS + "myelofibrosis", "label": "myelofibrosis", "probability": 0.81,
         "supporting": [{"finding": NS + "splenomegaly", "label": "enlarged spleen", "likelihood_ratio": 6.5,
                         "sources": ["NCBI", "Orpha"]}], "opposing": []},
        {"cause": NS + "systemic-mastocytosis", "label": "systemic mastocytosis", "probability": 0.12,
         "supporting": [], "opposing": [{"finding": NS + "splenomegaly", "label": "enlarged spleen",
                                         "likelihood_ratio": 0.4, "sources": ["NCBI"]}]}],
    "next_tests": [{"test": NS + "bone-biopsy", "label": "bone biopsy", "expected_information_gain": 0.52,
                    "if_positive": [{"cause": NS + "myelofibrosis", "probability": 0.97}],
                    "if_negative": [{"cause": NS + "systemic-mastocytosis", "probability": 0.55}]}]}


def _cells(browser, table):
    """The body cells of a table, row by row, read in one script."""
    return browser.execute_script("return [...document.querySelectorAll(arguments[0] + ' tbody tr')]"
                                  ".map((r) => [...r.cells].map((c) => c.textContent.trim()))", table)


def test_search_page_lists_every_hit_with_category_facets(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    if _route(server, "/api/search?q=a&limit=1") in (404, 501):
        pytest.skip("this server has no /api/search yet")
    _open(browser, server.base_url + "/#/")
    box = browser.find_element(By.ID, "search")
    box.send_keys("osteosclerosis", Keys.ENTER)  # Enter on the text alone: the results page, not the first hit
    _wait(browser, lambda d: _cells(d, "#sp-results"))
    assert "#/search?q=osteosclerosis" in browser.current_url
    browser.execute_script("return new Promise((done) => setTimeout(done, 600))")  # past the box's debounce and fetch
    assert not browser.find_element(By.ID, "search-list").is_displayed()  # the box's list does not cover the page
    rows = _cells(browser, "#sp-results")
    assert ["axial osteosclerosis", "radiological pattern"] in [r[:2] for r in rows], rows
    assert len(rows) > 10  # more than the box's ten
    facets = {a.text.rsplit(" (", 1)[0]: a for a in browser.find_elements(By.CSS_SELECTOR, "#sp-facets a.facet")}
    assert {"all", "imaging finding", "radiological pattern"} <= set(facets), list(facets)
    _shot(browser, "search-page")
    facets["imaging finding"].click()
    _wait(browser, lambda d: "category=imaging+finding" in d.current_url
          and {r[1] for r in _cells(d, "#sp-results")} == {"imaging finding"})
    labels = [r[0] for r in _cells(browser, "#sp-results")]
    assert "patchy osteosclerosis" in labels and "diffuse osteosclerosis" in labels, labels
    assert re.match(r"\d+ of \d+ hits for “osteosclerosis”", browser.find_element(By.ID, "sp-status").text)
    browser.find_element(By.CSS_SELECTOR, "#sp-results a.entity").click()
    _wait(browser, lambda d: "#/entity/" in d.current_url and d.find_element(By.ID, "entity-label").text)


@pytest.fixture
def contract(browser):
    """Answer /api/search and /api/diagnose inside the page with the replies above, for one test."""
    stub = """(() => {
      const replies = %s, real = window.fetch.bind(window);
      window.axialkgCalls = [];
      window.fetch = (url, options) => {
        const u = new URL(String(url), location.href);
        const key = u.pathname === "/api/search" ? "search" : u.pathname === "/api/diagnose" ? "diagnose" : null;
        if (!key) return real(url, options);
        window.axialkgCalls.push(u.pathname + u.search);
        const asked = key === "search" ? u.searchParams.get("q") !== "a" : u.searchParams.has("present");
        const body = asked ? replies[key] : (key === "search" ? {results: []} : {error: "give at least one finding", status: 400});
        return Promise.resolve(new Response(JSON.stringify(body), {status: asked || key === "search" ? 200 : 400,
                                                                   headers: {"Content-Type": "application/json"}}));
      };
    })();""" % json.dumps({"search": SEARCH_REPLY, "diagnose": DIAGNOSE_REPLY})
    handle = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": stub})
    yield
    browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": handle["identifier"]})


def test_search_box_renders_the_search_contract(server, browser, contract):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _open(browser, server.base_url + "/#/")
    assert browser.find_element(By.ID, "search-form").is_displayed()
    box = browser.find_element(By.ID, "search")
    box.send_keys("Janus kinase")
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#search-list li[role=option]")) == 2)
    texts = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#search-list li[role=option]")]
    assert texts[0].startswith("JAK2") and "molecular target" in texts[0] and "Janus kinase 2" in texts[0]
    assert "/api/search?q=Janus+kinase&limit=10" in browser.execute_script("return window.axialkgCalls")
    box.send_keys(Keys.ARROW_DOWN, Keys.ARROW_DOWN, Keys.ENTER)  # keyboard: the second hit
    _wait(browser, lambda d: d.find_element(By.ID, "entity-label").text == "JAK1")
    assert "#/entity/jak1" in browser.current_url


def test_diagnose_form_renders_the_diagnosis_contract(server, browser, contract):
    from selenium.webdriver.common.by import By

    _open(browser, server.base_url + "/#/")
    nav = browser.find_element(By.ID, "nav-diagnose")
    assert nav.is_displayed()
    nav.click()
    browser.find_element(By.ID, "dx-present").send_keys("splenomegaly\nanaemia")
    browser.find_element(By.ID, "dx-absent").send_keys("fracture")
    browser.find_element(By.ID, "dx-run").click()
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#dx-candidates tbody tr")) == 2)
    calls = browser.execute_script("return window.axialkgCalls")
    assert "/api/diagnose?present=splenomegaly&present=anaemia&absent=fracture&top=10" in calls
    first, second = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#dx-candidates tbody tr")]
    assert first.startswith("1") and "myelofibrosis" in first and "81.0 %" in first
    assert "enlarged spleen LR 6.50 (NCBI, Orpha)" in first
    assert "LR 0.40" in second
    test_row = browser.find_element(By.CSS_SELECTOR, "#dx-tests tbody tr").text
    assert "bone biopsy" in test_row and "0.520" in test_row
    assert "myelofibrosis 97.0 %" in test_row and "systemic mastocytosis 55.0 %" in test_row
    assert "prior: article" in browser.find_element(By.ID, "dx-status").text
    # the form's state is in the URL: reopening it ranks again
    url = browser.current_url
    assert "#/diagnose?present=splenomegaly&present=anaemia&absent=fracture" in url
    _open(browser, url)
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#dx-candidates tbody tr")) == 2)
    assert browser.find_element(By.ID, "dx-present").get_attribute("value") == "splenomegaly\nanaemia"
