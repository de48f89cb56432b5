"""SPARQL Updates of the write endpoint, extended to keep the meta graph's provenance right.

A load or a Graph Store Protocol write goes through :meth:`kg.store.GraphStore.replace_graph`,
which records each graph's exact triple count (``void:triples``, read by VoID and the dumps)
and its load time (``prov:endedAtTime``, part of the dataset version). A SPARQL Update changes
triples without touching that record, so :func:`with_refresh` appends to the client's update,
in the same request and so in the same transaction, one operation per recorded graph the update
may have changed: it sets the graph's ``void:triples`` to a ``COUNT`` of its triples and its
``prov:endedAtTime`` to now (with microseconds, so every write changes the dataset version).
The checksum, files and loader still describe the last load.

Which graphs an update may change is read from its text (:func:`named_graphs`): recorded graphs
named by a full IRI or by a prefixed name of its ``PREFIX`` declarations. When that cannot be
told cheaply (``GRAPH ?var``, ``ALL``, ``NAMED``, ``BASE``, relative IRIs, ``\\u`` escapes),
every recorded graph is refreshed. Counting reads each refreshed graph once, within the write's
deadline. Such an update may also reach the meta graph (``CLEAR ALL`` would wipe it), so the
meta graph as it was is put back in the same transaction (:func:`restore_meta`) before the
counts are refreshed; an update naming the meta graph is refused before it gets here.

The kg store interface has no call for this, so it is done with ``GraphStore.update`` here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import cast

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, serialize

from kg.binding import code_spans
from kg.iris import META_GRAPH
from kg.namespaces import PROV, VOID, XSD
from kg.provenance import activity_iri
from kg.store import GraphStore

_IRI = re.compile(r"<([^<>\"{}|^`\\\s]*)>")
_PREFIX = re.compile(
    r"(?<![?$:\w])PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\"{}|^`\\\s]*)>", re.IGNORECASE
)
_PNAME = re.compile(r"(?<![?$:\w<])([A-Za-z][\w.-]*)?:([\w.-]*)")
_META_TRIPLES = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {META_GRAPH} {{ ?s ?p ?o }} }}"
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_UNKNOWN = re.compile(
    r"(?<![?$:\w])(?:GRAPH\s*[?$]|ALL(?![\w:])|NAMED(?![\w:])|BASE(?![\w:]))", re.IGNORECASE
)


def named_graphs(text: str, recorded: Iterable[NamedNode]) -> list[NamedNode]:
    """The recorded graphs an update may change, judged from its text (over- rather than under-).

    >>> g = [NamedNode("http://ex.org/g1"), NamedNode("http://ex.org/g2")]
    >>> named_graphs("PREFIX e: <http://ex.org/> INSERT DATA { GRAPH e:g2 { e:s e:p 1 } }", g)
    [<NamedNode value=http://ex.org/g2>]
    >>> len(named_graphs("DELETE WHERE { GRAPH ?g { ?s ?p 1 } }", g))
    2
    """
    graphs = list(recorded)
    names = _names(text)
    if names is None:
        return graphs
    return [graph for graph in graphs if graph.value in names]


def names_graph(text: str, graph: NamedNode) -> bool:
    """Whether an update names ``graph`` by its IRI or a prefixed name (not by a variable).

    >>> meta = NamedNode("http://ex.org/meta")
    >>> names_graph("PREFIX e: <http://ex.org/> CLEAR GRAPH e:meta", meta)
    True
    >>> names_graph("DELETE WHERE { GRAPH ?g { ?s ?p ?o } }", meta)
    False
    """
    return graph.value in (_names(text, always=True) or ())


def _names(text: str, *, always: bool = False) -> set[str] | None:
    """IRIs an update names (full or prefixed), ``None`` if it may reach graphs it does not
    name (``GRAPH ?var``, ``ALL``, ``NAMED``, ``BASE``, relative IRIs, escapes) unless
    ``always``."""
    code = [text[begin:end] for begin, end in code_spans(text)]
    iris = [m.group(1) for m in _IRI.finditer(text)]
    unknown = "\\u" in text or "\\U" in text or any(_UNKNOWN.search(piece) for piece in code)
    if not always and (unknown or not all(_ABSOLUTE.match(iri) for iri in iris)):
        return None
    prefixes = {m.group(1) or "": m.group(2) for m in _PREFIX.finditer(text)}
    names = set(iris)
    for piece in code:
        for match in _PNAME.finditer(piece):
            namespace = prefixes.get(match.group(1) or "")
            if namespace is not None:
                names.add(namespace + match.group(2))
    return names


def refresh(graph: NamedNode, at: Literal) -> str:
    """The update setting ``graph``'s recorded triple count to its count now, and its time."""
    activity = activity_iri(graph)
    return (
        f"DELETE {{ GRAPH {META_GRAPH} {{ {graph} {VOID['triples']} ?old . "
        f"{activity} {PROV['endedAtTime']} ?at }} }}\n"
        f"INSERT {{ GRAPH {META_GRAPH} {{ {graph} {VOID['triples']} ?n . "
        f"{activity} {PROV['endedAtTime']} {at} }} }}\n"
        f"WHERE {{ GRAPH {META_GRAPH} {{ {graph} {VOID['triples']} ?old . "
        f"{activity} {PROV['endedAtTime']} ?at }}\n"
        f"  {{ SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }} }} }}"
    )


def with_refresh(store: GraphStore, text: str) -> str:
    """``text`` followed by :func:`refresh` of each recorded graph it may change.

    The operations are joined with ``;`` into one request (one transaction): a write stopped at
    its deadline leaves both the triples and their record as they were.
    """
    graphs = named_graphs(text, (info.graph for info in store.graphs()))
    if not graphs:
        return text
    now = datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
    at = Literal(now, datatype=XSD["dateTime"])
    restore = [] if _names(text) is not None else [restore_meta(store)]
    operations = ";\n".join(restore + [refresh(graph, at) for graph in graphs])
    separator = "\n" if _ends_with_separator(text) else "\n;\n"
    return text + separator + operations


def restore_meta(store: GraphStore) -> str:
    """The update putting the meta graph back as it is now.

    Appended to an update that may reach graphs it does not name (``CLEAR ALL``, ``DROP
    NAMED``, ``DELETE WHERE { GRAPH ?g … }``), so that the provenance survives it: the meta graph
    is written by the store only (updates naming it are refused, :mod:`server.write`).
    """
    snapshot = store.query(_META_TRIPLES)
    body = serialize(cast(Iterable[Triple], snapshot), format=RdfFormat.N_TRIPLES) or b""
    return (
        f"DROP SILENT GRAPH {META_GRAPH} ;\n"
        f"INSERT DATA {{ GRAPH {META_GRAPH} {{\n{body.decode()}}} }}"
    )


def _ends_with_separator(text: str) -> bool:
    """Whether the last token of ``text`` (comments aside) is the operation separator ``;``."""
    spans = code_spans(text)
    kept: list[str] = []
    ends = [begin for begin, _ in spans[1:]] + [len(text)]
    for (begin, end), following in zip(spans, ends, strict=True):
        kept.append(text[begin:end])
        skipped = text[end:following]
        if not skipped.startswith("#"):
            kept.append(skipped)
    return "".join(kept).rstrip().endswith(";")
