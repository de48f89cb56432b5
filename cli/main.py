"""Entry point of the ``pvkg`` command: global options, sub-command discovery, error reporting.

Errors a user can cause (:class:`kg.errors.PvkgError`) are printed as one line on stderr with
exit status 1; usage errors exit with 2 (argparse's convention). Anything else is a bug and keeps
its traceback.

Run as a program, ``pvkg`` first executes itself again with a faster memory allocator preloaded
when one is installed (:mod:`kg.allocator`; ``PVKG_ALLOCATOR=system`` keeps the C library's).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

import cli.commands
from kg import __version__
from kg.allocator import ENV_ALLOCATOR, PRELOAD, environment
from kg.errors import PvkgError
from kg.location import ENV_STORE


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every module of :mod:`cli.commands` registered."""
    parser = argparse.ArgumentParser(
        prog="pvkg",
        description="Pharmacovigilance knowledge graph: build, load, query and serve it.",
        epilog=f"${ENV_ALLOCATOR}: memory allocator of every pvkg process — 'auto' (default: "
        "mimalloc or jemalloc when installed, preloaded; pyoxigraph runs faster with them), "
        "'system' (the C library's), or the path of a shared library.",
    )
    parser.add_argument("--version", action="version", version=f"pvkg {__version__}")
    add_global_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in sorted(pkgutil.iter_modules(cli.commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"cli.commands.{module.name}").register(commands)
    for sub in sub_parsers(parser):
        add_global_options(sub)
    return parser


def add_global_options(parser: argparse.ArgumentParser) -> None:
    """The options every command takes, before or after its name (``pvkg build --store X``).

    They default to :data:`argparse.SUPPRESS`, so that an option not given after the command
    leaves the value given before it in place.
    """
    parser.add_argument(
        "--store",
        metavar="LOCATION",
        default=argparse.SUPPRESS,
        help=f"store directory or SPARQL endpoint URL (default: ${ENV_STORE}, "
        "else ~/.local/share/pvkg/store)",
    )


def sub_parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every sub-command's parser below ``parser``, at any depth (``load faers`` too)."""
    found: list[argparse.ArgumentParser] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += [sub, *sub_parsers(sub)]
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``pvkg`` with ``argv`` (default: the process arguments); return the exit status.

    Without ``argv`` (run as a program) the process may first be replaced by itself with an
    allocator preloaded (:func:`with_allocator`).
    """
    try:
        if argv is None:
            with_allocator()
        args = build_parser().parse_args(argv)
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


def with_allocator() -> None:
    """Execute this program again with the allocator ``PVKG_ALLOCATOR`` chose preloaded.

    Returns (and the program goes on as it is) when the choice is the C library's, when no
    allocator is installed, or when ``LD_PRELOAD`` is already set: by the user, or by this
    function before the program was executed again.

    :raises kg.errors.InputError: if ``PVKG_ALLOCATOR`` names a library that does not exist.
    """
    env = environment()
    if env.get(PRELOAD) == os.environ.get(PRELOAD):
        return
    sys.stdout.flush()
    sys.stderr.flush()
    command = [sys.executable, *sys.orig_argv[1:]]  # the same interpreter options and arguments
    os.execve(sys.executable, command, env)  # noqa: S606 - no shell


if __name__ == "__main__":
    sys.exit(main())
