"""Curated linking decisions that win over the matcher, and curated drug-class additions.

``overrides.tsv`` (tab-separated, header, ``#`` comments)::

    kind        name                    mesh_id         predicate           comment
    condition   drug ineffective        -                                   not a condition
    condition   psoriasis pustular      mesh:D011565    skos:closeMatch     MeSH has no own heading

``kind`` is ``drug`` or ``condition``; ``name`` is compared after
:func:`~loaders.meshlink.normalise.exact_key`; ``mesh_id`` is a MeSH CURIE, or ``-`` for "never
link this name"; ``predicate`` is ``skos:exactMatch`` (default), ``skos:closeMatch`` or
``skos:broadMatch`` (the name sits below the record).

``class_additions.tsv`` adds pharmacological actions MeSH does not list (columns ``mesh_id``,
``action_id``, ``comment``), e.g. etanercept (a soluble TNF receptor) as a TNF inhibitor.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode

from kg.errors import InputError
from kg.namespaces import MESH, expand_curie
from loaders.meshlink import terms
from loaders.meshlink.normalise import exact_key

HERE = Path(__file__).resolve().parent
OVERRIDES_FILE = HERE / "overrides.tsv"
CLASS_ADDITIONS_FILE = HERE / "class_additions.tsv"
KINDS = ("drug", "condition")
_PREDICATES = {
    "": terms.exactMatch,
    "skos:exactMatch": terms.exactMatch,
    "skos:closeMatch": terms.closeMatch,
    "skos:broadMatch": terms.broadMatch,
}


@dataclass(frozen=True)
class Override:
    """A curated decision: link to ``target`` (a MeSH UI) or, when ``None``, never link."""

    target: str | None
    predicate: NamedNode
    comment: str


def _rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    where = str(path)
    if not path.is_file():
        raise InputError("no such file", path=where)
    with path.open(encoding="utf-8", newline="") as source:
        lines = [
            (n, line)
            for n, line in enumerate(source, 1)
            if line.strip() and not line.startswith("#")
        ]
    if not lines:
        raise InputError("no header row", path=where)
    reader = csv.DictReader((line for _, line in lines), delimiter="\t")
    missing = [c for c in columns if c not in (reader.fieldnames or ())]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", path=where, line=lines[0][0])
    return [
        (lines[i + 1][0], {k: (v or "").strip() for k, v in row.items() if k})
        for i, row in enumerate(reader)
    ]


def mesh_ui(curie: str, where: str, line: int, field: str) -> str:
    """The UI of a MeSH CURIE or IRI (``mesh:D011565`` → ``D011565``).

    :raises InputError: if it is not a MeSH identifier.
    """
    iri = expand_curie(curie) if not curie.startswith("http") else curie
    ui = (iri or "").removeprefix(MESH.iri)
    if not iri or not iri.startswith(MESH.iri) or ui[:1] not in ("D", "C") or not ui[1:].isdigit():
        raise InputError(
            f"{curie!r} is not a MeSH record (mesh:D… or mesh:C…)",
            path=where,
            line=line,
            field=field,
        )
    return ui


def read_overrides(path: Path = OVERRIDES_FILE) -> dict[tuple[str, str], Override]:
    """Read an overrides file into (kind, exact key of name) → :class:`Override`.

    :raises InputError: naming file, line and field, for a bad kind, name, identifier or
        predicate, or a name given twice.
    """
    where = str(path)
    found: dict[tuple[str, str], Override] = {}
    for line, row in _rows(path, ("kind", "name", "mesh_id")):
        kind = row["kind"]
        if kind not in KINDS:
            raise InputError(
                f"kind must be one of {', '.join(KINDS)}", path=where, line=line, field="kind"
            )
        key = exact_key(row["name"])
        if not key:
            raise InputError("empty name", path=where, line=line, field="name")
        predicate = _PREDICATES.get(row.get("predicate", ""))
        if predicate is None:
            raise InputError(
                "predicate must be skos:exactMatch, skos:closeMatch or skos:broadMatch",
                path=where,
                line=line,
                field="predicate",
            )
        target = None if row["mesh_id"] == "-" else mesh_ui(row["mesh_id"], where, line, "mesh_id")
        if (kind, key) in found:
            raise InputError(
                f"{kind} {row['name']!r} is given twice", path=where, line=line, field="name"
            )
        found[(kind, key)] = Override(target, predicate, row.get("comment", ""))
    return found


def read_class_additions(path: Path = CLASS_ADDITIONS_FILE) -> dict[str, list[str]]:
    """Read curated pharmacological actions: record UI → action UIs.

    :raises InputError: naming file, line and field, for an identifier that is not MeSH's.
    """
    where = str(path)
    found: dict[str, list[str]] = {}
    for line, row in _rows(path, ("mesh_id", "action_id")):
        record = mesh_ui(row["mesh_id"], where, line, "mesh_id")
        action = mesh_ui(row["action_id"], where, line, "action_id")
        found.setdefault(record, []).append(action)
    return found
