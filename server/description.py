"""Self-description: SPARQL 1.1 Service Description at ``/sparql``, VoID at ``/.well-known/void``.

Both are small RDF graphs built here from the dataset facts the query processes report (graphs and
their exact triple counts from the meta graph) and sent in the RDF format the client accepts.
VoID points at the dumps (``void:dataDump``, :mod:`server.dumps`) of the dataset and each graph.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, request
from pyoxigraph import Literal, NamedNode, Triple

from kg.iris import META_GRAPH
from kg.namespaces import DCTERMS, PREFIXES, RDF, SD, VOID, XSD
from server import graphstore
from server.dumps import ALL, dump_names, dump_url
from server.negotiation import acceptable_list, choose
from server.problems import problem
from server.results import GRAPH_FORMATS, Page, write_triples
from server.service import service

bp = Blueprint("description", __name__)

FORMATS = "http://www.w3.org/ns/formats/"
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)
DEFAULT_GRAPH_RULE = (
    "The default graph is {union}; the meta graph {meta} holds the provenance of the others "
    "and is queried by name (GRAPH {meta}); use FROM, GRAPH or "
    "default-graph-uri / named-graph-uri to select single sources. Relative IRIs in a query "
    "resolve against the base IRI {base} (the endpoint's URL) unless it declares BASE; in an "
    "update, against the update endpoint's URL. Queries are read-only; "
    "SERVICE is refused unless the host is allowed; each query has a deadline of {timeout:g} s "
    "and answers hold at most {rows} rows (a cut is stated in the Pvkg-Truncated header)."
)

UNION = "the union of all named graphs but the meta graph"
UNION_WITH_META = (
    "the union of all named graphs, the meta graph included (its void:triples counts the others)"
)


def _base() -> str:
    return request.url_root.rstrip("/")


def endpoint_iri() -> str:
    """The query endpoint's URL: the base IRI of queries (stated in the service description)."""
    return _base() + "/sparql"


def update_iri() -> str:
    """The update endpoint's URL: the base IRI of updates."""
    return _base() + "/update"


def service_description() -> Response:
    """The SPARQL 1.1 Service Description of the endpoint (answered at ``GET /sparql``)."""
    svc = service()
    endpoint = NamedNode(endpoint_iri())
    dataset = NamedNode(_base() + "/sparql#dataset")
    default = NamedNode(_base() + "/sparql#default-graph")
    union = UNION_WITH_META if svc.settings.union_with_meta else UNION
    rule = DEFAULT_GRAPH_RULE.format(
        union=union,
        timeout=svc.settings.timeout,
        rows=svc.settings.max_rows,
        meta=META_GRAPH,
        base=endpoint,
    )
    triples = [
        Triple(endpoint, RDF["type"], SD["Service"]),
        Triple(endpoint, SD["endpoint"], endpoint),
        Triple(endpoint, SD["supportedLanguage"], SD["SPARQL11Query"]),
        Triple(endpoint, SD["feature"], SD["UnionDefaultGraph"]),
        Triple(endpoint, DCTERMS["description"], Literal(rule)),
        Triple(endpoint, SD["defaultDataset"], dataset),
        Triple(dataset, RDF["type"], SD["Dataset"]),
        Triple(dataset, SD["defaultGraph"], default),
        Triple(default, RDF["type"], SD["Graph"]),
        Triple(default, DCTERMS["description"], Literal(union)),
    ]
    triples += [
        Triple(endpoint, SD["resultFormat"], NamedNode(FORMATS + f)) for f in RESULT_FORMATS
    ]
    writable = svc.settings.write_token is not None
    triples += _graph_store(endpoint, writable=writable)
    if writable:
        triples += _update_service(endpoint)
    total = 0
    for graph in svc.info()["graphs"]:
        name = NamedNode(graph["graph"])
        key = hashlib.sha1(graph["graph"].encode(), usedforsecurity=False).hexdigest()[:12]
        node = NamedNode(_base() + "/sparql#graph-" + key)
        total += int(graph["triples"])
        triples += [
            Triple(dataset, SD["namedGraph"], node),
            Triple(node, RDF["type"], SD["NamedGraph"]),
            Triple(node, SD["name"], name),
            Triple(name, VOID["triples"], _integer(graph["triples"])),
            Triple(name, DCTERMS["title"], Literal(graph["title"])),
        ]
    triples.append(Triple(default, VOID["triples"], _integer(total)))
    return _send(triples)


def _graph_store(endpoint: NamedNode, *, writable: bool) -> list[Triple]:
    """The Graph Store Protocol endpoint, as a part of the service that conforms to the spec."""
    store = NamedNode(_base() + graphstore.PATH)
    what = (
        "SPARQL 1.1 Graph Store HTTP Protocol: GET or HEAD ?graph=<IRI> or ?default (the union "
        "of all named graphs) as Turtle, N-Triples, N-Quads, JSON-LD or RDF/XML"
    )
    if writable:
        what += (
            "; PUT, POST (also multipart/form-data) and DELETE ?graph=<IRI> with the bearer "
            "token; POST without a graph makes a new one (201 and its Location)"
        )
    return [
        Triple(endpoint, DCTERMS["hasPart"], store),
        Triple(store, DCTERMS["conformsTo"], NamedNode(graphstore.SPEC)),
        Triple(store, DCTERMS["description"], Literal(what)),
    ]


def _update_service(endpoint: NamedNode) -> list[Triple]:
    """The write endpoint ``/update`` (write mode only), a service of its own on the dataset."""
    update = NamedNode(update_iri())
    what = (
        "SPARQL 1.1 Update with Authorization: Bearer <token>; relative IRIs resolve against "
        f"{update}; using-graph-uri / using-named-graph-uri are refused (write USING instead)"
    )
    return [
        Triple(endpoint, DCTERMS["hasPart"], update),
        Triple(update, RDF["type"], SD["Service"]),
        Triple(update, SD["endpoint"], update),
        Triple(update, SD["supportedLanguage"], SD["SPARQL11Update"]),
        Triple(update, DCTERMS["description"], Literal(what)),
    ]


@bp.get("/.well-known/void")
def void() -> Response:
    """A VoID description of the dataset: graphs, triple counts, endpoint."""
    svc = service()
    info = svc.info()
    dataset = NamedNode(_base() + "/.well-known/void#pvkg")
    triples = [
        Triple(dataset, RDF["type"], VOID["Dataset"]),
        Triple(dataset, DCTERMS["title"], Literal("pvkg pharmacovigilance knowledge graph")),
        Triple(dataset, VOID["sparqlEndpoint"], NamedNode(_base() + "/sparql")),
        Triple(dataset, VOID["uriSpace"], Literal(PREFIXES["pvid"])),
        Triple(dataset, VOID["uriLookupEndpoint"], NamedNode(_base() + "/id/")),
        Triple(dataset, DCTERMS["identifier"], Literal(str(info["dataset_version"]))),
    ]
    dumps = {graph: name for name, graph in dump_names(g["graph"] for g in info["graphs"]).items()}
    total = 0
    for graph in info["graphs"]:
        name = NamedNode(graph["graph"])
        total += int(graph["triples"])
        triples += [
            Triple(dataset, VOID["subset"], name),
            Triple(name, RDF["type"], VOID["Dataset"]),
            Triple(name, VOID["triples"], _integer(graph["triples"])),
            Triple(name, DCTERMS["title"], Literal(graph["title"])),
            Triple(name, NamedNode(PREFIXES["pv"] + "sourceName"), Literal(graph["source"])),
            Triple(name, VOID["dataDump"], NamedNode(dump_url(_base(), dumps[graph["graph"]]))),
        ]
    triples += [
        Triple(dataset, VOID["triples"], _integer(total)),
        Triple(dataset, VOID["dataDump"], NamedNode(dump_url(_base(), ALL))),
    ]
    return _send(triples)


def _integer(value: object) -> Literal:
    return Literal(str(int(str(value))), datatype=XSD["integer"])


def _send(triples: list[Triple]) -> Response:
    fmt = choose("CONSTRUCT", request.headers.get("Accept"), request.args.get("format"))
    if fmt is None:
        return problem(406, "not-acceptable", f"available: {acceptable_list('CONSTRUCT')}")
    written = write_triples(triples, fmt, Page(limit=len(triples) + 1))
    response = Response(written.body, content_type=GRAPH_FORMATS[fmt])
    response.vary.add("Accept")
    return response
