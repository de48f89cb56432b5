"""Loading the real FAERS samples of ../shared/data/faers: counts checked against the raw files.

The expected figures are computed here, straight from the ``$``-delimited files, without the
loader's code: reports, cases after deduplication, drug rows per role, reactions, and the 2x2
tables of drug-event pairs.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, QuerySolutions

from kg import vocab
from kg.catalogue import Catalogue
from kg.embedded import EmbeddedStore
from kg.params import run_saved
from loaders import faers
from loaders.faers import terms
from tests.conftest import shared

PV = "https://w3id.org/pvkg/ontology#"
QUARTERS = {
    "2004q1": "aers_ascii_2004q1_sample",
    "2017q2": "faers_ascii_2017q2_sample",
    "2020q3": "faers_ascii_2020q3_slice",
}


def raw_table(folder: Path, prefix: str) -> list[dict[str, str]]:
    """Rows of one raw table as dicts keyed by lower-case header names (legacy names kept)."""
    matches = [p for p in folder.iterdir() if p.name.upper().startswith(prefix)]
    if not matches:
        return []
    lines = matches[0].read_bytes().decode("latin-1").splitlines()
    header = [h.strip().lower() for h in lines[0].split("$")]
    return [dict(zip(header, line.split("$"), strict=False)) for line in lines[1:] if line]


def pid_of(row: dict[str, str]) -> str:
    return row.get("primaryid") or row["isr"]


def case_of(row: dict[str, str]) -> str:
    return row.get("caseid") or row["case"]


@pytest.fixture(scope="module")
def data() -> Path:
    return shared("faers")


@pytest.fixture(scope="module")
def loaded(data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path_factory.mktemp("faers") / "store")
    faers.load_quarters(store, data)
    yield store
    store.close()


def select(store: EmbeddedStore, sparql: str, **kw: object) -> list[list[str | None]]:
    result = store.query(sparql, **kw)  # type: ignore[arg-type]
    assert isinstance(result, QuerySolutions)
    return [[None if t is None else t.value for t in row] for row in result]


def count(store: EmbeddedStore, pattern: str, graph: NamedNode | None = None) -> int:
    body = f"GRAPH {graph} {{ {pattern} }}" if graph else pattern
    rows = select(store, f"PREFIX pv: <{PV}> SELECT (COUNT(*) AS ?n) WHERE {{ {body} }}")
    return int(rows[0][0] or 0)


@pytest.mark.parametrize("key", sorted(QUARTERS))
def test_reports_drug_rows_per_role_and_reactions_match_the_raw_files(
    loaded: EmbeddedStore, data: Path, key: str
) -> None:
    folder = data / QUARTERS[key]
    graph = faers.quarter_graph(key)
    demo = raw_table(folder, "DEMO")
    drugs = raw_table(folder, "DRUG")
    reactions = raw_table(folder, "REAC")
    assert count(loaded, "?r a pv:SpontaneousReport", graph) == len(demo)
    roles = Counter(row["role_cod"] for row in drugs)
    for code, role in vocab.FAERS_ROLE_CODES.items():
        assert count(loaded, f"?x pv:role <{role.value}>", graph) == roles[code], code
    assert count(loaded, "?r pv:hasExposure ?x", graph) == len(drugs)
    distinct_reactions = {(pid_of(r), r["pt"].strip().lower()) for r in reactions}
    assert count(loaded, "?r pv:hasReaction ?x", graph) == len(distinct_reactions)
    outcomes = {(pid_of(r), r["outc_cod"]) for r in raw_table(folder, "OUTC")}
    assert count(loaded, "?r pv:seriousOutcome ?o", graph) == len(outcomes)
    indications = {
        (pid_of(r), r.get("indi_drug_seq") or r["drug_seq"], r["indi_pt"].strip().lower())
        for r in raw_table(folder, "INDI")
    }
    assert count(loaded, "?x pv:indication ?c", graph) == len(indications)


def test_cases_after_deduplication_match_the_raw_files(loaded: EmbeddedStore, data: Path) -> None:
    cases: set[str] = set()
    reports = 0
    for folder in QUARTERS.values():
        demo = raw_table(data / folder, "DEMO")
        reports += len(demo)
        cases |= {case_of(r) for r in demo}
    deleted = {
        line.strip().rstrip("$")
        for line in (data / "deleted" / "DELETE25Q4.txt").read_text().splitlines()
        if line.strip()
    }
    expected_current = len(cases - deleted)
    # statuses are in one deduplication graph per quarter; the union holds each report once
    assert count(loaded, f"?r pv:dedupStatus <{terms.CurrentReport.value}>") == expected_current
    assert count(loaded, "?r pv:dedupStatus ?s") == reports
    for key in QUARTERS:
        in_quarter = count(loaded, "?r pv:dedupStatus ?s", faers.dedup_graph(key))
        assert in_quarter == len(raw_table(data / QUARTERS[key], "DEMO"))
    listed = count(loaded, "?q pv:deletedCase ?c", faers.quarter_graph("2025q4"))
    assert listed == len(deleted)


def _universe(data: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Report → suspect (PS/SS) ingredient names, report → reaction terms, from raw files."""
    drugs: dict[str, set[str]] = {}
    events: dict[str, set[str]] = {}
    for folder in QUARTERS.values():
        for row in raw_table(data / folder, "DRUG"):
            if row["role_cod"] in ("PS", "SS"):
                # prod_ai lists the ingredients of a combination product separated by "\\"
                text = (row.get("prod_ai") or row["drugname"]).strip().upper()
                names = {part.strip() for part in text.split("\\") if part.strip()}
                if names:
                    drugs.setdefault(pid_of(row), set()).update(names)
        for row in raw_table(data / folder, "REAC"):
            events.setdefault(pid_of(row), set()).add(row["pt"].strip().lower())
    return drugs, events


def test_two_by_two_tables_match_an_independent_count(loaded: EmbeddedStore, data: Path) -> None:
    drugs, events = _universe(data)
    counted = [pid for pid in drugs if events.get(pid)]
    n = len(counted)
    every_name = {name for names in drugs.values() for name in names}
    single = {
        name
        for name in every_name
        if name.isalpha() and not any(o != name and o.startswith(name + " ") for o in every_name)
    }
    pairs: Counter[tuple[str, str]] = Counter()
    drug_n: Counter[str] = Counter()
    event_n: Counter[str] = Counter()
    for pid in counted:
        drug_n.update(drugs[pid])
        event_n.update(events[pid])
        pairs.update((d, e) for d in drugs[pid] for e in events[pid])
    chosen = [p for p, _ in pairs.most_common() if p[0] in single][:6]
    chosen.append(("APREMILAST", "psoriasis"))
    catalogue = Catalogue()
    query = catalogue.get("pair-statistics")
    for drug, event in chosen:
        a = pairs[(drug, event)]
        b, c = drug_n[drug] - a, event_n[event] - a
        d = n - a - b - c
        result = run_saved(loaded, query, {"drug": drug.lower(), "event": event})
        assert isinstance(result, QuerySolutions)
        rows = list(result)
        assert len(rows) == 1, (drug, event)
        row = rows[0]
        got = [int(row[k].value) for k in ("a", "b", "c", "d", "n")]
        assert got == [a, b, c, d, n], (drug, event)
        expected_prr = (a / (a + b)) / (c / (c + d)) if c else None
        if expected_prr is None:
            assert row["prr"] is None
        else:
            assert math.isclose(float(row["prr"].value), expected_prr, rel_tol=1e-5)


def test_apremilast_treats_and_induces_psoriasis_in_2017q2(loaded: EmbeddedStore) -> None:
    query = Catalogue().get("drugs-treating-and-inducing")
    result = run_saved(loaded, query, {"condition": "psoriasis"})
    assert isinstance(result, QuerySolutions)
    rows = {
        r["side"].value: r
        for r in result
        if r["drug"].value == "https://w3id.org/pvkg/id/drug/apremilast"
    }
    assert set(rows) == {"treats", "induces"}
    assert rows["treats"]["kind"].value == "FAERS indication reports"
    assert rows["induces"]["kind"].value == "FAERS reaction statistics"
    assert int(rows["treats"]["reports"].value) >= 1
    assert int(rows["induces"]["reports"].value) >= 1
    reports = run_saved(
        loaded, Catalogue().get("pair-reports"), {"drug": "apremilast", "event": "psoriasis"}
    )
    assert isinstance(reports, QuerySolutions)
    assert {r["primaryid"].value for r in reports} == {"134736402"}


def test_signal_queries_list_exactly_the_flagged_pairs(loaded: EmbeddedStore) -> None:
    flagged = select(
        loaded,
        f"PREFIX pv: <{PV}> SELECT ?d ?e ?a WHERE {{ ?s pv:evansSignal true ; "
        "pv:associationSubject ?d ; pv:associationObject ?e ; pv:countA ?a }",
    )
    assert flagged
    drug = Counter(d for d, _, _ in flagged).most_common(1)[0][0]
    event = Counter(e for _, e, _ in flagged).most_common(1)[0][0]
    assert drug and event
    catalogue = Catalogue()
    by_drug = run_saved(loaded, catalogue.get("drug-signals"), {"drug": f"<{drug}>"})
    by_event = run_saved(loaded, catalogue.get("event-signals"), {"event": f"<{event}>"})
    assert isinstance(by_drug, QuerySolutions) and isinstance(by_event, QuerySolutions)
    drug_rows = [(r["event"].value, r["a"].value, r["signal"].value) for r in by_drug]
    event_rows = [(r["drug"].value, r["a"].value, r["signal"].value) for r in by_event]
    assert sorted(drug_rows) == sorted((e, a, "true") for d, e, a in flagged if d == drug)
    assert sorted(event_rows) == sorted((d, a, "true") for d, e, a in flagged if e == event)
    assert all(int(a) >= 3 for _, a, _ in drug_rows + event_rows)


def test_every_pv_term_the_loader_emits_is_in_vocab_or_declared(loaded: EmbeddedStore) -> None:
    used = {
        v
        for row in select(
            loaded,
            "SELECT DISTINCT ?t WHERE { GRAPH ?g { { ?s ?t ?o } UNION { ?s ?p ?t } } "
            f'FILTER(STRSTARTS(STR(?g), "https://w3id.org/pvkg/graph/faers") && isIRI(?t) '
            f'&& STRSTARTS(STR(?t), "{PV}")) }}',
        )
        for v in row
        if v
    }
    known = {
        getattr(vocab, n).value for n in dir(vocab) if isinstance(getattr(vocab, n), NamedNode)
    }
    declared = {PV + name for name in terms.DECLARATIONS}
    assert terms.prr.value in used
    assert used - known - declared == set()


def test_every_faers_term_is_declared_in_the_ontology() -> None:
    from tests.conftest import REPO

    ontology = (REPO / "ontology" / "pvkg.ttl").read_text(encoding="utf-8")
    missing = [name for name in terms.DECLARATIONS if f"\npv:{name} a " not in ontology]
    assert not missing
