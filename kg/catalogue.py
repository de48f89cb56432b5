"""The saved-query catalogue: ``queries/*.rq`` files with a ``#+`` YAML header.

A saved query is plain SPARQL that any SPARQL tool can run, preceded by comment lines that
start with ``#+`` and hold YAML (the convention of grlc and sib-swiss/sparql-examples)::

    #+ summary: Drugs reported to induce a condition
    #+ description: Narrower forms of the condition are included.
    #+ tags: [case reports]
    #+ params:
    #+   - name: condition
    #+     type: condition
    #+     default: psoriasis
    #+     example: mesh:D011565
    #+     description: the induced condition
    SELECT ?drug ... WHERE { ... ?condition ... }

Each parameter is a variable of the query (``?condition``). At run time its value is resolved to
a typed RDF term (:mod:`kg.params`) and bound with a ``VALUES`` block (:mod:`kg.binding`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.binding import query_form
from kg.errors import InputError, UnknownQueryError
from kg.shipped import shipped_dir

PARAM_TYPES = (
    "drug",
    "condition",
    "drug-class",
    "entity",
    "iri",
    "string",
    "integer",
    "decimal",
    "boolean",
    "date",
    "faers-quarter",
)
"""Parameter types a header may declare; the first four resolve a label, CURIE or IRI;
``faers-quarter`` a loaded FAERS quarter (``2024q1``, ``2024Q1`` or FDA's ``24Q1``)."""

ENV_QUERIES = "PVKG_QUERIES"
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True)
class Parameter:
    """One typed parameter of a saved query.

    :param name: the SPARQL variable it binds (without ``?``).
    :param type: one of :data:`PARAM_TYPES`.
    :param default: text value used when the caller gives none; ``None`` makes it required.
    :param minimum: lower bound for ``integer``/``decimal`` parameters.
    :param maximum: upper bound for ``integer``/``decimal`` parameters.
    :param choices: allowed values for ``string`` parameters, if restricted.
    """

    name: str
    type: str
    description: str = ""
    default: str | None = None
    example: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        """Whether a value must be given (there is no default)."""
        return self.default is None


CHART_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "forest": (("label",), ("flag",)),
    "line": (("x", "y"), ("lower", "upper", "flag", "series")),
}
"""Chart kinds a header may declare → (required fields, optional fields); a ``forest`` chart
also lists its ``estimates`` (each ``name``, ``estimate``, ``lower``, ``upper``)."""


@dataclass(frozen=True)
class Chart:
    """A chart a saved query's rows draw (header ``chart:``): its kind, the result columns it
    uses by role, and for a forest plot the estimates (name, estimate, lower, upper)."""

    kind: str
    fields: Mapping[str, str]
    estimates: tuple[tuple[str, str, str, str], ...] = ()


@dataclass(frozen=True)
class SavedQuery:
    """A parsed ``.rq`` file."""

    name: str
    summary: str
    description: str
    sparql: str
    path: Path
    form: str
    params: tuple[Parameter, ...] = ()
    tags: tuple[str, ...] = ()
    header: Mapping[str, Any] = field(default_factory=dict)
    chart: Chart | None = None

    def param(self, name: str) -> Parameter | None:
        """The parameter called ``name``, if any."""
        return next((p for p in self.params if p.name == name), None)


def parse_saved_query(path: Path) -> SavedQuery:
    """Parse one ``.rq`` file.

    :raises InputError: naming the file, the field and why, if the header is malformed.
    """
    text = path.read_text(encoding="utf-8")
    header_lines = [line[2:] for line in text.splitlines() if line.startswith("#+")]
    where = str(path)
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as error:
        raise InputError(f"header is not YAML: {error}", path=where) from None
    if not isinstance(header, dict):
        raise InputError("header must be a YAML mapping", path=where)
    name = path.stem
    if not _NAME.fullmatch(name):
        raise InputError("file name must be lower-case words joined by '-'", path=where)
    summary = header.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise InputError("missing summary", path=where, field="summary")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#+"))
    form = query_form(body)
    if form is None:
        raise InputError("no SELECT, ASK, CONSTRUCT or DESCRIBE", path=where)
    params = tuple(_parse_param(item, where, body) for item in header.get("params") or [])
    tags = header.get("tags") or []
    return SavedQuery(
        name=name,
        summary=summary.strip(),
        description=str(header.get("description") or "").strip(),
        sparql=text,
        path=path,
        form=form,
        params=params,
        tags=tuple(str(t) for t in tags),
        header=header,
        chart=_parse_chart(header.get("chart"), where, body),
    )


def _column(value: object, where: str, entry: str, body: str) -> str:
    if not isinstance(value, str) or not re.search(rf"\?{re.escape(value)}\b", body):
        raise InputError(f"{value!r} is not a column of the query", path=where, field=entry)
    return value


def _parse_chart(item: object, where: str, body: str) -> Chart | None:
    if item is None:
        return None
    if not isinstance(item, dict) or item.get("kind") not in CHART_FIELDS:
        kinds = ", ".join(CHART_FIELDS)
        raise InputError(f"a chart needs a kind: one of {kinds}", path=where, field="chart")
    required, optional = CHART_FIELDS[item["kind"]]
    fields = {
        role: _column(item.get(role), where, f"chart.{role}", body)
        for role in (*required, *(o for o in optional if o in item))
    }
    estimates = []
    if item["kind"] == "forest":
        listed = item.get("estimates")
        if not isinstance(listed, list) or not listed:
            raise InputError("a forest chart lists its estimates", path=where, field="chart")
        for n, one in enumerate(listed):
            entry = f"chart.estimates.{n}"
            if not isinstance(one, dict) or not isinstance(one.get("name"), str):
                raise InputError("each estimate needs a name", path=where, field=entry)
            cols = [
                _column(one.get(k), where, f"{entry}.{k}", body)
                for k in ("estimate", "lower", "upper")
            ]
            estimates.append((one["name"], cols[0], cols[1], cols[2]))
    return Chart(item["kind"], fields, tuple(estimates))


def _parse_param(item: object, where: str, body: str) -> Parameter:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        raise InputError("each parameter needs a name", path=where, field="params")
    name = item["name"]
    entry = f"params.{name}"
    kind = item.get("type", "string")
    if kind not in PARAM_TYPES:
        raise InputError(
            f"type {kind!r} is not one of {', '.join(PARAM_TYPES)}", path=where, field=entry
        )
    if not re.search(rf"[?$]{re.escape(name)}\b", body):
        raise InputError(f"the query has no variable ?{name}", path=where, field=entry)
    default = item.get("default")
    return Parameter(
        name=name,
        type=kind,
        description=str(item.get("description") or ""),
        default=None if default is None else str(default),
        example=None if item.get("example") is None else str(item["example"]),
        minimum=item.get("min"),
        maximum=item.get("max"),
        choices=tuple(str(c) for c in item.get("choices") or ()),
    )


def default_directory() -> Path:
    """The catalogue directory: ``PVKG_QUERIES`` or the ``queries/`` pvkg ships."""
    configured = os.environ.get(ENV_QUERIES)
    return Path(configured) if configured else shipped_dir("queries")


class Catalogue:
    """The saved queries of one directory, by name.

    :param directory: where the ``.rq`` files are (default: :func:`default_directory`).
    :raises InputError: if any file is malformed (the catalogue is all or nothing).
    """

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or default_directory()
        paths = sorted(self.directory.glob("*.rq"))
        self._queries = {q.name: q for q in map(parse_saved_query, paths)}

    def __iter__(self) -> Iterator[SavedQuery]:
        return iter(self._queries.values())

    def __len__(self) -> int:
        return len(self._queries)

    def __contains__(self, name: object) -> bool:
        return name in self._queries

    def get(self, name: str) -> SavedQuery:
        """The saved query called ``name``.

        :raises UnknownQueryError: if there is none (the message lists close names).
        """
        try:
            return self._queries[name]
        except KeyError:
            known = ", ".join(sorted(self._queries)) or "none"
            raise UnknownQueryError(f"no saved query {name!r}; known: {known}") from None
