"""``pvkg link``: link every drug and condition to MeSH and rebuild the hierarchy closure."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from cli.commands.infer import refresh_inferred
from cli.context import open_store
from cli.output import counted
from cli.progress import showing
from loaders.meshlink import LinkSummary, link


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``pvkg link``."""
    parser = commands.add_parser(
        "link",
        help="link drugs and conditions to MeSH (needs 'pvkg load mesh' first)",
        description="Match every pv:Drug and pv:Condition label against MeSH names and entry "
        "terms (curated overrides first) and replace the mesh-links graph with the links, "
        "their justification and confidence, the condition hierarchy closure "
        "(pv:hasAncestor) and drug-class membership (pv:memberOfClass).",
    )
    parser.add_argument(
        "--overrides", type=Path, help="curated overrides TSV (default: the shipped one)"
    )
    parser.add_argument(
        "--class-additions",
        type=Path,
        help="curated drug-class additions TSV (default: the shipped one)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="rebuild the MeSH lexicon from the store instead of using the cached one",
    )
    parser.add_argument(
        "--unmapped",
        type=Path,
        metavar="FILE",
        help="write the unmapped entities (kind, entity, label, reason) as TSV; '-' for stdout "
        "(default: not written)",
    )
    parser.set_defaults(handler=run)


def describe(summary: LinkSummary) -> str:
    """One line describing a linking run."""
    parts = [f"{summary.graph.value}: {counted(summary.triples, 'triple')}"]
    for kind in sorted(summary.entities):
        total = summary.entities[kind]
        linked = summary.linked.get(kind, 0)
        parts.append(f"{kind}s {linked:,}/{total:,} linked ({summary.coverage(kind):.0%})")
    parts.append(
        f"{summary.exact:,} exact, {summary.close:,} close, {summary.broad:,} broad, "
        f"{summary.curated:,} curated"
    )
    parts.append(f"{summary.hierarchy:,} hasAncestor, {summary.memberships:,} memberOfClass")
    parts.append(f"{len(summary.unmapped):,} unmapped")
    return "; ".join(parts)


def run(args: argparse.Namespace) -> int:
    """Run the linker on the store."""
    store = open_store(args)
    try:
        with showing("linking drugs and conditions to MeSH") as progress:
            summary = link(
                store,
                overrides=args.overrides,
                class_additions=args.class_additions,
                use_cache=not args.no_cache,
                progress=progress,
            )
        print(describe(summary))
        refresh_inferred(store)
    finally:
        store.close()
    if args.unmapped is not None:
        rows = [(u.kind, u.subject.value, u.label, u.reason) for u in summary.unmapped]
        if str(args.unmapped) == "-":
            _write_unmapped(rows, sys.stdout)
        else:
            with args.unmapped.open("w", encoding="utf-8", newline="") as out:
                _write_unmapped(rows, out)
    return 0


def _write_unmapped(rows: list[tuple[str, str, str, str]], out: object) -> None:
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")  # type: ignore[arg-type]
    writer.writerow(("kind", "entity", "label", "reason"))
    writer.writerows(rows)
