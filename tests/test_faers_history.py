"""FAERS history: quarters added one at a time, deduplicated across quarters, removed again.

Hand-made quarters with known answers: a follow-up in a later quarter supersedes the earlier
version; a later deleted list removes an earlier case; the load order does not change any
derived graph; removing a quarter gives what never loading it gives; a load that dies before
its statistics are swapped is repaired by the next one. The expected counts are computed here
by a plain Python deduplication written for the test, not by the loader's SQL.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, QuerySolutions

from kg.embedded import EmbeddedStore
from kg.store import Provenance
from loaders import faers
from loaders.faers import terms
from tests.conftest import shared
from tests.test_faers_input import demo, drug, write_quarter

ID = "https://w3id.org/pvkg/id/"

Report = tuple[str, str, str, list[str], list[str]]
"""primaryid, caseid, caseversion, suspect drugs (PS), reaction terms."""


def quarter(folder: Path, name: str, reports: list[Report], deleted: list[str] = ()) -> Path:  # type: ignore[assignment]
    demo_rows = [demo(pid, case, version) for pid, case, version, _, _ in reports]
    drug_rows = [
        drug(pid, case, str(seq), "PS", name_, name_)
        for pid, case, _, drugs, _ in reports
        for seq, name_ in enumerate(drugs, 1)
    ]
    reac_rows = [f"{pid}${case}${term}$" for pid, case, _, _, events in reports for term in events]
    return write_quarter(folder / name, name, demo_rows, drug_rows, reac_rows, deleted=deleted)


def reference(quarters: list[tuple[list[Report], list[str]]]) -> tuple[set[str], dict[str, int]]:
    """Current reports and a per (drug, term) over the given quarters, by plain Python."""
    best: dict[str, tuple[int, int, str]] = {}
    deleted: set[str] = set()
    rows: dict[str, Report] = {}
    for reports, gone in quarters:
        deleted |= set(gone)
        for report in reports:
            pid, case, version = report[0], report[1], int(report[2])
            rows[pid] = report
            rank = (version, int(pid), pid)
            if case not in best or rank > best[case]:
                best[case] = rank
    current = {rank[2] for case, rank in best.items() if case not in deleted}
    a: dict[str, int] = {}
    for pid in current:
        _, _, _, drugs, events = rows[pid]
        for d in drugs:
            for e in events:
                key = f"{d.lower()}/{e.lower()}"
                a[key] = a.get(key, 0) + 1
    return current, a


Q1: list[Report] = [
    ("1001", "100", "1", ["ALPHAMAB"], ["Rash"]),
    ("2001", "200", "1", ["BETANIB"], ["Nausea"]),
    ("3001", "300", "1", ["ALPHAMAB"], ["Nausea"]),
    ("50001", "5000", "1", ["ALPHAMAB"], ["Rash"]),
    ("6001", "600", "1", ["BETANIB"], ["Rash"]),
    *[(f"{7000 + i}1", f"{7000 + i}", "1", ["BETANIB"], ["Nausea"]) for i in range(20)],
]
Q2: list[Report] = [
    ("1002", "100", "2", ["ALPHAMAB"], ["Headache"]),  # follow-up of case 100
    ("4001", "400", "1", ["BETANIB"], ["Rash"]),
    *[(f"{8000 + i}1", f"{8000 + i}", "1", ["ALPHAMAB"], ["Rash"]) for i in range(2)],
]
Q2_DELETED = ["300"]
Q3: list[Report] = [("9001", "900", "1", ["GAMMATIN"], ["Rash"])]


@pytest.fixture
def series(tmp_path: Path) -> dict[str, Path]:
    return {
        "2020q1": quarter(tmp_path / "in", "20Q1", Q1),
        "2020q2": quarter(tmp_path / "in", "20Q2", Q2, Q2_DELETED),
        "2020q3": quarter(tmp_path / "in", "20Q3", Q3),
    }


def store_at(path: Path) -> EmbeddedStore:
    return EmbeddedStore(path)


def graph_lines(store: EmbeddedStore, graph: NamedNode) -> set[str]:
    result = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    assert isinstance(result, QuerySolutions)
    return {f"{row['s']} {row['p']} {row['o']}" for row in result}


def derived_graphs(store: EmbeddedStore) -> dict[str, set[str]]:
    """Every FAERS graph's triples by graph IRI (quarter graphs included)."""
    return {
        info.graph.value: graph_lines(store, info.graph)
        for info in store.graphs()
        if "/graph/faers" in info.graph.value
    }


def value(store: EmbeddedStore, sparql: str) -> list[str]:
    result = store.query(
        "PREFIX pv: <https://w3id.org/pvkg/ontology#> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        f"PREFIX skos: <http://www.w3.org/2004/02/skos/core#> {sparql}"
    )
    assert isinstance(result, QuerySolutions)
    return sorted(str(row[0].value) for row in result if row[0] is not None)


@pytest.fixture
def loaded_in_order(series: dict[str, Path], tmp_path: Path) -> Iterator[EmbeddedStore]:
    store = store_at(tmp_path / "ordered")
    for path in series.values():
        faers.load_quarters(store, path)
    yield store
    store.close()


def test_a_follow_up_in_a_later_quarter_supersedes_the_earlier_version(
    loaded_in_order: EmbeddedStore,
) -> None:
    status = value(
        loaded_in_order,
        f"SELECT ?s WHERE {{ GRAPH {faers.dedup_graph('2020q1')} "
        f"{{ <{ID}faers/report/1001> pv:dedupStatus ?s }} }}",
    )
    assert status == [terms.SupersededReport.value]
    winner = value(
        loaded_in_order, f"SELECT ?w WHERE {{ <{ID}faers/report/1001> pv:supersededBy ?w }}"
    )
    assert winner == [f"{ID}faers/report/1002"]


def test_a_later_deleted_list_removes_an_earlier_case(loaded_in_order: EmbeddedStore) -> None:
    status = value(
        loaded_in_order, f"SELECT ?s WHERE {{ <{ID}faers/report/3001> pv:dedupStatus ?s }}"
    )
    assert status == [terms.DeletedReport.value]


def test_counts_equal_a_plain_python_deduplication(loaded_in_order: EmbeddedStore) -> None:
    current, pairs = reference([(Q1, []), (Q2, Q2_DELETED), (Q3, [])])
    statuses = value(
        loaded_in_order,
        f"SELECT ?r WHERE {{ ?r pv:dedupStatus <{terms.CurrentReport.value}> }}",
    )
    assert statuses == sorted(f"{ID}faers/report/{pid}" for pid in current)
    stored = value(
        loaded_in_order,
        "SELECT (CONCAT(STRAFTER(STR(?s), 'association/induces/'), '=', STR(?a)) AS ?x) "
        "WHERE { ?s a pv:DisproportionalityStatistics ; pv:countA ?a . "
        "FILTER(!CONTAINS(STR(?s), 'faers/20')) }",
    )
    assert stored == sorted(f"{pair}/faers={a}" for pair, a in pairs.items())
    n = value(loaded_in_order, "SELECT ?n WHERE { ?d pv:reportTotal ?n }")
    assert n == [str(len(current))]


def test_load_order_does_not_change_any_graph(
    series: dict[str, Path], loaded_in_order: EmbeddedStore, tmp_path: Path
) -> None:
    expected = derived_graphs(loaded_in_order)
    assert faers.history_graph("2020q1").value in expected
    for name, order in (("reversed", ["2020q3", "2020q2", "2020q1"]), ("mixed", ["2020q2"])):
        store = store_at(tmp_path / name)
        for key in order:
            faers.load_quarters(store, series[key])
        if name == "mixed":  # the two others together, after
            together = tmp_path / "rest"
            together.mkdir()
            for key in ("2020q1", "2020q3"):
                series[key].rename(together / series[key].name)
            faers.load_quarters(store, together)
        assert derived_graphs(store) == expected, name
        store.close()


def test_signal_history_and_first_signal_quarter(loaded_in_order: EmbeddedStore) -> None:
    # alphamab/rash: a = 2 in 2020q1 (cases 100, 5000: no history point below a = 3); in
    # 2020q2 a = 3 (5000, 8000, 8001; case 100's follow-up has Headache), b = 1, c = 2, d = 21:
    # PRR = (3/4)/(2/23) = 8.6, Yates chi-squared = 6.0 -> flagged; 2020q3 adds c = 3:
    # PRR 6.0, chi-squared 4.7 -> still flagged
    points = value(
        loaded_in_order,
        "SELECT (CONCAT(STRAFTER(STR(?q), 'quarter/'), ':', STR(?a), ':', STR(?flag)) AS ?x) "
        f"WHERE {{ ?p pv:historyOf <{ID}association/induces/alphamab/rash/faers> ; "
        "pv:asOfQuarter ?q ; pv:countA ?a ; pv:evansSignal ?flag }",
    )
    assert points == ["2020q2:3:true", "2020q3:3:true"]
    first = value(
        loaded_in_order,
        f"SELECT ?q WHERE {{ <{ID}association/induces/alphamab/rash/faers> "
        "pv:firstSignalQuarter ?q }",
    )
    assert first == [f"{ID}faers/quarter/2020q2"]


def test_unloading_a_quarter_equals_never_loading_it(
    series: dict[str, Path], loaded_in_order: EmbeddedStore, tmp_path: Path
) -> None:
    faers.unload(loaded_in_order, "2020q2")
    fresh = store_at(tmp_path / "fresh")
    for key in ("2020q1", "2020q3"):
        faers.load_quarters(fresh, series[key])
    assert derived_graphs(loaded_in_order) == derived_graphs(fresh)
    fresh.close()


def test_each_drug_and_condition_is_described_once_whatever_the_quarters(tmp_path: Path) -> None:
    first = quarter(tmp_path / "in", "20Q1", [("1", "1", "1", ["INFLIXIMAB"], ["Rash"])])
    second = quarter(
        tmp_path / "in", "20Q2", [("2", "2", "1", ["INFLIXIMAB-DYYB"], ["RASH", "Pruritus"])]
    )
    store = store_at(tmp_path / "entities")
    faers.load_quarters(store, second)  # the later quarter first: labels must not depend on it
    faers.load_quarters(store, first)
    drug, rash = f"<{ID}drug/infliximab>", f"<{ID}condition/rash>"
    # one type and one label, in the entity graph only (not once per quarter graph)
    for node, kind in ((drug, "Drug"), (rash, "Condition")):
        graphs = value(store, f"SELECT ?g WHERE {{ GRAPH ?g {{ {node} a pv:{kind} }} }}")
        assert graphs == [faers.ENTITY_GRAPH.value]
        assert len(value(store, f"SELECT ?l WHERE {{ {node} rdfs:label ?l }}")) == 1
    # the earliest quarter's spelling is the label; a case variant is no other name
    assert value(store, f"SELECT ?l WHERE {{ {rash} rdfs:label ?l }}") == ["Rash"]
    assert value(store, f"SELECT ?l WHERE {{ {rash} skos:altLabel ?l }}") == []
    assert value(store, f"SELECT ?l WHERE {{ {drug} skos:altLabel ?l }}") == ["infliximab-dyyb"]
    # a condition no loaded quarter names any more is gone
    faers.unload(store, "2020q2")
    pruritus = f"<{ID}condition/pruritus>"
    assert value(store, f"SELECT ?p WHERE {{ {pruritus} ?p ?o }}") == []
    assert value(store, f"SELECT ?l WHERE {{ {drug} skos:altLabel ?l }}") == []
    store.close()


def test_a_lost_case_base_keeps_the_entity_names_read_back_from_the_store(
    series: dict[str, Path], loaded_in_order: EmbeddedStore, tmp_path: Path
) -> None:
    store = store_at(tmp_path / "lost")
    faers.load_quarters(store, series["2020q1"])
    faers.load_quarters(store, series["2020q2"])
    for folder in (tmp_path / "lost" / "casebase").iterdir():  # as if the case base were lost
        if folder.name[0].isdigit():
            shutil.rmtree(folder)
    faers.load_quarters(store, series["2020q3"])
    graph = faers.ENTITY_GRAPH
    assert graph_lines(store, graph) == graph_lines(loaded_in_order, graph)
    store.close()


def test_unloading_an_unknown_quarter_is_a_clear_error(loaded_in_order: EmbeddedStore) -> None:
    before = derived_graphs(loaded_in_order)
    with pytest.raises(ValueError, match=r"no FAERS quarter '2019q4' is loaded.*2020q1"):
        faers.unload(loaded_in_order, "2019q4")
    assert derived_graphs(loaded_in_order) == before


@pytest.mark.parametrize(
    "dies_at",
    [
        faers.STATISTICS_GRAPH,  # the first swap: nothing changed yet
        faers.dedup_graph("2020q1"),  # statistics swapped, other derived graphs half
        faers.quarter_graph("2020q2"),  # every derived graph swapped, not the quarter
    ],
    ids=["statistics", "a derived graph", "its quarter"],
)
def test_a_load_killed_between_its_swaps_is_repaired_by_the_next(
    series: dict[str, Path], dies_at: NamedNode, tmp_path: Path
) -> None:
    never = store_at(tmp_path / "never")  # what the store must hold: 2020q2 never landed
    for key in ("2020q1", "2020q3"):
        faers.load_quarters(never, series[key])
    expected = derived_graphs(never)
    never.close()
    store = store_at(tmp_path / "crashed")
    faers.load_quarters(store, series["2020q1"])
    replace, patch = store.replace_graph, store.patch_graph

    def dies(graph: NamedNode, path: Path, prov: Provenance, **kw: bool) -> int:
        if graph == dies_at:
            raise KeyboardInterrupt  # as a kill before this swap began
        return replace(graph, path, prov, **kw)

    def dies_patching(graph: NamedNode, gone: Path, come: Path, prov: Provenance, **kw: int) -> int:
        if graph == dies_at:
            raise KeyboardInterrupt
        return patch(graph, gone, come, prov, **kw)

    store.replace_graph = dies  # type: ignore[method-assign]
    store.patch_graph = dies_patching  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        faers.load_quarters(store, series["2020q2"])
    store.replace_graph = replace  # type: ignore[method-assign]
    store.patch_graph = patch  # type: ignore[method-assign]
    # the case base still has every directory the store may name (none was collected)
    casebase = tmp_path / "crashed" / "casebase"
    names = {p.name for p in casebase.iterdir() if not p.name.startswith((".", "h", "s"))}
    assert {n.split("-")[0] for n in names} == {"2020q1", "2020q2"}
    faers.load_quarters(store, series["2020q3"])
    assert derived_graphs(store) == expected
    store.close()


def test_the_case_base_keeps_only_what_the_store_names(
    series: dict[str, Path], tmp_path: Path
) -> None:
    store = store_at(tmp_path / "gc")
    faers.load_quarters(store, series["2020q1"])
    faers.load_quarters(store, series["2020q2"])
    faers.unload(store, "2020q1")
    casebase = tmp_path / "gc" / "casebase"
    quarters = sorted(p.name.split("-")[0] for p in casebase.iterdir() if p.name[0].isdigit())
    assert quarters == ["2020q2"]
    assert not [p for p in casebase.iterdir() if p.name.startswith(".tmp")]
    store.close()


@pytest.mark.slow
def test_shared_quarters_one_at_a_time_equal_all_together(tmp_path: Path) -> None:
    data = shared("faers")
    together = store_at(tmp_path / "together")
    faers.load_quarters(together, data)
    apart = store_at(tmp_path / "apart")
    folders = sorted(p for p in data.iterdir() if p.is_dir() and p.name != "deleted")
    for folder in reversed(folders):
        faers.load_quarters(apart, folder)
    faers.load_quarters(apart, data / "deleted")
    derived = (faers.STATISTICS_GRAPH, faers.ENTITY_GRAPH)
    for graph in (*derived, *(faers.dedup_graph(k) for k in ("2017q2", "2020q3"))):
        assert graph_lines(apart, graph) == graph_lines(together, graph), graph
    together.close()
    apart.close()


def saved(store: EmbeddedStore, name: str, **params: str) -> list[dict[str, str]]:
    from kg.catalogue import Catalogue
    from kg.params import run_saved

    result = run_saved(store, Catalogue().get(name), params)
    assert isinstance(result, QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


def test_signal_history_query_gives_one_row_per_quarter(loaded_in_order: EmbeddedStore) -> None:
    rows = saved(loaded_in_order, "signal-history", drug="alphamab", event="rash")
    assert [(r["quarter"], r["a"], r["signal"]) for r in rows] == [
        ("2020q2", "3", "true"),
        ("2020q3", "3", "true"),
    ]
    # PRR as of 2020q2 = (3/4)/(2/23), as of 2020q3 = (3/4)/(3/24)
    assert float(rows[0]["prr"]) == pytest.approx((3 / 4) / (2 / 23), rel=1e-5)
    assert float(rows[1]["prr"]) == pytest.approx((3 / 4) / (3 / 24), rel=1e-5)


def test_new_signals_query_lists_the_pairs_first_flagged_in_a_quarter(
    loaded_in_order: EmbeddedStore,
) -> None:
    rows = saved(loaded_in_order, "new-signals", quarter="2020Q2")
    assert [(r["drug"].rsplit("/", 1)[1], r["event"].rsplit("/", 1)[1]) for r in rows] == [
        ("alphamab", "rash")
    ]
    assert rows[0]["aThen"] == "3" and rows[0]["signalNow"] == "true"
    first = saved(loaded_in_order, "new-signals", quarter="2020q1")
    assert [(r["drug"].rsplit("/", 1)[1], r["aThen"]) for r in first] == [("betanib", "21")]
    assert saved(loaded_in_order, "new-signals", quarter="2020q3") == []
    assert saved(loaded_in_order, "new-signals", quarter="20Q2") == rows  # FDA's spelling


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2019q4", r"no FAERS quarter '2019q4' is loaded \(loaded: 2020q1, 2020q2, 2020q3\)"),
        ("2020q5", r"'2020q5' is not a quarter"),
        ("last", r"'last' is not a quarter"),
    ],
)
def test_a_quarter_parameter_names_a_loaded_quarter(
    loaded_in_order: EmbeddedStore, text: str, message: str
) -> None:
    from kg.errors import ParameterError

    with pytest.raises(ParameterError, match=message):
        saved(loaded_in_order, "new-signals", quarter=text)


def test_ebgm_is_reported_with_the_prior_it_came_from(loaded_in_order: EmbeddedStore) -> None:
    from loaders.faers.ebgm import Prior, posterior

    (row,) = saved(loaded_in_order, "pair-statistics", drug="alphamab", event="rash")
    fitted = value(
        loaded_in_order,
        "SELECT (CONCAT(STR(?a1), ' ', STR(?b1), ' ', STR(?a2), ' ', STR(?b2), ' ', STR(?p)) "
        "AS ?x) WHERE { ?d pv:priorAlpha1 ?a1 ; pv:priorBeta1 ?b1 ; pv:priorAlpha2 ?a2 ; "
        "pv:priorBeta2 ?b2 ; pv:priorP ?p }",
    )
    prior = Prior(*(float(x) for x in fitted[0].split()))
    a, b, c, n = (int(row[k]) for k in ("a", "b", "c", "n"))
    expected = [float(x[0]) for x in posterior(prior, [a], [(a + b) * (a + c) / n])]
    got = [float(row[k]) for k in ("ebgm", "eb05", "eb95")]
    assert got == pytest.approx(expected, rel=1e-4)  # the prior is stored to 6 digits
    assert got[1] < got[2]  # (EBGM, a geometric mean, may lie below EB05 in a mixture)
    assert row["firstQuarter"] == "2020q2"
    signals = saved(loaded_in_order, "drug-signals", drug="alphamab")
    assert [(s["eventLabel"], s["firstQuarter"]) for s in signals] == [("Rash", "2020q2")]
