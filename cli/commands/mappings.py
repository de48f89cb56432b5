"""``pvkg mappings export|import``: the MeSH links as SSSOM TSV, out and back in."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.context import open_store
from cli.output import counted
from cli.progress import showing
from loaders.meshlink import write_links
from loaders.meshlink.sssom import export, read_sssom


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``pvkg mappings export`` and ``pvkg mappings import``."""
    parser = commands.add_parser(
        "mappings",
        help="export or import the MeSH links as SSSOM TSV",
        description="Write the MeSH links of the store as an SSSOM TSV file for review, or "
        "replace them with the mappings of a reviewed file.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    about = "write the MeSH links as SSSOM TSV"
    out = actions.add_parser("export", help=about, description=about[0].upper() + about[1:] + ".")
    out.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
    out.set_defaults(handler=run_export)
    back = actions.add_parser(
        "import",
        help="replace the MeSH links with those of an SSSOM TSV file (and rebuild the closure)",
        description="Validate an SSSOM TSV file, then replace the MeSH links with its mappings "
        "and rebuild the hierarchy closure and drug-class membership.",
    )
    back.add_argument("file", type=Path, help="SSSOM TSV file")
    back.add_argument(
        "--allow-empty",
        action="store_true",
        help="accept a file with no mapping row, removing every link (refused by default: a "
        "header-only file is usually a cut or mistaken one)",
    )
    back.set_defaults(handler=run_import)


def run_export(args: argparse.Namespace) -> int:
    """Write the links of the store as SSSOM TSV."""
    store = open_store(args, read_only=True)
    try:
        if args.output is None:
            rows = export(store, sys.stdout)
        else:
            with args.output.open("w", encoding="utf-8", newline="") as out:
                rows = export(store, out)
    finally:
        store.close()
    print(f"{counted(rows, 'mapping')} written", file=sys.stderr)
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Validate an SSSOM file, then replace the links graph with its mappings."""
    links = read_sssom(args.file, allow_empty=args.allow_empty)
    store = open_store(args)
    try:
        with showing("writing the MeSH links"):
            summary = write_links(store, links, files=(str(args.file),))
    finally:
        store.close()
    print(
        f"{summary.graph.value}: {counted(len(links), 'mapping')} imported, "
        f"{counted(summary.triples, 'triple')}, "
        f"{summary.hierarchy:,} hasAncestor, {summary.memberships:,} memberOfClass"
    )
    return 0
