"""``pvkg query``: run a saved query, a ``.rq`` file or inline SPARQL against the store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.context import open_store
from cli.output import FORMAT_NAMES, write_result
from kg.catalogue import Catalogue, SavedQuery, parse_saved_query
from kg.errors import InputError, ParameterError, QueryError
from kg.nesting import check_depth
from kg.params import run_saved
from kg.store import GraphStore, QueryResult
from kg.syntax_errors import explain


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``pvkg query``."""
    parser = commands.add_parser(
        "query",
        help="run SPARQL: a saved query, a .rq file or inline text",
        description="Run a SPARQL query. Saved queries take --param NAME=VALUE; entity values "
        "may be a label (psoriasis), a CURIE (mesh:D011565) or an IRI.",
    )
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("file", nargs="?", type=Path, help="a .rq file")
    what.add_argument("--saved", metavar="NAME", help="name of a saved query (see 'pvkg queries')")
    what.add_argument("-e", "--expression", metavar="SPARQL", help="inline SPARQL text")
    parser.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a saved-query parameter (repeatable; default: the query's own defaults)",
    )
    parser.add_argument(
        "--format",
        "-f",
        choices=FORMAT_NAMES,
        default="table",
        help="'table' for people (default: table); json, xml, csv, tsv for solutions; "
        "turtle, ntriples, jsonld, rdfxml for graphs",
    )
    parser.set_defaults(handler=run)


def parse_params(pairs: list[str]) -> dict[str, str]:
    """``["a=1", "b=x=y"]`` → ``{"a": "1", "b": "x=y"}``.

    :raises ParameterError: for an item without ``=``.
    """
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ParameterError(pair, "give parameters as NAME=VALUE")
        params[name.strip()] = value
    return params


def _saved(args: argparse.Namespace) -> SavedQuery | None:
    if args.saved:
        return Catalogue().get(args.saved)
    if args.file is not None:
        if not args.file.is_file():
            raise InputError("no such file", path=str(args.file))
        return parse_saved_query(args.file) if _has_header(args.file) else None
    return None


def _has_header(path: Path) -> bool:
    return any(line.startswith("#+") for line in path.read_text(encoding="utf-8").splitlines())


def _query(store: GraphStore, text: str) -> QueryResult:
    """Run ``text``; a syntax error shows the line, a caret and what was expected."""
    try:
        return store.query(text)
    except QueryError as error:
        friendly = explain(text, str(error))
        if friendly is None:
            raise
        raise QueryError(friendly) from None


def run(args: argparse.Namespace) -> int:
    """Run the query and write its result to standard output."""
    params = parse_params(args.param)
    saved = _saved(args)
    store = open_store(args, read_only=True)
    if saved is not None:
        result = run_saved(store, saved, params)
    else:
        if params:
            raise ParameterError(next(iter(params)), "only saved queries take parameters")
        text = args.expression if args.expression else args.file.read_text(encoding="utf-8")
        check_depth(text)
        result = _query(store, text)
    write_result(result, args.format, sys.stdout.buffer)
    sys.stdout.flush()
    return 0
