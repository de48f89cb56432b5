"""``pvkg unload SOURCE RELEASE``: remove a release of a source; refresh what derives from it."""

from __future__ import annotations

import argparse

from cli.commands.infer import refresh_inferred
from cli.commands.load import report
from cli.context import open_store
from cli.progress import showing
from cli.sources import discover


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``pvkg unload`` with one sub-command per loader that can remove a release."""
    parser = commands.add_parser(
        "unload",
        help="remove one release of a source (a FAERS quarter) and refresh its statistics",
        description="Remove one release of a source, e.g. 'pvkg unload faers 2024q1', and "
        "recompute the graphs derived from it (FAERS statistics, history, deduplication). An "
        "unknown release is an error and leaves the store as it was.",
    )
    sources = parser.add_subparsers(dest="source", metavar="SOURCE", required=True)
    for name, loader in discover().items():
        remove = getattr(loader, "unload", None)
        if remove is None:
            continue
        about = f"remove one {name} release and recompute what derives from it"
        sub = sources.add_parser(name, help=about, description=about[0].upper() + about[1:] + ".")
        sub.add_argument("release", help="the release to remove (FAERS: a quarter, e.g. 2024q1)")
        sub.add_argument(
            "--roles",
            default="PS,SS",
            metavar="CODES",
            help="drug roles counted as exposure (default: PS,SS)",
        )
        sub.add_argument(
            "--casebase",
            metavar="DIR",
            help="the case base directory (default: as for 'pvkg load faers')",
        )
        sub.set_defaults(handler=run, remove=remove)


def run(args: argparse.Namespace) -> int:
    """Open the store read-write and remove the release."""
    store = open_store(args)
    try:
        with showing(f"removing {args.source} {args.release}"):
            summary = args.remove(store, args.release, roles=args.roles, casebase=args.casebase)
        print(report(summary))
        refresh_inferred(store)
    finally:
        store.close()
    return 0
