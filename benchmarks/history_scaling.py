"""Simulation (issue 12, point 5): how each cost of the full FAERS history grows, at reduced size.

A generated series of quarters (``benchmarks/faers_generate.py --series``) is loaded into a
fresh embedded store one ``pvkg load faers`` process at a time, oldest first. After each load
it measures

* (a) the case base on disk (``<store>/casebase``, Parquet) and the DuckDB counting over every
  loaded quarter (:class:`loaders.faers.counting.Counter`: ``as_of`` the latest quarter plus
  ``reaction_tables``), with N and the number of pairs;
* (b) the embedded store on disk and the triples of each quarter's report graph;
* (c) ``pvkg export --graph`` of the new quarter's report graph as gzip N-Quads (time, bytes,
  quads) — what goes to a SPARQL server for an archived quarter;
* (d) with ``--virtuoso``, that file loaded into a private Virtuoso (its native bulk loader,
  ``ld_dir`` + ``rdf_loader_run``; ``tests/engines.py`` starts it on free loopback ports) and
  the Virtuoso database size; at the end the other graphs (statistics, deduplication, history,
  meta) follow, and one saved FAERS query (``pair-statistics`` on the first planted pair) is
  timed through pvkg's remote store and, for comparison, embedded.

Every cost is fitted against the reports loaded so far (least-squares line) and extrapolated to
the full history, 88 quarters of 400,000 reports — printed under a heading that says it is an
extrapolation. Costs paid once per quarter (load, export, bulk load) are also scaled per report
of the quarter. Example (the figures in ``docs/full-history.md``)::

    python benchmarks/faers_generate.py /var/tmp/h6/series --series 4 --start 24Q1 \\
        --reports 10000 --seed 1
    python benchmarks/history_scaling.py --series /var/tmp/h6/series --work /var/tmp/h6/run \\
        --virtuoso --json /var/tmp/h6/scaling.json
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(REPO))
sys.path.insert(2, str(REPO / "tests"))

from faers_history import load_quarter, quarter_sources, slope  # noqa: E402

from kg.errors import PvkgError  # noqa: E402
from kg.iris import META_GRAPH, graph_iri  # noqa: E402
from kg.location import open_store  # noqa: E402
from loaders.faers.casestore import connect  # noqa: E402
from loaders.faers.counting import Counter  # noqa: E402

FULL_QUARTERS = 88
FULL_REPORTS = 400_000
"""The full history the figures are extrapolated to: 2004 to now, recent quarters' size."""

HISTORY_COSTS = ("casebase_mb", "count_s", "store_mb", "load_peak_mb", "virtuoso_db_mb")
"""Costs that accumulate with the history: fitted against the reports loaded so far."""
QUARTER_COSTS = ("load_s", "quarter_triples", "export_s", "export_mb", "virtuoso_load_s")
"""Costs paid once per quarter: scaled per report of that quarter."""


def tree_bytes(path: Path) -> int:
    """Allocated bytes of the files below ``path`` (as ``du``)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            total += (Path(root) / name).lstat().st_blocks * 512
    return total


def casebase_dirs(store: Path) -> list[Path]:
    """The case base directories of the loaded quarters (``<store>/casebase/yyyyqn-…``)."""
    root = store / "casebase"
    return sorted(
        p for p in root.iterdir() if p.is_dir() and p.name[:4].isdigit() and p.name[4] == "q"
    )


def measure_counting(store: Path, scratch: Path) -> dict[str, Any]:
    """Case base size, and DuckDB deduplication plus 2×2 tables over every loaded quarter."""
    folders = casebase_dirs(store)
    con = connect(scratch)
    try:
        counter = Counter(con, folders)
        row = con.execute("SELECT count(*), max(quarter) FROM all_reports").fetchone()
        reports, latest = (int(row[0]), str(row[1])) if row else (0, "")
        begin = time.perf_counter()
        counter.as_of(latest)
        tables = counter.reaction_tables()
        spent = time.perf_counter() - begin
        cases = counter.cases()
    finally:
        con.close()
    return {
        "quarters": [f.name.split("-", 1)[0] for f in folders],
        "reports_loaded": reports,
        "cases": cases,
        "n": tables.n,
        "pairs": len(tables),
        "count_s": round(spent, 3),
        "casebase_mb": round(sum(tree_bytes(f) for f in folders) / 1e6, 3),
    }


def quarter_triples(store: Path) -> dict[str, int]:
    """Triples of every FAERS quarter report graph, by quarter key."""
    prefix = graph_iri("faers").value + "/"
    kg = open_store(str(store), read_only=True)
    try:
        return {
            info.graph.value[len(prefix) :]: info.triples
            for info in kg.graphs()
            if info.graph.value.startswith(prefix)
        }
    finally:
        kg.close()


def pvkg(store: str, *args: str) -> float:
    """Run ``pvkg --store STORE ARGS…`` (this checkout); return its wall time in seconds."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    begin = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "--store", store, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"pvkg {' '.join(args)} exited {done.returncode}: {done.stderr[-800:]}")
    return time.perf_counter() - begin


def export_graphs(store: Path, graphs: list[str], out: Path) -> dict[str, Any]:
    """``pvkg export -g …`` into ``out`` (``.gz``: gzip); time, bytes and quads written."""
    options = [arg for graph in graphs for arg in ("--graph", graph)]
    spent = pvkg(str(store), "export", *options, "--output", str(out))
    opener = gzip.open if out.suffix == ".gz" else open
    with opener(out, "rb") as quads:
        count = sum(1 for line in quads if line.strip())
    return {"export_s": round(spent, 2), "export_mb": out.stat().st_size / 1e6, "quads": count}


class Virtuoso:
    """A private Virtuoso (``tests/engines.py``) loaded with its native bulk loader."""

    def __init__(self, workdir: Path) -> None:
        from engines import VirtuosoEngine, remote_url

        self.engine = VirtuosoEngine(workdir)
        self.engine.start()
        self.url = remote_url("virtuoso", self.engine)

    def bulk_load(self, dump: Path) -> float:
        """``ld_dir`` + ``rdf_loader_run`` + ``checkpoint`` of one file; seconds.

        :raises RuntimeError: if the loader lists an error for the file.
        """
        target = self.engine.workdir / dump.name
        shutil.copy(dump, target)
        begin = time.perf_counter()
        self.engine.isql(
            f"ld_dir('{self.engine.workdir}', '{dump.name}', 'urn:pvkg:unused'); "
            "rdf_loader_run(); checkpoint;"
        )
        spent = time.perf_counter() - begin
        answer = self.engine.isql(
            f"SELECT COUNT(*) FROM DB.DBA.load_list WHERE ll_file LIKE '%{dump.name}' "
            "AND (ll_error IS NOT NULL OR ll_state <> 2);"
        )
        if re.findall(r"^\s*(\d+)\s*$", answer, re.MULTILINE) != ["0"]:
            raise RuntimeError(f"Virtuoso bulk load of {dump.name} failed: {answer}")
        target.unlink()
        return spent

    def db_mb(self) -> float:
        """The database directory's size on disk, MB."""
        return tree_bytes(self.engine.workdir) / 1e6

    def peak_mb(self) -> float:
        """Peak resident memory of the Virtuoso process so far (``VmHWM``), MB."""
        process = self.engine.process
        if process is None:
            return float("nan")
        status = Path(f"/proc/{process.pid}/status").read_text()
        kb = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
        return int(kb) / 1000

    def stop(self) -> None:
        self.engine.stop()


def time_query(location: str, name: str, given: dict[str, str], runs: int) -> dict[str, Any]:
    """Median wall ms and rows of a saved query on a store (in-process, after one warm-up)."""
    from kg.binding import bind_values
    from kg.catalogue import Catalogue
    from kg.params import resolve_parameters

    kg = open_store(location, read_only=True)
    try:
        query = Catalogue().get(name)
        bound = bind_values(query.sparql, resolve_parameters(kg, query, given))
        times, rows = [], 0
        for _ in range(runs + 1):
            begin = time.perf_counter()
            rows = sum(1 for _ in kg.query(bound, timeout=120))  # type: ignore[union-attr]
            times.append((time.perf_counter() - begin) * 1000)
    finally:
        kg.close()
    return {
        "query": name,
        "params": given,
        "ms": round(statistics.median(times[1:]), 2),
        "rows": rows,
    }


def planted_pair(series: Path) -> dict[str, str]:
    """The first pair the generator planted (``planted.tsv``): ingredient and term labels."""
    lines = (series / "planted.tsv").read_text().splitlines()
    for line in lines[1:]:
        fields = line.split("\t")
        if len(fields) >= 3:
            return {"drug": fields[1].lower(), "event": fields[2]}
    raise SystemExit(f"{series}/planted.tsv: no planted pair")


def fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least-squares line through (xs, ys): (intercept, slope)."""
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    b = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return mean_y - b * mean_x, b


def extrapolate(rows: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per cost: its fit against reports loaded and its value at 88 × 400,000 reports."""
    full = FULL_QUARTERS * FULL_REPORTS
    xs = [float(r["reports_loaded"]) for r in rows]
    out: dict[str, dict[str, float]] = {}
    for key in HISTORY_COSTS:
        ys = [float(r[key]) for r in rows if r.get(key) is not None]
        if len(ys) == len(xs) >= 2:
            a, b = fit(xs, ys)
            out[key] = {"per_million_loaded": b * 1e6, "intercept": a, "full": a + b * full}
    for key in QUARTER_COSTS:
        pairs = [(float(r[key]), float(r["quarter_reports"])) for r in rows if r.get(key)]
        if len(pairs) == len(rows) >= 2:
            per_report = sum(y for y, _ in pairs) / sum(n for _, n in pairs)
            growth = slope([y / n for y, n in pairs]) * FULL_REPORTS
            out[key] = {
                "per_quarter": per_report * FULL_REPORTS,
                "full": per_report * full,
                "growth_per_quarter": growth,
            }
    return out


def step(k: int, key: str, source: Path, args: argparse.Namespace, vt: Virtuoso | None) -> dict:
    """Load the k-th quarter and measure everything; one table row."""
    store, logs = args.work / "store", args.work / "logs"
    load = load_quarter(key, source, store, logs)
    row: dict[str, Any] = {"k": k, "quarter": key, "load_s": load.wall_s}
    row["load_peak_mb"] = load.peak_rss_mb
    row.update(measure_counting(store, args.work / "scratch"))
    previous = args.rows[-1]["reports_loaded"] if args.rows else 0
    row["quarter_reports"] = row["reports_loaded"] - previous
    row["store_mb"] = round(tree_bytes(store) / 1e6, 1)
    triples = quarter_triples(store)
    row["quarter_triples"], row["all_quarter_triples"] = triples[key], sum(triples.values())
    dump = args.work / "export" / f"faers-{key}.nq.gz"
    row.update(export_graphs(store, [graph_iri("faers", key).value], dump))
    if vt is not None:
        row["virtuoso_load_s"] = round(vt.bulk_load(dump), 2)
        row["virtuoso_db_mb"] = round(vt.db_mb(), 1)
        row["virtuoso_peak_mb"] = vt.peak_mb()
    return row


def finish_virtuoso(args: argparse.Namespace, vt: Virtuoso) -> dict[str, Any]:
    """Bulk-load every non-quarter graph (with the meta graph) and time one saved query."""
    store = args.work / "store"
    kg = open_store(str(store), read_only=True)
    try:
        prefix = graph_iri("faers").value + "/"
        rest = [i.graph.value for i in kg.graphs() if not i.graph.value.startswith(prefix)]
    finally:
        kg.close()
    dump = args.work / "export" / "rest.nq.gz"
    exported = export_graphs(store, [*rest, META_GRAPH.value], dump)
    try:
        loaded: float | str = round(vt.bulk_load(dump), 2)
    except RuntimeError as error:  # reported, not fatal: the per-quarter rows stand
        loaded = str(error)[-300:]
    given = planted_pair(args.series)
    result: dict[str, Any] = {"rest": {**exported, "virtuoso_load_s": loaded}}
    for name, location in (("virtuoso_query", vt.url), ("embedded_query", str(store))):
        try:
            result[name] = time_query(location, "pair-statistics", given, args.runs)
        except PvkgError as error:  # reported, not fatal: the measurements above stand
            result[name] = {"error": str(error).splitlines()[0]}
    return result


COLUMNS = (
    ("quarter", "quarter", "{}"),
    ("reports_loaded", "reports loaded", "{:,}"),
    ("n", "N", "{:,}"),
    ("load_s", "pvkg load s", "{:.1f}"),
    ("load_peak_mb", "load peak RSS MB", "{:,.0f}"),
    ("casebase_mb", "case base MB", "{:.2f}"),
    ("count_s", "counting s", "{:.2f}"),
    ("store_mb", "store MB", "{:,.0f}"),
    ("quarter_triples", "quarter triples", "{:,}"),
    ("export_s", "export s", "{:.1f}"),
    ("export_mb", "export MB (gz)", "{:.1f}"),
    ("virtuoso_load_s", "Virtuoso ld_dir s", "{:.1f}"),
    ("virtuoso_db_mb", "Virtuoso MB", "{:,.0f}"),
    ("virtuoso_peak_mb", "Virtuoso RSS MB", "{:,.0f}"),
)


def table(rows: list[dict[str, Any]]) -> str:
    """The measurements as a Markdown table (columns without values left out)."""
    columns = [c for c in COLUMNS if any(r.get(c[0]) is not None for r in rows)]
    lines = ["| " + " | ".join(title for _, title, _ in columns) + " |"]
    lines.append("|" + "|".join("---:" if k != "quarter" else "---" for k, _, _ in columns) + "|")
    for row in rows:
        cells = [fmt.format(row[key]) for key, _, fmt in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def extrapolation_text(fits: dict[str, dict[str, float]]) -> str:
    """The extrapolated figures, each line saying how it was obtained."""
    lines = [
        f"EXTRAPOLATION (linear, from the rows above) to {FULL_QUARTERS} quarters x "
        f"{FULL_REPORTS:,} reports = {FULL_QUARTERS * FULL_REPORTS:,} reports:"
    ]
    for key, f in fits.items():
        if key in HISTORY_COSTS:
            lines.append(
                f"  {key:17} grows {f['per_million_loaded']:10.3f} per million reports loaded"
                f" -> {f['full']:12,.1f} for the full history"
            )
        else:
            lines.append(
                f"  {key:17} {f['per_quarter']:12,.1f} per {FULL_REPORTS:,}-report quarter,"
                f" {f['full']:14,.1f} for all {FULL_QUARTERS};"
                f" change per quarter loaded {f['growth_per_quarter']:+.1f}"
            )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=Path, required=True, help="generated series directory")
    parser.add_argument("--work", type=Path, required=True, help="fresh working directory")
    parser.add_argument("--virtuoso", action="store_true", help="also bulk-load into Virtuoso")
    parser.add_argument("--runs", type=int, default=5, help="runs of the timed saved query")
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args()
    if args.work.exists():
        raise SystemExit(f"{args.work}: exists; give a fresh --work directory")
    for sub in ("logs", "export", "scratch"):
        (args.work / sub).mkdir(parents=True)
    args.rows = []
    vt = Virtuoso(args.work / "virtuoso") if args.virtuoso else None
    extra: dict[str, Any] = {}
    try:
        for k, (key, source) in enumerate(quarter_sources(args.series), start=1):
            args.rows.append(step(k, key, source, args, vt))
            print(json.dumps(args.rows[-1]), file=sys.stderr, flush=True)
        if vt is not None:
            extra = finish_virtuoso(args, vt)
    finally:
        if vt is not None:
            vt.stop()
    fits = extrapolate(args.rows)
    print(table(args.rows))
    for name, value in extra.items():
        print(f"{name}: {json.dumps(value)}")
    print()
    print(extrapolation_text(fits))
    if args.json:
        result = {"series": str(args.series), "rows": args.rows, **extra, "extrapolation": fits}
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
