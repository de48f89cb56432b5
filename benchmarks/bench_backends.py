"""Backends side by side: the embedded store, ``oxigraph serve`` and Virtuoso, on the same data.

For each backend the script

1. loads the same data through pvkg's own loaders: ``pvkg build`` (ontology, case reports),
   the FAERS 2020Q3 slice from ``../shared/data`` when present, and a synthetic FAERS quarter
   (``benchmarks/faers_generate.py``); it reports the wall time of each load and the part spent
   in ``store.replace_graph`` (the backend's share; mapping and statistics are the same for all);
2. runs every saved query whose parameters resolve with their defaults or examples, ``--runs``
   times through the store interface, and reports p50/p99 latency and the row count (row
   counts must agree across backends; a disagreement is printed as such);
3. starts ``pvkg serve`` on the store (answer cache off: ``PVKG_CACHE_ENTRIES=0``) and measures
   HTTP throughput of the saved-query API with ``wrk`` (Debian package ``wrk``) when installed;
4. times each engine's native bulk loader on ``pvkg export`` output (N-Quads, gzip):
   ``oxigraph load`` and Virtuoso's ``ld_dir`` + ``rdf_loader_run()``.

Engines run on loopback in temporary directories (``tests/engines.py``) and are stopped at the
end. Usage::

    python benchmarks/bench_backends.py --reports 20000            # about 10 minutes here
    python benchmarks/bench_backends.py --reports 5000 --runs 10 --backends embedded,virtuoso

Prints Markdown tables (the Backends section of BENCHMARKS.md) and, with ``--json FILE``,
the raw figures.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from engines import Engine, VirtuosoEngine, free_port, make_engine, remote_url  # noqa: E402

from kg.binding import bind_values  # noqa: E402
from kg.catalogue import Catalogue  # noqa: E402
from kg.errors import ParameterError, PvkgError  # noqa: E402
from kg.location import open_store  # noqa: E402
from kg.params import resolve_parameters  # noqa: E402

SHARED = Path(os.environ.get("PVKG_SHARED_DATA", REPO.parent / "shared" / "data"))
SLICE = SHARED / "faers" / "faers_ascii_2020q3_slice"


@dataclass
class Backend:
    """Figures for one backend."""

    name: str
    loads: dict[str, float] = field(default_factory=dict)
    store_write_s: float = 0.0
    triples: int = 0
    queries: dict[str, dict[str, float]] = field(default_factory=dict)
    http: dict[str, dict[str, float]] = field(default_factory=dict)
    params: dict[str, dict[str, str]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    bulk: dict[str, float] = field(default_factory=dict)


def pvkg(location: str, *args: str, env: dict[str, str] | None = None) -> float:
    """Run ``pvkg --store LOCATION ARGS``; return its wall time in seconds."""
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "cli.main", "--store", location, *args],
        cwd=REPO,
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def load_all(backend: Backend, location: str, sources: list[tuple[str, list[str]]]) -> None:
    """Load every source through pvkg's loaders in-process, timing replace_graph separately."""
    script = (
        "import sys, time, json\n"
        "from cli.main import main\n"
        "import kg.embedded, kg.remote\n"
        "spent = [0.0]\n"
        "for cls in (kg.embedded.EmbeddedStore, kg.remote.RemoteStore):\n"
        "    original = cls.replace_graph\n"
        "    def timed(self, *a, _o=original, **k):\n"
        "        t = time.monotonic()\n"
        "        try:\n"
        "            return _o(self, *a, **k)\n"
        "        finally:\n"
        "            spent[0] += time.monotonic() - t\n"
        "    cls.replace_graph = timed\n"
        "status = main(sys.argv[1:])\n"
        "print(json.dumps({'write': spent[0]}))\n"
        "sys.exit(status)\n"
    )
    for label, args in sources:
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", script, "--store", location, *args],
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        )
        backend.loads[label] = time.monotonic() - started
        backend.store_write_s += json.loads(done.stdout.strip().splitlines()[-1])["write"]
        print(f"# {backend.name}: {label} loaded in {backend.loads[label]:.1f} s", flush=True)


def run_queries(backend: Backend, location: str, runs: int) -> None:
    """Every saved query with resolvable parameters, ``runs`` times: p50/p99 ms and rows."""
    store = open_store(location, read_only=True)
    backend.triples = sum(info.triples for info in store.graphs())
    try:
        for query in Catalogue():
            given = {p.name: p.default or p.example or "" for p in query.params}
            given = {k: v for k, v in given.items() if v}
            try:
                bindings = resolve_parameters(store, query, given)
            except ParameterError as error:
                print(f"# {backend.name}: skipped {query.name}: {error}", flush=True)
                continue
            bound = bind_values(query.sparql, bindings)
            backend.params[query.name] = given
            times, rows = [], 0
            try:
                for _ in range(runs):
                    started = time.perf_counter()
                    result = store.query(bound, timeout=60)
                    rows = sum(1 for _ in result) if query.form == "SELECT" else 1  # type: ignore[union-attr]
                    times.append((time.perf_counter() - started) * 1000)
            except PvkgError as error:
                print(f"# {backend.name}: {query.name} failed: {str(error)[:300]}", flush=True)
                backend.failed[query.name] = str(error).splitlines()[0][:200]
                continue
            times.sort()
            backend.queries[query.name] = {
                "p50_ms": statistics.median(times),
                "p99_ms": times[min(len(times) - 1, round(0.99 * (len(times) - 1)))],
                "rows": rows,
            }
    finally:
        store.close()


@contextlib.contextmanager
def serving(location: str) -> Iterator[str]:
    """``pvkg serve`` on ``location`` (answer cache off); yields its base URL."""
    port = free_port()
    env = {**os.environ, "PVKG_CACHE_ENTRIES": "0"}
    command = [sys.executable, "-m", "cli.main", "--store", location, "serve", "--port", str(port)]
    command += ["--log-level", "warning", "--workers", "1", "--threads", "8"]
    command += ["--query-processes", "2", "--timeout", "30"]
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + "/health", timeout=5).read()
                break
            time.sleep(0.3)
        else:
            raise RuntimeError("pvkg serve did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def wrk(url: str, duration: int, connections: int) -> dict[str, float]:
    """Requests/s and p50/p99 ms of ``wrk`` against ``url``."""
    done = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    )
    out = done.stdout

    def latency(percent: str) -> float:
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        if not found:
            return float("nan")
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests_per_s": float(rate.group(1)) if rate else float("nan"),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx": float(errors.group(1)) if errors else 0.0,
    }


def http_throughput(backend: Backend, location: str, names: list[str], duration: int) -> None:
    """Saved-query API throughput through ``pvkg serve`` in front of the backend."""
    if shutil.which("wrk") is None:
        print("# wrk is not installed (apt-get install wrk): no HTTP figures", flush=True)
        return
    with serving(location) as base:
        for name in names:
            if name not in backend.params:
                continue  # its parameters did not resolve on this data
            query = urllib.parse.urlencode({**backend.params[name], "format": "sparql-json"})
            url = f"{base}/api/queries/{name}/results?{query}"
            backend.http[name] = wrk(url, duration, 8)


def native_bulk(backends: dict[str, Backend], dump: Path, work: Path, triples: int) -> None:
    """Time each engine's own bulk loader on the ``pvkg export`` N-Quads (gzip)."""
    if "oxigraph" in backends and shutil.which("oxigraph"):
        target = work / "bulk-oxigraph"
        started = time.monotonic()
        subprocess.run(
            ["oxigraph", "load", "--location", str(target), "--file", str(dump)],
            check=True,
            capture_output=True,
        )
        spent = time.monotonic() - started
        backends["oxigraph"].bulk = {"seconds": spent, "triples_per_s": triples / spent}
    if "virtuoso" in backends and shutil.which("virtuoso-t"):
        engine = VirtuosoEngine(work / "bulk-virtuoso")
        engine.start()
        try:
            shutil.copy(dump, engine.workdir / dump.name)
            started = time.monotonic()
            engine.isql(
                f"ld_dir('{engine.workdir}', '{dump.name}', 'urn:pvkg:unused'); "
                "rdf_loader_run(); checkpoint;"
            )
            spent = time.monotonic() - started
            loaded = engine.isql(
                "SPARQL SELECT COUNT(*) WHERE { GRAPH ?g { ?s ?p ?o } "
                "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/pvkg/')) };"
            )
            numbers = [int(n) for n in re.findall(r"^\s*(\d+)\s*$", loaded, re.MULTILINE)]
            backends["virtuoso"].bulk = {
                "seconds": spent,
                "triples_per_s": triples / spent,
                "loaded": float(numbers[0]) if numbers else float("nan"),
            }
        finally:
            engine.stop()


def export_dump(location: str, out: Path) -> int:
    """``pvkg export`` of the whole store as gzip N-Quads; return the quad count."""
    pvkg(location, "export", "--output", str(out))
    with gzip.open(out, "rb") as dump:
        return sum(1 for _ in dump)


def report(backends: dict[str, Backend], reports: int, dump_quads: int) -> None:
    names = list(backends)
    print(f"\n### Loading ({reports} synthetic reports + seed + 2020Q3 slice)\n")
    print("| step | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for label in next(iter(backends.values())).loads:
        cells = [f"{b.loads.get(label, float('nan')):.1f} s" for b in backends.values()]
        print(f"| {label} | " + " | ".join(cells) + " |")
    cells = [f"{b.store_write_s:.1f} s" for b in backends.values()]
    print("| of which in `replace_graph` | " + " | ".join(cells) + " |")
    print("| triples in the store | " + " | ".join(f"{b.triples:,}" for b in backends.values()))
    if any(b.bulk for b in backends.values()):
        cells = [
            f"{b.bulk['seconds']:.1f} s ({b.bulk['triples_per_s']:,.0f}/s)" if b.bulk else "—"
            for b in backends.values()
        ]
        print(f"| native bulk load of `pvkg export` ({dump_quads:,} quads) | " + " | ".join(cells))
    print("\n### Saved queries through the store interface (p50 / p99 ms, rows)\n")
    print("| query | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    queries = sorted({q for b in backends.values() for q in [*b.queries, *b.failed]})
    for query in queries:
        cells, rows = [], set()
        for b in backends.values():
            figure = b.queries.get(query)
            if figure is None:
                cells.append("**rejected**" if query in b.failed else "skipped")
                continue
            rows.add(int(figure["rows"]))
            cells.append(f"{figure['p50_ms']:.1f} / {figure['p99_ms']:.1f} ({int(figure['rows'])})")
        mark = "" if len(rows) <= 1 else " **rows differ**"
        print(f"| {query}{mark} | " + " | ".join(cells) + " |")
    if any(b.http for b in backends.values()):
        print("\n### HTTP: `pvkg serve` saved-query API, cache off (requests/s, p50 / p99 ms)\n")
        print("| query | " + " | ".join(names) + " |")
        print("|---|" + "---|" * len(names))
        for query in sorted({q for b in backends.values() for q in b.http}):
            cells = []
            for b in backends.values():
                f = b.http.get(query)
                cells.append(
                    "—"
                    if f is None
                    else f"{f['requests_per_s']:.0f}/s, {f['p50_ms']:.0f} / {f['p99_ms']:.0f}"
                    + (f", {int(f['non_2xx'])} non-2xx" if f["non_2xx"] else "")
                )
            print(f"| {query} | " + " | ".join(cells) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=20000, help="synthetic FAERS reports")
    parser.add_argument("--runs", type=int, default=20, help="runs of each saved query")
    parser.add_argument("--backends", default="embedded,oxigraph,virtuoso")
    parser.add_argument("--http-seconds", type=int, default=10, help="wrk duration per query")
    parser.add_argument(
        "--http-queries",
        default="conditions-induced-by,drugs-inducing,drug-signals",
        help="saved queries to measure over HTTP",
    )
    parser.add_argument("--json", type=Path, help="also write raw figures here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pvkg-bench-backends-"))
    quarter = work / "faers-synthetic"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "faers_generate.py"),
            str(quarter),
            "--reports",
            str(args.reports),
            "--quarter",
            "24Q1",
            "--seed",
            "1",
        ],
        check=True,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
    )
    sources: list[tuple[str, list[str]]] = [("pvkg build (seed graph)", ["build"])]
    if SLICE.exists():
        sources.append(("FAERS 2020Q3 slice", ["load", "faers", str(SLICE)]))
    sources.append((f"synthetic quarter ({args.reports} reports)", ["load", "faers", str(quarter)]))
    backends: dict[str, Backend] = {}
    engines: list[Engine] = []
    dump, dump_quads = work / "export.nq.gz", 0
    try:
        for name in args.backends.split(","):
            backend = backends.setdefault(name, Backend(name))
            if name == "embedded":
                location = str(work / "embedded")
            else:
                engine = make_engine(name, work / name)
                engine.start()
                engines.append(engine)
                location = remote_url(name, engine)
            load_all(backend, location, sources)
            run_queries(backend, location, args.runs)
            http_throughput(backend, location, args.http_queries.split(","), args.http_seconds)
            if not dump_quads:
                dump_quads = export_dump(location, dump)
            if args.json:  # keep what is measured so far
                args.json.write_text(json.dumps({k: asdict(v) for k, v in backends.items()}))
        native_bulk(backends, dump, work, dump_quads)
    finally:
        for engine in engines:
            engine.stop()
    report(backends, args.reports, dump_quads)
    if args.json:
        args.json.write_text(json.dumps({k: asdict(v) for k, v in backends.items()}, indent=1))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
