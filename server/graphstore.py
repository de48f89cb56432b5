"""SPARQL 1.1 Graph Store HTTP Protocol at ``/rdf-graphs``: reading graphs (``GET``, ``HEAD``).

* ``/rdf-graphs?graph=<IRI>`` is one named graph, ``/rdf-graphs?default`` the default graph,
  which in pvkg is the union of all named graphs; exactly one of the two (else 400);
* formats by ``Accept`` (or ``format=``): Turtle, N-Triples, N-Quads (with the graph name),
  JSON-LD, RDF/XML; nothing acceptable: 406;
* a graph that is neither recorded in the meta graph nor has a triple is a 404;
* like every answer, at most the row cap of triples, a cut stated by ``Pvkg-Truncated``; whole
  graphs are in the dumps (:mod:`server.dumps`). ``ETag`` and ``If-None-Match`` as for
  saved queries.

Writing (``PUT``, ``POST``, ``DELETE``) exists only on the token-guarded write endpoint
(:mod:`server.write`); without it these methods are 405 here.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, request
from pyoxigraph import NamedNode

from kg.errors import QueryError
from server.jobs import GraphJob
from server.negotiation import acceptable_list, choose
from server.problems import problem
from server.service import Service, service

bp = Blueprint("graphstore", __name__)

PATH = "/rdf-graphs"
SPEC = "http://www.w3.org/TR/sparql11-http-rdf-update/"


def target() -> NamedNode | None:
    """The graph the request names: ``?graph=<IRI>``, or ``None`` for ``?default``.

    :raises QueryError: unless exactly one of them is given, with an IRI.
    """
    graphs = request.args.getlist("graph")
    default = "default" in request.args
    if (default and graphs) or (not default and len(graphs) != 1):
        raise QueryError("name exactly one graph: ?graph=<IRI> or ?default")
    if default:
        return None
    try:
        return NamedNode(graphs[0])
    except ValueError:
        raise QueryError(f"not a graph IRI: {graphs[0]!r}") from None


def location(graph: NamedNode) -> str:
    """The URL of ``graph`` in the graph store (indirect identification, ``?graph=``)."""
    return request.url_root.rstrip("/") + PATH + "?" + urlencode({"graph": graph.value})


def recorded(svc: Service, graph: NamedNode) -> bool:
    """Whether the meta graph records ``graph`` (it may have no triples)."""
    return any(g["graph"] == graph.value for g in svc.info()["graphs"])


@bp.get(PATH)
def read() -> Response:
    """Send the triples of one graph."""
    svc = service()
    graph = target()
    fmt = choose("GRAPH", request.headers.get("Accept"), request.args.get("format"))
    if fmt is None:
        return problem(406, "not-acceptable", f"a graph can be sent as: {acceptable_list('GRAPH')}")
    job = GraphJob(None if graph is None else graph.value, fmt, svc.settings.max_rows)
    response = svc.respond(job, etag=True)
    if graph is not None and response.headers.get("Pvkg-Rows") == "0" and not recorded(svc, graph):
        return problem(404, "unknown-graph", f"the store has no graph {graph.value}")
    response.vary.add("Accept")
    return response
