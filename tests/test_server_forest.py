"""A drug's page shows its FAERS signals as a forest plot and a table (issue 16).

The store holds the hand-made quarters of ``test_faers_history`` (their signals are known);
the page is asked of a real app and query process. The plot must have one point per signal
and estimate, and the table one row per signal, as many as the saved query answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import shared
from flask.testing import FlaskClient
from server_harness import app_client

from kg.embedded import EmbeddedStore
from loaders import faers
from tests.test_faers_history import Q1, Q2, Q2_DELETED, Q3, quarter

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    tmp = tmp_path_factory.mktemp("forest")
    store = EmbeddedStore(tmp / "store")
    for name, reports, deleted in (("20Q1", Q1, []), ("20Q2", Q2, Q2_DELETED), ("20Q3", Q3, [])):
        faers.load_quarters(store, quarter(tmp / "in", name, reports, deleted))
    store.close()
    with app_client(str(tmp / "store")) as client:
        yield client


def marks(svg: str, kind: str, layer: int) -> int:
    """Paths in the group of marks ``kind`` of estimate layer ``layer`` (Vega's SVG output)."""
    found = re.search(
        rf'<g class="mark-{kind} role-mark layer_{layer}_layer_\d_marks"[^>]*>(.*?)</g>', svg, re.S
    )
    return len(re.findall(r"<(?:path|line)\b", found.group(1))) if found else 0


@pytest.mark.parametrize("drug", ["alphamab"])
def test_a_drug_page_plots_each_signal(client: FlaskClient, drug: str) -> None:
    rows = client.get(f"/api/queries/drug-signals/results?drug={drug}").get_json()["rows"]
    assert rows  # the hand-made quarters flag alphamab with rash
    page = client.get(f"/id/drug/{drug}", headers=HTML).get_data(as_text=True)
    assert "FAERS signals" in page
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert marks(svg, "symbol", 0) == len(rows)  # PRR: one point per signal
    assert marks(svg, "rule", 0) == len(rows)  # and its interval
    table = page[page.index('<h2 id="signals">') : page.index("</table>", page.index("<svg"))]
    assert table.count("<tr>") == len(rows) + 1  # header + one row per signal
    assert "/api/queries/drug-signals/chart?drug=" in page  # the same chart for dashboards


@pytest.mark.parametrize("drug", ["gammatin", "betanib"])  # betanib: flagged once, not now
def test_a_drug_without_signals_has_no_section(client: FlaskClient, drug: str) -> None:
    page = client.get(f"/id/drug/{drug}", headers=HTML).get_data(as_text=True)
    assert drug in page.lower()
    assert "FAERS signals" not in page and "<svg" not in page


def test_the_page_loads_nothing_from_another_host(client: FlaskClient) -> None:
    page = client.get("/id/drug/alphamab", headers=HTML).get_data(as_text=True)
    loaded = re.findall(r'src="([^"]+)"', page) + re.findall(r'<link[^>]+href="([^"]+)"', page)
    assert loaded and not [url for url in loaded if re.match(r"(https?:)?//", url)], loaded
    assert "<script" not in page[page.index("<svg") : page.index("</svg>")]


def test_a_drug_page_draws_its_signals_over_the_loaded_quarters(client: FlaskClient) -> None:
    signals = client.get("/api/queries/drug-signals/results?drug=alphamab").get_json()["rows"]
    series = {}
    for signal in signals:
        found = client.get(
            "/api/queries/signal-history/results",
            query_string={"drug": "alphamab", "event": signal[0]},
        ).get_json()
        if found["rows"]:
            series[signal[0]] = [row[0] for row in found["rows"]]  # the quarters
    assert series and len({q for quarters in series.values() for q in quarters}) >= 2
    page = client.get("/id/drug/alphamab", headers=HTML).get_data(as_text=True)
    figure = page[page.index('id="signal-history"') :]
    svg = figure[figure.index("<svg") : figure.index("</svg>")]
    lines = re.search(r'<g class="mark-line role-mark[^"]*"[^>]*>(.*?)</g>', svg, re.S)
    assert lines is not None
    assert len(re.findall(r"<path\b", lines.group(1))) == len(series)  # one line per signal
    points = re.search(r'<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)</g>', svg, re.S)
    assert points is not None
    assert len(re.findall(r"<path\b", points.group(1))) == sum(map(len, series.values()))


def test_the_plot_draws_the_strongest_and_the_table_lists_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from server import forest

    store = EmbeddedStore(tmp_path / "store")
    faers.load_quarters(store, shared("faers", "faers_ascii_2020q3_slice"))
    store.close()
    with app_client(str(tmp_path / "store")) as one:
        rows = one.get("/api/queries/drug-signals/results?drug=infliximab").get_json()["rows"]
        assert len(rows) >= 2
        monkeypatch.setattr(forest, "PLOTTED", len(rows) - 1)
        page = one.get("/id/drug/infliximab", headers=HTML).get_data(as_text=True)
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert marks(svg, "symbol", 0) == len(rows) - 1
    table = page[page.index('id="signal-table"') :]
    assert table[: table.index("</table>")].count("<tr>") == len(rows) + 1
    assert f"The\nstrongest {len(rows) - 1} by IC025 are drawn" in page
