"""The explorer as a new user walks it (issue 16), in headless Chromium driven by Selenium.

Search "inflix" with the keyboard → infliximab's page with its forest plot → a condition it
treats and induces → the "treat and induce" evidence → its CSV; a saved query's form run with
a changed parameter; a shared URL giving the same answer; the pages readable on a phone; and
no request leaving the machine. Expected answers come from the API of the same server, not
from the pages. Screenshots of each page are written to ``var/screenshots/``.
"""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from explorer_browser import browser, needs_browser, needs_data, requested, screenshot

pytest_plugins = ("explorer_browser",)
pytestmark = [pytest.mark.integration, needs_browser, needs_data]

INFLIXIMAB = "https://w3id.org/pvkg/id/drug/infliximab"
PSORIASIS = "https://w3id.org/pvkg/id/condition/psoriasis"
PV = "https://w3id.org/pvkg/ontology#"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser saves downloads."""
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def driver(explorer: str, folder: Path) -> Iterator[Any]:
    chrome = browser(explorer, folder)
    try:
        yield chrome
    finally:
        chrome.quit()


def wait_for(condition: Any, seconds: float = 20) -> Any:
    """Poll ``condition`` until it gives a true value (that value), or fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"waited {seconds} s in vain")


def answer(base: str, name: str, **params: str) -> list[dict[str, Any]]:
    """A saved query's rows from the dashboard API."""
    found = requests.get(f"{base}/api/queries/{name}/results", params=params, timeout=30)
    found.raise_for_status()
    document = found.json()
    names = [c["name"] for c in document["columns"]]
    return [dict(zip(names, row, strict=True)) for row in document["rows"]]


def test_search_drug_plot_condition_evidence_download(
    driver: Any, explorer: str, folder: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get(explorer + "/")
    screenshot(driver, "query-editor")
    box = driver.find_element(By.ID, "search-box")
    box.send_keys("inflix")
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#search-list li"))
    first = driver.find_element(By.CSS_SELECTOR, "#search-list li")
    assert first.text.startswith("infliximab")
    box.send_keys(Keys.ARROW_DOWN)
    assert box.get_attribute("aria-activedescendant") == "search-hit-0"
    box.send_keys(Keys.ENTER)
    wait_for(lambda: urlsplit(driver.current_url).path == "/id/drug/infliximab")

    # the forest plot: one PRR point per signal the API lists
    signals = answer(explorer, "drug-signals", drug=INFLIXIMAB)
    assert signals
    plot = driver.find_element(By.CSS_SELECTOR, "figure.forest svg")
    assert plot.is_displayed()
    points = plot.find_elements(By.CSS_SELECTOR, "g.mark-symbol.role-mark[class*='layer_0'] path")
    assert len(points) == len(signals)
    rows = driver.find_elements(By.CSS_SELECTOR, "#signal-table tbody tr")
    assert len(rows) == len(signals)
    assert not driver.find_elements(By.ID, "signal-history")  # one quarter: no line over time
    classes = requests.post(
        explorer + "/sparql",
        data={"query": f"SELECT DISTINCT ?c WHERE {{ <{INFLIXIMAB}> <{PV}memberOfClass> ?c }}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json()["results"]["bindings"]
    shown = driver.find_elements(By.CSS_SELECTOR, "#classes a")
    assert classes and len(shown) == len(classes)  # its MeSH classes, each a link
    screenshot(driver, "drug-infliximab")

    # a condition infliximab treats and induces, from its evidence
    link = driver.find_element(By.CSS_SELECTOR, "#evidence a[href='/id/condition/psoriasis']")
    link.click()
    wait_for(lambda: urlsplit(driver.current_url).path == "/id/condition/psoriasis")
    both = {a.get_attribute("title") for a in driver.find_elements(By.CSS_SELECTOR, "ul.both a")}
    headline = answer(explorer, "drugs-treating-and-inducing", condition=PSORIASIS)
    assert both == {row["drug"] for row in headline}
    assert INFLIXIMAB in both
    screenshot(driver, "condition-psoriasis")

    # treat and induce: every piece of evidence, then its CSV
    driver.find_element(By.ID, "headline-link").click()
    wait_for(lambda: urlsplit(driver.current_url).path == "/queries/drugs-treating-and-inducing")
    cells = driver.find_elements(By.CSS_SELECTOR, "#answer tbody tr")
    assert len(cells) == len(headline)
    screenshot(driver, "query-treat-and-induce")
    driver.find_element(By.LINK_TEXT, "CSV").click()
    saved = wait_for(lambda: [p for p in folder.glob("*") if p.suffix != ".crdownload"])
    with saved[0].open(newline="") as handle:
        table = list(csv.DictReader(handle))
    assert {(r["drug"], r["side"]) for r in table} == {(r["drug"], r["side"]) for r in headline}
    assert {r["side"] for r in table if r["drug"] == INFLIXIMAB} == {"treats", "induces"}


def test_a_saved_query_form_runs_with_a_changed_parameter_and_its_url_is_shared(
    driver: Any, explorer: str
) -> None:
    from selenium.webdriver.common.by import By

    driver.get(explorer + "/queries")
    driver.find_element(By.LINK_TEXT, "drug-signals").click()
    wait_for(lambda: urlsplit(driver.current_url).path == "/queries/drug-signals")
    assert driver.find_element(By.CSS_SELECTOR, "details pre").is_displayed() is False
    field = driver.find_element(By.NAME, "drug")
    field.clear()
    field.send_keys("infliximab")
    driver.find_element(By.CSS_SELECTOR, "form.params button[type=submit]").click()
    wait_for(lambda: "drug=infliximab" in driver.current_url)
    shown = [
        [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in driver.find_elements(By.CSS_SELECTOR, "#answer tbody tr")
    ]
    expected = answer(explorer, "drug-signals", drug="infliximab")
    assert [row[0] for row in shown] == [r["eventLabel"] for r in expected]
    first = driver.find_element(By.CSS_SELECTOR, "#answer tbody td a")
    assert first.text == expected[0]["eventLabel"]  # a label, the IRI on hover
    assert first.get_attribute("title") == expected[0]["event"]
    screenshot(driver, "query-drug-signals")

    shared = driver.current_url
    driver.delete_all_cookies()
    driver.get("about:blank")
    driver.get(shared)
    again = [
        [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in driver.find_elements(By.CSS_SELECTOR, "#answer tbody tr")
    ]
    assert again == shown


def test_the_editor_marks_a_syntax_error_at_its_line(driver: Any, explorer: str) -> None:
    from selenium.webdriver.common.by import By

    text = "SELECT * WHERE {\n  ?s ?p }"
    problem = requests.post(explorer + "/sparql", data={"query": text}, timeout=30).json()
    assert problem["line"] == 2
    driver.get(explorer + "/?" + urlencode({"query": text, "run": "1"}))
    marked = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, "#highlight .bad-line"))
    assert marked[0].text == "  ?s ?p }"
    status = driver.find_element(By.ID, "status").text
    assert status == f"syntax error at line 2, column {problem['column']}"
    assert driver.find_element(By.CSS_SELECTOR, "pre.error").text == problem["detail"]


@pytest.mark.parametrize("width", [1280, 390])
def test_pages_fit_the_screen_and_load_nothing_from_elsewhere(
    explorer: str, width: int, tmp_path: Path
) -> None:
    pages = [
        "/",
        "/queries",
        "/queries/drugs-treating-and-inducing?condition=psoriasis",
        "/search?q=psoria",
        "/id/drug/infliximab",
        "/id/condition/psoriasis",
        "/ontology",
    ]
    chrome = browser(explorer, tmp_path, width=width, height=900)
    try:
        requested(chrome)
        for page in pages:
            chrome.get(explorer + page)
            wide = chrome.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth"
            )
            assert wide <= 1, f"{page} is {wide} px wider than a {width} px screen"
            if width < 500:
                name = page.strip("/").split("?")[0].replace("/", "-") or "editor"
                screenshot(chrome, f"phone-{name}")
        asked = requested(chrome)
    finally:
        chrome.quit()
    assert len(asked) >= len(pages)
    elsewhere = [url for url in asked if not url.startswith(explorer + "/")]
    assert elsewhere == [], elsewhere


def test_condition_drugs_counts_the_signals_the_statistics_flag(explorer: str) -> None:
    """condition-drugs (the condition page's lists) counts a FAERS reaction term as a signal
    exactly when drug-signals flags that drug with it."""
    flagged = answer(explorer, "drug-signals", drug=INFLIXIMAB)
    assert flagged
    for signal in flagged:
        rows = answer(explorer, "condition-drugs", condition=signal["event"])
        mine = [r for r in rows if r["drug"] == INFLIXIMAB and r["side"] == "induces"]
        assert len(mine) == 1 and mine[0]["signals"] >= 1, signal["eventLabel"]
    unflagged = {"https://w3id.org/pvkg/id/condition/asthma"}  # 1 report: never a signal
    for condition in unflagged:
        rows = answer(explorer, "condition-drugs", condition=condition)
        mine = [r for r in rows if r["drug"] == INFLIXIMAB and r["side"] == "induces"]
        assert [r["signals"] for r in mine] == [0]


@pytest.mark.parametrize("page", ["/id/drug/infliximab", "/id/condition/squamous-cell-carcinoma"])
def test_faers_rows_link_to_the_reports_behind_them(explorer: str, page: str) -> None:
    """Each FAERS statistics row of an entity page links to its pair's reports, as many as its
    a; the pair's drug and event are the page and the row's other end, whichever side."""
    html = requests.get(explorer + page, headers={"Accept": "text/html"}, timeout=30).text
    links = re.findall(r'href="(/queries/pair-reports\?[^"]+)"', html)
    assert links
    for link in links[:3]:
        query = parse_qs(urlsplit(unescape(link)).query)
        rows = answer(explorer, "pair-reports", drug=query["drug"][0], event=query["event"][0])
        stats = answer(explorer, "pair-statistics", drug=query["drug"][0], event=query["event"][0])
        assert len({r["caseid"] for r in rows}) == stats[0]["a"] > 0
        shown = requests.get(explorer + unescape(link), timeout=30).text
        assert shown.count("<tr>") == len(rows) + 1  # the page's table: header + each report
