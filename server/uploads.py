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

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pyoxigraph import DefaultGraph, NamedNode, Triple, parse

from kg.errors import InputError
from kg.staging import StagedGraph
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
    store: GraphStore, graph: NamedNode, body: Path, fmt: str, *, merge: bool
) -> dict[str, Any]:
    """Make ``graph`` hold the triples of ``body`` (``merge``: its old triples too).

    :param fmt: a key of :data:`MEDIA_TYPES`' values.
    :return: ``graph``, ``triples`` (now in it) and ``created`` (it did not exist before).
    :raises InputError: if the body does not parse or names graphs of its own.
    """
    recorded = _recorded(store, graph)
    created = recorded is None and not _has_triples(store, graph)
    with StagedGraph() as staged:
        staged.extend(_parsed(body, fmt, graph))
        if merge and not created:
            staged.extend(_triples_of(store, graph))
        path = staged.finish()
        provenance = Provenance(
            source=recorded["source"] if recorded else SOURCE,
            files=(f"{'POST' if merge else 'PUT'} request body ({fmt})",),
            checksum=staged.checksum(),
            loader=LOADER,
            title=recorded["title"] if recorded else f"{graph.value} (Graph Store Protocol)",
        )
        triples = store.replace_graph(graph, path, provenance, optimize=False)
    return {"graph": graph.value, "triples": triples, "created": created}


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


def _parsed(body: Path, fmt: str, graph: NamedNode) -> Iterator[Triple]:
    """The triples of the body; relative IRIs resolve against the graph IRI."""
    with body.open("rb") as source:
        try:
            for quad in parse(input=source, format=RDF_FORMATS[fmt], base_iri=graph.value):
                if quad.graph_name != DefaultGraph():
                    raise InputError(
                        "the body names a graph of its own; send the triples of one graph",
                        path="request body",
                    )
                yield Triple(quad.subject, quad.predicate, quad.object)
        except SyntaxError as error:
            raise InputError(str(error).strip(), path="request body") from None
