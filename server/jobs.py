"""What the web process asks of a query process, and what it gets back.

The web process (:mod:`server.pool`) builds a job, a frozen dataclass, and sends it over a pipe;
the query process (:mod:`server.runner`) unpickles it, runs it and answers with messages:

* ``("ready",)`` once, when it has opened the store (or ``("error", …)`` if it could not);
* ``("ok", Answer)``: :attr:`Answer.body` holds the first piece of the body; if
  :attr:`Answer.more`, the rest follows as raw byte pieces, ending with an empty one;
* ``("error", name, text)``: a user error, a :class:`kg.errors.PvkgError` subclass by its name
  in :mod:`kg.errors`, so that the web process raises the same class;
* ``("bug", text)``: anything else (the traceback is logged in the query process).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SparqlJob:
    """Run a SPARQL query given by a client.

    :param text: the query (already checked by :mod:`server.policy`).
    :param fmt: a key of :data:`server.results.SOLUTION_FORMATS` or ``GRAPH_FORMATS``; for
        queries whose form does not fit (``json`` for a CONSTRUCT), the caller chose wrongly.
    :param max_rows: rows (or triples) kept at most.
    :param base_iri: what relative IRIs in the query resolve against (the endpoint's URL).
    :param columns: the column order of a ``SELECT *`` (:func:`server.projection.star_columns`).
    :param include_meta: whether the default union holds the meta graph (see
        :meth:`kg.store.GraphStore.query`; ``Settings.union_with_meta``).
    """

    text: str
    fmt: str
    max_rows: int
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None
    columns: tuple[str, ...] | None = None
    include_meta: bool = False


@dataclass(frozen=True)
class SavedJob:
    """Run a saved query of the catalogue with text parameters (resolved in the child)."""

    name: str
    params: tuple[tuple[str, str], ...]
    fmt: str
    limit: int
    offset: int = 0
    dataset_version: str = ""


PAGE_ROWS = 500
"""Rows of each list an entity's HTML page shows at most (``EntityJob`` with ``fmt="page"``)."""


@dataclass(frozen=True)
class EntityJob:
    """Describe one entity: its triples as RDF (``fmt`` a graph format) or, with ``fmt="page"``,
    rows for the HTML page (outgoing and incoming links with labels, evidence).
    """

    iri: str
    fmt: str
    max_rows: int


@dataclass(frozen=True)
class SearchJob:
    """Find entities by name (:mod:`server.search`); ``kind`` one of
    :data:`server.search.KINDS` or ``None`` for any."""

    text: str
    kind: str | None
    limit: int


@dataclass(frozen=True)
class LabelsJob:
    """Find the labels of ``iris`` (:mod:`server.labels`), for the cells of a page."""

    iris: tuple[str, ...]


@dataclass(frozen=True)
class InfoJob:
    """Ask for the dataset version and graph list (for health, ETags, VoID)."""


@dataclass(frozen=True)
class UpdateJob:
    """Run a SPARQL Update (only in write mode, where the child opens the store read-write);
    relative IRIs resolve against ``base_iri`` (the update endpoint's URL)."""

    text: str
    base_iri: str | None = None


@dataclass(frozen=True)
class GraphJob:
    """Send one graph of the Graph Store Protocol, at most ``max_rows`` triples.

    :param graph: the graph IRI; ``None`` for the default graph (the union of all graphs).
    :param fmt: a key of :data:`server.results.GRAPH_FORMATS`.
    """

    graph: str | None
    fmt: str
    max_rows: int


@dataclass(frozen=True)
class GraphWriteJob:
    """Replace (``merge``: add to) a named graph with the RDF in the files ``parts``.

    Write mode only; see :func:`server.uploads.put`.

    :param parts: (file, format key) per body part: one, or several for multipart/form-data.
    """

    graph: str
    parts: tuple[tuple[str, str], ...]
    merge: bool


@dataclass(frozen=True)
class GraphDropJob:
    """Remove a named graph and its provenance (write mode only)."""

    graph: str


@dataclass(frozen=True)
class DumpJob:
    """Write the sorted N-Quads of ``graphs``, gzip-compressed, to the file ``target``.

    The file appears whole or not at all (written beside it, then renamed). Gzip headers carry
    no time or name, so the same graphs give the same bytes.
    """

    graphs: tuple[str, ...]
    target: str


Job = (
    SparqlJob
    | SavedJob
    | EntityJob
    | SearchJob
    | LabelsJob
    | InfoJob
    | UpdateJob
    | DumpJob
    | GraphJob
    | GraphWriteJob
    | GraphDropJob
)


@dataclass(frozen=True)
class Answer:
    """What a job produced: the first chunk of the body and facts about it."""

    body: bytes
    content_type: str
    rows: int
    truncated: bool
    elapsed_ms: float
    more: bool
    columns: list[dict[str, str]]
    info: dict[str, Any]
