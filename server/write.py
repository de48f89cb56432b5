"""The optional write endpoint, only with a token: SPARQL Update and Graph Store Protocol writes.

* ``POST /update``: one SPARQL Update (form ``update=`` or an ``application/sparql-update``
  body); relative IRIs resolve against the URL of ``/update``; ``using-graph-uri`` and
  ``using-named-graph-uri`` are refused with 400 (:mod:`server.dataset`);
* ``PUT``, ``POST``, ``DELETE /rdf-graphs?graph=<IRI>``: SPARQL 1.1 Graph Store HTTP Protocol.
  ``PUT`` replaces the graph with the body (Turtle, N-Triples, RDF/XML or JSON-LD), ``POST``
  adds the body to it, ``DELETE`` removes it; all go through the store's atomic
  ``replace_graph`` / ``drop_graph``, which record provenance (:mod:`server.uploads`). 201 when
  a graph is created, 200 otherwise, 404 to delete a graph that does not exist. A
  ``multipart/form-data`` body is one graph made of its file parts, each parsed by its own
  Content-Type. ``POST /rdf-graphs`` (no graph named) makes a new graph, named after the
  body's checksum (:func:`server.uploads.new_graph`), and answers 201 with its ``Location``.
  The default graph (the union of the named graphs) is read-only (405) and the meta graph is
  written by the store only (403).

The blueprint is registered only when ``WRITE_TOKEN`` is configured, and every request must
carry ``Authorization: Bearer <token>`` (compared in constant time; else 401). In write mode the
service runs a single query process that opens the store read-write (see
:class:`server.service.Service`), so reads and writes go through one process; a write has the
same deadline as a query (a write stopped at its deadline leaves the graph old or new, never a
mix: see ADR 0003). After a write, cached answers are dropped and the dataset version is read
again. Bodies may be up to ``MAX_UPLOAD_BYTES`` (default 256 MiB; 413 beyond).
"""

from __future__ import annotations

import contextlib
import hmac
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from flask import Blueprint, Response, jsonify, request
from pyoxigraph import NamedNode
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from kg.errors import QueryError
from kg.iris import META_GRAPH
from server import dataset, description, graphstore, updates, uploads
from server.jobs import GraphDropJob, GraphWriteJob, Job, UpdateJob
from server.policy import RefusedError
from server.problems import problem
from server.service import service

bp = Blueprint("write", __name__)


@bp.before_request
def _authorised() -> Response | None:
    """Answer 401 unless the request carries the bearer token."""
    token = service().settings.write_token or ""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(value.encode(), token.encode()):
        response = problem(401, "unauthorized", "a valid bearer token is required to write")
        response.headers["WWW-Authenticate"] = 'Bearer realm="pvkg"'
        return response
    return None


@bp.post("/update")
def update() -> Response:
    """Run one SPARQL Update (form ``update=`` or ``application/sparql-update`` body)."""
    svc = service()
    if request.mimetype == "application/sparql-update":
        text = request.get_data(as_text=True)
    elif request.mimetype == "application/x-www-form-urlencoded":
        texts = request.form.getlist("update")
        if len(texts) != 1:
            raise QueryError("exactly one 'update' parameter is required")
        text = texts[0]
    else:
        return problem(415, "unsupported-media-type", "use application/sparql-update or a form")
    svc.policy.check_update(text)
    if updates.names_graph(text, META_GRAPH):
        raise RefusedError("the meta graph holds provenance and is written by the store only")
    dataset.refuse_update_dataset(request.args, request.form, text=text)
    done = _run(UpdateJob(text, base_iri=description.update_iri()))
    return jsonify(status="ok", dataset_version=done["dataset_version"])


@bp.route(graphstore.PATH, methods=["PUT", "POST", "DELETE"])
def graph_store() -> Response:
    """Replace, add to or remove one named graph; ``POST`` to the store itself makes a new one."""
    if request.method == "POST" and not request.args:
        return _write(None)
    graph = graphstore.target()
    if graph is None:
        response = problem(
            405,
            "method-not-allowed",
            "the default graph is the union of the named graphs: write a named graph instead",
        )
        response.headers["Allow"] = "GET, HEAD, OPTIONS"
        return response
    if graph == META_GRAPH:
        raise RefusedError("the meta graph holds provenance and is written by the store only")
    if request.method == "DELETE":
        done = _run(GraphDropJob(graph.value))
        if not done["dropped"]:
            return problem(404, "unknown-graph", f"the store has no graph {graph.value}")
        return jsonify(status="ok", graph=graph.value, dataset_version=done["dataset_version"])
    return _write(graph)


def _write(graph: NamedNode | None) -> Response:
    """``PUT`` or ``POST`` the body (or each file part of a multipart/form-data body) into
    ``graph``; ``None``: a new graph named after the body's checksum (201 and its Location)."""
    with _saved_parts() as parts:
        if graph is None:
            graph = uploads.new_graph(path for path, _ in parts)
        job = GraphWriteJob(
            graph.value,
            tuple((str(path), fmt) for path, fmt in parts),
            merge=request.method == "POST",
        )
        done = _run(job)
    response = jsonify(
        status="ok",
        graph=graph.value,
        triples=done["triples"],
        dataset_version=done["dataset_version"],
    )
    if done["created"]:
        response.status_code = 201
        response.headers["Location"] = graphstore.location(graph)
    return response


def _run(job: Job) -> dict[str, object]:
    """Run a write in the read-write process; cached answers are dropped whatever happened."""
    svc = service()
    try:
        answer, _ = svc.pool.run(job, svc.settings.timeout)
    finally:
        svc.forget()  # even a write stopped at its deadline may have been finished
    return answer.info


@contextlib.contextmanager
def _saved_parts() -> Iterator[list[tuple[Path, str]]]:
    """The body in temporary files with their formats: one, or one per file part of a
    multipart/form-data body (each part with its own Content-Type).

    :raises UnsupportedMediaType: for a body or part of a type that is not RDF (a 415 problem).
    :raises BadRequest: for a multipart body with a part that is not a file.
    """
    request.max_content_length = service().settings.max_upload_bytes
    saved: list[tuple[Path, str]] = []
    try:
        if request.mimetype == "multipart/form-data":
            if request.form or not request.files:
                raise BadRequest("send each part as a file, with its type")
            for part in request.files.values():
                fmt = _format(part.mimetype, part.filename)
                saved.append((_saved(part.stream), fmt))
        else:
            fmt = _format(request.mimetype, None)
            saved.append((_saved(request.stream), fmt))
        yield saved
    finally:
        for path, _ in saved:
            path.unlink(missing_ok=True)


def _format(mimetype: str, part: str | None) -> str:
    """The format key of an uploaded body or part; a 415 for any other type."""
    fmt = uploads.MEDIA_TYPES.get(mimetype)
    if fmt is None:
        accepted = ", ".join([*uploads.MEDIA_TYPES, "multipart/form-data"])
        where = f"part {part!r}: " if part else ""
        raise UnsupportedMediaType(f"{where}send the graph as one of: {accepted}")
    return fmt


def _saved(stream: IO[bytes]) -> Path:
    """Copy ``stream`` to a temporary file (the query process reads and parses it)."""
    with tempfile.NamedTemporaryFile(prefix="pvkg-upload-", delete=False) as out:
        shutil.copyfileobj(stream, out, 1 << 20)
    return Path(out.name)
