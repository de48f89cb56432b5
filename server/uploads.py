"""Graph Store Protocol writes: a request body becomes a named graph through ``replace_graph``.

These run in the write-mode query process, which holds the store read-write (the web process
only saves the body to a file and names its format). Like a loader, a write reads and checks the
whole body first, stages the new content as a sorted N-Triples file
(:class:`kg.staging.StagedGraph`) and only then calls :meth:`kg.store.GraphStore.replace_graph`,
which swaps the graph atomically and records its provenance; a body that does not parse leaves
the store as it was. ``PUT`` replaces a graph, ``POST`` adds to it (the old triples are staged
with the new ones), ``DELETE`` is :meth:`kg.store.GraphStore.drop_graph`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pyoxigraph import DefaultGraph, NamedNode, Triple, parse

from kg.errors import InputError
from kg.iris import graph_iri
from kg.staging import StagedGraph, file_checksum
from kg.store import GraphStore, Provenance
from server.results import RDF_FORMATS

MEDIA_TYPES: dict[str, str] = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/rdf+xml": "rdfxml",
    "application/ld+json": "jsonld",
}
"""Content-Type of a body → format key (of :data:`server.results.RDF_FORMATS`)."""

LOADER = "server.uploads (SPARQL 1.1 Graph Store HTTP Protocol)"
SOURCE = "graph-store"
"""Source name recorded for a graph first created through the protocol."""

_ASK = "ASK { GRAPH ?g { ?s ?p ?o } }"
_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def put(
    store: GraphStore, graph: NamedNode, parts: Sequence[tuple[Path, str]], *, merge: bool
) -> dict[str, Any]:
    """Make ``graph`` hold the triples of the body ``parts`` (``merge``: its old triples too).

    :param parts: (file, format key of :data:`MEDIA_TYPES`' values) per body part.
    :return: ``graph``, ``triples`` (now in it) and ``created`` (it did not exist before).
    :raises InputError: if a part does not parse or names graphs of its own.
    """
    recorded = _recorded(store, graph)
    created = recorded is None and not _has_triples(store, graph)
    with StagedGraph() as staged:
        for number, (body, fmt) in enumerate(parts, 1):
            where = "request body" if len(parts) == 1 else f"request body part {number}"
            staged.extend(_parsed(body, fmt, graph, where))
        if merge and not created:
            staged.extend(_triples_of(store, graph))
        path = staged.finish()
        formats = ", ".join(dict.fromkeys(fmt for _, fmt in parts))
        provenance = Provenance(
            source=recorded["source"] if recorded else SOURCE,
            files=(f"{'POST' if merge else 'PUT'} request body ({formats})",),
            checksum=staged.checksum(),
            loader=LOADER,
            title=recorded["title"] if recorded else f"{graph.value} (Graph Store Protocol)",
        )
        triples = store.replace_graph(graph, path, provenance, optimize=False)
    return {"graph": graph.value, "triples": triples, "created": created}


def new_graph(parts: Iterable[Path]) -> NamedNode:
    """The IRI of a graph ``POST``-ed to the store itself: minted from the SHA-256 of its
    body parts (ADR 0001: IRIs from content, not random), ``pvgraph:upload/<16 hex digits>``.
    The same body posted again names the same graph, to which it adds nothing."""
    return graph_iri("upload", file_checksum(parts).removeprefix("sha256:")[:16])


def drop(store: GraphStore, graph: NamedNode) -> dict[str, Any]:
    """Remove ``graph`` and its provenance; ``dropped`` says whether it existed."""
    existed = _recorded(store, graph) is not None or _has_triples(store, graph)
    if existed:
        store.drop_graph(graph)
    return {"graph": graph.value, "dropped": existed}


def _recorded(store: GraphStore, graph: NamedNode) -> dict[str, str] | None:
    for info in store.graphs():
        if info.graph == graph:
            return {"source": info.source, "title": info.title}
    return None


def _has_triples(store: GraphStore, graph: NamedNode) -> bool:
    return bool(store.query(_ASK, bindings={"g": graph}))


def _triples_of(store: GraphStore, graph: NamedNode) -> Iterator[Triple]:
    result = store.query(_TRIPLES, bindings={"g": graph})
    for triple in result:  # type: ignore[union-attr]
        if isinstance(triple, Triple):
            yield triple


def _parsed(body: Path, fmt: str, graph: NamedNode, where: str) -> Iterator[Triple]:
    """The triples of one body part; relative IRIs resolve against the graph IRI."""
    with body.open("rb") as source:
        try:
            for quad in parse(input=source, format=RDF_FORMATS[fmt], base_iri=graph.value):
                if quad.graph_name != DefaultGraph():
                    raise InputError(
                        "the body names a graph of its own; send the triples of one graph",
                        path=where,
                    )
                yield Triple(quad.subject, quad.predicate, quad.object)
        except SyntaxError as error:
            raise InputError(str(error).strip(), path=where) from None
