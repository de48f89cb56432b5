"""Load the pvkg OWL ontology (``ontology/pvkg.ttl``) into the ontology graph."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.iris import ONTOLOGY_GRAPH
from kg.shipped import shipped_dir
from kg.store import GraphStore, LoadSummary
from loaders import rdf

SOURCE_NAME = "ontology"

DEFAULT_PATH = shipped_dir("ontology") / "pvkg.ttl"
"""The ontology shipped with pvkg."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``pvkg load ontology`` takes no options besides the path."""


def load(store: GraphStore, path: Path = DEFAULT_PATH) -> LoadSummary:
    """Replace the ontology graph with the ontology file at ``path``.

    :raises kg.errors.InputError: if the file is missing or does not parse.
    """
    return rdf.load(
        store, path, graph=ONTOLOGY_GRAPH.value, title="pvkg ontology", source="ontology"
    )
