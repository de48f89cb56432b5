"""Errors pvkg reports to its users.

Every error a user can cause (bad input file, unknown saved query, bad parameter, broken SPARQL)
is a :class:`PvkgError`. Each also subclasses the built-in exception that fits, so callers that
know only Python's built-ins still catch them. The command line prints ``str(error)`` as one line;
the server maps them to HTTP problem responses. Anything else is a bug.
"""

from __future__ import annotations


class PvkgError(Exception):
    """Base class of the errors pvkg reports to users (never a bug)."""


class InputError(PvkgError, ValueError):
    """A source file breaks its format.

    The message names the file, the place (line or entry), the field and why.

    >>> str(InputError("bad date", path="DEMO.txt", line=3, field="fda_dt"))
    'DEMO.txt:3: field fda_dt: bad date'
    """

    def __init__(
        self,
        reason: str,
        *,
        path: str | None = None,
        line: int | None = None,
        entry: str | None = None,
        field: str | None = None,
    ) -> None:
        self.reason = reason
        self.path = path
        self.line = line
        self.entry = entry
        self.field = field
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.entry:
            parts.append(f"entry {self.entry}")
        if self.field:
            parts.append(f"field {self.field}")
        return ": ".join([*parts, " ".join(self.reason.split("\n"))])


class QueryError(PvkgError, ValueError):
    """A SPARQL query or update is malformed or refused (message from the parser or policy)."""


class UnknownQueryError(PvkgError, LookupError):
    """A saved query name is not in the catalogue."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown saved query"


class ParameterError(PvkgError, ValueError):
    """A saved-query parameter value is missing, mistyped or names nothing in the graph.

    >>> str(ParameterError("drug", "no drug is labelled 'x'"))
    "parameter 'drug': no drug is labelled 'x'"
    """

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(f"parameter {name!r}: {reason}")


class StoreError(PvkgError, OSError):
    """The store cannot be opened, read or written (missing, locked, unreachable)."""


class EngineError(StoreError):
    """A remote SPARQL engine is unreachable, sent no answer or failed (a bad gateway).

    >>> isinstance(EngineError("cannot reach http://x/sparql"), StoreError)
    True
    """


class QueryTimeoutError(PvkgError, TimeoutError):
    """A query ran past its deadline."""
