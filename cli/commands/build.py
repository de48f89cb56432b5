"""``pvkg build``: the bundled knowledge graph — the ontology and the curated case reports."""

from __future__ import annotations

import argparse

from cli.commands.infer import refresh_inferred
from cli.commands.load import report
from cli.context import open_store
from cli.progress import showing
from loaders import casereport, ontology


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``pvkg build``."""
    parser = commands.add_parser(
        "build",
        help="load the ontology and the bundled case reports into the store",
        description="Load ontology/pvkg.ttl and every curated publication shipped with pvkg. "
        "Re-running replaces the same graphs (idempotent).",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Load each bundled source; print one line per graph."""
    store = open_store(args)
    try:
        with showing("loading the ontology"):
            print(report(ontology.load(store)))
        for path in casereport.bundled():
            with showing(f"loading {path.name}"):
                print(report(casereport.load(store, path)))
        refresh_inferred(store)
    finally:
        store.close()
    return 0
