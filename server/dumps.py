"""Dumps of the dataset, for VoID's ``void:dataDump``: gzip N-Quads at ``/dump/<name>.nq.gz``.

* ``/dump/all.nq.gz`` holds every graph the VoID description lists (not the meta graph, whose
  provenance VoID itself describes), so its quad count is the dataset's ``void:triples``;
* ``/dump/<name>.nq.gz`` holds one graph; ``<name>`` is its IRI after ``/graph/`` with ``/``
  written ``-`` (``faers-2020q3``), as ``pvkg export --per-graph`` names its files.

Quads are sorted and duplicate-free, exactly as :meth:`kg.store.GraphStore.export` writes them.
A dump is written on its first request, by a query process (pyoxigraph reads the store and
cannot be interrupted, so never in a web process; see ADR 0009), into the dump directory under
the dataset version, and then sent from that file: ``ETag`` is the dataset version and the
name, ``If-None-Match`` gives 304, ``Range`` requests work. Workers share the directory; a lock
file makes one of them write each dump while the others wait for it. When the dataset version
changes, dumps of older versions are removed.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Blueprint, Response, request, send_file

from server.jobs import DumpJob
from server.problems import problem
from server.service import Service, Settings, service

bp = Blueprint("dumps", __name__)

ALL = "all"
"""The name of the dump of every listed graph."""

SUFFIX = ".nq.gz"
MEDIA_TYPE = "application/gzip"
WRITE_SECONDS = 3600.0
"""Longest a dump may take to write before its process is stopped."""

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def dump_names(graphs: Iterable[str]) -> dict[str, str]:
    """The dump name of each graph IRI: name → IRI.

    >>> list(dump_names(["https://w3id.org/pvkg/graph/faers/2020q3", "http://example.org/g"]))
    ['faers-2020q3', 'http-example.org-g']
    """
    names: dict[str, str] = {}
    for graph in graphs:
        name = _UNSAFE.sub("-", graph.rsplit("/graph/", 1)[-1]).strip("-.")
        if not name or name == ALL or name in names:
            name = f"{name or 'graph'}-{hashlib.sha256(graph.encode()).hexdigest()[:8]}"
        names[name] = graph
    return names


def dump_url(base: str, name: str) -> str:
    """The URL of a dump, given the service's root URL (no trailing ``/``)."""
    return f"{base}/dump/{name}{SUFFIX}"


def dump_directory(settings: Settings) -> Path:
    """Where dumps are kept: ``dump_dir``, else one folder per store in the temporary directory."""
    if settings.dump_dir:
        return Path(settings.dump_dir)
    key = hashlib.sha256(settings.store.encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"pvkg-dumps-{os.getuid()}" / key


@bp.get(f"/dump/<name>{SUFFIX}")
def dump(name: str) -> Response:
    """Send one dump, writing it first if this dataset version has none yet."""
    svc = service()
    info = svc.info()
    names = dump_names(g["graph"] for g in info["graphs"])
    if name == ALL:
        graphs = tuple(names.values())
    elif name in names:
        graphs = (names[name],)
    else:
        known = ", ".join(sorted([ALL, *names]))
        return problem(404, "unknown-dump", f"no dump named {name!r}; there are: {known}")
    version = str(info["dataset_version"])
    tag = f"{version}-{name}"
    if request.if_none_match.contains(tag):
        unchanged = Response(status=304)
        unchanged.set_etag(tag)
        return unchanged
    path = _written(svc, version, name, graphs)
    return send_file(
        path,
        mimetype=MEDIA_TYPE,
        as_attachment=True,
        download_name=name + SUFFIX,
        etag=tag,
        conditional=True,
        max_age=0,
    )


def _written(svc: Service, version: str, name: str, graphs: tuple[str, ...]) -> Path:
    """The dump file of ``name`` for ``version``, written now if it is not there yet."""
    folder = dump_directory(svc.settings) / _UNSAFE.sub("-", version)
    target = folder / (name + SUFFIX)
    if target.exists():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder / f"{name}.lock"):
        if not target.exists():
            svc.dump_pool().run(DumpJob(graphs, str(target)), WRITE_SECONDS)
            _forget_other_versions(folder)
    return target


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (shared by every worker and thread)."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _forget_other_versions(current: Path) -> None:
    """Remove the dumps of other dataset versions (files being sent stay readable)."""
    for sibling in current.parent.iterdir():
        if sibling != current and sibling.is_dir():
            shutil.rmtree(sibling, ignore_errors=True)
