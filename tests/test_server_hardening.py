"""Hostile input to ``pvkg serve`` and ``pvkg query`` (issue 14): deep nesting, long request
lines and headers; every refusal a one-line error or problem+json, never a crash."""

from __future__ import annotations

import subprocess
import sys

import pytest
import requests
from server_harness import REPO

pytest_plugins = ("server_harness",)
pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"


def _braces(depth: int) -> str:
    return "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth


def _parentheses(depth: int) -> str:
    return "ASK { ?s ?p ?o FILTER(" + "(" * depth + "true" + ")" * depth + ") }"


@pytest.mark.parametrize(
    "query",
    [_braces(3000), _braces(10000), _parentheses(10000)],
    ids=["braces-3000", "braces-10000", "parentheses-10000"],
)
def test_deep_nesting_is_refused_over_http(server: str, query: str) -> None:
    response = requests.post(server + "/sparql", data={"query": query}, timeout=30)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == PROBLEM
    assert "nested" in response.json()["detail"]
    after = requests.get(server + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert after.json()["boolean"] is True


def test_ordinary_nesting_still_answers(server: str) -> None:
    response = requests.get(server + "/sparql", params={"query": _braces(60)}, timeout=30)
    assert response.status_code == 200


def test_deep_nesting_is_a_one_line_error_from_the_cli(test_store: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "--store", test_store, "query", "-e", _braces(10000)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "nested 10000 levels deep" in lines[0]


def test_a_get_url_of_six_kilobytes_answers(server: str) -> None:
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1 #" + "x" * 6000
    response = requests.get(server + "/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 200
    assert response.json()["head"]["vars"] == ["s"]


def test_a_request_line_over_the_limit_is_a_problem_not_an_html_page(server: str) -> None:
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1 #" + "x" * 10000
    response = requests.get(server + "/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 414
    assert response.headers["Content-Type"] == PROBLEM
    assert response.json()["status"] == 414 and "POST" in response.json()["detail"]
    posted = requests.post(server + "/sparql", data={"query": query}, timeout=30)
    assert posted.status_code == 200


def test_a_header_over_the_limit_is_a_problem_not_an_html_page(server: str) -> None:
    headers = {"X-Long": "y" * 10000}
    response = requests.get(server + "/sparql", params={"query": "ASK {}"}, headers=headers)
    assert response.status_code == 431
    assert response.headers["Content-Type"] == PROBLEM
    assert response.json()["type"].endswith("/headers-too-large")
