"""Shared by the explorer's browser tests: a store a new user would have, ``pvkg serve`` on it,
and headless Chromium driven by Selenium through Debian's ``chromedriver``.

The store is what the README's commands make: ``pvkg build`` (the bundled case reports), the
FAERS 2020q3 slice of ``../shared/data/faers/``, a MeSH extract written for the tests and
``pvkg link``. The browser may reach the server's own address only: every other host name
resolves to nothing (``--host-resolver-rules``), and its performance log lists each request
it made. Screenshots go to ``var/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from server_harness import REPO, serve

SHARED = REPO.parent / "shared" / "data"
QUARTER = SHARED / "faers" / "faers_ascii_2020q3_slice"
MESH = REPO / "tests" / "fixtures" / "mesh" / "mini_mesh.nt"
SCREENSHOTS = REPO / "var" / "screenshots"
CHROMEDRIVER = shutil.which("chromedriver")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def pvkg(store: Path, *args: str) -> None:
    """Run one ``pvkg`` command on ``store``; fail the test with its output if it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "--store", str(store), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"pvkg {' '.join(args)} failed:\n{done.stderr}")


def build_store(directory: Path) -> Path:
    """The store: bundled case reports, one FAERS quarter, MeSH, links."""
    store = directory / "store"
    pvkg(store, "build")
    pvkg(store, "load", "faers", str(QUARTER))
    pvkg(store, "load", "mesh", str(MESH))
    pvkg(store, "link")
    return store


def browser(base: str, downloads: Path, width: int = 1280, height: int = 1000) -> Any:
    """A headless Chromium that reaches only ``base``'s host and saves downloads in
    ``downloads``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    if CHROMIUM:
        options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    if width < 500:  # narrower than a desktop window can be: emulate a phone's screen
        metrics = {"width": width, "height": height, "deviceScaleFactor": 2, "mobile": True}
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    return driver


def requested(driver: Any) -> list[str]:
    """The URLs the browser asked for since the last call (from its performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def screenshot(driver: Any, name: str) -> Path:
    """Save the whole page (a phone's: its screen) as ``var/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if driver.execute_script("return window.innerWidth") < 500:
        driver.save_screenshot(str(path))
        return path
    size = driver.get_window_size()
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(size["width"], min(max(height + 100, 600), 2400))
    driver.save_screenshot(str(path))
    driver.set_window_size(size["width"], size["height"])
    return path


needs_browser = pytest.mark.skipif(
    CHROMEDRIVER is None or CHROMIUM is None,
    reason="Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
)
needs_data = pytest.mark.skipif(
    not QUARTER.is_dir(), reason=f"the FAERS slice is not at {QUARTER} (../shared/data)"
)


@pytest.fixture(scope="session")
def explorer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of ``pvkg serve`` over the new user's store, with the project's catalogue."""
    store = build_store(tmp_path_factory.mktemp("explorer"))
    with serve(str(store), "--query-processes", "2", queries=REPO / "queries") as base:
        yield base
