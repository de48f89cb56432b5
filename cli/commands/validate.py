"""``pvkg validate [GRAPH ...]``: check graphs in the store against ``ontology/shapes.ttl``.

Each graph is validated on its own: whole when small, else a deterministic sample of focus
nodes per shape target (the report says which). Exit status 1 when a shape is broken.
"""

from __future__ import annotations

import argparse
import sys

from pyoxigraph import NamedNode

from cli.context import open_store
from kg.errors import ParameterError
from kg.iris import META_GRAPH
from kg.namespaces import expand_curie
from kg.shapes import ENTAILED_SOURCES, PER_TARGET, SHAPES_FILE, validate_graph
from kg.store import GraphStore


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``pvkg validate``."""
    parser = commands.add_parser(
        "validate",
        help="check graphs against the SHACL shapes (ontology/shapes.ttl)",
        description="Validate named graphs against the SHACL shapes in ontology/shapes.ttl and "
        "print each graph's report: what was validated and each violation (focus node, path, "
        "message, value). A graph of more than a few thousand triples is validated on a "
        f"deterministic sample ({PER_TARGET} nodes per shape target) unless --whole is given. "
        "Exits with status 1 when a shape is broken.",
    )
    parser.add_argument(
        "graphs",
        nargs="*",
        metavar="GRAPH",
        help="graph IRI or CURIE, e.g. pvgraph:faers/2020q3 (default: every graph, and the "
        "provenance graph pvgraph:meta, but not an inferred graph of entailments)",
    )
    parser.add_argument(
        "--whole",
        action="store_true",
        help="validate every node of each graph (slow on big graphs: pySHACL reads ~6k triples/s)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Validate the chosen graphs; print a report per graph and a total line."""
    store = open_store(args, read_only=True)
    try:
        graphs = chosen_graphs(store, args.graphs)
        failed = 0
        for graph in graphs:
            report = validate_graph(store, graph, whole=args.whole)
            print(report.render(), flush=True)
            failed += not report.conforms
    finally:
        store.close()
    print(
        f"{len(graphs)} graph{'s' if len(graphs) != 1 else ''} validated against "
        f"{SHAPES_FILE.name}: {len(graphs) - failed} conform, {failed} with violations"
    )
    if failed:
        print(f"pvkg: error: {failed} graph(s) break the shapes", file=sys.stderr)
    return 1 if failed else 0


def chosen_graphs(store: GraphStore, names: list[str]) -> list[NamedNode]:
    """The graphs named (IRIs or CURIEs), or every graph of the store.

    :raises ParameterError: if a name is not a graph of the store.
    """
    infos = store.graphs()
    present = [info.graph for info in infos] + [META_GRAPH]
    if not names:
        entailed = [i.graph for i in infos if i.source in ENTAILED_SOURCES]
        for graph in entailed:
            print(f"graph <{graph.value}>: skipped (entailments of other graphs; name it to check)")
        return [graph for graph in present if graph not in entailed]
    chosen = []
    for name in names:
        graph = NamedNode(expand_curie(name) or name.strip("<>"))
        if graph not in present:
            known = ", ".join(g.value for g in present) or "none"
            raise ParameterError("GRAPH", f"no graph {name!r} in the store (graphs: {known})")
        chosen.append(graph)
    return chosen
