"""``pvkg serve``: the HTTP service (SPARQL endpoint, saved-query API, pages) under gunicorn.

Starts gunicorn programmatically (a :class:`gunicorn.app.base.BaseApplication`), not Flask's
development server: ``--workers`` pre-forked web workers with ``--threads`` threads each, every
worker with its own pool of ``--query-processes`` query processes that open the store read-only
(several processes share one embedded store). Queries past ``--timeout`` seconds are stopped.
A write endpoint (``POST /update``, and ``PUT``/``POST``/``DELETE /rdf-graphs`` of the Graph
Store Protocol) exists only when ``PVKG_WRITE_TOKEN`` is set; the store is then opened
read-write by a single query process and one web worker.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import socket
import threading
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from cli.context import store_location
from cli.http_errors import REQUEST_LINE_LIMIT
from cli.http_errors import install as install_problem_errors
from cli.read_timeout import when_ready_hook
from kg.catalogue import Catalogue
from kg.errors import InputError, PvkgError, StoreError
from kg.location import open_store

ENV_WRITE_TOKEN = "PVKG_WRITE_TOKEN"  # noqa: S105 - the variable name, not a secret


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``pvkg serve``."""
    parser = commands.add_parser(
        "serve",
        help="serve the store over HTTP: SPARQL 1.1 endpoint, saved-query API, browser page",
        description="Serve the store read-only over HTTP with gunicorn. Set PVKG_WRITE_TOKEN "
        "to enable the token-guarded writes: POST /update and PUT/POST/DELETE /rdf-graphs.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    parser.add_argument("--workers", type=int, default=2, help="web worker processes (default: 2)")
    parser.add_argument(
        "--threads",
        type=int,
        default=256,
        help="threads per web worker; a thread waits on a client or a query process, so many "
        "are cheap, and clients that stall mid-request hold one each (default: 256)",
    )
    parser.add_argument(
        "--query-processes", type=int, default=2, help="query processes per web worker (default: 2)"
    )
    parser.add_argument(
        "--timeout", type=float, default=5.0, help="deadline of one query, seconds (default 5)"
    )
    parser.add_argument(
        "--read-timeout",
        type=float,
        default=5.0,
        help="longest pause of a client sending its request, seconds; it is then answered 408 "
        "and its connection closed (default 5)",
    )
    parser.add_argument(
        "--max-rows", type=int, default=10000, help="row cap of one answer (default: 10000)"
    )
    parser.add_argument(
        "--max-query-bytes",
        type=int,
        default=65536,
        help="longest query text accepted, bytes (default: 65536)",
    )
    parser.add_argument(
        "--queries",
        metavar="DIR",
        help="saved-query directory (default: $PVKG_QUERIES, else the shipped queries)",
    )
    parser.add_argument(
        "--dump-dir",
        metavar="DIR",
        help="where /dump/*.nq.gz files are kept (default: a folder in the temporary directory)",
    )
    parser.add_argument(
        "--service-allow",
        action="append",
        default=[],
        metavar="HOST",
        help="host a SERVICE clause may call (repeatable; default: none)",
    )
    parser.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="origin allowed by CORS (repeatable; default: any)",
    )
    parser.add_argument(
        "--log-level",
        default="info",
        choices=("debug", "info", "warning", "error"),
        help="'info' logs every request (default: info)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Check the store and the catalogue, then serve until interrupted."""
    location = store_location(args)
    token = os.environ.get(ENV_WRITE_TOKEN) or None
    for name in ("workers", "threads", "query_processes", "port"):
        if getattr(args, name) < 1:
            raise InputError(f"must be at least 1, not {getattr(args, name)}", field=name)
    for name in ("timeout", "read_timeout"):
        if getattr(args, name) <= 0:
            raise InputError("must be positive", field=name)
    check_store(location)
    check_port(args.host, args.port)
    Catalogue(None if args.queries is None else Path(args.queries))
    config: dict[str, Any] = {
        "STORE": location,
        "QUERIES": args.queries,
        "TIMEOUT": args.timeout,
        "MAX_ROWS": args.max_rows,
        "MAX_QUERY_BYTES": args.max_query_bytes,
        "QUERY_PROCESSES": args.query_processes,
        "SERVICE_HOSTS": tuple(args.service_allow),
        "CORS_ORIGINS": tuple(args.cors_origin) or ("*",),
        "WRITE_TOKEN": token,
    }
    if args.dump_dir:
        config["DUMP_DIR"] = args.dump_dir
    options = {
        "bind": f"{args.host}:{args.port}",
        "workers": 1 if token else args.workers,
        "worker_class": "gthread",
        "threads": args.threads,
        "timeout": max(30, int(args.timeout * 4)),
        "graceful_timeout": 10,
        "keepalive": 5,
        "limit_request_line": REQUEST_LINE_LIMIT,
        "when_ready": when_ready_hook(args.read_timeout),
        "loglevel": args.log_level,
        "accesslog": None,
        "preload_app": False,
        "proc_name": "pvkg-serve",
    }
    install_problem_errors()
    ServeApplication(options, config, args.log_level).run()
    return 0


def check_store(location: str) -> None:
    """Open the store read-only once, in a fresh child process, to fail early and clearly.

    Not in this process: gunicorn forks the workers from it, and a RocksDB opened before the
    fork leaves them its thread pool without the threads, so every worker aborted at exit
    (``std::system_error``, SIGABRT) on each Ctrl-C or SIGTERM.

    :raises kg.errors.StoreError: if the store cannot be opened.
    """
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        error = pool.apply(_open_error, (location,))
    if error is not None:
        raise StoreError(error)


def _open_error(location: str) -> str | None:
    try:
        open_store(location, read_only=True).close()
    except StoreError as error:
        return str(error)
    return None


def check_port(host: str, port: int) -> None:
    """Bind ``host:port`` once, as gunicorn will, and let it go again.

    gunicorn retries a busy address for five seconds, logging each try; this fails at once.

    :raises kg.errors.PvkgError: if the address is in use, not local, or not allowed.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        why = error.strerror or str(error)
        raise PvkgError(f"cannot listen on {host}:{port}: {why}") from None


class ServeApplication(BaseApplication):  # type: ignore[misc]
    """gunicorn running :func:`server.app.create_app` in each worker (after the fork)."""

    def __init__(self, options: dict[str, Any], config: dict[str, Any], log_level: str) -> None:
        self.options = options
        self.app_config = config
        self.log_level = log_level
        super().__init__()

    def load_config(self) -> None:
        """Hand the options to gunicorn."""
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        """Build the Flask app in the worker process (each worker has its own query pool), and
        start the chart runtime in the background (:func:`server.charts.warm_up`)."""
        from server import charts
        from server.app import create_app

        logging.basicConfig(
            level=self.log_level.upper(),
            format="%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s",
        )
        logging.getLogger(__name__).info(
            "allocating memory with %s", os.environ.get("LD_PRELOAD") or "the C library's malloc"
        )
        app = create_app(self.app_config)
        threading.Thread(target=charts.warm_up, name="chart-warm-up", daemon=True).start()
        return app
