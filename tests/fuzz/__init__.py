"""The loaders' fuzz corpus: valid seeds, mutations, the cases and the driver that runs them."""

from __future__ import annotations

from pathlib import Path

from fuzz.corpus import Case, Corpus, faers_cases
from fuzz.file_cases import casereport_cases, mesh_cases, rdf_cases, sssom_cases


def build(root: Path) -> list[Case]:
    """Write every case's input under ``root`` and return the cases."""
    corpus = Corpus(root)
    for add in (faers_cases, mesh_cases, sssom_cases, casereport_cases, rdf_cases):
        add(corpus)
    return corpus.cases
