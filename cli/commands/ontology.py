"""``pvkg ontology release``: write the ontology's RDF/XML and JSON-LD from its Turtle.

The release files (``ontology/pvkg.owl``, ``ontology/pvkg.jsonld``) are committed beside
``pvkg.ttl`` so that users get them without running pvkg; this command regenerates them after
an edit of the Turtle, and ``--check`` (what the tests do) reports files that are out of date.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.ontology_release import stale, write_release
from kg.shipped import shipped_dir

DEFAULT = shipped_dir("ontology") / "pvkg.ttl"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``pvkg ontology release``."""
    parser = commands.add_parser(
        "ontology",
        help="ontology tooling: write the RDF/XML and JSON-LD releases",
        description="Work with the pvkg ontology file.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    release = actions.add_parser(
        "release",
        help="write pvkg.owl (RDF/XML) and pvkg.jsonld (JSON-LD) beside the Turtle",
        description="Write the RDF/XML and JSON-LD of the Turtle ontology beside it: the same "
        "triples, deterministic bytes (sorted, blank nodes numbered in order).",
    )
    release.add_argument(
        "turtle",
        nargs="?",
        type=Path,
        default=DEFAULT,
        help=f"the Turtle file (default: {DEFAULT})",
    )
    release.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if a release file is missing or out of date",
    )
    release.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write (or check) the release files; one line per file on stdout."""
    if args.check:
        outdated = stale(args.turtle)
        for path in outdated:
            print(f"{path}: out of date; run `pvkg ontology release`", file=sys.stderr)
        return 1 if outdated else 0
    for path in write_release(args.turtle):
        print(f"wrote {path}")
    return 0
