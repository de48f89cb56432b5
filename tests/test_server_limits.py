"""Limits that keep ``pvkg serve`` up: deadlines, refusals, size cap, the token-guarded writes."""

from __future__ import annotations

import contextlib
import http.server
import socket
import struct
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph
import pytest
import requests
from server_harness import (
    FILLER,
    PVID,
    build_store,
    free_port,
    serve,
)

pytest_plugins = ("server_harness",)
pytestmark = pytest.mark.integration

CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


class Listener:
    """A local HTTP server that records every request it receives."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.end_headers()
                self.wfile.write(b'{"head":{"vars":[]},"results":{"bindings":[{}]}}')

            do_POST = do_GET  # noqa: N815

            def log_message(self, *args: object) -> None:
                pass

        self.port = free_port()
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.port}/sparql"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    opened = Listener()
    yield opened
    opened.close()


def test_heavy_query_times_out_while_saved_query_answers(server: str) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        started = time.monotonic()
        heavy = pool.submit(
            requests.post, server + "/sparql", data={"query": CROSS_PRODUCT}, timeout=60
        )
        time.sleep(0.3)
        answers = []
        for minimum in ("131", "132", "133"):  # values no other test uses: never cached
            response = requests.get(
                f"{server}/api/queries/drugs-by-reports/results",
                params={"min_reports": minimum},
                timeout=30,
            )
            answers.append((response.status_code, len(response.json()["rows"]), heavy.done()))
        timed_out = heavy.result()
        elapsed = time.monotonic() - started
    # rows with reportCount >= m among filler 0..149 and the two real drugs (12, 7)
    assert answers == [
        (200, FILLER - 131, False),
        (200, FILLER - 132, False),
        (200, FILLER - 133, False),
    ]
    assert timed_out.status_code == 504
    assert timed_out.headers["Content-Type"] == "application/problem+json"
    assert "timed out" in timed_out.json()["detail"]
    assert 1.9 < elapsed < 10  # --timeout 2
    after = requests.get(server + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert after.json()["boolean"] is True  # the killed query process was replaced


_VALUES = " ".join(map(str, range(100)))
BIG = f"SELECT ?s ?p ?o ?x WHERE {{ ?s ?p ?o . VALUES ?x {{ {_VALUES} }} }}"  # ~60,000 rows, ~12 MB


def _abandon(base: str, query: str) -> None:
    """Ask for a long answer and reset the connection before it comes (as wrk does at its end)."""
    url = urllib.parse.urlsplit(base)
    with socket.socket() as sock:
        sock.connect((url.hostname, url.port))
        target = "/sparql?" + urllib.parse.urlencode({"query": query})
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {url.netloc}\r\n\r\n".encode())
        time.sleep(0.05)  # the request is read and its query runs
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST


def test_clients_leaving_give_the_query_process_back(test_store: str) -> None:
    """A client that goes away before or during a streamed answer must not cost a query
    process: with one process, a single lost one would leave every later query 503."""
    with serve(
        test_store,
        "--workers",
        "1",
        "--query-processes",
        "1",
        "--timeout",
        "3",
        "--max-rows",
        "100000",
    ) as base:
        for _ in range(3):
            _abandon(base, BIG)
        for minimum in ("141", "142"):
            response = _answer_once_free(f"{base}/api/queries/drugs-by-reports/results", minimum)
            assert response.status_code == 200
            assert len(response.json()["rows"]) == FILLER - int(minimum)


def _answer_once_free(url: str, minimum: str) -> requests.Response:
    """The saved query's answer, asked again while the process is busy or being replaced (503,
    or 504 when it got the process too late in its deadline) — for 30 s at most, so a process
    lost for good still fails."""
    give_up = time.monotonic() + 30
    while True:
        response = requests.get(url, params={"min_reports": minimum}, timeout=30)
        if response.status_code not in (503, 504) or time.monotonic() > give_up:
            return response
        time.sleep(0.5)


def test_listener_is_reachable_without_the_policy(listener: Listener) -> None:
    """Control: pyoxigraph itself would call the listener, so the next test can fail."""
    store = pyoxigraph.Store()
    with contextlib.suppress(RuntimeError, OSError):  # the listener's answer is not parsed
        list(store.query(f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"))
    assert listener.hits


def test_service_to_local_listener_refused(server: str, listener: Listener) -> None:
    queries = [
        f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{listener.url}> {{ ?s ?p ?o }} }}",
        f"PREFIX x: <http://127.0.0.1:{listener.port}/> "
        "SELECT * { SERVICE x:sparql { ?s ?p ?o } }",
        f"SELECT * {{ VALUES ?e {{ <{listener.url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE # comment\n <{listener.url}> {{ ?s ?p ?o }} }}",
    ]
    for query in queries:
        response = requests.post(server + "/sparql", data={"query": query}, timeout=30)
        assert response.status_code == 403, query
        assert response.headers["Content-Type"] == "application/problem+json"
        assert "SERVICE" in response.json()["detail"]
    time.sleep(0.5)
    assert listener.hits == []


def test_strings_mentioning_service_are_fine(server: str) -> None:
    query = 'SELECT ?x WHERE { BIND("SERVICE <http://127.0.0.1:9/>" AS ?x) } # SERVICE <http://x/>'
    response = requests.get(server + "/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 200
    assert response.json()["results"]["bindings"][0]["x"]["value"].startswith("SERVICE")


def test_query_size_cap(server: str) -> None:
    query = "# " + "x" * 70000 + "\nASK { ?s ?p ?o }"
    response = requests.post(server + "/sparql", data={"query": query}, timeout=30)
    assert response.status_code == 413
    assert "65536" in response.json()["detail"]


def test_write_endpoint_needs_the_token(tmp_path: Path, listener: Listener) -> None:
    location = build_store(tmp_path)
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    insert = (
        "INSERT DATA { GRAPH <https://w3id.org/pvkg/graph/test> "
        f'{{ <{PVID}drug/new> {label} "new drug" }} }}'
    )
    ask = 'ASK { ?d <http://www.w3.org/2000/01/rdf-schema#label> "new drug" }'
    with serve(location, "--timeout", "5", env={"PVKG_WRITE_TOKEN": "s3cret-token"}) as base:
        version = requests.get(base + "/health", timeout=30).json()["dataset_version"]
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret-token"}):
            refused = requests.post(
                base + "/update", data={"update": insert}, headers=headers, timeout=30
            )
            assert refused.status_code == 401
        assert (
            requests.get(base + "/sparql", params={"query": ask}, timeout=30).json()["boolean"]
            is False
        )
        public = requests.post(base + "/sparql", data={"update": insert}, timeout=30)
        assert public.status_code == 403
        auth = {"Authorization": "Bearer s3cret-token"}
        load = requests.post(
            base + "/update", data={"update": f"LOAD <{listener.url}>"}, headers=auth, timeout=30
        )
        assert load.status_code == 403
        done = requests.post(
            base + "/update",
            data=insert.encode(),
            headers={**auth, "Content-Type": "application/sparql-update"},
            timeout=30,
        )
        assert done.status_code == 200
        assert (
            requests.get(base + "/sparql", params={"query": ask}, timeout=30).json()["boolean"]
            is True
        )
        assert done.json()["dataset_version"] != version
        health = requests.get(base + "/health", timeout=30).json()
        assert health["dataset_version"] == done.json()["dataset_version"]
    assert listener.hits == []


def test_no_write_endpoint_without_token(server: str) -> None:
    response = requests.post(
        server + "/update",
        data={"update": "DROP ALL"},
        headers={"Authorization": "Bearer anything"},
        timeout=30,
    )
    assert response.status_code == 404
