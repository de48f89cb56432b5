"""``/health``: 200 with the dataset version when the store answers, else a 503 problem."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from server.service import service

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> Response:
    """Whether the service can answer queries, and over which dataset."""
    svc = service()
    info = svc.info()
    return jsonify(
        status="ok",
        store="open",
        dataset_version=info["dataset_version"],
        graphs=len(info["graphs"]),
        query_processes=svc.pool.size,
        timeout=svc.settings.timeout,
    )
