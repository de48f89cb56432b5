"""Reading curated YAML strictly: duplicate keys refused, every error naming file, entry and field.

:class:`Entry` wraps one YAML mapping together with where it is (``patients[1].exposures[2]``)
so that validation code can ask for typed fields and get an :class:`~kg.errors.InputError`
that names the file, the entry and the field when something is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

import yaml

from kg.errors import InputError

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""Shape of a curated identifier: lower-case words joined by '-' (it becomes part of IRIs)."""


class _StrictLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a key repeated within one mapping."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Hashable, Any]:
    seen: set[Hashable] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice in one mapping", mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def load_yaml(path: Path) -> object:
    """Parse ``path`` as YAML, refusing duplicate keys.

    :param path: the curated file.
    :return: the parsed document.
    :raises InputError: naming the file (and line) if it cannot be read, is not UTF-8, does
        not end with a line end (a file cut short mostly ends mid-line, and the records
        before the cut would otherwise load as if they were all) or is not valid YAML.
    """
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read file: {error}", path=str(path)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        bad_line = data.count(b"\n", 0, error.start) + 1
        raise InputError(f"not UTF-8 text: {error.reason}", path=str(path), line=bad_line) from None
    if text and not text.endswith("\n"):
        raise InputError(
            "file does not end with a line end (cut short?)",
            path=str(path),
            line=text.count("\n") + 1,
        )
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = None if mark is None else mark.line + 1
        reason = f"not valid YAML: {error.problem or error.context}"
        raise InputError(reason, path=str(path), line=line) from None
    except yaml.reader.ReaderError as error:  # a character YAML refuses (NUL, controls)
        at = text.count("\n", 0, error.position) + 1
        code = error.character if isinstance(error.character, int) else ord(error.character)
        reason = f"not valid YAML: character #x{code:04x}: {error.reason}"
        raise InputError(reason, path=str(path), line=at) from None
    except yaml.YAMLError as error:
        raise InputError(f"not valid YAML: {error}", path=str(path)) from None


class Entry:
    """One YAML mapping of a curated file, with its place for error messages.

    :param data: the parsed value (checked to be a mapping).
    :param path: the file it came from.
    :param where: the entry's place, e.g. ``patients[1].exposures[2]`` (``""`` for the top).
    :param allowed: the keys this kind of entry may have.
    :raises InputError: if ``data`` is not a mapping or has a key outside ``allowed``.
    """

    def __init__(self, data: object, path: Path, where: str, allowed: Sequence[str]) -> None:
        self.path = path
        self.where = where
        if not isinstance(data, dict):
            raise self.error("must be a mapping of field: value")
        unknown = sorted(str(k) for k in data if k not in allowed)
        if unknown:
            raise self.error(f"unknown key (allowed: {', '.join(allowed)})", field=unknown[0])
        self.data: dict[str, Any] = data

    def error(self, reason: str, field: str | None = None) -> InputError:
        """An :class:`InputError` about this entry (and ``field``)."""
        return InputError(reason, path=str(self.path), entry=self.where or None, field=field)

    def child(self, field: str, index: int | None = None) -> str:
        """The place of a nested entry: ``where.field[index]``."""
        base = f"{self.where}.{field}" if self.where else field
        return base if index is None else f"{base}[{index}]"

    def has(self, field: str) -> bool:
        """Whether ``field`` is present with a non-null value."""
        return self.data.get(field) is not None

    def text(self, field: str) -> str:
        """A required, non-empty string field.

        :raises InputError: if it is missing, not a string or blank.
        """
        value = self.optional_text(field)
        if value is None:
            raise self.error("is required", field=field)
        return value

    def optional_text(self, field: str) -> str | None:
        """An optional string field (``None`` when absent); numbers are refused.

        :raises InputError: if present but not a non-empty string.
        """
        value = self.data.get(field)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.error(f"must be text, not {type(value).__name__}", field=field)
        if not value.strip():
            raise self.error("must not be empty", field=field)
        return " ".join(value.split())

    def identifier(self, field: str) -> str:
        """A required identifier (lower-case words joined by '-')."""
        value = self.text(field)
        if not ID_PATTERN.fullmatch(value):
            raise self.error(f"{value!r} is not lower-case words joined by '-'", field=field)
        return value

    def optional_identifier(self, field: str) -> str | None:
        """An optional identifier; see :meth:`identifier`."""
        return self.identifier(field) if self.has(field) else None

    def identifiers(self, field: str) -> tuple[str, ...]:
        """An optional list of identifiers (empty when absent)."""
        values = self.strings(field)
        for value in values:
            if not ID_PATTERN.fullmatch(value):
                raise self.error(f"{value!r} is not lower-case words joined by '-'", field=field)
        return values

    def strings(self, field: str) -> tuple[str, ...]:
        """An optional list of non-empty strings (empty when absent)."""
        value = self.data.get(field)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.error("must be a list of non-empty text values", field=field)
        return tuple(" ".join(v.split()) for v in value)

    def choice(self, field: str, choices: Sequence[str], *, required: bool = True) -> str | None:
        """A string that must be one of ``choices``.

        :raises InputError: if missing (when required) or not one of the choices.
        """
        value = self.data.get(field)
        if value is None:
            if required:
                raise self.error(f"is required (one of: {', '.join(choices)})", field=field)
            return None
        if value not in choices:
            raise self.error(f"{value!r} is not one of: {', '.join(choices)}", field=field)
        return str(value)

    def number(self, field: str, *, low: float, high: float) -> float | None:
        """An optional number within ``[low, high]``.

        :raises InputError: if present but not a number in range.
        """
        value = self.data.get(field)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(f"must be a number, not {value!r}", field=field)
        if not low <= value <= high:
            raise self.error(f"{value} is outside {low}..{high}", field=field)
        return float(value)

    def integer(self, field: str) -> int | None:
        """An optional non-negative integer."""
        value = self.data.get(field)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.error(f"must be a non-negative integer, not {value!r}", field=field)
        return value

    def flag(self, field: str) -> bool | None:
        """An optional true/false value."""
        value = self.data.get(field)
        if value is None or isinstance(value, bool):
            return value
        raise self.error(f"must be true or false, not {value!r}", field=field)

    def items(self, field: str, *, required: bool = False) -> list[tuple[str, object]]:
        """The elements of a list field with their places (``field[i]``).

        :raises InputError: if the field is not a list (or missing/empty when required).
        """
        value = self.data.get(field)
        if value is None:
            if required:
                raise self.error("is required (a list)", field=field)
            return []
        if not isinstance(value, list):
            raise self.error("must be a list", field=field)
        if required and not value:
            raise self.error("must not be empty", field=field)
        return [(self.child(field, i), item) for i, item in enumerate(value)]
