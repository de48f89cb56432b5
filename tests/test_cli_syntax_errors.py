"""kg.syntax_errors on pyoxigraph's own messages: the block the CLI (and later the server) shows."""

from __future__ import annotations

import doctest

import pyoxigraph
import pytest

import kg.syntax_errors
from kg.syntax_errors import explain


def parser_message(query: str) -> str:
    with pytest.raises(SyntaxError) as caught:
        pyoxigraph.Store().query(query)
    return str(caught.value)


def test_doctests() -> None:
    assert doctest.testmod(kg.syntax_errors).failed == 0


def test_an_invalid_iri_is_named_and_the_caret_sits_at_the_reported_column() -> None:
    query = "SELECT * {\n  ?s <bad iri> ?o\n}"
    block = explain(query, parser_message(query))
    assert block is not None
    lines = block.splitlines()
    assert lines[0].startswith("SPARQL syntax error at line 2, column ")
    column = int(lines[0].split("column ")[1].split(":")[0])
    assert lines[1] == "    ?s <bad iri> ?o" and lines[2] == "  " + " " * (column - 1) + "^"
    assert lines[3] == "  expected a valid IRI"


def test_a_broken_rule_is_shown_as_its_sentence() -> None:
    query = "SELECT ?x WHERE { ?s ?p ?o } GROUP BY ?s"
    block = explain(query, parser_message(query)) or ""
    assert "  The SELECT contains a variable that is unbound." in block.splitlines()
    assert "[" not in block.splitlines()[-1], "no parser-generator notation"


def test_a_stray_word_is_quoted_whole_with_the_keywords_that_may_follow() -> None:
    query = "ASK {} garbage"
    lines = (explain(query, parser_message(query)) or "").splitlines()
    assert lines[0].endswith(": found 'garbage'")
    assert lines[-1] == "  expected a keyword (HAVING, OFFSET, OPTIONAL or VALUES)"


def test_other_messages_are_left_to_the_caller() -> None:
    assert explain("SELECT * {}", "the store is locked") is None
