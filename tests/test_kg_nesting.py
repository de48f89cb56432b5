"""kg.nesting: the depth guard in front of the engine's recursive parser."""

from __future__ import annotations

import pytest

from kg.errors import QueryError
from kg.nesting import MAX_DEPTH, check_depth, nesting_depth


def test_a_chain_of_negations_counts_as_nesting() -> None:
    assert nesting_depth("ASK { FILTER(" + "!" * 500 + "true) }") == 502
    with pytest.raises(QueryError, match="502 levels"):
        check_depth("ASK { FILTER(" + "!" * 500 + "true) }")


def test_ordinary_negations_and_comparisons_pass() -> None:
    text = (
        "SELECT * { ?s ?p ?o FILTER(!BOUND(?x) && ?o != 1 && !(?s = ?o))"
        " MINUS { ?s !<http://x> ?o } }"
    )
    assert nesting_depth(text) <= 4
    check_depth(text)
    check_depth("ASK { FILTER(" + "!" * (MAX_DEPTH - 2) + "true) }")
