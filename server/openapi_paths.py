"""The paths of the OpenAPI document beside the saved queries: protocols, data and service.

``/sparql`` (SPARQL 1.1 Protocol), ``/rdf-graphs`` (Graph Store HTTP Protocol), the dumps at
``/dump/{name}.nq.gz``, linked data at ``/id/{key}``, VoID, the health check, the document
itself and, on a service with the write endpoint, ``POST /update`` and the Graph Store writes
with the bearer-token security scheme (:data:`BEARER`). Errors are problem+json
(``#/components/schemas/Problem``, defined by :mod:`server.openapi`).
"""

from __future__ import annotations

from typing import Any

from server import dumps, graphstore, search, uploads

BEARER = "bearerToken"
"""Name of the security scheme of the write endpoint."""

SECURITY_SCHEMES: dict[str, Any] = {
    BEARER: {
        "type": "http",
        "scheme": "bearer",
        "description": "the write token (PVKG_WRITE_TOKEN); writes exist only when it is set",
    }
}

_TEXT = {"schema": {"type": "string"}}
_BINARY = {"schema": {"type": "string", "contentMediaType": "application/gzip"}}
_RDF = {
    "text/turtle": _TEXT,
    "application/n-triples": _TEXT,
    "application/n-quads": _TEXT,
    "application/ld+json": {"schema": {"type": "object"}},
    "application/rdf+xml": _TEXT,
}
_RESULTS = {
    "application/sparql-results+json": {"schema": {"$ref": "#/components/schemas/SparqlJson"}},
    "application/sparql-results+xml": _TEXT,
    "text/csv": _TEXT,
    "text/tab-separated-values": _TEXT,
    **{k: v for k, v in _RDF.items() if k != "application/n-quads"},
}
_PROBLEMS = {
    400: "malformed request or query",
    401: "no valid bearer token",
    403: "refused by policy",
    404: "no such resource",
    405: "method not allowed here",
    406: "no acceptable format",
    413: "request too large",
    415: "unsupported body type",
    503: "every query process busy past the deadline (Retry-After)",
    504: "ran past the deadline",
}


def problems(*statuses: int) -> dict[str, Any]:
    """Responses for error statuses, each an ``application/problem+json`` body."""
    schema = {"$ref": "#/components/schemas/Problem"}
    return {
        str(status): {
            "description": _PROBLEMS[status],
            "content": {"application/problem+json": {"schema": schema}},
        }
        for status in statuses
    }


def paths(*, writable: bool, dump_names: list[str] | None = None) -> dict[str, Any]:
    """The paths beside the saved-query API; write operations only when ``writable``."""
    out: dict[str, Any] = {
        "/sparql": {"get": _sparql("get"), "post": _sparql("post")},
        graphstore.PATH: _graph_store(writable),
        f"/dump/{{name}}{dumps.SUFFIX}": {"get": _dump(dump_names)},
        "/id/{key}": {"get": _entity()},
        "/ontology": {"get": _ontology()},
        "/api/search": {"get": _search()},
        "/api/queries/{name}/chart": {"get": _chart()},
        "/.well-known/void": {"get": _void()},
        "/health": {"get": _health()},
        "/api/openapi.json": {"get": _self()},
    }
    if writable:
        out["/update"] = {"post": _update()}
    return out


def path_param(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A required parameter in the URL path."""
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
    }


def _query_param(name: str, description: str, **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string", **schema},
    }


def _sparql(method: str) -> dict[str, Any]:
    params = [
        _query_param("default-graph-uri", "a graph of the default graph", format="iri"),
        _query_param("named-graph-uri", "a graph visible to GRAPH", format="iri"),
        _query_param("format", "answer format (overrides Accept)"),
    ]
    operation: dict[str, Any] = {
        "operationId": f"sparql{method.capitalize()}",
        "summary": "SPARQL 1.1 Protocol query operation (read-only; updates are 403)",
        "description": "Without a query, GET answers the service description. The default "
        "graph is the union of all named graphs. At most the row cap of rows; a cut is stated "
        "by the Pvkg-Truncated header.",
        "tags": ["sparql"],
        "parameters": params,
        "responses": {
            "200": {"description": "the answer", "content": _RESULTS},
            **problems(400, 403, 406, 413, 415, 503, 504),
        },
    }
    if method == "get":
        params.insert(0, _query_param("query", "the SPARQL query"))
    else:
        form = {"type": "object", "properties": {"query": {"type": "string"}}}
        operation["requestBody"] = {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {"schema": form},
                "application/sparql-query": _TEXT,
            },
        }
    return operation


def _graph_params() -> list[dict[str, Any]]:
    return [
        _query_param("graph", "the named graph (exactly one of graph and default)", format="iri"),
        {
            "name": "default",
            "in": "query",
            "required": False,
            "allowEmptyValue": True,
            "description": "the default graph: the union of all named graphs (read-only)",
            "schema": {"type": "string"},
        },
    ]


def _graph_store(writable: bool) -> dict[str, Any]:
    read = {
        "tags": ["graph-store"],
        "parameters": [*_graph_params(), _query_param("format", "format (overrides Accept)")],
        "responses": {
            "200": {
                "description": "the graph's triples, at most the row cap (Pvkg-Truncated)",
                "content": _RDF,
            },
            "304": {"description": "not modified (ETag)"},
            **problems(400, 404, 406, 503, 504),
        },
    }
    item: dict[str, Any] = {
        "get": {"operationId": "getGraph", "summary": "Read one graph", **read},
        "head": {"operationId": "headGraph", "summary": "Headers of reading one graph", **read},
    }
    if not writable:
        return item
    multipart = {"type": "object", "additionalProperties": {"type": "string", "format": "binary"}}
    body = {
        "required": True,
        "content": {
            **{media: _TEXT for media in uploads.MEDIA_TYPES},
            "multipart/form-data": {"schema": multipart},
        },
    }
    written = {
        "description": "done",
        "content": {"application/json": {"schema": _WRITE_SCHEMA}},
    }
    writes = {"tags": ["graph-store", "write"], "security": [{BEARER: []}]}
    errors = problems(400, 401, 403, 404, 405, 413, 415, 503, 504)
    for method, summary in (
        ("put", "Replace a graph"),
        ("post", "Add triples to a graph; with no graph named, make a new one (201, Location)"),
    ):
        item[method] = {
            "operationId": f"{method}Graph",
            "summary": summary,
            **writes,
            "parameters": _graph_params(),
            "requestBody": body,
            "responses": {
                "200": written,
                "201": {**written, "description": "created (Location)"},
                **errors,
            },
        }
    item["delete"] = {
        "operationId": "deleteGraph",
        "summary": "Remove a graph and its provenance",
        **writes,
        "parameters": _graph_params(),
        "responses": {"200": written, **errors},
    }
    return item


_WRITE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["status", "dataset_version"],
    "properties": {
        "status": {"type": "string"},
        "graph": {"type": "string"},
        "triples": {"type": "integer"},
        "dataset_version": {"type": "string"},
    },
}


def _dump(names: list[str] | None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if names is not None:
        schema["enum"] = names
    return {
        "operationId": "getDump",
        "summary": "Gzip N-Quads dump of the dataset (all) or of one graph",
        "description": "Sorted, duplicate-free N-Quads, written on first request per dataset "
        "version. Range requests are answered.",
        "tags": ["data"],
        "parameters": [
            path_param(
                "name", f"'{dumps.ALL}', or a graph IRI after /graph/ with / written -", schema
            )
        ],
        "responses": {
            "200": {"description": "the dump", "content": {dumps.MEDIA_TYPE: _BINARY}},
            "206": {"description": "the range asked", "content": {dumps.MEDIA_TYPE: _BINARY}},
            "304": {"description": "not modified (ETag)"},
            **problems(404, 503),
        },
    }


def _entity() -> dict[str, Any]:
    return {
        "operationId": "getEntity",
        "summary": "Linked data for https://w3id.org/pvkg/id/{key}",
        "tags": ["data"],
        "parameters": [
            path_param(
                "key", "the IRI after /id/; may hold / (drug/infliximab)", {"type": "string"}
            ),
            _query_param("format", "RDF format (overrides Accept)"),
        ],
        "responses": {
            "200": {
                "description": "the entity's triples, or its HTML page",
                "content": {**_RDF, "text/html": _TEXT},
            },
            "304": {"description": "not modified (ETag)"},
            **problems(404, 406, 503, 504),
        },
    }


def _ontology() -> dict[str, Any]:
    return {
        "operationId": "getOntology",
        "summary": "The pvkg ontology as Turtle, RDF/XML, JSON-LD or N-Triples, or its HTML page",
        "tags": ["data"],
        "parameters": [_query_param("format", "RDF format (overrides Accept)")],
        "responses": {
            "200": {"description": "the ontology", "content": {**_RDF, "text/html": _TEXT}},
            **problems(406),
        },
    }


def _void() -> dict[str, Any]:
    return {
        "operationId": "getVoid",
        "summary": "VoID description: graphs, exact triple counts, dumps",
        "tags": ["service"],
        "responses": {"200": {"description": "VoID", "content": _RDF}, **problems(406)},
    }


def _chart() -> dict[str, Any]:
    return {
        "operationId": "getChart",
        "summary": "The Vega-Lite chart a saved query declares, bound to its CSV answer",
        "description": "Forest plots (estimates with 95% intervals on a log axis) or lines over "
        "time. Parameters other than name are passed on to the query's results URL.",
        "tags": ["saved-queries"],
        "parameters": [
            path_param("name", "a saved query that declares a chart", {"type": "string"})
        ],
        "responses": {
            "200": {
                "description": "a Vega-Lite v5 specification",
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            **problems(404, 503),
        },
    }


def _search() -> dict[str, Any]:
    hit = {
        "type": "object",
        "required": ["iri", "label", "type", "matched", "rank"],
        "properties": {
            "iri": {"type": "string", "format": "iri"},
            "label": {"type": "string"},
            "type": {"type": "string", "enum": list(search.KINDS)},
            "mesh": {"type": ["string", "null"], "description": "MeSH identifier (D011565)"},
            "matched": {"type": "string", "description": "the name that matched"},
            "rank": {"type": "string", "enum": ["exact", "prefix", "word", "substring"]},
        },
    }
    return {
        "operationId": "search",
        "summary": "Drugs, drug classes and conditions by name, synonym or MeSH identifier",
        "description": "Best first: exact, then prefix, then a word within, then anywhere "
        "(case-insensitive); then the shorter label. One entity per concept.",
        "tags": ["data"],
        "parameters": [
            {**_query_param("q", "the text to look for (1 to 200 characters)"), "required": True},
            {
                **_query_param("type", "only entities of this type"),
                "schema": {"type": "string", "enum": list(search.KINDS)},
            },
            {
                **_query_param("limit", "most results"),
                "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
            },
        ],
        "responses": {
            "200": {
                "description": "the matches",
                "content": {"application/json": {"schema": {"type": "array", "items": hit}}},
            },
            **problems(400, 503, 504),
        },
    }


def _health() -> dict[str, Any]:
    schema = {
        "type": "object",
        "properties": {"status": {"type": "string"}, "dataset_version": {"type": "string"}},
    }
    return {
        "operationId": "health",
        "summary": "Whether the store answers",
        "tags": ["service"],
        "responses": {
            "200": {"description": "ok", "content": {"application/json": {"schema": schema}}},
            **problems(503),
        },
    }


def _self() -> dict[str, Any]:
    return {
        "operationId": "openapi",
        "summary": "This document",
        "tags": ["service"],
        "responses": {
            "200": {
                "description": "OpenAPI 3.1",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        },
    }


def _update() -> dict[str, Any]:
    form = {"type": "object", "properties": {"update": {"type": "string"}}}
    return {
        "operationId": "update",
        "summary": "Run one SPARQL 1.1 Update",
        "description": "Recorded triple counts of the graphs it changes are refreshed in the "
        "same transaction; the dataset version changes.",
        "tags": ["write"],
        "security": [{BEARER: []}],
        "requestBody": {
            "required": True,
            "content": {
                "application/sparql-update": _TEXT,
                "application/x-www-form-urlencoded": {"schema": form},
            },
        },
        "responses": {
            "200": {
                "description": "done",
                "content": {"application/json": {"schema": _WRITE_SCHEMA}},
            },
            **problems(400, 401, 403, 413, 415, 503, 504),
        },
    }
