"""The column order of a ``SELECT *`` answer: the variables in order of first appearance.

pyoxigraph projects ``SELECT *`` in alphabetical order (``?o ?p ?s`` for ``{ ?s ?p ?o }``);
people and tools (Jena, Virtuoso, the README's examples) expect the order the query names them
in. The web process reads that order from the query text (:func:`star_columns`) and sends it
with the job; :func:`server.results.write_solutions` writes the columns in it. Only variables
the engine projects are kept (a variable of a sub-select that is not projected, or of a
``FILTER`` only, is not a column), so the text decides the order, never the columns.

>>> star_columns("SELECT * WHERE { ?s ?p ?o }")
('s', 'p', 'o')
>>> star_columns("PREFIX x: <http://x/?a> SELECT DISTINCT * { $z ?y \\"?w\\" . BIND(1 AS ?a) }")
('z', 'y', 'a')
>>> star_columns("SELECT ?o ?s WHERE { ?s ?p ?o }") is None
True
>>> ordered(["a", "o", "s"], ("s", "o", "a", "gone")), ordered(["a", "b"], ("b",))
(['s', 'o', 'a'], ['b', 'a'])
"""

from __future__ import annotations

import re

from kg.binding import code_spans

_SELECT = re.compile(r"(?<![?$:\w])SELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?(\*)?", re.IGNORECASE)
_VARIABLE = re.compile(r"[?$]([\w\u00b7\u0300-\u036f\u203f-\u2040]+)")


def star_columns(text: str) -> tuple[str, ...] | None:
    """Variables in order of first appearance if the query's outer form is ``SELECT *``.

    ``None`` for any other query (its projection already fixes the order).
    """
    code = " ".join(text[begin:end] for begin, end in code_spans(text))
    select = _SELECT.search(code)
    if select is None or select.group(1) is None:
        return None
    names: dict[str, None] = {}
    for match in _VARIABLE.finditer(code, select.end()):
        names.setdefault(match.group(1))
    return tuple(names)


def ordered(engine: list[str], order: tuple[str, ...]) -> list[str]:
    """The engine's columns in ``order``; columns ``order`` misses follow in the engine's order."""
    columns = set(engine)
    first = [name for name in order if name in columns]
    seen = set(first)
    return first + [name for name in engine if name not in seen]
