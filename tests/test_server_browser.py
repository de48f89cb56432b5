"""The browser page in headless Chromium (Debian's ``chromium``): load, run a saved query, see rows.

Chromium loads ``/?example=drugs-by-reports&run=1``; the page's own script fetches the saved
query, runs it through the API and renders the table; ``--dump-dom`` prints the DOM after the
scripts ran. Skipped, with the reason, when Chromium is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

pytest_plugins = ("server_harness",)
pytestmark = pytest.mark.integration

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_page_runs_a_saved_query(server: str, tmp_path: object) -> None:
    url = f"{server}/?example=drugs-by-reports&run=1"
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path}",
        "--virtual-time-budget=10000",
        "--dump-dom",
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    dom = done.stdout
    assert done.returncode == 0, done.stderr[-2000:]
    assert 'class="kw">SELECT</span>' in dom  # the editor highlighted the loaded query
    rows = re.findall(r"<tr><td><a href=\"/id/drug/([^\"]+)\"", dom)
    # min_reports defaults to 0: all 152 drugs, of which the --max-rows cap (100) is shown
    assert rows[:3] == ["adalimumab", "filler-000", "filler-001"]
    assert len(rows) == 100
    assert "100 rows in" in dom and "truncated" in dom
