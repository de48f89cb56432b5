"""Typed VALUES injection: position in the query and refusal of anything but terms."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode

from kg.binding import bind_values, query_form, where_brace
from kg.errors import QueryError


def test_values_go_into_the_where_clause_not_the_construct_template() -> None:
    text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    bound = bind_values(text, {"s": NamedNode("http://ex/a")})
    assert bound == "CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?s { <http://ex/a> } ?s ?p ?o }"


def test_braces_in_comments_strings_and_iris_are_skipped() -> None:
    text = 'PREFIX x: <http://ex/{x}> # { not this\nSELECT ?s WHERE { ?s ?p "{" }'
    assert text[where_brace(text) - 1] == "{"
    assert text[: where_brace(text)].endswith("WHERE {")


def test_several_values_become_one_row() -> None:
    bound = bind_values("ASK { ?a ?b ?c }", {"b": NamedNode("http://p"), "a": Literal("x")})
    assert 'VALUES (?a ?b) { ("x" <http://p>) }' in bound


def test_bad_variable_names_are_refused() -> None:
    with pytest.raises(QueryError):
        bind_values("ASK { ?a ?b ?c }", {"a } DROP": Literal("x")})


def test_query_form_ignores_keywords_in_iris_and_comments() -> None:
    assert query_form("PREFIX s: <http://x/select#>\n# ASK\nDESCRIBE <http://x>") == "DESCRIBE"
    assert query_form("# nothing here") is None


_SUBSELECT = """
SELECT ?s ?n WHERE {
  { SELECT ?s (COUNT(*) AS ?n) WHERE {
      #@bind
      ?s <http://ex/p> ?o FILTER(?o >= ?least) } GROUP BY ?s }
}"""


def test_a_marked_sub_select_is_bound_too_and_answers() -> None:
    from pyoxigraph import Quad, Store

    store = Store()
    for s, o in (("a", 1), ("a", 5), ("b", 2)):
        store.add(Quad(NamedNode(f"http://ex/{s}"), NamedNode("http://ex/p"), Literal(o)))
    least = {"least": Literal(2)}
    bound = bind_values(_SUBSELECT, least)
    assert bound.count("VALUES ?least") == 2 and "#@bind" not in bound
    rows = sorted((r["s"].value, int(r["n"].value)) for r in store.query(bound))
    assert rows == [("http://ex/a", 1), ("http://ex/b", 1)]
    # without the mark the sub-select never sees ?least: its FILTER fails on every row
    unmarked = bind_values(_SUBSELECT.replace("#@bind", ""), least)
    assert list(store.query(unmarked)) == []


def test_a_mark_in_a_string_or_a_longer_comment_is_left_alone() -> None:
    text = 'SELECT ?s WHERE { ?s ?p "#@bind" # #@bind here\n #@binder\n}'
    bound = bind_values(text, {"s": NamedNode("http://ex/a")})
    assert bound.count("VALUES") == 1
