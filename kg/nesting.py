"""A guard against SPARQL texts nested too deep for the engine's parser.

pyoxigraph parses a query by recursive descent on the calling thread's stack: on an 8 MiB stack
a query nested about 2,500 braces deep (5,000 parentheses) ends the process with a segmentation
fault, with no Python exception, and 300 nested ``[ … ]`` take over a minute to parse. Real
queries nest a few dozen levels at most, so any text nested deeper than :data:`MAX_DEPTH` is
refused here, before an engine sees it (the HTTP service and ``pvkg query`` both call
:func:`check_depth`).

Braces, parentheses and brackets count alike, and so does each ``!`` of a chain of logical
negations (``!!!!true``: the parser recurses once per ``!``; 10,000 of them crash it too).
Comments and strings are skipped
(:func:`kg.binding.code_spans`); IRIs are not, since a balanced ``(…)`` inside one adds nothing.

>>> nesting_depth('SELECT * { ?s ?p "{{{" FILTER((?o > 1)) } # (((')
3
>>> check_depth("ASK " + "{" * 300 + "}" * 300)
Traceback (most recent call last):
...
kg.errors.QueryError: query is nested 300 levels deep; at most 128 are accepted
"""

from __future__ import annotations

import re
from itertools import pairwise

from kg.binding import code_spans
from kg.errors import QueryError

MAX_DEPTH = 128
"""Deepest nesting of ``{``, ``(`` and ``[`` accepted, far below the parser's stack limit."""

_BRACKET = re.compile(r"[{(\[]|[})\]]|(?:!\s*){2,}")


def _scanned(text: str) -> list[tuple[int, int]]:
    """The spans to count in: the code and what looks like IRIs (``<…>``), not comments or
    strings. IRIs count because ``?a<((1))>?b`` is a comparison to the engine."""
    spans = code_spans(text)
    scanned = []
    for (_, end), (begin, _) in pairwise(spans):
        if text.startswith("<", end):
            scanned.append((end, begin))
    return spans + scanned


def nesting_depth(text: str) -> int:
    """The deepest nesting of braces, parentheses, brackets and negations in ``text``'s code.

    >>> nesting_depth("ASK { FILTER(!!! ! true != false) }")
    6
    """
    marks = sorted(
        (match.start(), match.group())
        for begin, end in _scanned(text)
        for match in _BRACKET.finditer(text, begin, end)
    )
    depth = deepest = 0
    for _, mark in marks:
        if mark.startswith("!"):
            deepest = max(deepest, depth + mark.count("!"))
        elif mark in "{([":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(0, depth - 1)
    return deepest


def check_depth(text: str, limit: int = MAX_DEPTH) -> None:
    """Refuse ``text`` if it is nested deeper than ``limit``.

    :raises kg.errors.QueryError: naming the depth and the limit.
    """
    depth = nesting_depth(text)
    if depth > limit:
        raise QueryError(f"query is nested {depth} levels deep; at most {limit} are accepted")
