"""Pytest plugin: real SPARQL engines for the store contract suite, one process each per session.

Registered by the test modules that need it (``pytest_plugins = ["conftest_engines"]``).
The ``backend_store`` fixture gives a fresh, empty pvkg store on each backend in turn:
``embedded`` (a directory), ``oxigraph`` (``oxigraph serve``), ``oxigraph-generic`` (the same
server driven through the generic profile: updates only, no Graph Store protocol) and
``virtuoso``. A backend whose engine is not installed is skipped with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from engines import Engine, EngineUnavailableError, make_engine, remote_url

from kg.embedded import EmbeddedStore
from kg.remote import STAGING_PREFIX, RemoteStore
from kg.store import GraphStore

BACKENDS = ["embedded", "oxigraph", "oxigraph-generic", "virtuoso"]
_PVKG_GRAPHS = "https://w3id.org/pvkg/"
_engines: dict[str, Engine | str] = {}


def session_engine(name: str, tmp_root: Path) -> Engine:
    """The session's engine ``name``, started on first use; skips if it cannot be installed."""
    if name not in _engines:
        try:
            engine = make_engine(name, tmp_root / name)
            engine.start()
            _engines[name] = engine
        except EngineUnavailableError as error:
            _engines[name] = str(error)
    found = _engines[name]
    if isinstance(found, str):
        pytest.skip(found)
    return found


@pytest.fixture(scope="session")
def engine_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where the session's engines keep their data; stops them all at the end."""
    yield tmp_path_factory.mktemp("engines")
    for engine in _engines.values():
        if isinstance(engine, Engine):
            engine.stop()
    _engines.clear()


def wipe(engine: Engine, url_store: RemoteStore) -> None:
    """Drop every pvkg graph and staging graph from a shared engine (not its system graphs)."""
    reply = requests.post(
        url_store.config.query_url,
        data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    reply.raise_for_status()
    graphs = [b["g"]["value"] for b in reply.json()["results"]["bindings"]]
    ours = [g for g in graphs if g.startswith((_PVKG_GRAPHS, STAGING_PREFIX, "urn:test:"))]
    if ours:
        url_store.update(";\n".join(f"DROP SILENT GRAPH <{g}>" for g in ours))


@pytest.fixture
def virtuoso_engine(engine_root: Path) -> Engine:
    """The session's Virtuoso server (skips if Virtuoso is not installed)."""
    return session_engine("virtuoso", engine_root)


@pytest.fixture(params=BACKENDS)
def backend_store(
    request: pytest.FixtureRequest, tmp_path: Path, engine_root: Path
) -> Iterator[GraphStore]:
    """A fresh, empty read-write pvkg store on each backend."""
    backend: str = request.param
    if backend == "embedded":
        embedded = EmbeddedStore(tmp_path / "store")
        yield embedded
        embedded.close()
        return
    engine = session_engine(backend.split("-")[0], engine_root)
    remote = RemoteStore.from_url(remote_url(backend, engine))
    wipe(engine, remote)
    yield remote
    remote.close()
