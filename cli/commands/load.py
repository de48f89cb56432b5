"""``pvkg load SOURCE PATH``: load one source file or directory into its named graph."""

from __future__ import annotations

import argparse
import inspect
import sys
from pathlib import Path
from typing import Any

from cli.commands.infer import refresh_inferred
from cli.context import open_store
from cli.output import counted
from cli.progress import showing
from cli.sources import discover, loader_options
from kg.location import is_remote
from kg.store import LoadSummary


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``pvkg load`` with one sub-command per discovered loader."""
    parser = commands.add_parser(
        "load",
        help="load a source (faers, mesh, casereport, ontology, rdf) into the store",
        description="Replace a source's named graph with the content of PATH. Bad input is "
        "reported (file, line, field) and leaves the store as it was.",
    )
    sources = parser.add_subparsers(dest="source", metavar="SOURCE", required=True)
    for name, loader in discover().items():
        doc = (getattr(loader, "__doc__", None) or name).strip().splitlines()[0]
        sub = sources.add_parser(name, help=doc, description=doc)
        sub.add_argument("path", type=Path, help="file or directory to load")
        options = loader_options(sub, loader)
        sub.set_defaults(handler=run, loader=loader, loader_options=options)


def report(summary: LoadSummary) -> str:
    """One line describing a finished load."""
    parts = [f"{summary.graph.value}: {counted(summary.triples, 'triple')}"]
    if summary.records:
        parts.append(counted(summary.records, "record"))
    if summary.rejects:
        parts.append(f"{summary.rejects:,} rejected (see {summary.rejects_file})")
    parts += list(summary.notes)
    return "; ".join(parts)


def run(args: argparse.Namespace) -> int:
    """Open the store read-write and run the chosen loader."""
    options = {dest: getattr(args, dest) for dest in args.loader_options}
    store = open_store(args)
    try:
        held = 0 if is_remote(store.location) else sum(i.triples for i in store.graphs())
        with showing(f"loading {args.source} from {args.path}") as progress:
            if "progress" in inspect.signature(args.loader.load).parameters:
                options["progress"] = progress  # the loader reports its own steps
            summary = args.loader.load(store, args.path, **options)
        print(report(summary))
        refresh_inferred(store)
        if needs_optimize(held, summary, options):
            print(OPTIMIZE_HINT, file=sys.stderr)
    finally:
        store.close()
    return 0


OPTIMIZE_HINT = (
    "pvkg: note: run 'pvkg optimize' after the last load: queries over many bulk-loaded "
    "graphs run up to 3x slower until the store has been compacted"
)
LARGE_LOAD = 1_000_000
"""Triples from which a bulk load leaves a ``pvkg optimize`` worth its time."""


def needs_optimize(held: int, summary: LoadSummary, options: dict[str, Any]) -> bool:
    """Whether to suggest ``pvkg optimize``: a large load into an embedded store that already
    held a large graph (one bulk load into an empty store is compact already; BENCHMARKS.md).

    :param held: triples the store's graphs held before the load (0 for a remote store: the
        engine compacts on its own).
    """
    return (
        held >= LARGE_LOAD and summary.triples >= LARGE_LOAD and options.get("optimize") != "always"
    )
