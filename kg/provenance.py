"""Provenance of named graphs, written to the meta graph in PROV-O and VoID terms.

Every backend records the same triples for a loaded graph ``G``:

* ``G a void:Dataset, prov:Entity``; ``dcterms:title``; ``void:triples`` (exact count);
  ``pv:sourceName``; ``pv:sourceChecksum`` (``sha256:…``); ``dcterms:source`` (file names as
  literals: local paths are not IRIs anyone else can resolve); ``prov:wasDerivedFrom`` other graphs;
* ``G prov:wasGeneratedBy A``, where ``A`` (``…/id/load/<graph key>``) is a ``prov:Activity`` with
  ``prov:endedAtTime`` and ``prov:wasAssociatedWith`` the loader (``pv:loader`` literal).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from pyoxigraph import Literal, NamedNode, QuerySolutions, Triple

from kg.iris import META_GRAPH, record_iri
from kg.namespaces import DCTERMS, PREFIXES, PROV, PV, RDF, VOID, XSD
from kg.store import GraphInfo, Provenance

sourceName = PV["sourceName"]
sourceChecksum = PV["sourceChecksum"]
loaderName = PV["loader"]


def activity_iri(graph: NamedNode) -> NamedNode:
    """IRI of the load activity that produced ``graph``."""
    key = graph.value.removeprefix(PREFIXES["pvgraph"])
    return record_iri("load", key.replace("/", "-"))


def now_literal() -> Literal:
    """The current UTC time as an ``xsd:dateTime`` literal (seconds precision)."""
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return Literal(stamp, datatype=XSD["dateTime"])


def provenance_triples(
    graph: NamedNode, provenance: Provenance, triples: int, loaded_at: Literal
) -> list[Triple]:
    """The meta-graph triples describing one loaded graph."""
    activity = activity_iri(graph)
    out = [
        Triple(graph, RDF["type"], VOID["Dataset"]),
        Triple(graph, RDF["type"], PROV["Entity"]),
        Triple(graph, DCTERMS["title"], Literal(provenance.title)),
        Triple(graph, VOID["triples"], Literal(str(triples), datatype=XSD["integer"])),
        Triple(graph, sourceName, Literal(provenance.source)),
        Triple(graph, sourceChecksum, Literal(provenance.checksum)),
        Triple(graph, PROV["wasGeneratedBy"], activity),
        Triple(activity, RDF["type"], PROV["Activity"]),
        Triple(activity, PROV["endedAtTime"], loaded_at),
        Triple(activity, loaderName, Literal(provenance.loader)),
    ]
    out += [Triple(graph, DCTERMS["source"], Literal(f)) for f in provenance.files]
    out += [Triple(graph, PROV["wasDerivedFrom"], g) for g in provenance.derived_from]
    return out


def replace_provenance_update(graph: NamedNode, triples: Iterable[Triple]) -> str:
    """A SPARQL Update that replaces the meta-graph description of ``graph`` in one transaction."""
    activity = activity_iri(graph)
    body = " ".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    return (
        f"DELETE WHERE {{ GRAPH {META_GRAPH} {{ {graph} ?p ?o }} }};\n"
        f"DELETE WHERE {{ GRAPH {META_GRAPH} {{ {activity} ?p ?o }} }};\n"
        f"INSERT DATA {{ GRAPH {META_GRAPH} {{ {body} }} }}"
    )


def drop_provenance_update(graph: NamedNode) -> str:
    """A SPARQL Update that removes the meta-graph description of ``graph``."""
    activity = activity_iri(graph)
    return (
        f"DELETE WHERE {{ GRAPH {META_GRAPH} {{ {graph} ?p ?o }} }};\n"
        f"DELETE WHERE {{ GRAPH {META_GRAPH} {{ {activity} ?p ?o }} }}"
    )


GRAPHS_QUERY = f"""
SELECT ?g ?triples ?source ?title ?checksum ?loader ?at
       (GROUP_CONCAT(?file; separator="\\n") AS ?files)
WHERE {{
  GRAPH {META_GRAPH} {{
    ?g a {VOID["Dataset"]} ; {VOID["triples"]} ?triples ; {sourceName} ?source ;
       {DCTERMS["title"]} ?title ; {sourceChecksum} ?checksum ;
       {PROV["wasGeneratedBy"]} ?act .
    ?act {PROV["endedAtTime"]} ?at ; {loaderName} ?loader .
    OPTIONAL {{ ?g {DCTERMS["source"]} ?file }}
  }}
}}
GROUP BY ?g ?triples ?source ?title ?checksum ?loader ?at
ORDER BY ?g
"""
"""SELECT over the meta graph giving one row per recorded graph."""


def graph_infos(solutions: QuerySolutions) -> list[GraphInfo]:
    """Turn the rows of :data:`GRAPHS_QUERY` into :class:`GraphInfo` objects."""
    infos = []
    for row in solutions:
        files = row["files"]
        infos.append(
            GraphInfo(
                graph=NamedNode(row["g"].value),
                triples=int(row["triples"].value),
                source=row["source"].value,
                title=row["title"].value,
                checksum=row["checksum"].value,
                loader=row["loader"].value,
                loaded_at=row["at"].value,
                files=tuple(files.value.split("\n")) if files is not None and files.value else (),
            )
        )
    return infos
