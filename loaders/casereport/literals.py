"""The literal forms the case-report mapping writes: plain strings, ``xsd:integer`` and
``xsd:decimal`` without exponent, so the same file always gives the same triples."""

from __future__ import annotations

from decimal import Decimal

from pyoxigraph import Literal

from kg.namespaces import XSD


def text(value: str) -> Literal:
    """A plain string literal."""
    return Literal(value)


def integer(value: int) -> Literal:
    """An ``xsd:integer`` literal."""
    return Literal(str(value), datatype=XSD["integer"])


def decimal(value: float | Decimal) -> Literal:
    """An ``xsd:decimal`` literal written without exponent (``0.006``, ``32``)."""
    number = Decimal(str(value)).normalize()
    return Literal(format(number, "f"), datatype=XSD["decimal"])
