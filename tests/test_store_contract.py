"""The store contract: one suite, run on every backend (embedded, oxigraph serve, Virtuoso).

Every expectation is computed from the test's own triples, never from the store under test.
The remote engines are real processes on loopback started by ``conftest_engines``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

import pytest
from pyoxigraph import (
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
)

from kg.catalogue import Catalogue, Parameter
from kg.embedded import EmbeddedStore
from kg.errors import ParameterError, QueryError, StoreError
from kg.iris import META_GRAPH, graph_iri
from kg.namespaces import RDF, XSD
from kg.params import ENTITY_CLASSES, resolve, resolve_parameters, run_saved
from kg.remote import RemoteStore
from kg.staging import StagedGraph
from kg.store import GraphStore, Provenance

pytest_plugins = ["conftest_engines"]

FIXTURES = Path(__file__).parent / "fixtures" / "kg"
EX = "https://w3id.org/pvkg/id/test/"
LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
NOTE = NamedNode(EX + "note")
DOSE = NamedNode(EX + "dose")
ONSET = NamedNode(EX + "onset")
TYPE = RDF["type"]
DRUG = NamedNode("https://w3id.org/pvkg/ontology#Drug")


def iri(key: str) -> NamedNode:
    return NamedNode(EX + key)


GRAPH_A = graph_iri("test", "a")
GRAPH_B = graph_iri("test", "b")
TRICKY = 'Crohn\'s "disease" – é α ∂\nsecond line\ttab \\ backslash'
A_TRIPLES = [
    Triple(iri("d1"), TYPE, DRUG),
    Triple(iri("d1"), LABEL, Literal("infliximab")),
    Triple(iri("d1"), NOTE, Literal(TRICKY)),
    Triple(iri("d1"), DOSE, Literal("42", datatype=XSD["integer"])),
    Triple(iri("d2"), TYPE, DRUG),
    Triple(iri("d2"), LABEL, Literal("adalimumab")),
    Triple(iri("d2"), LABEL, Literal("adalimumab", language="en")),
    Triple(iri("d2"), DOSE, Literal("-3", datatype=XSD["integer"])),
    Triple(iri("d2"), ONSET, Literal("2020-07-01", datatype=XSD["date"])),
]
B_TRIPLES = [
    Triple(iri("c1"), LABEL, Literal("psoriasis")),
    Triple(iri("c1"), NOTE, Literal("a, b; c")),
    Triple(iri("d1"), iri("induces"), iri("c1")),
]
META_PER_GRAPH = 11
"""Provenance triples per loaded graph with one input file (kg.provenance's documented layout:
8 about the graph, 3 about its load activity)."""


def load(store: GraphStore, graph: NamedNode, triples: Iterable[Triple], title: str) -> int:
    with StagedGraph() as staged:
        staged.extend(triples)
        path = staged.finish()
        provenance = Provenance(
            source="test",
            files=(f"{title}.txt",),
            checksum=staged.checksum(),
            loader="tests 0.1",
            title=title,
        )
        return store.replace_graph(graph, path, provenance)


def graph_triples(store: GraphStore, graph: NamedNode) -> set[Triple]:
    rows = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    assert isinstance(rows, QuerySolutions)
    return {Triple(r["s"], r["p"], r["o"]) for r in rows}


def count(store: GraphStore, sparql: str, **options: list[NamedNode]) -> int:
    rows = store.query(sparql, **options)  # type: ignore[arg-type]
    assert isinstance(rows, QuerySolutions)
    return int(next(iter(rows))["n"].value)


# --- load and replace --------------------------------------------------------------------------


def test_load_records_exact_count_and_provenance(backend_store: GraphStore) -> None:
    assert load(backend_store, GRAPH_A, A_TRIPLES, "graph a") == len(A_TRIPLES)
    assert graph_triples(backend_store, GRAPH_A) == set(A_TRIPLES)
    [info] = backend_store.graphs()
    assert info.graph == GRAPH_A
    assert (info.triples, info.source, info.title) == (len(A_TRIPLES), "test", "graph a")
    assert (info.files, info.loader) == (("graph a.txt",), "tests 0.1")
    assert info.checksum.startswith("sha256:") and len(info.checksum) == 71
    assert info.loaded_at.endswith("Z") and "T" in info.loaded_at


def test_replace_swaps_the_whole_graph_and_nothing_else(backend_store: GraphStore) -> None:
    load(backend_store, GRAPH_A, A_TRIPLES, "graph a")
    load(backend_store, GRAPH_B, B_TRIPLES, "graph b")
    new_a = [*A_TRIPLES[3:], Triple(iri("d3"), LABEL, Literal("etanercept"))]
    for _ in range(2):  # idempotent: loading the same content twice changes nothing
        assert load(backend_store, GRAPH_A, new_a, "graph a v2") == len(new_a)
    assert graph_triples(backend_store, GRAPH_A) == set(new_a)
    assert graph_triples(backend_store, GRAPH_B) == set(B_TRIPLES)
    infos = {i.graph: i for i in backend_store.graphs()}
    assert set(infos) == {GRAPH_A, GRAPH_B}
    assert (infos[GRAPH_A].triples, infos[GRAPH_A].title) == (len(new_a), "graph a v2")
    assert infos[GRAPH_B].triples == len(B_TRIPLES)
    meta = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {META_GRAPH} {{ ?s ?p ?o }} }}"
    assert count(backend_store, meta) == 2 * META_PER_GRAPH


def test_empty_graph_replaces_a_full_one(backend_store: GraphStore) -> None:
    load(backend_store, GRAPH_A, A_TRIPLES, "graph a")
    assert load(backend_store, GRAPH_A, [], "graph a emptied") == 0
    assert graph_triples(backend_store, GRAPH_A) == set()
    assert [(i.graph, i.triples) for i in backend_store.graphs()] == [(GRAPH_A, 0)]


def test_drop_graph_removes_it_and_its_provenance(backend_store: GraphStore) -> None:
    load(backend_store, GRAPH_A, A_TRIPLES, "graph a")
    load(backend_store, GRAPH_B, B_TRIPLES, "graph b")
    backend_store.drop_graph(GRAPH_A)
    backend_store.drop_graph(graph_iri("test", "never-loaded"))
    assert [i.graph for i in backend_store.graphs()] == [GRAPH_B]
    assert graph_triples(backend_store, GRAPH_A) == set()
    meta = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {META_GRAPH} {{ ?s ?p ?o }} }}"
    assert count(backend_store, meta) == META_PER_GRAPH


# --- queries ----------------------------------------------------------------------------------

SELECT_A = f"SELECT ?s ?p ?o WHERE {{ GRAPH {GRAPH_A} {{ ?s ?p ?o }} }}"


@pytest.mark.parametrize(
    "results_format", [QueryResultsFormat.JSON, QueryResultsFormat.XML, QueryResultsFormat.TSV]
)
def test_select_round_trips_through_every_results_format(
    backend_store: GraphStore, results_format: QueryResultsFormat
) -> None:
    load(backend_store, GRAPH_A, A_TRIPLES, "graph a")
    rows = backend_store.query(SELECT_A)
    assert isinstance(rows, QuerySolutions)
    assert [v.value for v in rows.variables] == ["s", "p", "o"]
    text = rows.serialize(format=results_format)
    assert text is not None
    back = parse_query_results(text, format=results_format)
    assert isinstance(back, QuerySolutions)
    assert {Triple(r["s"], r["p"], r["o"]) for r in back} == set(A_TRIPLES)


def test_select_as_csv(backend_store: GraphStore) -> None:
    load(backend_store, GRAPH_B, B_TRIPLES, "graph b")
    rows = backend_store.query(
        f"SELECT ?o WHERE {{ GRAPH {GRAPH_B} {{ ?s ?p ?o }} }} ORDER BY STR(?o)"
    )
    assert isinstance(rows, QuerySolutions)
    csv = rows.serialize(format=QueryResultsFormat.CSV)
    assert csv is not None
    expected = ["o", '"a, b; c"', iri("c1").value, "psoriasis"]
    assert csv.decode().split("\r\n") == [*expected, ""]


def test_ask_and_construct(backend_store: GraphStore) -> None:
    load(backend_store, GRAPH_A, A_TRIPLES, "graph a")
    yes = backend_store.query(f'ASK {{ ?d {LABEL} "infliximab" }}')
    no = backend_store.query(f'ASK {{ ?d {LABEL} "aspirin" }}')
    assert isinstance(yes, QueryBoolean) and isinstance(no, QueryBoolean)
    assert (bool(yes), bool(no)) == (True, False)
    built = backend_store.query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {GRAPH_A} {{ ?s ?p ?o }} }}"
    )
    assert set(built) == set(A_TRIPLES)  # type: ignore[arg-type]


def test_unicode_and_escapes_survive(backend_store: GraphStore) -> None:
    load(backend_store, GRAPH_A, A_TRIPLES, "graph a")
    rows = backend_store.query(f"SELECT ?o WHERE {{ ?s {NOTE} ?o }}")
    assert [r["o"].value for r in rows] == [TRICKY]  # type: ignore[union-attr]


def test_bindings_restrict_by_typed_terms(backend_store: GraphStore) -> None:
    load(backend_store, GRAPH_A, A_TRIPLES, "graph a")
    by_drug = backend_store.query(f"SELECT ?o WHERE {{ ?d {DOSE} ?o }}", bindings={"d": iri("d2")})
    assert [r["o"] for r in by_drug] == [Literal("-3", datatype=XSD["integer"])]  # type: ignore[union-attr]
    by_text = backend_store.query(
        f"SELECT ?d WHERE {{ ?d {NOTE} ?text }}", bindings={"text": Literal(TRICKY)}
    )
    assert [r["d"] for r in by_text] == [iri("d1")]  # type: ignore[union-attr]
    both = backend_store.query(
        f"SELECT ?d WHERE {{ ?d {DOSE} ?dose ; {LABEL} ?l }}",
        bindings={"dose": Literal("42", datatype=XSD["integer"]), "l": Literal("infliximab")},
    )
    assert [r["d"] for r in both] == [iri("d1")]  # type: ignore[union-attr]
    injected = backend_store.query(
        f"SELECT ?d WHERE {{ ?d {LABEL} ?l }}",
        bindings={"l": Literal('x" } ?d ?p ?o . { ?d ?p "')},
    )
    assert list(injected) == []  # type: ignore[call-overload]


def test_default_graph_is_the_union_of_loaded_graphs(backend_store: GraphStore) -> None:
    load(backend_store, GRAPH_A, A_TRIPLES, "graph a")
    load(backend_store, GRAPH_B, B_TRIPLES, "graph b")
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    total = len(A_TRIPLES) + len(B_TRIPLES) + 2 * META_PER_GRAPH
    assert count(backend_store, everything) == total
    graphs = backend_store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert {r["g"] for r in graphs} == {GRAPH_A, GRAPH_B, META_GRAPH}  # type: ignore[union-attr]


def test_union_without_the_meta_graph_and_base_iri(backend_store: GraphStore) -> None:
    """``include_meta=False`` (the SPARQL endpoint's union): provenance is reached by name only."""
    load(backend_store, GRAPH_A, A_TRIPLES, "graph a")
    load(backend_store, GRAPH_B, B_TRIPLES, "graph b")
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    rows = backend_store.query(everything, include_meta=False)
    assert isinstance(rows, QuerySolutions)
    assert int(next(iter(rows))["n"].value) == len(A_TRIPLES) + len(B_TRIPLES)
    in_meta = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {META_GRAPH} {{ ?s ?p ?o }} }}"
    rows = backend_store.query(in_meta, include_meta=False)
    assert isinstance(rows, QuerySolutions)
    assert int(next(iter(rows))["n"].value) == 2 * META_PER_GRAPH
    relative = backend_store.query("SELECT (<d1> AS ?x) {}", base_iri=EX)
    assert isinstance(relative, QuerySolutions)
    assert next(iter(relative))["x"] == iri("d1")


def test_default_and_named_graphs_select_sources(backend_store: GraphStore) -> None:
    load(backend_store, GRAPH_A, A_TRIPLES, "graph a")
    load(backend_store, GRAPH_B, B_TRIPLES, "graph b")
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert count(backend_store, everything, default_graphs=[GRAPH_B]) == len(B_TRIPLES)
    both = count(backend_store, everything, default_graphs=[GRAPH_A, GRAPH_B])
    assert both == len(A_TRIPLES) + len(B_TRIPLES)
    named = backend_store.query(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graphs=[GRAPH_B]
    )
    assert [r["g"] for r in named] == [GRAPH_B]  # type: ignore[union-attr]
    assert count(backend_store, everything, default_graphs=[]) == 0
    none = backend_store.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graphs=[])
    assert list(none) == []  # type: ignore[call-overload]


def test_dataset_version_changes_with_content_only(backend_store: GraphStore) -> None:
    empty = backend_store.dataset_version()
    load(backend_store, GRAPH_A, A_TRIPLES, "graph a")
    with_a = backend_store.dataset_version()
    backend_store.query(SELECT_A)
    assert backend_store.dataset_version() == with_a != empty
    load(backend_store, GRAPH_B, B_TRIPLES, "graph b")
    with_b = backend_store.dataset_version()
    assert with_b not in (empty, with_a)
    backend_store.drop_graph(GRAPH_B)
    assert backend_store.dataset_version() == with_a
    assert len(with_a) == 16 and int(with_a, 16) >= 0


def test_export_writes_sorted_nquads(backend_store: GraphStore) -> None:
    load(backend_store, GRAPH_A, A_TRIPLES, "graph a")
    load(backend_store, GRAPH_B, B_TRIPLES, "graph b")
    out = io.BytesIO()
    written = backend_store.export(out, graphs=[GRAPH_B, GRAPH_A])
    lines = out.getvalue().decode().splitlines()
    assert written == len(lines) == len(A_TRIPLES) + len(B_TRIPLES)
    assert [line.encode() for line in lines] == sorted(line.encode() for line in lines)
    expected = {Quad(t.subject, t.predicate, t.object, GRAPH_A) for t in A_TRIPLES}
    expected |= {Quad(t.subject, t.predicate, t.object, GRAPH_B) for t in B_TRIPLES}
    assert set(parse(out.getvalue(), format=RdfFormat.N_QUADS)) == expected
    everything = io.BytesIO()
    total = backend_store.export(everything)
    assert total == len(A_TRIPLES) + len(B_TRIPLES) + 2 * META_PER_GRAPH
    graphs = {q.graph_name for q in parse(everything.getvalue(), format=RdfFormat.N_QUADS)}
    assert graphs == {GRAPH_A, GRAPH_B, META_GRAPH}


# --- updates and failures ---------------------------------------------------------------------


def test_update_writes_and_bad_update_is_a_query_error(backend_store: GraphStore) -> None:
    scratch = graph_iri("test", "scratch")
    backend_store.update(f'INSERT DATA {{ GRAPH {scratch} {{ {iri("x")} {LABEL} "x" }} }}')
    rows = backend_store.query(
        f"SELECT ?l WHERE {{ GRAPH {scratch} {{ ?s {LABEL} ?l }} }}", named_graphs=[scratch]
    )
    assert [r["l"].value for r in rows] == ["x"]  # type: ignore[union-attr]
    with pytest.raises(QueryError):
        backend_store.update("INSERT DATA { GRAPH <x:g> { broken")


def test_broken_query_is_a_query_error(backend_store: GraphStore) -> None:
    with pytest.raises(QueryError):
        backend_store.query("SELECT ?x WHERE { ?x ?p }")


def test_read_only_store_refuses_writes(backend_store: GraphStore, tmp_path: Path) -> None:
    load(backend_store, GRAPH_A, A_TRIPLES, "graph a")
    reader: GraphStore
    if isinstance(backend_store, EmbeddedStore):
        reader = EmbeddedStore(Path(backend_store.location), read_only=True)
    else:
        assert isinstance(backend_store, RemoteStore)
        reader = RemoteStore(backend_store.config, read_only=True)
    assert graph_triples(reader, GRAPH_A) == set(A_TRIPLES)
    with StagedGraph() as staged:
        staged.extend(B_TRIPLES)
        path = staged.finish()
        with pytest.raises(StoreError, match="read-only"):
            reader.replace_graph(GRAPH_B, path, Provenance("t", (), "sha256:0", "t", "t"))
    with pytest.raises(StoreError, match="read-only"):
        reader.update(f"DROP GRAPH {GRAPH_A}")
    with pytest.raises(StoreError, match="read-only"):
        reader.drop_graph(GRAPH_A)
    assert graph_triples(reader, GRAPH_A) == set(A_TRIPLES)
    if isinstance(reader, RemoteStore):
        reader.close()


# --- saved queries ------------------------------------------------------------------------------


def load_mini(store: GraphStore) -> None:
    mini = (FIXTURES / "mini.ttl").read_bytes()
    load(store, graph_iri("mini"), (q.triple for q in parse(mini, format=RdfFormat.TURTLE)), "mini")


def test_saved_query_runs_with_resolved_parameters(backend_store: GraphStore) -> None:
    load_mini(backend_store)
    query = Catalogue(FIXTURES / "queries").get("drugs-inducing")
    rows = run_saved(backend_store, query, {})
    assert [r["label"].value for r in rows] == ["infliximab"]  # type: ignore[union-attr]
    by_mesh = run_saved(backend_store, query, {"condition": "mesh:D011565"})
    assert [r["label"].value for r in by_mesh] == ["infliximab"]  # type: ignore[union-attr]
    arthritis = run_saved(backend_store, query, {"condition": "Arthritis, Psoriatic"})
    assert list(arthritis) == []  # type: ignore[call-overload]


def test_saved_query_parameters_resolve_alike(backend_store: GraphStore) -> None:
    load_mini(backend_store)
    query = Catalogue(FIXTURES / "queries").get("drugs-inducing")
    drug = resolve(backend_store, Parameter(name="drug", type="drug"), "remicade")
    assert drug == NamedNode("https://w3id.org/pvkg/id/drug/infliximab")
    with pytest.raises(ParameterError, match="ambiguous"):
        resolve(backend_store, Parameter(name="drug", type="drug"), "TWIN")
    with pytest.raises(ParameterError, match="no condition is labelled"):
        resolve_parameters(backend_store, query, {"condition": 'psoriasis" } } ; DROP ALL ; #'})
    assert graph_triples(backend_store, graph_iri("mini"))  # the injection attempt dropped nothing


# --- every saved query compiles and runs on every backend ---------------------------------------

SAVED = sorted(q.name for q in Catalogue())
_EXPECTED: dict[str, list[tuple[str, ...]]] = {}
"""Each saved query's rows on an embedded reference store holding mini's data."""


def saved_rows(store: GraphStore, name: str) -> list[tuple[str, ...]]:
    """Run saved query ``name`` on mini's data with neutral parameters; rows as sorted text."""
    query = Catalogue().get(name)
    bindings = {}
    for param in query.params:
        if param.type in ENTITY_CLASSES or param.type in ("iri", "faers-quarter"):
            bindings[param.name] = iri("nothing")
        else:
            bindings[param.name] = resolve(store, param, param.default or param.example or "1")
    result = store.query(query.sparql, bindings=bindings, timeout=30)
    if not isinstance(result, QuerySolutions):
        return [(str(item),) for item in result]  # type: ignore[union-attr]
    names = [v.value for v in result.variables]
    return sorted(tuple(str(row[n]) for n in names) for row in result)


@pytest.mark.parametrize("name", SAVED)
def test_saved_query_runs_alike_on_every_backend(
    backend_store: GraphStore, name: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if name not in _EXPECTED:
        reference = EmbeddedStore(tmp_path / "reference")
        load_mini(reference)
        _EXPECTED[name] = saved_rows(reference, name)
        reference.close()
    load_mini(backend_store)
    assert saved_rows(backend_store, name) == _EXPECTED[name]


_SEED: dict[str, object] = {}


def canonical(term: object) -> object:
    """A term as comparable text; a literal's words are sorted, since GROUP_CONCAT's order of
    parts is not defined and differs between engines (the parts themselves must not)."""
    if isinstance(term, Literal):
        return (" ".join(sorted(term.value.split(" "))), term.datatype.value, term.language)
    return "-" if term is None else str(term)


def seed_answers(store: GraphStore) -> dict[str, object]:
    """Each saved query with its default (or example) parameters: bindings and rows (sorted,
    canonical), or the error's class name."""
    answers: dict[str, object] = {}
    for query in Catalogue():
        given = {p.name: p.default or p.example or "" for p in query.params}
        try:
            bound = resolve_parameters(store, query, {k: v for k, v in given.items() if v})
            result = store.query(query.sparql, bindings=bound, timeout=60)
            assert isinstance(result, QuerySolutions)
            names = [v.value for v in result.variables]
            rows = sorted(repr([canonical(row[n]) for n in names]) for row in result)
            answers[query.name] = (sorted(map(str, bound.values())), rows)
        except (QueryError, StoreError, ParameterError) as error:
            answers[query.name] = type(error).__name__
    return answers


def test_saved_queries_on_the_seed_graph_match_the_embedded_store(
    backend_store: GraphStore, tmp_path: Path
) -> None:
    """``pvkg build`` on the backend; every saved query with its defaults gives the same rows."""
    from cli.main import main

    if not _SEED:
        reference = tmp_path / "reference"
        assert main(["--store", str(reference), "build"]) == 0
        embedded = EmbeddedStore(reference)
        _SEED.update(seed_answers(embedded))
        embedded.close()
    answered = [name for name, answer in _SEED.items() if isinstance(answer, tuple) and answer[1]]
    assert len(answered) >= 12  # the seed graph gives most saved queries rows to compare
    if isinstance(backend_store, RemoteStore):
        location = backend_store.location
        if backend_store.config.password:
            location = location.replace("dba@", "dba:dba@")  # the test Virtuoso's credentials
        assert main(["--store", location, "build"]) == 0
        got = seed_answers(backend_store)
    else:  # the fixture holds its directory's lock: build a second embedded store
        assert main(["--store", str(tmp_path / "second"), "build"]) == 0
        second = EmbeddedStore(tmp_path / "second")
        got = seed_answers(second)
        second.close()
    differ = {name for name in _SEED if got.get(name) != _SEED[name]}
    for name in sorted(differ):
        print(name, "expected", _SEED[name], "got", got.get(name))
    assert differ == set()
