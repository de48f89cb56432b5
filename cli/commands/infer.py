"""``pvkg infer``: refresh the inferred graph (entailments of the ontology and the data).

``pvkg build``, ``load``, ``unload`` and ``link`` refresh it themselves through
:func:`refresh_inferred`; this command is for stores changed otherwise (Graph Store writes,
SPARQL Update) and for ``--type-all`` (ADR 0015).
"""

from __future__ import annotations

import argparse

from cli.context import open_store
from cli.progress import showing
from kg import inference
from kg.store import GraphStore


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``pvkg infer``."""
    parser = commands.add_parser(
        "infer",
        help="refresh the inferred graph (class and property hierarchies, inverses)",
        description="Recompute pvgraph:inferred from the ontology and every other graph: "
        "superclasses of each typed node, superproperties and inverses of each edge, and the "
        "domains and ranges of edges in graphs not written by pvkg's loaders. Triples some "
        "graph states are left out. A failure leaves the previous inferred graph.",
    )
    parser.add_argument(
        "--type-all",
        action="store_true",
        help="apply domain and range typing to every graph, the loaders' graphs too",
    )
    parser.set_defaults(handler=run)


def refresh_inferred(store: GraphStore, *, type_all: bool = False) -> None:
    """Refresh the inferred graph and print one line about it (none for a store without an
    ontology graph: nothing to infer)."""
    with showing("refreshing the inferred graph") as progress:
        refreshed = inference.refresh(store, type_all=type_all, progress=progress)
    if refreshed is not None:
        print(refreshed.describe())


def run(args: argparse.Namespace) -> int:
    """Open the store read-write and refresh the inferred graph."""
    store = open_store(args)
    try:
        refresh_inferred(store, type_all=args.type_all)
    finally:
        store.close()
    return 0
