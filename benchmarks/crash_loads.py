"""Benchmark (issue 14): kill loads at many moments; readers must see each graph old or new.

A base store is built once (``pvkg build``, a FAERS quarter, a MeSH sample). For each kind of
load (a second FAERS quarter, a full MeSH replacing the sample, ``pvkg link``, any RDF file
into a graph of its own), the load is run
once to the end on a copy of the base (the *new* state, and its duration), then ``--moments``
times on fresh copies, each killed with SIGKILL at a moment spread evenly over that duration
(staging, swaps, statistics). After each kill:

* a reader (``pvkg export``, a read-only open) writes the store's N-Quads; every graph must hold
  exactly its old or its new content, never a mix, and no graph may be missing or extra;
* ``pvkg stats`` (a read-only open) must give each graph the triple count the export holds;
* a read-write open must leave the store's ``staging/`` directory empty.

Graphs are compared one by one (ADR 0003 makes each graph's swap atomic, not a whole load:
after a kill between two swaps some graphs are new and others old, which is reported, not a
failure). Data is read from ``../shared/data`` (see its PROVENANCE.md), never copied.

    python benchmarks/crash_loads.py --work /var/tmp/crash --moments 20
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
BASE_LOADS = [
    ["build"],
    ["load", "faers", str(SHARED / "faers" / "faers_ascii_2017q2_sample")],
    ["load", "mesh", str(SHARED / "mesh" / "meshrdf_samples.nt")],
]
KINDS = {
    "faers": ["load", "faers", str(SHARED / "faers" / "faers_ascii_2020q3_slice")],
    "mesh": ["load", "mesh", str(SHARED / "mesh" / "mesh2024_derived.nt.gz")],
    "link": ["link"],
    "rdf": [
        "load",
        "rdf",
        str(SHARED / "mesh" / "meshrdf_samples.nt"),
        "--graph",
        "https://w3id.org/pvkg/graph/extra",
    ],
}

META = "https://w3id.org/pvkg/graph/meta"
"""pvkg's own provenance graph: every swap changes it, so it is not compared; that what it
records agrees with the data is what the ``pvkg stats`` check is for."""

Graphs = dict[str, frozenset[str]]


def pvkg(store: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``pvkg --store store args…`` from this checkout."""
    argv = [sys.executable, "-m", "cli.main", "--store", str(store), *args]
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise SystemExit(f"pvkg {' '.join(args)} failed: {done.stderr.strip()}")
    return done


def graphs_of(store: Path, scratch: Path) -> Graphs:
    """Each graph's lines (N-Quads, graph name cut off) as a reader sees them."""
    out = scratch / "export.nq"
    pvkg(store, "export", "-o", str(out))
    found: dict[str, set[str]] = defaultdict(set)
    for line in out.read_text(encoding="utf-8").splitlines():
        body, _, graph = line.rstrip(" .").rpartition(" <")
        found[graph.rstrip(">")].add(body)
    out.unlink()
    return {g: frozenset(lines) for g, lines in found.items() if g != META}


def stats_counts(store: Path) -> dict[str, int]:
    """Triples per graph as ``pvkg stats`` reports them (CURIEs expanded for pvgraph:)."""
    counts = {}
    for line in pvkg(store, "stats").stdout.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 2 and parts[1].replace(",", "").isdigit():
            name = parts[0].replace("pvgraph:", "https://w3id.org/pvkg/graph/")
            counts[name] = int(parts[1].replace(",", ""))
    return counts


def killed_at(base: Path, trial: Path, args: list[str], moment: float) -> None:
    """Copy ``base`` to ``trial``, start the load, SIGKILL it after ``moment`` seconds."""
    shutil.rmtree(trial, ignore_errors=True)
    shutil.copytree(base, trial)
    argv = [sys.executable, "-m", "cli.main", "--store", str(trial), *args]
    load = subprocess.Popen(
        argv, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    time.sleep(moment)
    if load.poll() is None:
        os.killpg(load.pid, signal.SIGKILL)  # the load and its GNU sort alike
    load.wait()


def staging_left(store: Path) -> list[str]:
    """What ``staging/`` holds after a read-write open."""
    code = "import sys; from pathlib import Path; from kg.embedded import EmbeddedStore;"
    code += " EmbeddedStore(Path(sys.argv[1])).close()"
    subprocess.run([sys.executable, "-c", code, str(store)], cwd=REPO, check=True)
    staging = store / "staging"
    return sorted(p.name for p in staging.iterdir()) if staging.is_dir() else []


def verdict(seen: Graphs, old: Graphs, new: Graphs) -> dict[str, str]:
    """Per graph: ``old``, ``new``, ``same`` (both agree), ``absent`` (absent before or after
    the load), or a failure: ``MIX`` (neither old nor new) or ``MISSING``."""
    out = {}
    for graph in sorted(set(old) | set(new) | set(seen)):
        got, before, after = seen.get(graph), old.get(graph), new.get(graph)
        if got is None:
            out[graph] = "absent" if before is None or after is None else "MISSING"
        elif got == before and got == after:
            out[graph] = "same"
        elif got == before:
            out[graph] = "old"
        elif got == after:
            out[graph] = "new"
        else:
            out[graph] = "MIX"
    return out


def run_kind(
    kind: str, args: list[str], base: Path, old: Graphs, work: Path, moments: int
) -> dict[str, Any]:
    """Kill one kind of load ``moments`` times; the per-trial findings."""
    full = work / f"{kind}-full"
    shutil.rmtree(full, ignore_errors=True)
    shutil.copytree(base, full)
    started = time.perf_counter()
    pvkg(full, *args)
    duration = time.perf_counter() - started
    new = graphs_of(full, work)
    trials = []
    for i in range(moments):
        moment = duration * (i + 0.5) / moments
        trial = work / f"{kind}-trial"
        killed_at(base, trial, args, moment)
        seen = graphs_of(trial, work)
        states = verdict(seen, old, new)
        counts = stats_counts(trial)
        disagree = sorted(g for g, lines in seen.items() if counts.get(g) != len(lines))
        left = staging_left(trial)
        bad = [g for g, s in states.items() if s in ("MIX", "MISSING")]
        trials.append(
            {
                "moment_s": round(moment, 2),
                "states": dict(sorted(Counter(states.values()).items())),
                "bad_graphs": bad,
                "stats_disagree": disagree,
                "staging_left": left,
                "ok": not bad and not disagree and not left,
            }
        )
        print(f"{kind} kill at {moment:6.2f} s: {trials[-1]}", flush=True)
    return {"kind": kind, "full_load_s": round(duration, 2), "trials": trials}


def main() -> int:
    """Build the base store, kill each kind of load, print and save the findings."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, required=True, help="scratch directory")
    parser.add_argument("--moments", type=int, default=20, help="kills per kind (default 20)")
    parser.add_argument("--kinds", default=",".join(KINDS), help="which loads (default: all)")
    parser.add_argument("--json", type=Path, help="write the findings here")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    base = args.work / "base"
    shutil.rmtree(base, ignore_errors=True)
    for load in BASE_LOADS:
        pvkg(base, *load)
    old = graphs_of(base, args.work)
    results = [
        run_kind(kind, KINDS[kind], base, old, args.work, args.moments)
        for kind in args.kinds.split(",")
    ]
    total = sum(len(r["trials"]) for r in results)
    failed = sum(not t["ok"] for r in results for t in r["trials"])
    for r in results:
        ok = sum(t["ok"] for t in r["trials"])
        print(f"{r['kind']}: full load {r['full_load_s']} s; {ok}/{len(r['trials'])} kills clean")
    print(
        f"all: {total - failed}/{total} kills left every graph old or new, "
        "stats = export, no staging"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
