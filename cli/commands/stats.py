"""``pvkg stats``: the named graphs in the store with their triple counts and provenance."""

from __future__ import annotations

import argparse

from cli.context import open_store
from cli.output import counted
from kg.namespaces import compact_iri


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``pvkg stats``."""
    parser = commands.add_parser(
        "stats",
        help="graphs, triple counts and provenance",
        description="List the named graphs of the store: triple count, when each was loaded "
        "and its title; then the number of graphs, the total and the dataset version.",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print one line per graph and a total."""
    store = open_store(args, read_only=True)
    infos = store.graphs()
    rows = [(compact_iri(i.graph.value), f"{i.triples:,}", i.loaded_at, i.title) for i in infos]
    header = ("graph", "triples", "loaded", "title")
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(3)]
    for row in [header, *rows]:
        print(
            f"{row[0].ljust(widths[0])}  {row[1].rjust(widths[1])}  "
            f"{row[2].ljust(widths[2])}  {row[3]}"
        )
    total = sum(i.triples for i in infos)
    totals = f"{counted(len(infos), 'graph')}, {counted(total, 'triple')}"
    print(f"{totals}; dataset version {store.dataset_version()}")
    return 0
