"""Benchmark (issue 12): the cost of adding one FAERS quarter to a store that holds the others.

A series of quarters (``--series DIR``, or one written by ``benchmarks/faers_series.py`` into
``--work``) is loaded into a fresh store one ``pvkg --store S load faers <quarter>`` process at
a time, oldest first, as a user adds each new quarter FDA publishes. Per load it records

* wall time, and its ratio to the first load's;
* CPU time (user + system) of the process and of every child it waited for (GNU ``sort``), from
  ``wait4``;
* peak resident memory of the whole process tree: ``/proc`` sampled every 0.1 s
  (``benchmarks/proctree.py``), at least the largest single process's ``ru_maxrss``;
* the store's size on disk (allocated blocks, as ``du``; its ``rejects/`` listing left out);
* the loader's printed summary line, verbatim (with its notes, e.g. per-step timings);
* the load average when the load started (the machine is shared).

It prints a Markdown table ready for ``BENCHMARKS.md`` and evaluates the acceptance checks of
issue 12 explicitly: every load after the first ≤ 1.3× the first (``--ratio-limit``); the 8th
≤ 2× the first (``--eighth-limit``; only with 8 quarters or more); peak RSS ≤ 2.5 GB
(``--rss-limit-mb``) for every load and not growing with the number of quarters (the least-
squares slope of peak RSS over the quarters, in MB per quarter, and the growth it fits over
the series, which must stay within 10% of the first load's peak, ``--rss-growth``).
``--check`` exits with status 1 when a check fails. ``pvkg`` runs as this checkout's
``python -m cli.main`` (with the allocator it preloads itself).

Acceptance runs (on a quiet machine; the series is written once into ``--work`` and reused)::

    python benchmarks/faers_history.py --quarters 8 --reports 50000 --seed 1 \\
        --work /var/tmp/pvkg-history-50k --json history-50k.json
    python benchmarks/faers_history.py --quarters 2 --reports 400000 --seed 1 \\
        --work /var/tmp/pvkg-history-400k --rss-limit-mb 4000 --json history-400k.json

A small run that shows it works, and one over an existing series (FDA's quarters or zips)::

    python benchmarks/faers_history.py --quarters 3 --reports 5000 --work /tmp/pvkg-history
    python benchmarks/faers_history.py --series /data/faers --work /var/tmp/pvkg-history-real
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(REPO))

from proctree import TreePeak  # noqa: E402

from loaders.faers.tables import discover  # noqa: E402


@dataclass
class Load:
    """What one ``pvkg load faers`` of one quarter cost."""

    quarter: str
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    store_mb: float
    summary: str
    load_average: float
    ratio: float = 1.0


@dataclass
class Check:
    """One acceptance check: what it asks, what was measured, whether it holds (None: n/a)."""

    name: str
    measured: str
    passed: bool | None


def quarter_sources(series: Path) -> list[tuple[str, Path]]:
    """(key, path) of every quarter of a series: its sub-directories and zips, oldest first.

    :raises SystemExit: if an entry holds no quarter or more than one, or none is found.
    """
    found = []
    for entry in sorted(series.iterdir()):
        if not (entry.is_dir() or zipfile.is_zipfile(entry)):
            continue
        keys = [q.key for q in discover(entry) if q.tables]
        if len(keys) != 1:
            raise SystemExit(f"{entry}: expected one FAERS quarter, found {keys or 'none'}")
        found.append((keys[0], entry))
    if not found:
        raise SystemExit(f"{series}: no quarter directories or zips")
    return sorted(found)


def disk_mb(path: Path) -> float:
    """Allocated size in MB of the files below ``path`` (as ``du``), ``rejects/`` left out."""
    total = 0
    for root, dirs, files in os.walk(path):
        dirs[:] = [d for d in dirs if not (Path(root) == path and d == "rejects")]
        for name in files:
            total += (Path(root) / name).lstat().st_blocks * 512
    return total / (1 << 20)


def load_quarter(
    key: str,
    source: Path,
    store: Path,
    logs: Path,
    options: list[str] = (),  # type: ignore[assignment]
) -> Load:
    """Run one ``pvkg load faers`` process (with extra ``options``) and measure it."""
    command = [sys.executable, "-m", "cli.main", "--store", str(store), "load", "faers", *options]
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])
    )
    out_path, err_path = logs / f"{key}.out", logs / f"{key}.err"
    load_average = os.getloadavg()[0]
    with out_path.open("wb") as out, err_path.open("wb") as err:
        begin = time.perf_counter()
        process = subprocess.Popen(
            [*command, str(source)], stdout=out, stderr=err, cwd=REPO, env=env
        )
        with TreePeak(process.pid) as peak:
            _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - begin
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = err_path.read_text(errors="replace").strip().splitlines()[-5:]
        raise SystemExit(
            f"pvkg load faers {source} exited {process.returncode}:\n" + "\n".join(tail)
        )
    lines = [line for line in out_path.read_text(errors="replace").splitlines() if line.strip()]
    return Load(
        quarter=key,
        wall_s=round(wall, 2),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 2),
        peak_rss_mb=round(max(peak.peak, usage.ru_maxrss / 1024), 1),
        store_mb=round(disk_mb(store), 1),
        summary=lines[-1] if lines else "",
        load_average=round(load_average, 2),
    )


def slope(values: list[float]) -> float:
    """Least-squares slope of ``values`` over their indexes (0 for fewer than two).

    >>> slope([100.0, 110.0, 120.0])
    10.0
    """
    n = len(values)
    if n < 2:
        return 0.0
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    num = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    return num / sum((i - mean_x) ** 2 for i in range(n))


def evaluate(loads: list[Load], args: argparse.Namespace) -> list[Check]:
    """The acceptance checks of issue 12 over the loads, in order."""
    first = loads[0].wall_s
    later = loads[1:]
    worst = max(later, key=lambda load: load.ratio, default=None)
    checks = [
        Check(
            f"every load after the first ≤ {args.ratio_limit}× the first ({first:.1f} s)",
            f"worst {worst.quarter}: {worst.ratio:.2f}×" if worst else "only one load",
            all(load.ratio <= args.ratio_limit for load in later) if later else None,
        )
    ]
    if len(loads) >= 8:
        eighth = loads[7]
        measured, passed = (
            f"{eighth.quarter}: {eighth.ratio:.2f}×",
            eighth.ratio <= args.eighth_limit,
        )
    else:
        measured, passed = f"not evaluated: {len(loads)} quarters", None
    checks.append(Check(f"8th load ≤ {args.eighth_limit}× the first", measured, passed))
    peaks = [load.peak_rss_mb for load in loads]
    top = max(loads, key=lambda load: load.peak_rss_mb)
    checks.append(
        Check(
            f"peak RSS ≤ {args.rss_limit_mb:,.0f} MB for every load",
            f"highest {top.quarter}: {top.peak_rss_mb:,.0f} MB",
            top.peak_rss_mb <= args.rss_limit_mb,
        )
    )
    per_quarter = slope(peaks)
    growth = per_quarter * (len(peaks) - 1)
    allowed = args.rss_growth * peaks[0]
    checks.append(
        Check(
            f"peak RSS not growing with the quarters (fitted growth ≤ {args.rss_growth:.0%} of "
            f"the first load's {peaks[0]:,.0f} MB = {allowed:,.0f} MB)",
            f"slope {per_quarter:+,.1f} MB/quarter, fitted growth {growth:+,.0f} MB over "
            f"{len(peaks)} loads",
            growth <= allowed if len(peaks) > 1 else None,
        )
    )
    return checks


def outside_steps(load: Load) -> float:
    """Wall seconds not in the summary's ``steps:`` (start-up, opening the store, and the
    flush at close, which waits for RocksDB to compact what the load's bulk loads put in)."""
    steps = load.summary.rpartition("steps: ")[2]
    timed = sum(float(m) for m in re.findall(r" ([0-9.]+) s(?:,|$)", steps))
    return load.wall_s - timed


def markdown(loads: list[Load], checks: list[Check]) -> str:
    """The results as a Markdown table and a list of checks."""
    lines = [
        "| quarter | wall s | × first | CPU s | peak RSS MB | store MB | load avg "
        "| outside steps s | summary |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for load in loads:
        summary = load.summary.replace("|", "\\|")
        lines.append(
            f"| {load.quarter} | {load.wall_s:,.1f} | {load.ratio:.2f} | {load.cpu_s:,.1f} | "
            f"{load.peak_rss_mb:,.0f} | {load.store_mb:,.1f} | {load.load_average:.1f} | "
            f"{outside_steps(load):,.1f} | {summary} |"
        )
    lines.append("")
    verdicts = {True: "**pass**", False: "**FAIL**", None: "n/a"}
    lines += [f"* {c.name}: {c.measured} — {verdicts[c.passed]}" for c in checks]
    return "\n".join(lines)


def series_dir(args: argparse.Namespace) -> Path:
    """The series to load: ``--series``, or one generated into ``--work`` (kept for re-runs)."""
    if args.series:
        return Path(args.series)
    from faers_series import Settings, generate_series

    name = f"series-{args.start}-{args.quarters}x{args.reports}-seed{args.seed}"
    work: Path = args.work
    target = work / name
    if target.is_dir():
        return target
    partial = work / f"{name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    begin = time.perf_counter()
    generate_series(partial, args.quarters, args.start, args.reports, args.seed, Settings())
    partial.rename(target)
    print(f"generated {target} in {time.perf_counter() - begin:.1f} s", flush=True)
    return target


def commit() -> str:
    """The checkout's commit, with ``+dirty`` when loaders/kg/cli have uncommitted changes."""
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "kg", "loaders", "cli"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return head + ("+dirty" if dirty else "")


def main() -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--series", type=Path, help="an existing series: one quarter per entry")
    parser.add_argument("--quarters", type=int, default=8, help="quarters to generate")
    parser.add_argument("--reports", type=int, default=50_000, help="reports per quarter")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", default="24Q1", help="first generated quarter (yyQq)")
    parser.add_argument("--work", type=Path, default=Path("/var/tmp/pvkg-history"))
    parser.add_argument("--keep", action="store_true", help="keep the store after the run")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write all figures here")
    parser.add_argument("--ratio-limit", type=float, default=1.3)
    parser.add_argument("--eighth-limit", type=float, default=2.0)
    parser.add_argument("--rss-limit-mb", type=float, default=2500.0)
    parser.add_argument("--rss-growth", type=float, default=0.10)
    parser.add_argument("--check", action="store_true", help="exit 1 when a check fails")
    parser.add_argument(
        "--load-option",
        action="append",
        default=[],
        metavar="ARG",
        help="an extra argument for each 'pvkg load faers' (e.g. --load-option=--optimize=never)",
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    sources = quarter_sources(series_dir(args))
    store, logs = args.work / "store", args.work / "logs"
    shutil.rmtree(store, ignore_errors=True)
    logs.mkdir(exist_ok=True)
    print(f"loading {len(sources)} quarters into a fresh {store} (code {commit()})", flush=True)
    loads: list[Load] = []
    for key, source in sources:
        load = load_quarter(key, source, store, logs, args.load_option)
        load.ratio = round(load.wall_s / loads[0].wall_s, 3) if loads else 1.0
        loads.append(load)
        print(json.dumps(asdict(load)), flush=True)
    checks = evaluate(loads, args)
    print()
    print(markdown(loads, checks))
    if args.json:
        figures = {
            "command": sys.argv,
            "code": commit(),
            "cpus": os.cpu_count(),
            "loads": [asdict(load) for load in loads],
            "checks": [asdict(check) for check in checks],
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if not args.keep:
        shutil.rmtree(store, ignore_errors=True)
    if args.check and any(check.passed is False for check in checks):
        sys.exit(1)


if __name__ == "__main__":
    main()
