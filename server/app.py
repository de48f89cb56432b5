"""The Flask application factory of the pvkg service.

Configuration comes, in this order, from defaults, ``PVKG_*`` environment variables
(``app.config.from_prefixed_env("PVKG")``: ``PVKG_STORE``, ``PVKG_TIMEOUT``, ``PVKG_MAX_ROWS``,
``PVKG_QUERY_PROCESSES``, ``PVKG_SERVICE_HOSTS``, ``PVKG_CORS_ORIGINS``, ``PVKG_WRITE_TOKEN``,
``PVKG_DUMP_DIR``, …) and the mapping given to :func:`create_app`. See
:class:`server.service.Settings`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, g, request

from kg.location import resolve_location
from server import (
    api,
    cors,
    description,
    dumps,
    graphstore,
    health,
    linkeddata,
    ontology_page,
    openapi,
    pages,
    problems,
    querypage,
    sparql,
    write,
)
from server.service import Settings, attach

access_log = logging.getLogger("pvkg.requests")

DEFAULTS: dict[str, Any] = {
    "TIMEOUT": 5.0,
    "MAX_ROWS": 10000,
    "MAX_QUERY_BYTES": 65536,
    "QUERY_PROCESSES": 2,
    "SERVICE_HOSTS": "",
    "CORS_ORIGINS": "*",
    "WRITE_TOKEN": None,
    "CACHE_ENTRIES": 4096,
    "QUERIES": None,
    "DUMP_DIR": None,
    "MAX_UPLOAD_BYTES": 1 << 28,
    "MAX_CONTENT_LENGTH": 1 << 20,
}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the service.

    :param config: overrides of the Flask config (``STORE``, ``TIMEOUT``, …).
    :raises kg.errors.InputError: if a saved query in the catalogue is malformed.
    """
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("PVKG")
    app.config.update(config or {})
    app.config["STORE"] = resolve_location(app.config.get("STORE"))
    app.json.sort_keys = False  # type: ignore[attr-defined]
    settings = Settings.from_config(app.config)
    attach(app, settings)
    problems.install(app)
    cors.install(app, settings.cors_origins)
    _install_request_log(app)
    for blueprint in (
        sparql.bp,
        description.bp,
        dumps.bp,
        graphstore.bp,
        api.bp,
        openapi.bp,
        linkeddata.bp,
        ontology_page.bp,
        pages.bp,
        querypage.bp,
        health.bp,
    ):
        app.register_blueprint(blueprint)
    if settings.write_token:
        app.register_blueprint(write.bp)
    return app


def _install_request_log(app: Flask) -> None:
    """Log one line per request: method, path, status, bytes, milliseconds."""

    @app.before_request
    def _start() -> None:
        g.pvkg_started = time.perf_counter()

    @app.after_request
    def _log(response: Response) -> Response:
        if access_log.isEnabledFor(logging.INFO):
            elapsed = (time.perf_counter() - g.get("pvkg_started", time.perf_counter())) * 1000
            access_log.info(
                "%s %s %s %s %.1fms",
                request.method,
                request.full_path.rstrip("?"),
                response.status_code,
                response.content_length if response.content_length is not None else "-",
                elapsed,
            )
        return response
