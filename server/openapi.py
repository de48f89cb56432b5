"""``/api/openapi.json``: an OpenAPI 3.1 document of the service's public HTTP API.

One path per saved query (``/api/queries/<name>/results``) with its typed parameters (type,
minimum, maximum, choices, default, example from the ``#+`` header), plus ``limit``,
``offset`` and ``format``; the answer schemas (dashboard JSON, SPARQL JSON, CSV) and the
problem schema are shared components. The other endpoints (SPARQL, Graph Store, dumps, linked
data, VoID, health, and the write endpoint with its bearer-token scheme when it is enabled) come
from :mod:`server.openapi_paths`. The browser page ``/`` and its ``/static`` files are not API.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from kg import __version__
from kg.catalogue import Catalogue, Parameter, SavedQuery
from server import dumps, openapi_paths
from server.service import service

bp = Blueprint("openapi", __name__, url_prefix="/api")

_PARAM_SCHEMAS: dict[str, dict[str, Any]] = {
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "iri": {"type": "string", "format": "iri"},
    "string": {"type": "string"},
    "faers-quarter": {"type": "string", "pattern": "^([0-9]{2}|[0-9]{4})[qQ][1-4]$"},
}
_ENTITY_NOTE = "a label, a CURIE (mesh:D011565) or an IRI of a {kind}"

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": ["string", "null"]},
        "parameter": {"type": "string", "description": "the offending parameter"},
    },
}
DASHBOARD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["meta", "columns", "rows"],
    "properties": {
        "meta": {
            "type": "object",
            "properties": {
                "query": {"type": "string"},
                "parameters": {"type": "object"},
                "dataset_version": {"type": "string"},
                "rows": {"type": "integer"},
                "truncated": {"type": "boolean"},
                "elapsed_ms": {"type": "number"},
                "limit": {"type": "integer"},
                "offset": {"type": "integer"},
            },
        },
        "columns": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "datatype": {"type": "string"}},
            },
        },
        "rows": {"type": "array", "items": {"type": "array"}},
    },
}
SPARQL_JSON_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"head": {"type": "object"}, "results": {"type": "object"}},
}


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI document of the service."""
    svc = service()
    names = dumps.dump_names(g["graph"] for g in svc.info()["graphs"])
    return jsonify(
        document(
            svc.catalogue,
            request.url_root.rstrip("/"),
            svc.settings.max_rows,
            writable=svc.settings.write_token is not None,
            dump_names=sorted([dumps.ALL, *names]),
        )
    )


def document(
    catalogue: Catalogue,
    server_url: str,
    max_rows: int,
    *,
    writable: bool = False,
    dump_names: list[str] | None = None,
) -> dict[str, Any]:
    """Build the OpenAPI 3.1 document for ``catalogue`` served at ``server_url``.

    :param writable: whether the write endpoint is enabled (its operations, bearer scheme).
    :param dump_names: the dump names there are now (``None``: not enumerated).
    """
    paths: dict[str, Any] = {
        "/api/queries": {
            "get": {
                "operationId": "listQueries",
                "summary": "The saved queries",
                "tags": ["saved-queries"],
                "responses": {"200": {"description": "the catalogue", **_json({"type": "object"})}},
            }
        },
        "/api/queries/{name}": {"get": _describe(catalogue)},
    }
    for query in catalogue:
        paths[f"/api/queries/{query.name}/results"] = {"get": _operation(query, max_rows)}
    paths.update(openapi_paths.paths(writable=writable, dump_names=dump_names))
    components: dict[str, Any] = {
        "schemas": {
            "Problem": PROBLEM_SCHEMA,
            "Dashboard": DASHBOARD_SCHEMA,
            "SparqlJson": SPARQL_JSON_SCHEMA,
        }
    }
    if writable:
        components["securitySchemes"] = openapi_paths.SECURITY_SCHEMES
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "pvkg HTTP API",
            "version": __version__,
            "description": "Saved SPARQL queries with typed parameters, the SPARQL 1.1 "
            "Protocol and Graph Store Protocol, dumps and linked data of the pvkg knowledge "
            "graph.",
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": components,
    }


def _describe(catalogue: Catalogue) -> dict[str, Any]:
    """``/api/queries/{name}``: one saved query's parameters and SPARQL text."""
    return {
        "operationId": "describeQuery",
        "summary": "One saved query: parameters and SPARQL text",
        "tags": ["saved-queries"],
        "parameters": [
            openapi_paths.path_param(
                "name",
                "a saved query's name",
                {"type": "string", "enum": [q.name for q in catalogue]},
            )
        ],
        "responses": {
            "200": {"description": "the query", **_json({"type": "object"})},
            **openapi_paths.problems(404),
        },
    }


def _operation(query: SavedQuery, max_rows: int) -> dict[str, Any]:
    params = [_parameter(p) for p in query.params]
    params += [
        _paging("limit", "rows per page", 1, max_rows),
        _paging("offset", "rows to skip", 0, None),
        {
            "name": "format",
            "in": "query",
            "required": False,
            "description": "answer format (overrides Accept)",
            "schema": {"type": "string", "enum": _formats(query)},
        },
    ]
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    return {
        "operationId": _operation_id(query.name),
        "summary": query.summary,
        "description": query.description or query.summary,
        "tags": list(query.tags),
        "parameters": params,
        "responses": {
            "200": {"description": "the answer", "content": _content(query)},
            "304": {"description": "not modified (ETag matches the dataset version)"},
            "400": {
                "description": "a bad parameter (named in 'parameter')",
                "content": {"application/problem+json": {"schema": problem_ref}},
            },
            **openapi_paths.problems(406, 503, 504),
        },
    }


def _operation_id(name: str) -> str:
    head, *rest = name.split("-")
    return head + "".join(w.capitalize() for w in rest)


def _parameter(param: Parameter) -> dict[str, Any]:
    schema = dict(_PARAM_SCHEMAS.get(param.type, {"type": "string"}))
    description = param.description
    if param.type in ("drug", "condition", "drug-class", "entity"):
        note = _ENTITY_NOTE.format(kind=param.type)
        description = f"{description} ({note})" if description else note
    if param.minimum is not None:
        schema["minimum"] = param.minimum
    if param.maximum is not None:
        schema["maximum"] = param.maximum
    if param.choices:
        schema["enum"] = list(param.choices)
    if param.default is not None:
        schema["default"] = _typed(param, param.default)
    out: dict[str, Any] = {
        "name": param.name,
        "in": "query",
        "required": param.required,
        "description": description,
        "schema": schema,
    }
    if param.example is not None:
        out["example"] = _typed(param, param.example)
    return out


def _typed(param: Parameter, text: str) -> Any:
    """A header value in the JSON type of the parameter's schema."""
    try:
        if param.type == "integer":
            return int(text)
        if param.type == "decimal":
            return float(text)
    except ValueError:
        return text
    if param.type == "boolean":
        return text.lower() in ("true", "1", "yes")
    return text


def _paging(name: str, description: str, low: int, high: int | None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer", "minimum": low}
    if high is not None:
        schema["maximum"] = high
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def _formats(query: SavedQuery) -> list[str]:
    if query.form in ("CONSTRUCT", "DESCRIBE"):
        return ["turtle", "ntriples", "jsonld", "rdfxml"]
    return ["dashboard", "sparql-json", "csv", "tsv", "xml"]


def _content(query: SavedQuery) -> dict[str, Any]:
    if query.form in ("CONSTRUCT", "DESCRIBE"):
        text = {"schema": {"type": "string"}}
        return {
            "text/turtle": text,
            "application/n-triples": text,
            "application/ld+json": {"schema": {"type": "object"}},
            "application/rdf+xml": text,
        }
    return {
        "application/json": {"schema": {"$ref": "#/components/schemas/Dashboard"}},
        "application/sparql-results+json": {"schema": {"$ref": "#/components/schemas/SparqlJson"}},
        "text/csv": {"schema": {"type": "string"}},
    }


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}
