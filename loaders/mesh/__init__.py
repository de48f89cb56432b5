"""MeSH: NLM's Medical Subject Headings (RDF or XML) into the ``mesh`` named graph.

``pvkg load mesh PATH [--trees C,D]`` reads MeSH RDF (``.nt``, ``.nt.gz``, ``.ttl``) or MeSH XML
(descriptor and supplementary-record files, ``.xml``/``.xml.gz``), or a directory of such
files, into ``pvgraph:mesh``. IRIs stay NLM's (``http://id.nlm.nih.gov/mesh/D011565``) with the
``meshv:`` vocabulary, so the graph joins NLM's own SPARQL data. The whole input is parsed and
validated into a staged file before the store is touched: a malformed file changes nothing.
``--trees`` keeps only some tree categories (rules in :mod:`loaders.mesh.trees`).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import Triple

from kg.errors import InputError
from kg.iris import graph_iri
from kg.progress import Progress, counting, no_progress
from kg.staging import StagedGraph, file_checksum, replace_staged
from kg.store import GraphStore, LoadSummary, Provenance
from loaders.mesh import rdf, xml_records
from loaders.mesh.selection import stage_mesh
from loaders.mesh.trees import parse_trees

SOURCE_NAME = "mesh"
LOADER = "loaders.mesh 0.1.0"
MESH_GRAPH = graph_iri("mesh")
"""The named graph holding MeSH."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``pvkg load mesh``."""
    parser.add_argument(
        "--trees",
        metavar="CATEGORIES",
        help="keep only these tree categories or tree number prefixes, comma-separated "
        "(e.g. C,D or C,D27,F03); the pharmacological-action classes of kept records and "
        "the paths to the tree roots are always kept (default: all of MeSH)",
    )


def input_files(path: Path) -> list[Path]:
    """The MeSH files to read: ``path`` itself, or the MeSH files in a directory, sorted.

    :raises InputError: if ``path`` is missing, of an unknown kind, or a directory without any.
    """
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.is_file() and _is_mesh_file(p))
        if not found:
            raise InputError("directory holds no .nt, .ttl or .xml MeSH file", path=str(path))
        return found
    if not path.exists():
        raise InputError("no such file or directory", path=str(path))
    if not _is_mesh_file(path):
        raise InputError("not a MeSH file name (.nt, .ttl or .xml, optionally .gz)", path=str(path))
    return [path]


def _is_mesh_file(path: Path) -> bool:
    return xml_records.is_xml(path) or rdf.rdf_format(path) is not None


def read_all(files: list[Path]) -> Iterator[Triple]:
    """Stream the triples of every file; XML files add ``broaderDescriptor`` at the end."""
    holders: dict[str, str] = {}
    for path in files:
        if xml_records.is_xml(path):
            yield from xml_records.read_triples(path, holders)
        else:
            yield from rdf.read_triples(path)
    yield from xml_records.broader_triples(holders)


def load(
    store: GraphStore,
    path: Path,
    *,
    trees: str | None = None,
    progress: Progress = no_progress,
) -> LoadSummary:
    """Replace the ``mesh`` graph with the MeSH file(s) at ``path``.

    :param store: the store to write.
    :param path: a MeSH RDF or XML file, or a directory of them.
    :param trees: tree categories to keep (``"C,D"``); ``None`` keeps all of MeSH.
    :param progress: told how many triples were read, then when the graph is written.
    :return: what was loaded.
    :raises InputError: if a file is missing or malformed or holds no MeSH record, or
        ``trees`` is not a list of tree categories; the store is then unchanged.
    """
    try:
        tree_filter = parse_trees(trees)
    except ValueError as error:
        raise InputError(str(error), field="--trees") from None
    files = input_files(path)
    with StagedGraph() as staged:
        result = stage_mesh(
            lambda: counting(read_all(files), "reading MeSH triples", progress),
            staged,
            tree_filter,
            str(path),
        )
        staged_file = staged.finish()
        title = "MeSH (NLM Medical Subject Headings)"
        if not tree_filter.everything:
            title += f", trees {','.join(tree_filter.categories)}"
        provenance = Provenance(
            source=SOURCE_NAME,
            files=tuple(str(f) for f in files),
            checksum=file_checksum(files),
            loader=LOADER,
            title=title,
        )
        progress("writing the mesh graph to the store", 0)
        count = replace_staged(store, MESH_GRAPH, staged_file, provenance)
    notes = [f"{result.triples_read:,} triples read"]
    if not tree_filter.everything:
        notes.append(f"{result.records_kept:,} of {result.records_read:,} records kept")
    return LoadSummary(
        graph=MESH_GRAPH, triples=count, records=result.records_kept, notes=tuple(notes)
    )
