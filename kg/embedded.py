"""The embedded store: pyoxigraph (RocksDB) in a directory on disk. pvkg's default backend.

Directory layout::

    <location>/oxigraph/   the pyoxigraph database
    <location>/journal/    graph replacements in progress (staged N-Triples + a JSON record)
    <location>/graphs/     kept copies of graphs loaded with ``incremental=True`` (kg.kept)

A graph is replaced in three steps. The loader first writes and validates the complete new
content as an N-Triples file; nothing in the store has changed yet, so a bad input leaves the store
exactly as it was. The file is then linked into the journal (a hard link, a copy only across file
systems) with a record of the replacement, and only then is the old graph removed and the file
bulk-loaded in its place. The triple count recorded in the provenance is the file's line count
(staged files hold one triple per line, no duplicates), so no query runs over the unoptimised
store. If the process dies during that step, the next read-write open finds the record and
finishes the replacement: any later reader sees the old graph or the new one, never a mix. See
``docs/decisions/0003-atomic-loads.md``.

>>> import tempfile, pathlib
>>> store = EmbeddedStore(pathlib.Path(tempfile.mkdtemp()) / "s")
>>> bool(store.query("ASK { ?s ?p ?o }"))
False
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store, parse

from kg.binding import bind_values, declares_dataset
from kg.errors import QueryError, StoreError
from kg.iris import META_GRAPH
from kg.kept import difference, forget, keep, read_copy
from kg.provenance import (
    GRAPHS_QUERY,
    drop_provenance_update,
    graph_infos,
    now_literal,
    provenance_triples,
    replace_provenance_update,
)
from kg.staging import count_lines, sort_lines
from kg.store import GraphInfo, Provenance, QueryResult, Term

NT = RdfFormat.N_TRIPLES


class EmbeddedStore:
    """A pvkg store in a local directory, backed by :class:`pyoxigraph.Store`.

    :param path: the store directory (created if missing, unless ``read_only``).
    :param read_only: open the database read-only; several processes may then share it, but
        no process may write to it at the same time.
    :raises StoreError: if the directory holds no store (read-only) or the store is locked.
    """

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.location = str(path)
        self.read_only = read_only
        self._db_path = path / "oxigraph"
        self._journal = path / "journal"
        self._kept = path / "graphs"
        if read_only and self._unfinished():
            _finish_for_reader(path)
        self._store = self._open(read_only)
        self.staging = path / "staging"
        """Scratch space for this store's writers (see :meth:`clear_staging`)."""
        if not read_only:
            self._replay_journal()
            self.clear_staging()

    def _open(self, read_only: bool) -> Store:
        try:
            if read_only:
                if not (self._db_path / "CURRENT").exists():
                    raise StoreError(
                        f"no pvkg store at {self.location} (run 'pvkg build' or give --store)"
                    )
                return Store.read_only(str(self._db_path))
            self._journal.mkdir(parents=True, exist_ok=True)
            return Store(str(self._db_path))
        except OSError as error:
            if isinstance(error, StoreError):
                raise
            raise StoreError(f"cannot open store {self.location}: {error}") from None

    # --- reading ---------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        bindings: Mapping[str, Term] | None = None,
        default_graphs: Sequence[NamedNode] | None = None,
        named_graphs: Sequence[NamedNode] | None = None,
        timeout: float | None = None,
        base_iri: str | None = None,
        include_meta: bool = True,
    ) -> QueryResult:
        """Run a SPARQL query; see :meth:`kg.store.GraphStore.query`.

        ``timeout`` is ignored here: pyoxigraph cannot interrupt a running query, so callers
        that need a deadline run queries in worker processes (see ``server/``).
        """
        options: dict[str, Any] = {"base_iri": base_iri}
        if default_graphs is None:
            # the union is pvkg's default dataset, but a query's own FROM / FROM NAMED wins
            if declares_dataset(sparql):
                pass
            elif include_meta:
                options["use_default_graph_as_union"] = True
            else:
                options["default_graph"] = self._union()
        else:
            options["default_graph"] = list(default_graphs)
        if named_graphs is not None:
            options["named_graphs"] = list(named_graphs)
        try:
            result: QueryResult = self._store.query(bind_values(sparql, bindings or {}), **options)
        except SyntaxError as error:
            raise QueryError(str(error).strip()) from None
        except OSError as error:
            raise StoreError(f"store {self.location}: {error}") from None
        return result

    def _union(self) -> list[NamedNode | DefaultGraph]:
        """The default graph of a query without the meta graph: every other graph.

        The store's own default graph (written only by SPARQL Updates) is part of it, as it is
        of pyoxigraph's ``use_default_graph_as_union``; the meta graph answers by name only.
        """
        graphs: list[NamedNode | DefaultGraph] = [DefaultGraph()]
        graphs += [g for g in self._named_graphs() if g != META_GRAPH]
        return graphs

    def graphs(self) -> list[GraphInfo]:
        """The recorded named graphs with their provenance, sorted by IRI."""
        result = self.query(GRAPHS_QUERY)
        return graph_infos(result)  # type: ignore[arg-type]

    def dataset_version(self) -> str:
        """A 16-hex-digit hash of every graph's checksum and load time."""
        digest = hashlib.sha256()
        for info in self.graphs():
            digest.update(f"{info.graph.value} {info.checksum} {info.loaded_at}\n".encode())
        return digest.hexdigest()[:16]

    def export(self, out: IO[bytes], *, graphs: Sequence[NamedNode] | None = None) -> int:
        """Write sorted, duplicate-free N-Quads of ``graphs`` (default: all named graphs)."""
        chosen = sorted(graphs or self._named_graphs(), key=lambda g: g.value)
        with tempfile.TemporaryDirectory(prefix="pvkg-export-") as tmp:
            raw = Path(tmp) / "raw.nq"
            with raw.open("wb") as sink:
                for graph in chosen:
                    self._dump_quads(graph, Path(tmp) / "graph.nt", sink)
            return sort_lines(raw, out)

    def _dump_quads(self, graph: NamedNode, scratch: Path, sink: IO[bytes]) -> None:
        """Append ``graph`` to ``sink`` as N-Quads (one N-Triples line each, plus the graph)."""
        self._store.dump(str(scratch), RdfFormat.N_TRIPLES, from_graph=graph)
        suffix = f" {graph} .\n".encode()
        with scratch.open("rb") as lines:
            sink.writelines(line[: -len(b" .\n")] + suffix for line in lines)

    # --- writing ---------------------------------------------------------------------------

    def replace_graph(
        self,
        graph: NamedNode,
        ntriples: Path,
        provenance: Provenance,
        *,
        optimize: bool = True,
        incremental: bool = False,
    ) -> int:
        """Replace ``graph`` with the staged N-Triples file; see the module docstring.

        With ``incremental`` the staged file is kept after the load (:mod:`kg.kept`), and a
        graph loaded that way before is changed by removing and adding only the lines that
        differ: for derived graphs that are replaced often and change little.
        """
        self._require_writable()
        record = self._stage(graph, ntriples, provenance, incremental)
        count = self._apply(record)
        self._finish(record)
        if optimize:
            self.optimize()
        return count

    def patch_graph(
        self, graph: NamedNode, removed: Path, added: Path, provenance: Provenance, *, triples: int
    ) -> int:
        """Change ``graph`` by a difference its writer computed; see
        :meth:`kg.store.PatchableStore.patch_graph`. Journalled like :meth:`replace_graph`
        (both steps are idempotent); a kept copy of the graph (:mod:`kg.kept`) is dropped."""
        self._require_writable()
        key = _graph_key(graph)
        diff = {"removed": f"{key}.removed", "added": f"{key}.added"}
        for path, name in ((removed, diff["removed"]), (added, diff["added"])):
            _link_or_copy(path, self._journal / name)
        body: dict[str, object] = {"graph": graph.value, "data": None, "triples": triples}
        body |= {"provenance": _provenance_json(provenance), "incremental": False, "diff": diff}
        record = self._journal / f"{key}.json"
        _write_json(record, body)
        count = self._apply(record)
        self._finish(record)
        return count

    def drop_graph(self, graph: NamedNode) -> None:
        """Remove ``graph`` and its provenance record."""
        self._require_writable()
        with contextlib.suppress(OSError):
            self._store.remove_graph(graph)
        self._store.update(drop_provenance_update(graph))
        forget(self._kept_path(graph))

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL Update in one transaction; relative IRIs resolve against ``base_iri``.

        :raises QueryError: if the update does not parse.
        """
        self._require_writable()
        try:
            self._store.update(sparql, base_iri=base_iri)
        except SyntaxError as error:
            raise QueryError(str(error).strip()) from None

    def optimize(self) -> None:
        """Compact the database; queries right after a bulk load are much slower without it."""
        self._require_writable()
        self._store.optimize()

    def close(self) -> None:
        """Flush and release the database (its lock is freed when the object is collected)."""
        if not self.read_only:
            self._store.flush()
        del self._store

    # --- internals -------------------------------------------------------------------------

    def _require_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"store {self.location} is open read-only")

    def _named_graphs(self) -> list[NamedNode]:
        return [g for g in self._store.named_graphs() if isinstance(g, NamedNode)]

    def _kept_path(self, graph: NamedNode) -> Path:
        return self._kept / f"{_graph_key(graph)}.nt"

    def _diff(self, graph: NamedNode, data: Path) -> dict[str, str] | None:
        """Files of the lines to remove and add, if ``graph`` has a kept copy still valid."""
        copy = read_copy(self._kept_path(graph))
        info = next((i for i in self.graphs() if i.graph == graph), None)
        if copy is None or not copy.matches(info):
            return None
        removed = data.with_suffix(".removed")
        added = data.with_suffix(".added")
        difference(copy.data, data, removed, added)
        return {"removed": removed.name, "added": added.name}

    def _stage(
        self, graph: NamedNode, ntriples: Path, provenance: Provenance, incremental: bool
    ) -> Path:
        key = _graph_key(graph)
        data = self._journal / f"{key}.nt"
        _link_or_copy(ntriples, data)
        record = self._journal / f"{key}.json"
        body = {
            "graph": graph.value,
            "data": data.name,
            "provenance": _provenance_json(provenance),
            "incremental": incremental,
            "diff": self._diff(graph, data) if incremental else None,
        }
        _write_json(record, body)
        return record

    def _apply(self, record: Path) -> int:
        body = json.loads(record.read_text(encoding="utf-8"))
        graph = NamedNode(body["graph"])
        prov = body["provenance"]
        provenance = Provenance(
            source=prov["source"],
            files=tuple(prov["files"]),
            checksum=prov["checksum"],
            loader=prov["loader"],
            title=prov["title"],
            derived_from=tuple(NamedNode(g) for g in prov["derived_from"]),
        )
        diff = body.get("diff")
        try:
            if diff:  # both steps are idempotent: a replay after a crash applies them again
                removed = parse(path=str(self._journal / diff["removed"]), format=NT)
                for t in removed:
                    self._store.remove(Quad(t.subject, t.predicate, t.object, graph))
                loaded = self._journal / diff["added"]
            else:
                self._store.remove_graph(graph)
                loaded = self._journal / body["data"]
            self._store.bulk_load(path=str(loaded), format=NT, to_graph=graph)
        except (OSError, SyntaxError) as error:
            raise StoreError(
                f"loading {graph.value} into {self.location} failed: {error}"
            ) from None
        data = body.get("data")
        count = count_lines(self._journal / data) if data else int(body["triples"])
        stamp = now_literal()
        meta = provenance_triples(graph, provenance, count, stamp)
        self._store.update(replace_provenance_update(graph, meta))
        body["loaded"] = {"checksum": provenance.checksum, "triples": count, "at": stamp.value}
        _write_json(record, body)
        return count

    def _finish(self, record: Path) -> None:
        body = json.loads(record.read_text(encoding="utf-8"))
        kept = self._kept_path(NamedNode(body["graph"]))
        loaded = body.get("loaded")
        data = self._journal / body["data"] if body.get("data") else None  # None: a patch
        if data is not None and body.get("incremental") and loaded:
            keep(data, kept, loaded["checksum"], loaded["triples"], loaded["at"])
        else:
            forget(kept)  # the graph changed without it: never diff against it again
            if data is not None:
                data.unlink()
        for name in (body.get("diff") or {}).values():
            (self._journal / name).unlink(missing_ok=True)
        record.unlink()

    def clear_staging(self) -> None:
        """Empty ``staging/``, the directory writers of this store stage graphs in.

        Called at every read-write open: holding the write lock, nothing else can be staging,
        so whatever is there was left by a load that was killed or failed.
        """
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True, exist_ok=True)

    def _unfinished(self) -> bool:
        """Whether a graph replacement was started and not finished (a load running or killed)."""
        return self._journal.is_dir() and any(self._journal.glob("*.json"))

    def _replay_journal(self) -> None:
        for record in sorted(self._journal.glob("*.json")):
            self._apply(record)
            self._finish(record)
        for leftover in self._journal.iterdir():  # parts of a replacement never recorded
            leftover.unlink()


def _finish_for_reader(path: Path) -> None:
    """Finish a replacement a killed load left in the journal, before a read-only open: a
    read-only database would show the graph removed and not yet reloaded (ADR 0003).

    :raises StoreError: if another process holds the store (a load is still running).
    """
    try:
        EmbeddedStore(path).close()
    except StoreError as error:
        raise StoreError(
            f"store {path} is in the middle of a load (journal/ holds an unfinished graph "
            f"replacement) and cannot be finished now: {error}; wait for the load to end, "
            "or, if none is running, retry"
        ) from None


def _provenance_json(provenance: Provenance) -> dict[str, object]:
    return {**asdict(provenance), "derived_from": [g.value for g in provenance.derived_from]}


def _write_json(record: Path, body: Mapping[str, object]) -> None:
    """Write a journal record atomically (under a temporary name, then renamed)."""
    partial = record.with_suffix(".tmp")
    partial.write_text(json.dumps(body, indent=1), encoding="utf-8")
    partial.replace(record)


def _graph_key(graph: NamedNode) -> str:
    return hashlib.sha256(graph.value.encode()).hexdigest()[:16]


def _link_or_copy(source: Path, target: Path) -> None:
    """Put ``source``'s content at ``target``: a hard link where possible, else a copy."""
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
