"""FAERS: FDA's quarterly adverse-event extracts (and legacy AERS) as RDF, with statistics.

``pvkg load faers DIR`` loads one quarter (a directory or FDA's zip), or every quarter in a
directory of them, each into its own named graph ``pvgraph:faers/<yyyy>q<n>``, then recomputes
the graphs derived from all loaded quarters: ``pvgraph:faers-entities`` (each drug and condition
described once), ``pvgraph:faers-statistics`` (disproportionality statistics), and per quarter
``pvgraph:faers-dedup/<q>`` and ``pvgraph:faers-history/<q>``. See ``docs/decisions/`` (ADRs
0008, 0010) and :mod:`loaders.faers.loader`.
"""

from __future__ import annotations

import argparse

from loaders.faers.entities import ENTITY_GRAPH
from loaders.faers.history import history_graph
from loaders.faers.loader import load, load_quarters, unload
from loaders.faers.signals import STATISTICS_GRAPH
from loaders.faers.statuses import dedup_graph
from loaders.faers.swaps import quarter_graph

SOURCE_NAME = "faers"

__all__ = [
    "ENTITY_GRAPH",
    "SOURCE_NAME",
    "STATISTICS_GRAPH",
    "add_arguments",
    "dedup_graph",
    "history_graph",
    "load",
    "load_quarters",
    "quarter_graph",
    "unload",
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the FAERS loader's options: ``--rejects``, ``--roles``, ``--casebase``,
    ``--allow-partial`` and ``--optimize``."""
    parser.add_argument(
        "--rejects",
        metavar="FILE",
        help="where to list rows that could not be read (default: <store>/rejects/...)",
    )
    parser.add_argument(
        "--roles",
        default="PS,SS",
        metavar="CODES",
        help="drug roles counted as exposure in the statistics (default: PS,SS)",
    )
    parser.add_argument(
        "--casebase",
        metavar="DIR",
        help="the case base directory (default: $PVKG_CASEBASE, else <store>/casebase for a "
        "store directory, else one per server URL under ~/.local/share/pvkg/casebase)",
    )
    parser.add_argument(
        "--allow-partial",
        action="store_true",
        help="load a quarter even when a table loses more than 10%% of its rows to rejects "
        "(by default such a table fails the load: it looks damaged or of another kind)",
    )
    parser.add_argument(
        "--optimize",
        choices=("always", "never"),
        default="never",
        help="compact the whole store after the load; its cost grows with the store (95 s at "
        "32 M triples), so loads leave it to 'pvkg optimize', run once after the last one: "
        "queries that read many quarters' evidence (drugs-treating-and-inducing) run about 3x "
        "faster after it (default: never; see BENCHMARKS.md)",
    )
