"""Charts saved queries declare (``chart:`` in the header): ``GET /api/queries/<name>/chart``.

The specification must be bound to the query's own CSV answer, and every column it draws must
be a column of that answer: checked by fetching the data URL the specification names from the
same app (a real store and query process), not by comparing with a stored specification.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from server_harness import app_client, build_store

from kg.catalogue import parse_saved_query
from kg.errors import InputError


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    with app_client(build_store(tmp_path_factory.mktemp("charts"))) as client:
        yield client


def fields(node: Any) -> set[str]:
    """Every ``field`` a Vega-Lite specification refers to."""
    if isinstance(node, dict):
        found = {node["field"]} if isinstance(node.get("field"), str) else set()
        return found.union(*(fields(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(fields(v) for v in node))
    return set()


def csv_header(client: FlaskClient, url: str) -> list[str]:
    parts = urlsplit(url)
    response = client.get(parts.path + "?" + parts.query)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    return response.get_data(as_text=True).splitlines()[0].split(",")


@pytest.mark.parametrize(
    ("name", "params", "kind"),
    [
        ("drug-signals", {"drug": "infliximab"}, "forest"),
        ("event-signals", {"event": "psoriasis"}, "forest"),
        ("signal-history", {"drug": "infliximab", "event": "psoriasis"}, "line"),
    ],
)
def test_a_chart_draws_columns_of_its_own_answer(
    client: FlaskClient, name: str, params: dict[str, str], kind: str
) -> None:
    response = client.get(f"/api/queries/{name}/chart", query_string={**params, "junk": "x"})
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["$schema"].endswith("/vega-lite/v5.json")
    url = spec["data"]["url"]
    assert urlsplit(url).path == f"/api/queries/{name}/results"
    query = parse_qs(urlsplit(url).query)
    assert query == {**{k: [v] for k, v in params.items()}, "format": ["csv"]}  # junk dropped
    header = csv_header(client, url)
    assert fields(spec) <= set(header), fields(spec) - set(header)
    assert set(spec["data"]["format"]["parse"]) <= set(header)
    scales = [layer for layer in str(spec).split("'scale': ") if layer.startswith("{'type': 'log'")]
    assert scales  # estimates on a log axis
    if kind == "forest":
        estimates = {
            layer["layer"][1]["encoding"]["color"]["datum"] for layer in spec["layer"][:-1]
        }
        assert estimates == {"PRR", "ROR"}


def test_only_queries_that_declare_a_chart_link_to_one(client: FlaskClient) -> None:
    index = client.get("/api/queries").get_json()["queries"]
    charted = {q["name"] for q in index if "chart" in q["links"]}
    assert charted == {"drug-signals", "event-signals", "signal-history"}
    response = client.get("/api/queries/pair-statistics/chart")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    ("chart", "field"),
    [
        ("  kind: pie", "chart"),
        ("  kind: line\n#+   x: quarter\n#+   y: nothere", "chart.y"),
        ("  kind: forest\n#+   label: x", "chart"),
        (
            "  kind: forest\n#+   label: x\n#+   estimates: [{name: A, estimate: y, lower: x}]",
            "chart.estimates.0.upper",
        ),
    ],
)
def test_a_bad_chart_declaration_names_the_field(tmp_path: Path, chart: str, field: str) -> None:
    path = tmp_path / "charted.rq"
    path.write_text(
        f"#+ summary: a query\n#+ chart:\n#+ {chart}\n"
        "SELECT ?quarter ?x ?y WHERE { ?quarter ?x ?y }\n"
    )
    with pytest.raises(InputError) as caught:
        parse_saved_query(path)
    assert caught.value.field == field
