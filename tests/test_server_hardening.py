"""Hostile input to ``pvkg serve`` and ``pvkg query`` (issue 14): deep nesting, long request
lines and headers; every refusal a one-line error or problem+json, never a crash."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from server_harness import REPO, free_port, serve, wait_ready

pytest_plugins = ("server_harness",)
pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"


def _braces(depth: int) -> str:
    return "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth


def _parentheses(depth: int) -> str:
    return "ASK { ?s ?p ?o FILTER(" + "(" * depth + "true" + ")" * depth + ") }"


@pytest.mark.parametrize(
    "query",
    [_braces(3000), _braces(10000), _parentheses(10000), "ASK { FILTER(" + "!" * 10000 + "true) }"],
    ids=["braces-3000", "braces-10000", "parentheses-10000", "negations-10000"],
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


def _stalled_post(base: str) -> socket.socket:
    """A connection that sends a POST's headers and 3 of its 100 body bytes, then nothing."""
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    sock.sendall(
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 100\r\n\r\nSEL"
    )
    return sock


def test_clients_that_stall_their_body_do_not_hold_the_server(test_store: str) -> None:
    with serve(test_store, "--workers", "1", "--threads", "2", "--read-timeout", "1") as base:
        stalled = [_stalled_post(base) for _ in range(4)]
        started = time.monotonic()
        cheap = requests.get(base + "/sparql", params={"query": "ASK {}"}, timeout=20)
        assert cheap.json()["boolean"] is True
        assert time.monotonic() - started < 8
        for sock in stalled:
            sock.settimeout(20)
            answer = b""
            while chunk := sock.recv(4096):  # until the server closes the connection
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 408 ")
            assert b"/problems/request-timeout" in answer
            sock.close()


def test_shutdown_is_clean(test_store: str) -> None:
    port = free_port()
    command = [sys.executable, "-m", "cli.main", "--store", test_store, "serve", "--port",
               str(port), "--workers", "2"]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        wait_ready(process, f"http://127.0.0.1:{port}")
        answer = requests.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK {}"})
        assert answer.status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    for sign in ("terminate called", "SIGABRT", "SIGSEGV", "Traceback"):
        assert sign not in output
    assert "Shutting down: Master" in output


def _parents() -> dict[int, int]:
    """Every live process's parent, read once from ``/proc``."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                found[int(entry)] = int(stat[1])
    return found


def _descendants(pid: int, parents: dict[int, int]) -> list[int]:
    children = [child for child, parent in parents.items() if parent == pid]
    return [d for child in children for d in (child, *_descendants(child, parents))]


def _serving(port: int) -> list[int]:
    """Processes of ``pvkg serve --port port``: the gunicorn master and its workers."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                argv = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
                if b"cli.main" in argv and b"serve" in argv and str(port).encode() in argv:
                    found.append(int(entry))
    return found


def _ask_ignoring_errors(base: str, query: str) -> None:
    with contextlib.suppress(requests.RequestException):
        requests.post(base + "/sparql", data={"query": query}, timeout=120)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
def test_a_killed_worker_takes_its_busy_query_process_with_it(test_store: str) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    args = ("--workers", "1", "--query-processes", "1", "--timeout", "120")
    with serve(test_store, *args) as base:
        threading.Thread(target=_ask_ignoring_errors, args=(base, slow), daemon=True).start()
        time.sleep(2)  # the query is running
        serving = _serving(int(base.rsplit(":", 1)[1]))
        parents = _parents()
        workers = [p for p in serving if parents.get(p) in serving]
        assert len(workers) == 1
        below = _descendants(workers[0], parents)
        assert below, "the worker has query processes"
        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in below):
            time.sleep(0.2)
        assert [p for p in below if Path(f"/proc/{p}").exists()] == []
