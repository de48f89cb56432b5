"""Curated published case reports: YAML files (one per publication) mapped to RDF.

``pvkg load casereport PATH`` loads one curated file, or every ``*.yaml`` file of a directory,
each publication into its own named graph ``pvgraph:casereport/<key>``. All files are read and
validated before the store is touched, so a malformed file leaves the store unchanged. The
curated seed publications ship in ``data/`` (:func:`bundled`); the format is documented in
``docs/casereport-format.md``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.errors import InputError
from kg.iris import graph_iri
from kg.staging import StagedGraph, file_checksum, replace_staged
from kg.store import GraphStore, LoadSummary, Provenance
from loaders.casereport.consistency import check_shared_entities
from loaders.casereport.mapping import publication_triples
from loaders.casereport.publication import read_publication
from loaders.casereport.schema import Publication

SOURCE_NAME = "casereport"
LOADER = "loaders.casereport 0.1.0"
DATA = Path(__file__).resolve().parent / "data"


def bundled() -> list[Path]:
    """The curated files shipped with pvkg, sorted by name."""
    return sorted(DATA.glob("*.yaml"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the loader's options: ``--check`` validates without loading."""
    parser.add_argument(
        "--check",
        action="store_true",
        help="only validate the curated file(s); do not touch the store",
    )


def curated_files(path: Path) -> list[Path]:
    """The curated files named by ``path``: the file itself, or a directory's ``*.yaml`` files.

    :raises InputError: if ``path`` does not exist or a directory holds no ``.yaml`` file.
    """
    if path.is_dir():
        files = sorted(path.glob("*.yaml"))
        if not files:
            raise InputError("directory holds no curated .yaml file", path=str(path))
        return files
    if not path.is_file():
        raise InputError("no such file or directory", path=str(path))
    return [path]


def read_all(path: Path) -> list[Publication]:
    """Read and validate every curated file under ``path`` and check them against each other.

    :raises InputError: naming file, entry and field of the first problem.
    """
    publications = [read_publication(p) for p in curated_files(path)]
    check_shared_entities(publications)
    return publications


def load(store: GraphStore, path: Path, **options: object) -> LoadSummary:
    """Load curated publication(s) from ``path`` into ``store``, one graph per publication.

    :param store: the store to write to.
    :param path: a curated ``.yaml`` file or a directory of them.
    :param options: ``check=True`` only validates.
    :return: what was loaded (for a directory: the ``casereport`` graph family, with one note
        per publication graph).
    :raises InputError: if any file breaks the format; the store is then unchanged.
    """
    publications = read_all(path)
    if options.get("check"):
        graph = graph_iri(SOURCE_NAME)
        notes = tuple(f"{p.path.name}: valid" for p in publications)
        return LoadSummary(graph=graph, triples=0, records=len(publications), notes=notes)
    loaded = [(p, _load_one(store, p)) for p in publications]
    if len(loaded) == 1:
        publication, count = loaded[0]
        graph = graph_iri(SOURCE_NAME, publication.key)
        return LoadSummary(graph=graph, triples=count, records=len(publication.patients))
    notes = tuple(f"{graph_iri(SOURCE_NAME, p.key).value}: {n:,} triples" for p, n in loaded)
    return LoadSummary(
        graph=graph_iri(SOURCE_NAME),
        triples=sum(n for _, n in loaded),
        records=sum(len(p.patients) for p, _ in loaded),
        notes=notes,
    )


def _load_one(store: GraphStore, publication: Publication) -> int:
    graph = graph_iri(SOURCE_NAME, publication.key)
    provenance = Provenance(
        source=SOURCE_NAME,
        files=(str(publication.path),),
        checksum=file_checksum([publication.path]),
        loader=LOADER,
        title=f"Curated case report: {publication.label}",
    )
    with StagedGraph() as staged:
        staged.extend(publication_triples(publication))
        return replace_staged(store, graph, staged.finish(), provenance)
