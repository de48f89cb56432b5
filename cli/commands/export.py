"""``pvkg export``: dump graphs as sorted N-Quads (optionally gzip) for native bulk loaders."""

from __future__ import annotations

import argparse
import gzip
import sys
from pathlib import Path
from typing import IO, cast

from pyoxigraph import NamedNode

from cli.context import open_store
from cli.output import counted
from cli.progress import showing
from kg.errors import InputError
from kg.namespaces import expand_curie
from kg.progress import CountingWriter
from kg.store import GraphStore


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``pvkg export``."""
    parser = commands.add_parser(
        "export",
        help="write N-Quads of all or some graphs",
        description="Write sorted, duplicate-free N-Quads. A .gz output name is gzip-compressed. "
        "Load the file with any engine's bulk loader (see docs/deployment.md).",
    )
    parser.add_argument(
        "--graph",
        "-g",
        action="append",
        default=[],
        help="graph IRI or CURIE (repeatable; default: every graph)",
    )
    parser.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
    parser.add_argument(
        "--per-graph",
        type=Path,
        metavar="DIR",
        help="write one <graph>.nq.gz file per graph into DIR instead (default: one output)",
    )
    parser.set_defaults(handler=run)


def graph_term(text: str) -> NamedNode:
    """A graph IRI from an IRI or a CURIE (``pvgraph:faers/2020q3``).

    :raises InputError: if it is neither.
    """
    iri = expand_curie(text) or text
    try:
        return NamedNode(iri)
    except ValueError:
        raise InputError(f"not a graph IRI or CURIE: {text!r}", field="--graph") from None


def run(args: argparse.Namespace) -> int:
    """Write the export and report the quad count on stderr."""
    store = open_store(args, read_only=True)
    graphs = [graph_term(g) for g in args.graph] or None
    if args.per_graph is not None:
        args.per_graph.mkdir(parents=True, exist_ok=True)
        for info in store.graphs():
            if graphs is not None and info.graph not in graphs:
                continue
            name = info.graph.value.rsplit("/graph/", 1)[-1].replace("/", "-")
            target = args.per_graph / f"{name}.nq.gz"
            with gzip.open(target, "wb") as out:
                count = _export(store, cast(IO[bytes], out), [info.graph], str(target))
            print(f"{target}: {counted(count, 'quad')}", file=sys.stderr)
        return 0
    if args.output is None:
        count = _export(store, sys.stdout.buffer, graphs, "stdout")
    else:
        with _open_output(args.output) as out:
            count = _export(store, out, graphs, str(args.output))
    print(f"exported {counted(count, 'quad')}", file=sys.stderr)
    return 0


def _export(store: GraphStore, out: IO[bytes], graphs: list[NamedNode] | None, target: str) -> int:
    """``store.export`` with the bytes written shown on a terminal."""
    step = f"exporting to {target}"
    with showing(step, unit="B") as progress:
        return store.export(cast(IO[bytes], CountingWriter(out, step, progress)), graphs=graphs)


def _open_output(path: Path) -> IO[bytes]:
    if path.suffix == ".gz":
        return cast(IO[bytes], gzip.open(path, "wb"))
    return path.open("wb")
