"""``pvkg queries``: list the saved-query catalogue, or show one query."""

from __future__ import annotations

import argparse

from kg.catalogue import Catalogue, SavedQuery


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``pvkg queries``."""
    parser = commands.add_parser(
        "queries",
        help="list saved queries or show one",
        description="Without NAME, list the saved-query catalogue: one line per query with its "
        "summary and parameters (NAME=default, '…' when required). With NAME, show that query's "
        "description, parameters and SPARQL. Run one with 'pvkg query --saved NAME'.",
    )
    parser.add_argument(
        "name", nargs="?", help="show this query's parameters and SPARQL (default: list all)"
    )
    parser.set_defaults(handler=run)


def describe(query: SavedQuery) -> str:
    """A saved query's description, parameters and text, for the terminal."""
    lines = [f"{query.name}: {query.summary}"]
    if query.description:
        lines += ["", query.description]
    if query.params:
        lines += ["", "parameters:"]
        for p in query.params:
            default = "required" if p.required else f"default {p.default}"
            example = f"; e.g. {p.example}" if p.example else ""
            lines.append(f"  {p.name} ({p.type}, {default}{example}) {p.description}".rstrip())
    lines += ["", query.sparql.rstrip()]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Print the catalogue or one entry."""
    catalogue = Catalogue()
    if args.name:
        print(describe(catalogue.get(args.name)))
        return 0
    width = max((len(q.name) for q in catalogue), default=0)
    for query in catalogue:
        params = " ".join(f"{p.name}={p.default or '…'}" for p in query.params)
        print(f"{query.name.ljust(width)}  {query.summary}" + (f"  [{params}]" if params else ""))
    return 0
