"""FAERS: FDA's quarterly adverse-event extracts (and legacy AERS) as RDF, with statistics.

``pvkg load faers DIR`` loads one quarter (a directory or FDA's zip), or every quarter in a
directory of them, each into its own named graph ``pvgraph:faers/<yyyy>q<n>``, then recomputes
``pvgraph:faers-statistics`` (deduplication flags and disproportionality statistics) over all
loaded quarters. See ``docs/decisions/`` (FAERS statistics ADR) and :mod:`loaders.faers.loader`.
"""

from __future__ import annotations

import argparse

from loaders.faers.loader import STATISTICS_GRAPH, load, load_quarters, quarter_graph

SOURCE_NAME = "faers"

__all__ = [
    "SOURCE_NAME",
    "STATISTICS_GRAPH",
    "add_arguments",
    "load",
    "load_quarters",
    "quarter_graph",
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the FAERS loader's options: ``--rejects`` and ``--roles``."""
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
