"""How the remote store fails: fast and clearly, and never by losing the previous graph.

* an engine that is down, or that accepts connections and never answers, gives a ``StoreError``
  (or ``QueryTimeoutError``) within seconds naming the endpoint, not a hang;
* killing the engine (``SIGKILL``) in the middle of a load leaves the previous graph and its
  provenance answering after a restart, and the next load succeeds.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from engines import HOST, Engine, EngineUnavailableError, free_port, make_engine, remote_url
from pyoxigraph import Literal, NamedNode, QuerySolutions, RdfFormat, Triple, parse

from kg.errors import EngineError, QueryTimeoutError, StoreError
from kg.iris import META_GRAPH, graph_iri
from kg.location import open_store
from kg.remote import RemoteStore, staging_graph
from kg.staging import StagedGraph
from kg.store import Provenance

pytest_plugins = ["conftest_engines"]
pytestmark = pytest.mark.integration

GRAPH = graph_iri("test", "killed")
P = NamedNode("https://w3id.org/pvkg/id/test/p")


def triples(prefix: str, n: int) -> list[Triple]:
    return [
        Triple(
            NamedNode(f"https://w3id.org/pvkg/id/test/{prefix}/{i}"),
            P,
            Literal(f"value {i} of {prefix}, padded to make the file larger than it needs to be"),
        )
        for i in range(n)
    ]


def stage(items: list[Triple], directory: Path) -> tuple[Path, Provenance]:
    staged = StagedGraph(directory)
    staged.extend(items)
    path = staged.finish()
    return path, Provenance("test", ("x.txt",), staged.checksum(), "tests 0.1", "killed")


# --- unreachable engines -------------------------------------------------------------------------


def test_load_against_a_closed_port_fails_fast_and_names_the_endpoint(tmp_path: Path) -> None:
    url = f"http://{HOST}:{free_port()}/query"
    store = open_store(url)
    path, provenance = stage(triples("a", 10), tmp_path)
    started = time.monotonic()
    with pytest.raises(EngineError, match=r"cannot reach SPARQL endpoint http://127\.0\.0\.1:\d+/"):
        store.replace_graph(GRAPH, path, provenance)
    with pytest.raises(StoreError, match="cannot reach"):
        store.query("ASK { ?s ?p ?o }")
    with pytest.raises(StoreError, match="refused"):
        store.graphs()
    assert time.monotonic() - started < 5


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A loopback port that accepts connections and never answers (a hung engine)."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind((HOST, 0))
    server.listen(16)
    server.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join(timeout=5)
    for conn in held:
        conn.close()
    server.close()


def test_a_hung_engine_is_an_error_not_a_hang(silent_server: int) -> None:
    store = RemoteStore.from_url(f"http://{HOST}:{silent_server}/query?read-timeout=1")
    started = time.monotonic()
    with pytest.raises(EngineError, match="sent no answer to a query within 1 s"):
        store.graphs()
    with pytest.raises(QueryTimeoutError, match=r"0\.5 s deadline"):
        store.query("SELECT * WHERE { ?s ?p ?o }", default_graphs=[GRAPH], timeout=0.5)
    assert time.monotonic() - started < 10


def test_wrong_credentials_say_so(virtuoso_engine: Engine) -> None:
    port = virtuoso_engine.port
    store = RemoteStore.from_url(f"http://dba:wrong@{HOST}:{port}/sparql?profile=virtuoso")
    with pytest.raises(StoreError, match="PVKG_STORE_USER"):
        store.update(f"DROP SILENT GRAPH {GRAPH}")


# --- a killed engine ----------------------------------------------------------------------------


@pytest.fixture(params=["oxigraph", "virtuoso"])
def own_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A private engine process this test may kill."""
    try:
        engine = make_engine(request.param, tmp_path / "engine")
    except EngineUnavailableError as error:
        pytest.skip(str(error))
    engine.start()
    yield engine
    engine.stop()


def staged_count(engine: Engine, store: RemoteStore) -> int:
    """Triples in the staging graph of :data:`GRAPH`, asked directly over HTTP."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {staging_graph(GRAPH)} {{ ?s ?p ?o }} }}"
    reply = requests.post(
        store.config.query_url,
        data={"query": query},
        headers={"Accept": "application/sparql-results+xml"},
        timeout=30,
    )
    reply.raise_for_status()
    text = reply.text
    return int(text.split("</literal>")[0].rsplit(">", 1)[1]) if "</literal>" in text else 0


def test_killing_the_engine_mid_load_keeps_the_previous_graph(
    own_engine: Engine, tmp_path: Path
) -> None:
    url = remote_url(own_engine.name, own_engine)
    store = RemoteStore.from_url(url + ("&" if "?" in url else "?") + "chunk-mb=0.25")
    old = triples("old", 500)
    old_path, old_provenance = stage(old, tmp_path)
    assert store.replace_graph(GRAPH, old_path, old_provenance) == len(old)
    new_path, new_provenance = stage(triples("new", 200_000), tmp_path)

    failure: list[BaseException] = []

    def load() -> None:
        try:
            store.replace_graph(GRAPH, new_path, new_provenance)
        except StoreError as error:
            failure.append(error)

    loader = threading.Thread(target=load)
    loader.start()
    if store.config.switch == "put":
        time.sleep(1.0)  # one transactional PUT: nothing to watch from outside, kill it midway
    else:
        deadline = time.monotonic() + 60
        while staged_count(own_engine, store) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    own_engine.stop(kill=True)
    loader.join(timeout=60)
    assert failure, "the load finished before the engine was killed; the test proved nothing"
    assert re.search("cannot reach|broke off|failed", str(failure[0])), failure[0]

    own_engine.start()
    fresh = RemoteStore.from_url(url)
    rows = fresh.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH {GRAPH} {{ ?s ?p ?o }} }}")
    assert isinstance(rows, QuerySolutions)
    assert {Triple(r["s"], r["p"], r["o"]) for r in rows} == set(old)
    [info] = fresh.graphs()
    assert (info.graph, info.triples, info.checksum) == (GRAPH, len(old), old_provenance.checksum)
    visible = fresh.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert {r["g"] for r in visible} == {GRAPH, META_GRAPH}  # type: ignore[union-attr]

    small = triples("after", 50)
    small_path, small_provenance = stage(small, tmp_path)
    assert fresh.replace_graph(GRAPH, small_path, small_provenance) == len(small)
    assert staged_count(own_engine, fresh) == 0
    assert [i.checksum for i in fresh.graphs()] == [small_provenance.checksum]


def test_virtuoso_stops_at_the_forwarded_timeout(virtuoso_engine: Engine, tmp_path: Path) -> None:
    store = RemoteStore.from_url(remote_url("virtuoso", virtuoso_engine))
    graph = graph_iri("test", "timeout")
    path, provenance = stage(triples("t", 3000), tmp_path)
    store.replace_graph(graph, path, provenance)
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"  # 2.7e10 rows
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError, match="1 s deadline"):
        store.query(cross, default_graphs=[graph], timeout=1.0)
    assert time.monotonic() - started < 3.5  # Virtuoso itself stopped (client grace is 2 s)
    store.drop_graph(graph)


@pytest.fixture
def oxigraph_engine(tmp_path: Path) -> Iterator[Engine]:
    """A private ``oxigraph serve`` this test may stop."""
    try:
        engine = make_engine("oxigraph", tmp_path / "engine")
    except EngineUnavailableError as error:
        pytest.skip(str(error))
    engine.start()
    yield engine
    engine.stop()


def test_pvkg_serve_in_front_of_a_remote_store(oxigraph_engine: Engine, tmp_path: Path) -> None:
    """The saved-query API answers from the engine, and 502 (not a hang) once it is gone."""
    store = RemoteStore.from_url(oxigraph_engine.store_url)
    mini = (Path(__file__).parent / "fixtures" / "kg" / "mini.ttl").read_bytes()
    path, provenance = stage([q.triple for q in parse(mini, format=RdfFormat.TURTLE)], tmp_path)
    store.replace_graph(graph_iri("mini"), path, provenance)
    port = free_port()
    command = [sys.executable, "-m", "cli.main", "--store", oxigraph_engine.store_url, "serve"]
    command += ["--port", str(port), "--workers", "1", "--query-processes", "1"]
    command += ["--queries", str(Path(__file__).parent / "fixtures" / "kg" / "queries")]
    server = subprocess.Popen(command, cwd=Path(__file__).parent.parent)
    base = f"http://{HOST}:{port}"
    try:
        url = f"{base}/api/queries/drugs-inducing/results?format=sparql-json"
        deadline = time.monotonic() + 60
        while True:
            try:
                reply = requests.get(url, timeout=30)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        assert reply.status_code == 200, reply.text
        labels = [b["label"]["value"] for b in reply.json()["results"]["bindings"]]
        assert labels == ["infliximab"]
        oxigraph_engine.stop(kill=True)
        started = time.monotonic()
        gone = requests.get(url.replace("sparql-json", "csv"), timeout=30)
        assert time.monotonic() - started < 10
        assert gone.status_code == 502, gone.text
        assert gone.headers["Content-Type"].startswith("application/problem+json")
        assert "cannot reach SPARQL endpoint" in gone.json()["detail"]
    finally:
        server.terminate()
        server.wait(timeout=30)
