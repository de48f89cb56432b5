"""Shared by the ``test_server_*`` modules: a real on-disk store and a real ``pvkg serve``.

The store holds ``tests/fixtures/server/graph.nt`` plus ``FILLER`` generated drugs
(``drug/filler-NNN`` labelled ``filler NNN`` with ``NNN`` reports) in the graph
``pvgraph:test``, and one triple in ``pvgraph:test-extra``. Expected answers in the tests are
computed from these facts, not from the service.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask.testing import FlaskClient

from kg.embedded import EmbeddedStore
from kg.iris import graph_iri
from kg.store import Provenance

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "server"
QUERIES = FIXTURES / "queries"
FILLER = 150
PV = "https://w3id.org/pvkg/ontology#"
PVID = "https://w3id.org/pvkg/id/"
TEST_GRAPH = graph_iri("test")
EXTRA_GRAPH = graph_iri("test-extra")
BASE_TRIPLES = sum(1 for line in (FIXTURES / "graph.nt").read_text().splitlines() if line.strip())
TEST_TRIPLES = BASE_TRIPLES + 4 * FILLER


def filler_lines() -> list[str]:
    """N-Triples of the generated drugs."""
    lines = []
    for n in range(FILLER):
        drug = f"<{PVID}drug/filler-{n:03d}>"
        lines += [
            f"{drug} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{PV}Drug> .",
            f'{drug} <http://www.w3.org/2000/01/rdf-schema#label> "filler {n:03d}" .',
            f'{drug} <{PV}reportCount> "{n}"^^<http://www.w3.org/2001/XMLSchema#integer> .',
            f"{drug} <{PV}inClass> <{PVID}drug-class/filler> .",
        ]
    return lines


def build_store(directory: Path) -> str:
    """Create the test store in ``directory``; return its location."""
    data = directory / "test.nt"
    data.write_text((FIXTURES / "graph.nt").read_text() + "\n".join(filler_lines()) + "\n")
    extra = directory / "extra.nt"
    extra.write_text(f'<{PVID}drug/infliximab> <{PV}extraNote> "only in test-extra" .\n')
    location = directory / "store"
    store = EmbeddedStore(location)
    for graph, path, title in ((TEST_GRAPH, data, "test"), (EXTRA_GRAPH, extra, "extra")):
        store.replace_graph(
            graph,
            path,
            Provenance(
                source="test",
                files=(path.name,),
                checksum="sha256:0",
                loader="tests",
                title=title,
            ),
        )
    store.close()
    return str(location)


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve(
    location: str, *args: str, env: dict[str, str] | None = None, queries: Path = QUERIES
) -> Iterator[str]:
    """Run ``pvkg serve`` on a free loopback port until the block ends; yield its base URL
    (``queries``: the saved-query catalogue, by default the test one)."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "cli.main",
        "--store",
        location,
        "serve",
        "--port",
        str(port),
        "--queries",
        str(queries),
        "--log-level",
        "warning",
        *args,
    ]
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(process, base)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def app_client(store: str, queries: Path = REPO / "queries") -> Iterator[FlaskClient]:
    """A Flask test client of the app over ``store`` with the catalogue ``queries`` (one real
    query process), closed after the block."""
    from server.app import create_app

    app = create_app({"STORE": store, "QUERIES": str(queries), "QUERY_PROCESSES": 1})
    try:
        yield app.test_client()
    finally:
        app.extensions["pvkg"].close()


def wait_ready(process: subprocess.Popen[str], base: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            pytest.fail(f"pvkg serve exited with {process.returncode}:\n{output}")
        with contextlib.suppress(requests.ConnectionError):
            if requests.get(base + "/health", timeout=10).status_code == 200:
                return
        time.sleep(0.2)
    pytest.fail("pvkg serve did not become ready in 90 s")


@pytest.fixture(scope="session")
def test_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Location of the test store (built once per session)."""
    return build_store(tmp_path_factory.mktemp("server-store"))


@pytest.fixture(scope="session")
def server(test_store: str) -> Iterator[str]:
    """Base URL of a running ``pvkg serve`` over the test store (2 s deadline)."""
    with serve(
        test_store,
        "--workers",
        "2",
        "--threads",
        "4",
        "--query-processes",
        "2",
        "--timeout",
        "2",
        "--max-rows",
        "100",
    ) as base:
        yield base
