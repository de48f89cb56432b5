"""The labels of a list of IRIs, looked up in one query (for the pages' result cells).

The IRIs are written into the query's ``VALUES`` block by pyoxigraph's own ``NamedNode``
serialisation, so no text from a request reaches the query unchecked (an IRI pyoxigraph
refuses is left out).

>>> values(["https://w3id.org/pvkg/id/drug/x", "not an iri"])
'<https://w3id.org/pvkg/id/drug/x>'
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import NamedNode, QuerySolutions

from kg.store import GraphStore

MOST = 2000
"""IRIs looked up at most in one job."""

QUERY = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?e (MIN(STR(?l)) AS ?label) WHERE {
  VALUES ?e { %s }
  { ?e rdfs:label ?l } UNION { ?e skos:prefLabel ?l }
}
GROUP BY ?e"""


def values(iris: Iterable[str]) -> str:
    """The ``VALUES`` terms of ``iris`` (those pyoxigraph accepts as IRIs)."""
    nodes = []
    for iri in iris:
        try:
            nodes.append(str(NamedNode(iri)))
        except ValueError:
            continue
    return " ".join(nodes)


def lookup(store: GraphStore, iris: Iterable[str], timeout: float | None) -> list[tuple[str, str]]:
    """(IRI, label) for each of the first :data:`MOST` ``iris`` that has a label."""
    terms = values(list(iris)[:MOST])
    if not terms:
        return []
    result = store.query(QUERY % terms, timeout=timeout)
    if not isinstance(result, QuerySolutions):
        raise TypeError("a SELECT query must yield solutions")
    return [(row["e"].value, row["label"].value) for row in result if row["label"] is not None]
