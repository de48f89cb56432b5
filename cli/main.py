"""Entry point of the ``pvkg`` command: global options, sub-command discovery, error reporting.

Errors a user can cause (:class:`kg.errors.PvkgError`) are printed as one line on stderr with
exit status 1; usage errors exit with 2 (argparse's convention). Anything else is a bug and keeps
its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

import cli.commands
from kg import __version__
from kg.errors import PvkgError
from kg.store import ENV_STORE


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every module of :mod:`cli.commands` registered."""
    parser = argparse.ArgumentParser(
        prog="pvkg",
        description="Pharmacovigilance knowledge graph: build, load, query and serve it.",
    )
    parser.add_argument("--version", action="version", version=f"pvkg {__version__}")
    parser.add_argument(
        "--store",
        metavar="LOCATION",
        help=f"store directory or SPARQL endpoint URL (default: ${ENV_STORE}, "
        "else ~/.local/share/pvkg/store)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in sorted(pkgutil.iter_modules(cli.commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"cli.commands.{module.name}").register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``pvkg`` with ``argv`` (default: the process arguments); return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        status: int = args.handler(args)
    except PvkgError as error:
        print(f"pvkg: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("pvkg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    return status


if __name__ == "__main__":
    sys.exit(main())
