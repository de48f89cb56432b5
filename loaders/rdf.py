"""Load any RDF file (Turtle, N-Triples, N-Quads, RDF/XML, JSON-LD, TriG, N3) into one graph.

The file is parsed completely (validating it) into a staged N-Triples file before the store is
touched; a syntax error is reported with the file, line and column and changes nothing. Blank
nodes are kept (OWL axioms need them); quads from datasets are flattened into the target graph.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, Triple, parse

from kg.errors import InputError
from kg.staging import StagedGraph, file_checksum, replace_staged
from kg.store import GraphStore, LoadSummary, Provenance

SOURCE_NAME = "rdf"
LOADER = "loaders.rdf 0.1.0"

_FORMATS = {
    ".ttl": RdfFormat.TURTLE,
    ".nt": RdfFormat.N_TRIPLES,
    ".nq": RdfFormat.N_QUADS,
    ".trig": RdfFormat.TRIG,
    ".n3": RdfFormat.N3,
    ".rdf": RdfFormat.RDF_XML,
    ".owl": RdfFormat.RDF_XML,
    ".xml": RdfFormat.RDF_XML,
    ".jsonld": RdfFormat.JSON_LD,
}


def guess_format(path: Path) -> RdfFormat:
    """The RDF format of ``path`` from its extension.

    :raises InputError: if the extension is not an RDF one.
    """
    found = _FORMATS.get(path.suffix.lower())
    if found is None:
        known = ", ".join(sorted(_FORMATS))
        raise InputError(f"unknown RDF file extension (known: {known})", path=str(path))
    return found


def stage_file(path: Path, staged: StagedGraph, rdf_format: RdfFormat | None = None) -> int:
    """Parse ``path`` completely into ``staged``; return the number of statements read.

    :raises InputError: with file, line and column, if the file does not parse.
    """
    if not path.is_file():
        raise InputError("no such file", path=str(path))
    fmt = rdf_format or guess_format(path)
    count = 0
    try:
        for statement in parse(path=str(path), format=fmt):
            staged.add(Triple(statement.subject, statement.predicate, statement.object))
            count += 1
    except (SyntaxError, MemoryError) as error:  # MemoryError: a token over 16 MiB
        raise InputError(f"not valid {fmt.name}: {error}", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read: {error}", path=str(path)) from None
    return count


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``pvkg load rdf``."""
    parser.add_argument("--graph", required=True, help="IRI of the named graph to replace")
    parser.add_argument("--title", help="title recorded in the graph's provenance")
    parser.add_argument(
        "--allow-empty",
        action="store_true",
        help="replace the graph even when the input gives no triple (refused by default when "
        "the graph holds triples: an empty result usually means a damaged input)",
    )


def load(
    store: GraphStore,
    path: Path,
    *,
    graph: str,
    title: str | None = None,
    source: str = "rdf",
    allow_empty: bool = False,
) -> LoadSummary:
    """Replace ``graph`` with the content of the RDF file at ``path``.

    :raises InputError: if the file is missing or does not parse, or would empty a graph
        holding triples without ``allow_empty`` (the store is unchanged).
    """
    try:
        target = NamedNode(graph)
    except ValueError as error:
        raise InputError(f"not an IRI: {graph!r} ({error})", field="--graph") from None
    with StagedGraph() as staged:
        records = stage_file(path, staged)
        provenance = Provenance(
            source=source,
            files=(path.name,),
            checksum=file_checksum([path]),
            loader=LOADER,
            title=title or path.name,
        )
        triples = replace_staged(
            store, target, staged.finish(), provenance, allow_empty=allow_empty
        )
    return LoadSummary(graph=target, triples=triples, records=records)
