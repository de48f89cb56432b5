"""HTTP load benchmark: saved queries against ``pvkg serve`` and ``oxigraph serve`` on one store.

For every saved query of the catalogue whose parameters resolve with their defaults (or
examples), the script binds the parameters in-process (``kg.params`` + ``kg.binding``), so that
``oxigraph serve-read-only --union-default-graph`` gets exactly the query pvkg runs. It checks
that both servers give the same number of rows, measures the engine time of the query
in-process (median of 20 runs, fewer past 2 s; "lookup" below 10 ms, "heavy" from 10 ms), and
then runs ``wrk`` (Debian package ``wrk``; 16 connections, 2 threads) against

* ``pvkg`` — ``GET /api/queries/<name>/results?…&format=sparql-json`` (answer cache on),
* ``pvkg-nocache`` — the same on a second ``pvkg serve`` with ``PVKG_CACHE_ENTRIES=0``,
* ``oxigraph`` — ``GET /query?query=<the bound query>``,

and prints throughput and p50/p99 latency side by side, plus non-2xx and socket errors.

``--sparql-rows 1000,10000`` adds cases ``select-<N>`` that ask the SPARQL endpoints themselves
(pvkg ``GET /sparql``, Oxigraph ``GET /query``) for ``N`` rows of ``SELECT ?s ?p ?o``: answers
big enough for serialisation to matter (the saved queries of the seed graph answer a few rows).

Usage::

    python benchmarks/bench_http.py                       # seed graph (pvkg build), 10 s each
    python benchmarks/bench_http.py --duration 60 --queries conditions-induced-by
    python benchmarks/bench_http.py --faers-reports 400000  # + a full-size synthetic quarter
    python benchmarks/bench_http.py --store DIR             # an existing store
    python benchmarks/bench_http.py --store DIR --rounds 4  # targets alternate; median run
    python benchmarks/bench_http.py --sparql-rows 1000,10000 --queries none  # endpoint only

Besides throughput and latency, each run reports the CPU time all of a server's processes used
per request (``/proc``): on 2 cores a saturated server's throughput follows it, and it varies
less than req/s when the machine is shared. ``pvkg`` runs with mimalloc or jemalloc
preloaded when installed (:mod:`kg.allocator`; ``PVKG_ALLOCATOR=system`` turns that off);
Oxigraph runs as shipped unless ``--oxigraph-allocator auto``.

Both servers read one store read-only (several processes may). Figures go to stdout as a
Markdown table and, with ``--json FILE``, as JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from proctree import stat_fields, tree  # noqa: E402
from serving import free_port  # noqa: E402

from kg.allocator import environment  # noqa: E402
from kg.binding import bind_values  # noqa: E402
from kg.catalogue import Catalogue, SavedQuery  # noqa: E402
from kg.errors import ParameterError  # noqa: E402
from kg.location import open_store  # noqa: E402
from kg.params import resolve_parameters  # noqa: E402

SPARQL_JSON = "application/sparql-results+json"
TICKS_PER_S = os.sysconf("SC_CLK_TCK")

MAX_ROWS = 1_000_000
"""Row cap given to pvkg serve, and page size asked for: whole answers, as Oxigraph sends."""


@dataclass
class Case:
    """One saved query, bound and ready for both servers."""

    name: str
    params: dict[str, str]
    bound: str
    rows: int
    engine_ms: float
    endpoint: bool = False
    """Asked of the SPARQL endpoints (``/sparql``, ``/query``), not of the saved-query API."""

    @property
    def kind(self) -> str:
        return "lookup" if self.engine_ms < 10 else "heavy"


@dataclass
class Figure:
    """One wrk run."""

    query: str
    target: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    cpu_ms: float = float("nan")
    """CPU time of the server's processes (all of them) per request: steadier than req/s on a
    shared machine, and what a saturated server's throughput follows."""


def pvkg(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        cwd=REPO,
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def build_store(directory: Path, faers_reports: int) -> str:
    """The seed graph (``pvkg build``), plus a synthetic FAERS quarter if asked."""
    location = str(directory / "store")
    pvkg("--store", location, "build")
    if faers_reports:
        quarter = directory / "faers"
        subprocess.run(
            [
                sys.executable,
                str(REPO / "benchmarks" / "faers_generate.py"),
                str(quarter),
                "--reports",
                str(faers_reports),
                "--quarter",
                "24Q1",
                "--seed",
                "1",
            ],
            check=True,
            cwd=REPO,
        )
        started = time.monotonic()
        pvkg("--store", location, "load", "faers", str(quarter))
        print(
            f"# loaded {faers_reports} synthetic FAERS reports in "
            f"{time.monotonic() - started:.0f} s",
            flush=True,
        )
    return location


def cases(
    location: str, wanted: set[str] | None, overrides: dict[str, str] | None = None
) -> list[Case]:
    """Bind every saved query's parameters (defaults, else examples) and time the engine.

    ``overrides`` (from ``--param name=value``) replace the value of any parameter so named.
    """
    store = open_store(location, read_only=True)
    found = []
    try:
        for query in Catalogue():
            if wanted and query.name not in wanted:
                continue
            case = _case(store, query, overrides or {})
            if case is not None:
                found.append(case)
    finally:
        store.close()
    return found


def endpoint_cases(location: str, sizes: list[int]) -> list[Case]:
    """``SELECT ?s ?p ?o`` cases of ``N`` rows each (fewer if the store is smaller)."""
    store = open_store(location, read_only=True)
    try:
        return [
            _timed(
                store,
                f"select-{n}",
                {},
                f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {n}",
                endpoint=True,
            )
            for n in sizes
        ]
    finally:
        store.close()


def _case(store: object, query: SavedQuery, overrides: dict[str, str]) -> Case | None:
    given = {p.name: p.default or p.example or "" for p in query.params if p.default is None}
    given |= {p.name: overrides[p.name] for p in query.params if p.name in overrides}
    given = {k: v for k, v in given.items() if v}
    try:
        bindings = resolve_parameters(store, query, given)  # type: ignore[arg-type]
    except ParameterError as error:
        print(f"# skipped {query.name}: {error}", flush=True)
        return None
    bound = bind_values(query.sparql, bindings)
    return _timed(store, query.name, given, bound, select=query.form == "SELECT")


def _timed(
    store: object,
    name: str,
    given: dict[str, str],
    bound: str,
    *,
    select: bool = True,
    endpoint: bool = False,
) -> Case:
    """The case with its row count and median in-process engine time."""
    times: list[float] = []
    rows = 0
    while len(times) < 20 and sum(times) < 2000:  # 20 runs, or fewer for slow queries
        started = time.perf_counter()
        result = store.query(bound)  # type: ignore[attr-defined]
        rows = sum(1 for _ in result) if select else 1
        times.append((time.perf_counter() - started) * 1000)
    return Case(name, given, bound, rows, statistics.median(times), endpoint)


def cpu_ticks(pid: int) -> int:
    """CPU clock ticks used by process ``pid`` and all its descendants, live or reaped."""
    # utime stime cutime cstime
    return sum(sum(int(f) for f in stat_fields(p)[11:15]) for p in tree(pid))


@contextlib.contextmanager
def running(
    command: list[str], url: str, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(url, timeout=5).read()
                break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"{command[0]} did not start")
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def pvkg_url(base: str, case: Case) -> str:
    if case.endpoint:
        return f"{base}/sparql?{urllib.parse.urlencode({'query': case.bound})}"
    query = urllib.parse.urlencode({**case.params, "format": "sparql-json", "limit": MAX_ROWS})
    return f"{base}/api/queries/{case.name}/results?{query}"


def oxigraph_url(base: str, case: Case) -> str:
    return f"{base}/query?{urllib.parse.urlencode({'query': case.bound})}"


def count_rows(url: str, patience: float = 120.0) -> int:
    """Rows of one answer; a 503 (a server still draining the previous run's backlog) is
    retried after its Retry-After until ``patience`` seconds have passed."""
    request = urllib.request.Request(url, headers={"Accept": SPARQL_JSON})
    give_up = time.monotonic() + patience
    while True:
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                body = json.load(response)
            return len(body["results"]["bindings"]) if "results" in body else 1
        except urllib.error.HTTPError as error:
            if error.code != 503 or time.monotonic() > give_up:
                raise
            time.sleep(float(error.headers.get("Retry-After") or 1))


_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, duration: int, connections: int) -> tuple[float, float, float, int, int]:
    """Run wrk; return (requests/s, p50 ms, p99 ms, requests, errors)."""
    done = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "--timeout",
            "10s",
            "-H",
            f"Accept: {SPARQL_JSON}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = done.stdout

    def latency(percent: str) -> float:
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        return float(match.group(1)) * _UNIT[match.group(2)] if match else float("nan")

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        errors += int(non2xx.group(1))
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    return rate, latency("50"), latency("99"), total, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", help="an existing store (default: build the seed graph)")
    parser.add_argument(
        "--faers-reports",
        type=int,
        default=0,
        help="also load a synthetic FAERS quarter of this many reports",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="runs per target, alternating targets; the table shows the median run",
    )
    parser.add_argument("--queries", help="comma-separated saved-query names (default: all)")
    parser.add_argument(
        "--sparql-rows",
        default="",
        help="comma-separated row counts: also ask /sparql for SELECT ?s ?p ?o LIMIT N",
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="value for every saved query's parameter NAME (e.g. drug=... on a FAERS store)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--query-processes", type=int, default=2)
    parser.add_argument(
        "--oxigraph-allocator",
        default="system",
        metavar="auto|system|PATH",
        help="allocator preloaded into oxigraph (default: as shipped); pvkg's own is "
        "chosen by PVKG_ALLOCATOR (default auto)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if shutil.which("wrk") is None or shutil.which("oxigraph") is None:
        sys.exit("needs wrk (apt-get install wrk) and oxigraph (pip install oxigraph)")
    with tempfile.TemporaryDirectory(prefix="pvkg-bench-") as tmp:
        location = args.store or build_store(Path(tmp), args.faers_reports)
        wanted = set(args.queries.split(",")) if args.queries else None
        overrides = dict(item.split("=", 1) for item in args.param)
        selected = cases(location, wanted, overrides)
        sizes = [int(n) for n in args.sparql_rows.split(",") if n.strip()]
        selected += endpoint_cases(location, sizes)
        figures = run_all(args, location, selected)
    report(selected, figures)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "cases": [asdict(c) | {"kind": c.kind} for c in selected],
                    "figures": [asdict(f) for f in figures],
                },
                indent=1,
            )
        )
    return 0


def run_all(args: argparse.Namespace, location: str, selected: list[Case]) -> list[Figure]:
    ports = {name: free_port() for name in ("pvkg", "pvkg-nocache", "oxigraph")}
    serve = [
        sys.executable,
        "-m",
        "cli.main",
        "--store",
        location,
        "serve",
        "--log-level",
        "warning",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--query-processes",
        str(args.query_processes),
        "--timeout",
        "10",
        "--max-rows",
        str(MAX_ROWS),
    ]
    env = {**os.environ}
    nocache = {**os.environ, "PVKG_CACHE_ENTRIES": "0"}
    bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    oxigraph = [
        "oxigraph",
        "serve-read-only",
        "--location",
        str(Path(location) / "oxigraph"),
        "--bind",
        f"127.0.0.1:{ports['oxigraph']}",
        "--union-default-graph",
    ]
    oxigraph_env = environment(args.oxigraph_allocator)
    figures = []
    with (
        running([*serve, "--port", str(ports["pvkg"])], bases["pvkg"] + "/health", env) as p1,
        running(
            [*serve, "--port", str(ports["pvkg-nocache"])],
            bases["pvkg-nocache"] + "/health",
            nocache,
        ) as p2,
        running(oxigraph, bases["oxigraph"] + "/query?query=ASK%7B%7D", oxigraph_env) as p3,
    ):
        pids = {"pvkg": p1.pid, "pvkg-nocache": p2.pid, "oxigraph": p3.pid}
        for case in selected:
            urls = {
                "pvkg": pvkg_url(bases["pvkg"], case),
                "pvkg-nocache": pvkg_url(bases["pvkg-nocache"], case),
                "oxigraph": oxigraph_url(bases["oxigraph"], case),
            }
            try:
                counts = {target: count_rows(url) for target, url in urls.items()}
            except urllib.error.HTTPError as error:
                print(f"# skipped {case.name}: {error.url.split('?')[0]} answered {error.code}")
                continue
            if len(set(counts.values())) != 1:
                raise RuntimeError(f"{case.name}: servers disagree on row counts: {counts}")
            for _ in range(args.rounds):  # targets alternate, so drift hits them alike
                for target, url in urls.items():
                    before = cpu_ticks(pids[target])
                    rate, p50, p99, total, errors = wrk(url, args.duration, args.connections)
                    used = (cpu_ticks(pids[target]) - before) * 1000 / TICKS_PER_S
                    cpu = used / total if total else float("nan")
                    figures.append(Figure(case.name, target, rate, p50, p99, total, errors, cpu))
                    print(
                        f"# {case.name} {target}: {rate:.0f}/s p50 {p50:.2f} ms "
                        f"p99 {p99:.2f} ms errors {errors} cpu {cpu:.2f} ms/request",
                        flush=True,
                    )
    return figures


def median_runs(figures: list[Figure]) -> dict[tuple[str, str], Figure]:
    """The run with the median throughput of each (query, target), over ``--rounds``."""
    runs: dict[tuple[str, str], list[Figure]] = {}
    for f in figures:
        runs.setdefault((f.query, f.target), []).append(f)
    return {
        key: sorted(found, key=lambda f: f.requests_per_s)[len(found) // 2]
        for key, found in runs.items()
    }


def report(selected: list[Case], figures: list[Figure]) -> None:
    by = median_runs(figures)
    print(
        "\n| query | kind (engine ms, rows) | target | req/s | p50 ms | p99 ms | errors "
        "| CPU ms/req | × oxigraph |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for case in selected:
        reference = by.get((case.name, "oxigraph"))
        for target in ("pvkg", "pvkg-nocache", "oxigraph"):
            f = by.get((case.name, target))
            if f is None:
                continue
            ratio = (
                f.requests_per_s / reference.requests_per_s
                if reference and reference.requests_per_s
                else float("nan")
            )
            print(
                f"| {case.name} | {case.kind} ({case.engine_ms:.2f}, {case.rows}) | {target} "
                f"| {f.requests_per_s:,.0f} | {f.p50_ms:.2f} | {f.p99_ms:.2f} | {f.errors} "
                f"| {f.cpu_ms:.2f} | {ratio:.2f} |"
            )


if __name__ == "__main__":
    sys.exit(main())
