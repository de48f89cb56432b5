"""The drug-name rule table (``rules.tsv`` beside this module), read and checked once.

Each row is ``rule``, ``name``, ``target``, ``note`` (tab-separated, ``#`` comments, a header):

* ``salt``: a word stripped from the end of an ingredient name (counter-ion, hydrate, ester);
* ``stub``: a word that is no ingredient on its own; a name is never cut down to stubs only;
* ``synonym``: a whole name read as ``target`` (acid/-ate pairs, INN/USAN spellings);
* ``biologic``: an ending of a biologic INN, for FDA's four-letter suffixes;
* ``biohead``: a first word of a biologic name (``insulin``).

The table is package data, not the store's MeSH graph, so an entity's IRI never depends on what
was loaded before it (the FAERS loader may run before MeSH). See ``docs/drug-names.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.errors import InputError

RULES_FILE = Path(__file__).resolve().parent / "rules.tsv"
KINDS = ("salt", "stub", "synonym", "biologic", "biohead")
_HEADER = ["rule", "name", "target", "note"]


@dataclass(frozen=True)
class RuleTable:
    """The rules of ``rules.tsv``, by kind."""

    salts: frozenset[str]
    stubs: frozenset[str]
    synonyms: dict[str, str]
    biologic_endings: tuple[str, ...]
    biologic_heads: frozenset[str]


@cache
def rule_table() -> RuleTable:
    """The packaged rule table (read once).

    :raises InputError: if the file is missing or a row is malformed.
    """
    return read_rules(RULES_FILE)


def read_rules(path: Path) -> RuleTable:
    """Read and check a rule table.

    :param path: a TSV file in the shape described in the module docstring.
    :return: the rules.
    :raises InputError: for a missing file, a wrong header, an unknown rule kind, a name that
        is not lower-case, a synonym without a target, a duplicate name within a kind, or a
        synonym whose target is itself a synonym (the table must be one step deep).
    """
    where = str(path)
    if not path.is_file():
        raise InputError("no such file", path=where)
    found: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
    header_seen = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [*line.split("\t"), "", "", ""][:4]
        if not header_seen:
            if cells != _HEADER:
                raise InputError(f"header must be {_HEADER}", path=where, line=number)
            header_seen = True
            continue
        kind, name, target = cells[0], cells[1], cells[2]
        _check_row(where, number, kind, name, target, found)
        found[kind][name] = target
    for name, target in found["synonym"].items():
        if target in found["synonym"]:
            raise InputError(
                f"synonym {name!r} points at another synonym {target!r}", path=where, field="target"
            )
    return RuleTable(
        salts=frozenset(found["salt"]),
        stubs=frozenset(found["stub"]),
        synonyms=dict(found["synonym"]),
        biologic_endings=tuple(sorted(found["biologic"])),
        biologic_heads=frozenset(found["biohead"]),
    )


def _check_row(
    where: str, number: int, kind: str, name: str, target: str, found: dict[str, dict[str, str]]
) -> None:
    if kind not in found:
        raise InputError(f"unknown rule {kind!r} (one of {KINDS})", path=where, line=number)
    if not name or name != name.strip().lower():
        raise InputError("name must be lower-case, without edge spaces", path=where, line=number)
    if kind == "synonym" and not target:
        raise InputError("a synonym needs a target", path=where, line=number, field="target")
    if name in found[kind]:
        raise InputError(f"duplicate {kind} {name!r}", path=where, line=number, field="name")
