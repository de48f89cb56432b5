"""Bind query variables to RDF terms by injecting a ``VALUES`` block into SPARQL text.

Values are pyoxigraph terms serialised by pyoxigraph itself (IRIs validated, literals escaped),
never user text spliced into the query. The block goes right after the opening brace of the
query's WHERE clause, so it constrains the pattern from the start on every SPARQL 1.1 engine
(unlike a trailing ``VALUES``, which joins after aggregation). Comments, strings and IRIs are
skipped when looking for that brace.

>>> from pyoxigraph import Literal
>>> bind_values("SELECT ?x WHERE { ?x ?p ?o }", {"o": Literal('a"b')})
'SELECT ?x WHERE { VALUES ?o { "a\\\\"b" } ?x ?p ?o }'

A sub-select is evaluated bottom-up: it does not see that block, so an engine runs it for
every value a parameter could take (or, for a parameter used in a FILTER, finds it unbound).
A saved query binds its parameters inside a sub-select too by marking the start of the
sub-select's WHERE clause with the comment ``#@bind``: the same ``VALUES`` block replaces
the comment (as pyoxigraph's ``substitutions``, SEP-0007, bind a variable throughout). Without
bindings the comment stays a comment and the text a valid query.

>>> bind_values("SELECT * WHERE { { SELECT ?o WHERE { #@bind\\n ?x ?p ?o } } }",
...             {"o": Literal("a")})
'SELECT * WHERE { VALUES ?o { "a" } { SELECT ?o WHERE { VALUES ?o { "a" }\\n ?x ?p ?o } } }'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from kg.errors import QueryError
from kg.store import Term

_SKIP = re.compile(
    r"""
      \#[^\n]*                       # comment
    | '''(?:[^'\\]|\\.|'(?!''))*'''  # long strings
    | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
    | '(?:[^'\\\n]|\\.)*'            # short strings
    | "(?:[^"\\\n]|\\.)*"
    | <[^<>"{}|^`\\\s]*>             # IRI reference
    """,
    re.VERBOSE,
)
_WHERE = re.compile(r"\bWHERE\b", re.IGNORECASE)
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_VAR = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DATASET_CLAUSE = re.compile(r"(?<![?$:\w])FROM\b", re.IGNORECASE)


def code_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that are SPARQL code (not comments, strings or IRIs)."""
    spans, pos = [], 0
    for match in _SKIP.finditer(text):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, len(text)))
    return spans


def query_form(text: str) -> str | None:
    """The form of a query: ``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE``, or ``None``.

    >>> query_form("PREFIX s: <http://x/select#> # ASK\\nCONSTRUCT WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    """
    for begin, end in code_spans(text):
        found = _FORM.search(text, begin, end)
        if found:
            return found.group(1).upper()
    return None


@functools.lru_cache(maxsize=512)
def declares_dataset(text: str) -> bool:
    """Whether a query names its own dataset with ``FROM`` or ``FROM NAMED``.

    Cached by text: it runs on every query, and saved queries repeat.

    >>> declares_dataset("SELECT ?from FROM <http://g> WHERE { ?s ex:from ?from }")
    True
    >>> declares_dataset("SELECT ?from WHERE { ?s ex:from ?from } # FROM")
    False
    """
    return any(_DATASET_CLAUSE.search(text, begin, end) for begin, end in code_spans(text))


def where_brace(text: str) -> int:
    """Offset just after the ``{`` that opens the WHERE clause of ``text``.

    :raises QueryError: if the query has no group pattern.
    """
    spans = code_spans(text)
    start = 0
    for begin, end in spans:
        found = _WHERE.search(text, begin, end)
        if found:
            start = found.end()
            break
    for begin, end in spans:
        if end <= start:
            continue
        brace = text.find("{", max(begin, start), end)
        if brace != -1:
            return brace + 1
    raise QueryError("query has no WHERE clause to bind parameters in")


def values_block(bindings: Mapping[str, Term]) -> str:
    """A one-row ``VALUES`` block for ``bindings``."""
    names = sorted(bindings)
    for name in names:
        if not _VAR.fullmatch(name):
            raise QueryError(f"not a SPARQL variable name: {name!r}")
    head = " ".join(f"?{n}" for n in names)
    row = " ".join(str(bindings[n]) for n in names)
    if len(names) == 1:
        return f"VALUES {head} {{ {row} }}"
    return f"VALUES ({head}) {{ ({row}) }}"


_MARK = "#@bind"
"""The comment a sub-select's WHERE clause carries to be bound too (module docstring)."""


@functools.lru_cache(maxsize=512)
def marks(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of the ``#@bind`` comments of ``text`` (not inside strings or IRIs).

    Runs on every bound query: a text without the mark is not scanned, and saved queries
    (which repeat) are scanned once.
    """
    if _MARK not in text:
        return ()
    return tuple(
        (m.start(), m.end())
        for m in _SKIP.finditer(text)
        if m.group().startswith(_MARK) and not m.group()[len(_MARK) :].strip()
    )


def bind_values(text: str, bindings: Mapping[str, Term]) -> str:
    """Return ``text`` with ``bindings`` injected as a ``VALUES`` block into its WHERE clause
    and in place of each ``#@bind`` comment."""
    if not bindings:
        return text
    block = values_block(bindings)
    at = where_brace(text)
    pieces, pos = [text[:at], f" {block}"], at
    for begin, end in marks(text):
        if begin >= at:
            pieces += [text[pos:begin], block]
            pos = end
    pieces.append(text[pos:])
    return "".join(pieces)
