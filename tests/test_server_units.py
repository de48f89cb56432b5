"""Parts of the service without HTTP: the doctests of ``server``, negotiation, policy, and the
query pool (streamed answers, timeouts, errors) over a real on-disk store."""

from __future__ import annotations

import doctest
import json
from collections.abc import Iterator

import pyoxigraph
import pytest
from server_harness import QUERIES, TEST_TRIPLES

import server.dumps
import server.negotiation
import server.policy
import server.results
import server.slicing
import server.updates
from kg.errors import ParameterError, QueryError, QueryTimeoutError
from kg.iris import META_GRAPH
from server.jobs import SavedJob, SparqlJob
from server.policy import Policy, RefusedError, TooLargeError
from server.pool import BusyError, QueryPool
from server.updates import named_graphs

pytest_plugins = ("server_harness",)

CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.mark.parametrize(
    "module",
    [
        server.negotiation,
        server.policy,
        server.results,
        server.slicing,
        server.dumps,
        server.updates,
    ],
)
def test_doctests(module: object) -> None:
    failures, _ = doctest.testmod(
        module, optionflags=doctest.ELLIPSIS | doctest.IGNORE_EXCEPTION_DETAIL
    )  # type: ignore[arg-type]
    assert failures == 0


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <a:b> <a:c> <a:d> }",
        "load <http://example.org/x>",
        "WITH <a:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * { \\u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * { SERVICE ?x { ?s ?p ?o } }",
    ],
)
def test_policy_refuses(text: str) -> None:
    with pytest.raises(RefusedError):
        Policy().check(text)


def test_policy_allows_listed_hosts_and_plain_queries() -> None:
    policy = Policy(max_query_bytes=200, service_hosts=frozenset({"example.org"}))
    assert policy.check("SELECT * { SERVICE <http://example.org/s> { ?s ?p ?o } }") == "SELECT"
    assert policy.check("PREFIX load: <a:> ASK { ?service load:x ?delete }") == "ASK"
    with pytest.raises(TooLargeError):
        policy.check("ASK {}" + " " * 300)
    with pytest.raises(QueryError):
        policy.check("this is not sparql")


@pytest.fixture(scope="module")
def pool(test_store: str) -> Iterator[QueryPool]:
    opened = QueryPool(test_store, 2, catalogue_dir=str(QUERIES), chunk=1024)
    yield opened
    opened.close()


def test_large_answer_streams_in_chunks(pool: QueryPool) -> None:
    answer, rest = pool.run(
        SparqlJob(
            "SELECT * WHERE { ?s ?p ?o }",
            "json",
            100000,
            default_graphs=("https://w3id.org/pvkg/graph/test",),
        ),
        10,
    )
    assert answer.more and len(answer.body) == 1024
    pieces = [answer.body, *rest]
    assert len(pieces) > 10
    body = json.loads(b"".join(pieces))
    assert len(body["results"]["bindings"]) == TEST_TRIPLES
    assert answer.rows == TEST_TRIPLES and not answer.truncated
    again, _ = pool.run(SparqlJob("ASK { ?s ?p ?o }", "json", 10), 10)  # process given back
    assert json.loads(again.body)["boolean"] is True


def test_unread_remainder_closed_gives_the_process_back(pool: QueryPool) -> None:
    big = SparqlJob(
        "SELECT * WHERE { ?s ?p ?o }",
        "json",
        100000,
        default_graphs=("https://w3id.org/pvkg/graph/test",),
    )
    for _ in range(pool.size + 1):  # more than the pool holds: each one must come back
        answer, rest = pool.run(big, 10)
        assert answer.more
        rest.close()  # never read: the process may still be writing, so it is replaced
    answer, rest = pool.run(big, 10)
    assert len(json.loads(b"".join([answer.body, *rest]))["results"]["bindings"]) == TEST_TRIPLES


def test_timeout_replaces_the_process(pool: QueryPool) -> None:
    with pytest.raises(QueryTimeoutError, match="timed out"):
        pool.run(SparqlJob(CROSS, "json", 10), 1.0)
    answer, _ = pool.run(SavedJob("drug-lookup", (("drug", "adalimumab"),), "dashboard", 10), 10)
    assert json.loads(answer.body)["rows"] == [
        ["adalimumab", "http://id.nlm.nih.gov/mesh/D000068879", 7]
    ]


def test_a_process_still_starting_is_kept_not_killed(test_store: str) -> None:
    """Past the deadline a starting process means busy (503), and it goes on starting: killing
    it would leave a loaded machine replacing processes that never get to answer."""
    fresh = QueryPool(test_store, 1, catalogue_dir=str(QUERIES))
    try:
        (slot,) = fresh._slots
        with pytest.raises(BusyError, match="still starting"):
            fresh.run(SparqlJob("ASK { ?s ?p ?o }", "json", 10), 0.001)
        answer, _ = fresh.run(SparqlJob("ASK { ?s ?p ?o }", "json", 10), 30)
        assert json.loads(answer.body)["boolean"] is True
        assert fresh._slots == [slot] and slot.process.is_alive()
    finally:
        fresh.close()


def test_user_errors_cross_the_pipe(pool: QueryPool) -> None:
    with pytest.raises(ParameterError) as caught:
        pool.run(SavedJob("drug-lookup", (("drug", "nothing"),), "json", 10), 10)
    assert caught.value.name == "drug"
    with pytest.raises(QueryError):
        pool.run(SparqlJob("SELECT * WHERE { ?s ?p }", "json", 10), 10)


def test_large_answer_streams_over_http(test_store: str) -> None:
    from server.app import create_app

    app = create_app({"STORE": test_store, "QUERIES": str(QUERIES), "MAX_ROWS": 100000})
    try:
        query = "SELECT ?s ?p ?o ?x WHERE { ?s ?p ?o . VALUES ?x { 1 2 3 4 5 } }"
        response = app.test_client().get("/sparql", query_string={"query": query})
        assert response.status_code == 200
        assert response.is_streamed  # more than one CHUNK
        body = json.loads(response.get_data())
        stored = pyoxigraph.Store.read_only(test_store + "/oxigraph")
        quads = sum(1 for q in stored if q.graph_name != META_GRAPH)  # the union leaves meta out
        assert len(body["results"]["bindings"]) == quads * 5
    finally:
        app.extensions["pvkg"].pool.close()


def test_streamed_answers_are_cached_up_to_the_limit(test_store: str) -> None:
    from server.app import create_app
    from server.pool import CHUNK
    from server.service import CACHED_BYTES

    app = create_app({"STORE": test_store, "QUERIES": str(QUERIES), "MAX_ROWS": 100000})
    service = app.extensions["pvkg"]
    runs: list[object] = []
    run = service.pool.run

    def counted(job: object, timeout: float) -> object:
        runs.append(job)
        return run(job, timeout)  # type: ignore[arg-type]

    service.pool.run = counted
    try:
        client = app.test_client()
        sizes = {}
        for copies in (4, 12):  # one answer between CHUNK and CACHED_BYTES, one above
            values = " ".join(str(n) for n in range(copies))
            query = f"SELECT ?s ?p ?o ?x WHERE {{ ?s ?p ?o . VALUES ?x {{ {values} }} }}"
            first = client.get("/sparql", query_string={"query": query})
            assert first.is_streamed
            body = first.get_data()
            again = client.get("/sparql", query_string={"query": query}).get_data()
            assert again == body
            sizes[copies] = (len(body), len(runs))
            runs.clear()
        small, large = sizes[4], sizes[12]
        assert CHUNK < small[0] <= CACHED_BYTES < large[0]
        assert small[1] == 1  # the second answer came from the cache
        assert large[1] == 2  # too large to keep
    finally:
        service.pool.close()


G1, G2 = pyoxigraph.NamedNode("http://ex.org/g/one"), pyoxigraph.NamedNode("http://ex.org/g/two")


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("INSERT DATA { GRAPH <http://ex.org/g/one> { <a:s> <a:p> 1 } }", [G1]),
        ("PREFIX g: <http://ex.org/g/> DROP GRAPH g:two", [G2]),
        ("PREFIX : <http://ex.org/g/> ADD :one TO :two", [G1, G2]),
        ("CLEAR DEFAULT", []),
        ('INSERT DATA { <a:s> <a:p> "GRAPH ?g <http://ex.org/g/one>" }', [G1]),  # over, not under
        ("INSERT DATA { <a:s> <a:p> 1 } # GRAPH ?g", []),
        ("DELETE WHERE { GRAPH ?g { ?s ?p 1 } }", [G1, G2]),
        ("DELETE WHERE { GRAPH $g { ?s ?p 1 } }", [G1, G2]),
        ("DROP ALL", [G1, G2]),
        ("CLEAR NAMED", [G1, G2]),
        ("BASE <http://ex.org/g/> DROP GRAPH <one>", [G1, G2]),
        ("DROP GRAPH <http://ex.org/g/\\u006fne>", [G1, G2]),
    ],
)
def test_graphs_an_update_may_change(text: str, named: list[pyoxigraph.NamedNode]) -> None:
    assert named_graphs(text, [G1, G2]) == named
