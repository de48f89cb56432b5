"""SSSOM TSV in and out for the MeSH links (https://mapping-commons.github.io/sssom/).

An SSSOM TSV file is a YAML metadata block in ``#`` comment lines (``curie_map``,
``mapping_set_id``, ``license``, …) followed by a tab-separated table, one mapping per row.
CURIEs are expanded and compressed with :mod:`curies` (the reference implementation used by
sssom-py), the YAML with PyYAML and the table with :mod:`csv`; pvkg spells no format by hand.
Columns written: ``subject_id``, ``subject_label``, ``predicate_id``, ``object_id``,
``object_label``, ``mapping_justification``, ``confidence``, ``match_string``, ``comment``.

Reading validates the whole file first (metadata, prefixes, identifiers, predicates,
justifications, confidences) and raises :class:`~kg.errors.InputError` naming the line and
column, so a malformed file never reaches the store.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import curies
import yaml
from pyoxigraph import NamedNode, QuerySolutions

from kg.errors import InputError
from kg.namespaces import MESH, PREFIXES
from kg.store import GraphStore
from loaders.input_policy import bounded_lines, field_problem
from loaders.meshlink import terms
from loaders.meshlink.entities import LINKS_GRAPH
from loaders.meshlink.mapping import Link

MAPPING_SET_ID = "https://w3id.org/pvkg/mappings/mesh-links.sssom.tsv"
LICENSE = "https://www.apache.org/licenses/LICENSE-2.0"
COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "match_string",
    "comment",
)
REQUIRED = ("subject_id", "predicate_id", "object_id", "mapping_justification")
CURIE_PREFIXES = ("pvid", "mesh", "skos", "semapv", "owl", "rdfs")
"""Prefixes written to the ``curie_map`` (all from :data:`kg.namespaces.PREFIXES`)."""

_JUSTIFICATIONS = {terms.LexicalMatching.value, terms.ManualMappingCuration.value}
_PREDICATES = {p.value: p for p in terms.MAPPING_PREDICATES}


def converter(extra: dict[str, str] | None = None) -> curies.Converter:
    """A CURIE converter for pvkg's prefixes, plus ``extra`` (a file's ``curie_map``)."""
    prefix_map = {p: PREFIXES[p] for p in CURIE_PREFIXES}
    prefix_map.update(extra or {})
    return curies.Converter.from_prefix_map(prefix_map)


def metadata() -> dict[str, Any]:
    """The mapping set's metadata block."""
    return {
        "curie_map": {p: PREFIXES[p] for p in CURIE_PREFIXES},
        "mapping_set_id": MAPPING_SET_ID,
        "mapping_set_title": "pvkg drugs and conditions linked to MeSH",
        "mapping_set_description": (
            "Links from pvkg drug and condition entities to NLM MeSH descriptors and "
            "supplementary concept records, by lexical matching (semapv:LexicalMatching) or "
            "curation (semapv:ManualMappingCuration). MeSH names courtesy of the U.S. National "
            "Library of Medicine."
        ),
        "license": LICENSE,
        "mapping_tool": "pvkg loaders.meshlink",
        "subject_source": "pvid:",
        "object_source": "http://id.nlm.nih.gov/mesh/",
    }


_LINKS_QUERY = f"""
SELECT ?s ?p ?o ?j ?c ?sl ?ol ?ms ?cm WHERE {{
  GRAPH {LINKS_GRAPH} {{
    ?m a {terms.Axiom} ; {terms.annotatedSource} ?s ; {terms.annotatedProperty} ?p ;
       {terms.annotatedTarget} ?o ; {terms.mapping_justification} ?j .
    OPTIONAL {{ ?m {terms.confidence} ?c }}
    OPTIONAL {{ ?m {terms.subject_label} ?sl }}
    OPTIONAL {{ ?m {terms.object_label} ?ol }}
    OPTIONAL {{ ?m {terms.match_string} ?ms }}
    OPTIONAL {{ ?m {terms.comment} ?cm }}
  }}
}} ORDER BY ?s ?o
"""


def read_links(store: GraphStore) -> list[Link]:
    """The links of the ``mesh-links`` graph, sorted by subject and object."""
    result = store.query(_LINKS_QUERY)
    if not isinstance(result, QuerySolutions):
        raise TypeError("a SELECT query must yield solutions")

    def text(row: Any, name: str) -> str:
        value = row[name]
        return "" if value is None else str(value.value)

    return [
        Link(
            subject=row["s"],
            object=row["o"],
            predicate=row["p"],
            justification=row["j"],
            confidence=float(text(row, "c") or 1.0),
            subject_label=text(row, "sl"),
            object_label=text(row, "ol"),
            match_string=text(row, "ms"),
            comment=text(row, "cm"),
        )
        for row in result
    ]


def write_sssom(links: Iterable[Link], out: IO[str]) -> int:
    """Write ``links`` as SSSOM TSV with its metadata block; return the number of rows."""
    convert = converter()
    header = yaml.safe_dump(metadata(), sort_keys=False, allow_unicode=True)
    out.writelines(f"# {line}\n" for line in header.splitlines())
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    rows = 0
    for link in sorted(links, key=lambda x: (x.subject.value, x.object.value)):
        writer.writerow(
            (
                convert.compress_or_standardize(link.subject.value, passthrough=True),
                link.subject_label,
                convert.compress_or_standardize(link.predicate.value, passthrough=True),
                convert.compress_or_standardize(link.object.value, passthrough=True),
                link.object_label,
                convert.compress_or_standardize(link.justification.value, passthrough=True),
                f"{link.confidence:.2f}",
                link.match_string,
                link.comment,
            )
        )
        rows += 1
    return rows


def export(store: GraphStore, out: IO[str]) -> int:
    """Write the store's MeSH links as SSSOM TSV; return the number of mappings."""
    return write_sssom(read_links(store), out)


def _split(text: str, where: str) -> tuple[dict[str, Any], list[tuple[int, str]]]:
    header: list[str] = []
    body: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        if line.startswith("#") and not body:
            header.append(line[1:].removeprefix(" ") if line.startswith("# ") else line[1:])
        elif line.strip():
            body.append((number, line))
    try:
        meta = yaml.safe_load("".join(header)) if header else {}
    except yaml.YAMLError as error:
        raise InputError(f"metadata block is not YAML: {error}", path=where) from None
    if not isinstance(meta, dict):
        raise InputError("metadata block must be a YAML mapping", path=where)
    return meta, body


def _prefix_map(meta: dict[str, Any], where: str) -> dict[str, str]:
    curie_map = meta.get("curie_map") or {}
    if not isinstance(curie_map, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in curie_map.items()
    ):
        raise InputError("curie_map must map prefixes to IRIs", path=where, field="curie_map")
    for prefix, iri in curie_map.items():
        known = PREFIXES.get(prefix)
        if known is not None and known != iri:
            raise InputError(
                f"prefix {prefix!r} is {iri!r} here but {known!r} in pvkg",
                path=where,
                field="curie_map",
            )
    return dict(curie_map)


def parse_sssom(text: str, where: str, *, allow_empty: bool = False) -> list[Link]:
    """Parse an SSSOM TSV document into links, validating every row.

    :param text: the file's content.
    :param where: its name, for error messages.
    :param allow_empty: accept a table with no mapping row (it removes every link; refused by
        default: a header-only file is more often a cut or mistaken one).
    :raises InputError: naming line and column, for a malformed metadata block, a missing
        column, an unknown prefix, a subject outside pvkg, an object outside MeSH, a predicate
        other than ``skos:exactMatch``/``closeMatch``/``broadMatch``, a justification other than
        ``semapv:LexicalMatching``/``semapv:ManualMappingCuration``, or a confidence outside
        0–1.
    """
    meta, body = _split(text, where)
    if not meta.get("mapping_set_id"):
        raise InputError("metadata lacks mapping_set_id", path=where, field="mapping_set_id")
    convert = converter(_prefix_map(meta, where))
    if not body:
        raise InputError("no header row", path=where)
    rows = _rows(body, where)
    if not rows and not allow_empty:
        raise InputError(
            "no mapping rows (header only); pass --allow-empty to remove every link",
            path=where,
            line=body[0][0],
        )
    return [_row_link(row, convert, where, line) for line, row in rows]


def _rows(body: list[tuple[int, str]], where: str) -> list[tuple[int, dict[str, str]]]:
    """The table's rows as (line, column → value), checked by :mod:`loaders.input_policy`."""
    columns = [c.strip() for c in body[0][1].rstrip("\r\n").split("\t")]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", path=where, line=body[0][0])
    twice = sorted({c for c in columns if c and columns.count(c) > 1})
    if twice:
        raise InputError(f"column(s) named twice: {', '.join(twice)}", path=where, line=body[0][0])
    rows = []
    for line, text in body[1:]:
        for name, value in zip(columns, text.split("\t"), strict=False):
            problem = field_problem(value)
            if problem is not None:
                raise InputError(problem, path=where, line=line, field=name)
        try:
            values = next(csv.reader([text], delimiter="\t"), [])
        except csv.Error as error:
            raise InputError(f"not a TSV row: {error}", path=where, line=line) from None
        if len(values) > len(columns):
            raise InputError(
                f"row has {len(values)} fields, header {len(columns)}", path=where, line=line
            )
        values += [""] * (len(columns) - len(values))
        rows.append((line, dict(zip(columns, values, strict=True))))
    return rows


def _expand(convert: curies.Converter, value: str, where: str, line: int, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InputError("empty value", path=where, line=line, field=field)
    try:
        iri = convert.expand(value)
    except ValueError:  # not even prefix:identifier
        iri = None
    if iri is None:
        raise InputError(
            f"{value!r} is not a CURIE with a known prefix", path=where, line=line, field=field
        )
    return iri


def _row_link(row: dict[str, str], convert: curies.Converter, where: str, line: int) -> Link:
    subject = _expand(convert, row["subject_id"], where, line, "subject_id")
    if not subject.startswith(PREFIXES["pvid"]):
        raise InputError(
            "subject is not a pvkg entity (pvid:…)", path=where, line=line, field="subject_id"
        )
    obj = _expand(convert, row["object_id"], where, line, "object_id")
    if not obj.startswith(MESH.iri):
        raise InputError(
            "object is not a MeSH record (mesh:…)", path=where, line=line, field="object_id"
        )
    predicate = _PREDICATES.get(_expand(convert, row["predicate_id"], where, line, "predicate_id"))
    if predicate is None:
        raise InputError(
            "predicate must be skos:exactMatch, skos:closeMatch or skos:broadMatch",
            path=where,
            line=line,
            field="predicate_id",
        )
    justification = _expand(
        convert, row["mapping_justification"], where, line, "mapping_justification"
    )
    if justification not in _JUSTIFICATIONS:
        raise InputError(
            "mapping_justification must be semapv:LexicalMatching or semapv:ManualMappingCuration",
            path=where,
            line=line,
            field="mapping_justification",
        )
    raw_confidence = (row.get("confidence") or "").strip()
    try:
        confidence = float(raw_confidence) if raw_confidence else 1.0
    except ValueError:
        raise InputError(
            f"{raw_confidence!r} is not a number", path=where, line=line, field="confidence"
        ) from None
    if not 0.0 <= confidence <= 1.0:
        raise InputError(
            "confidence must be between 0 and 1", path=where, line=line, field="confidence"
        )
    try:
        return Link(
            subject=NamedNode(subject),
            object=NamedNode(obj),
            predicate=predicate,
            justification=NamedNode(justification),
            confidence=confidence,
            subject_label=(row.get("subject_label") or "").strip(),
            object_label=(row.get("object_label") or "").strip(),
            match_string=(row.get("match_string") or "").strip(),
            comment=(row.get("comment") or "").strip(),
        )
    except ValueError as error:
        raise InputError(f"not a valid IRI: {error}", path=where, line=line) from None


def read_sssom(path: Path, *, allow_empty: bool = False) -> list[Link]:
    """Read and validate an SSSOM TSV file (``allow_empty``: see :func:`parse_sssom`).

    :raises InputError: if it is missing or malformed (see :func:`parse_sssom`).
    """
    if not path.is_file():
        raise InputError("no such file", path=str(path))
    try:
        with path.open("rb") as source:
            data = b"".join(bounded_lines(source, str(path)))
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(f"not UTF-8 text: {error.reason}", path=str(path), line=line) from None
    return parse_sssom(text, str(path), allow_empty=allow_empty)
