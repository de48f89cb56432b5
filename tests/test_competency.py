"""The competency questions of issue 2, each answered by a saved query on the built graph.

A real on-disk store is built from the bundled curated files with the case-report loader; each
saved query runs through the catalogue and parameter resolution exactly as ``pvkg query --saved``
does. Expected answers are read off the two seed documents by hand.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import QuerySolutions

from kg.catalogue import Catalogue
from kg.embedded import EmbeddedStore
from kg.errors import ParameterError
from kg.namespaces import PREFIXES
from kg.params import run_saved
from loaders import casereport

PV = PREFIXES["pv"]
PVID = PREFIXES["pvid"]
CASES = "infliximab-paradoxical-psoriasis-two-cases"
NEWS = "pd1-psoriasis-infliximab-news"
QUERIES = Path(__file__).resolve().parent.parent / "queries"
MINE = (
    "drugs-treating-and-inducing",
    "drugs-inducing",
    "conditions-induced-by",
    "treatments-for-induced",
    "edge-evidence",
    "indications-of-inducing-drug",
    "lab-findings-before-onset",
    "treatment-induced-events",
    "mesh-identifiers",
)

Row = dict[str, str]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path_factory.mktemp("competency") / "store")
    for path in casereport.bundled():
        casereport.load(store, path)
    yield store
    store.close()


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue(QUERIES)


def run(store: EmbeddedStore, catalogue: Catalogue, name: str, **params: str) -> list[Row]:
    result = run_saved(store, catalogue.get(name), params)
    assert isinstance(result, QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


def local(iri: str) -> str:
    """Strip the pvid: or pv: namespace: ``…/id/drug/infliximab`` → ``drug/infliximab``."""
    return iri.removeprefix(PVID).removeprefix(PV)


def report(case: str, key: str = CASES) -> str:
    return f"{PVID}casereport/{key}/{case}"


# --- 1. drugs that both treat and induce psoriasis ----------------------------------------------


def test_q1_drugs_treating_and_inducing_psoriasis(
    built: EmbeddedStore, catalogue: Catalogue
) -> None:
    rows = run(built, catalogue, "drugs-treating-and-inducing")
    assert {local(r["drug"]) for r in rows} == {"drug/infliximab"}
    sides = {r["side"]: r for r in rows}
    assert set(sides) == {"treats", "induces"}
    assert len(rows) == 2  # one piece of evidence on each side
    treats, induces = sides["treats"], sides["induces"]
    assert local(treats["form"]) == "condition/psoriasis"
    assert treats["source"] == f"{PVID}casereport/{NEWS}"
    assert treats["kind"] == induces["kind"] == "curated edge"
    assert treats["reports"] == "1"
    assert local(induces["form"]) == "condition/paradoxical-psoriasis"
    assert induces["source"] == f"{PVID}casereport/{CASES}"
    assert induces["reports"] == "2"
    assert induces["formLabel"] == "paradoxical psoriasis"


# --- 2. drugs inducing psoriasis, with patient counts --------------------------------------------


def test_q2_drugs_inducing_psoriasis_with_patients(
    built: EmbeddedStore, catalogue: Catalogue
) -> None:
    rows = run(built, catalogue, "drugs-inducing")
    patients = {local(r["drug"]): int(r["patients"]) for r in rows}
    assert patients == {"drug/infliximab": 2, "drug/unspecified-pd-1-inhibitor": 1}
    assert local(rows[0]["drug"]) == "drug/infliximab"  # most patients first


# --- 3. treatments of infliximab-induced psoriasis and their responses ---------------------------


def test_q3_treatments_for_infliximab_induced_psoriasis(
    built: EmbeddedStore, catalogue: Catalogue
) -> None:
    rows = run(built, catalogue, "treatments-for-induced", condition="psoriasis", drug="infliximab")
    got = [
        (r["report"], r["treatmentDrugLabel"], local(r["response"]), r.get("addedTo")) for r in rows
    ]
    assert got == [
        (report("case-1"), "secukinumab", "ResponseRelapsed", None),
        (report("case-1"), "colchicine", "ResponseImproved", "secukinumab"),
        (report("case-2"), "cyclosporine", "ResponseImproved", None),
        (report("case-2"), "acitretin", "ResponseWorsened", None),
        (report("case-2"), "cyclosporine", "ResponsePartial", None),
        (report("case-2"), "ustekinumab", "ResponseImproved", "cyclosporine"),
    ]
    assert Counter(r["treatmentDrugLabel"] for r in rows)["cyclosporine"] == 2
    assert all(r["quotes"] for r in rows)
    secukinumab = rows[0]
    assert secukinumab["replaces"] == "infliximab"
    assert "relapsed after the sixth dose" in secukinumab["quotes"]


def test_q3_the_pd1_case_is_not_infliximab_induced(
    built: EmbeddedStore, catalogue: Catalogue
) -> None:
    rows = run(
        built,
        catalogue,
        "treatments-for-induced",
        condition="psoriasis",
        drug="PD-1 inhibitor (unspecified)",
    )
    assert [(r["treatmentDrugLabel"], local(r["response"]), r["score"]) for r in rows] == [
        ("infliximab", "ResponseResolved", "PASI-90")
    ]


# --- 4. adverse events caused by a treatment of an adverse event ---------------------------------


def test_q4_event_caused_by_a_treatment(built: EmbeddedStore, catalogue: Catalogue) -> None:
    rows = run(built, catalogue, "treatment-induced-events")
    assert len(rows) == 1
    (row,) = rows
    assert row["treatmentDrugLabel"] == "cyclosporine"
    assert row["eventConditionLabel"] == "hypertension"
    assert row["treatedConditionLabel"] == "paradoxical psoriasis"
    assert "150/100 mmHg" in row["quotes"]
    assert row["report"] == report("case-2")


# --- 5. indications of infliximab in the patients who developed paradoxical psoriasis -----------


def test_q5_indications_of_infliximab(built: EmbeddedStore, catalogue: Catalogue) -> None:
    rows = run(
        built, catalogue, "indications-of-inducing-drug",
        drug="infliximab", condition="paradoxical psoriasis",
    )  # fmt: skip
    got = {r["report"]: (r["indicationLabel"], r["indicationMesh"]) for r in rows}
    assert got == {
        report("case-1"): ("psoriasis vulgaris", "http://id.nlm.nih.gov/mesh/D011565"),
        report("case-2"): ("Crohn disease", "http://id.nlm.nih.gov/mesh/D003424"),
    }


# --- 6. lab findings preceding the onset of paradoxical psoriasis -------------------------------

BEFORE = {
    # Table 1 (ANA titres), the text on case 1, and the "before" columns of Table 2
    ("case-1", "antinuclear antibody titre", "negative", "baseline of infliximab treatment"),
    ("case-1", "antinuclear antibody titre", "1:100", "8 wk of infliximab treatment"),
    (
        "case-1",
        "antinuclear antibody titre",
        "moderately increased, then rising gradually to 1:320 until the outbreak",
        "from the fifth infliximab treatment until the outbreak of pustulosis",
    ),
    ("case-1", "neutrophil to lymphocyte ratio", "1.20", "before the rash"),
    ("case-1", "C-reactive protein", "< 3.23", "before the rash"),
    ("case-1", "erythrocyte sedimentation rate", "27", "before the rash"),
    ("case-1", "tumour necrosis factor alpha (TNF-α)", "165.00 pg/mL", "before the rash"),
    ("case-1", "interleukin 8 (IL-8)", "normal", "before the rash"),
    ("case-2", "antinuclear antibody titre", "negative", "baseline of infliximab treatment"),
    ("case-2", "neutrophil to lymphocyte ratio", "4.07", "before the rash"),
    ("case-2", "C-reactive protein", "< 3.23", "before the rash"),
    ("case-2", "erythrocyte sedimentation rate", "12", "before the rash"),
}
AT_ONSET = {
    ("case-1", "antinuclear antibody titre", "1:320", "outbreak of pustulosis"),
    ("case-2", "antinuclear antibody titre", "1:1000", "outbreak of pustulosis"),
}


def _findings(rows: list[Row]) -> set[tuple[str, str, str, str]]:
    return {(r["report"].rsplit("/", 1)[1], r["test"], r["value"], r["timePoint"]) for r in rows}


def test_q6_lab_findings_before_onset(built: EmbeddedStore, catalogue: Catalogue) -> None:
    rows = run(built, catalogue, "lab-findings-before-onset", condition="paradoxical psoriasis")
    assert _findings(rows) == BEFORE
    assert {local(r["relation"]) for r in rows} == {"beforeOnsetOf"}
    ana = [r for r in rows if r["report"] == report("case-1") and "timeOrder" in r]
    assert [(r["value"], r["timeOrder"]) for r in ana] == [("negative", "0"), ("1:100", "1")]


def test_q6_with_findings_at_onset(built: EmbeddedStore, catalogue: Catalogue) -> None:
    rows = run(
        built, catalogue, "lab-findings-before-onset", condition="paradoxical psoriasis",
        at_onset="true",
    )  # fmt: skip
    assert _findings(rows) == BEFORE | AT_ONSET


# --- 7. MeSH identifiers of every drug and condition ---------------------------------------------


def test_q7_mesh_identifiers(built: EmbeddedStore, catalogue: Catalogue) -> None:
    rows = run(built, catalogue, "mesh-identifiers")
    ids = {local(r["entity"]): (r.get("meshId"), local(r["match"])) for r in rows}
    expected_exact = {
        "drug/infliximab": "D000069285",
        "drug/pembrolizumab": "C582435",
        "drug/nivolumab": "D000077594",
        "drug/cyclosporine": "D016572",
        "drug/acitretin": "D017255",
        "drug/colchicine": "D003078",
        "drug/ustekinumab": "D000069549",
        "drug/methotrexate": "D008727",
        "condition/psoriasis": "D011565",
        "condition/crohn-disease": "D003424",
        "condition/hypertension": "D006973",
        "condition/melanoma": "D008545",
    }
    for entity, mesh in expected_exact.items():
        assert ids[entity] == (mesh, "http://www.w3.org/2004/02/skos/core#exactMatch"), entity
    assert ids["condition/paradoxical-psoriasis"][0] == "D011565"
    assert ids["condition/paradoxical-psoriasis"][1].endswith("broadMatch")
    assert all(mesh and re.fullmatch(r"[DC]\d{6,9}", mesh) for mesh, _ in ids.values())
    # one row per entity: each has exactly one MeSH link
    assert len(rows) == len(ids)
    publications = [casereport.read_publication(p) for p in casereport.bundled()]
    entities = {(d.kind, d.id) for p in publications for d in p.drugs}
    entities |= {("condition", c.id) for p in publications for c in p.conditions}
    expected_count = len(entities)
    assert len(ids) == expected_count
    psoriasis = next(r for r in rows if local(r["entity"]) == "condition/psoriasis")
    assert psoriasis["treeNumbers"] == "C17.800.859.675"


# --- parameters: label, CURIE and IRI give the same answer; bad ones are refused ----------------


@pytest.mark.parametrize(
    "value",
    [
        "Psoriasis",
        "mesh:D011565",
        "http://id.nlm.nih.gov/mesh/D011565",
        "<http://id.nlm.nih.gov/mesh/D011565>",
        "pvid:condition/psoriasis",
        "https://w3id.org/pvkg/id/condition/psoriasis",
    ],
)
def test_condition_given_as_label_curie_or_iri(
    built: EmbeddedStore, catalogue: Catalogue, value: str
) -> None:
    expected = run(built, catalogue, "drugs-inducing", condition="psoriasis")
    assert run(built, catalogue, "drugs-inducing", condition=value) == expected


@pytest.mark.parametrize("value", ["infliximab", "mesh:D000069285", f"{PVID}drug/infliximab"])
def test_drug_given_as_label_curie_or_iri(
    built: EmbeddedStore, catalogue: Catalogue, value: str
) -> None:
    rows = run(built, catalogue, "conditions-induced-by", drug=value)
    assert [(local(r["induced"]), r["patients"]) for r in rows] == [
        ("condition/paradoxical-psoriasis", "2")
    ]


@pytest.mark.parametrize(
    ("name", "params", "mentions"),
    [
        ("drugs-inducing", {"condition": "no such disease"}, "condition"),
        ("drugs-inducing", {"condition": "mesh:D999999"}, "condition"),
        ("drugs-inducing", {"condition": "nope:x y"}, "condition"),
        ("conditions-induced-by", {"drug": "psoriasis"}, "drug"),
        ("drugs-inducing", {"disease": "psoriasis"}, "disease"),
        ("lab-findings-before-onset", {"at_onset": "maybe"}, "at_onset"),
    ],
)
def test_bad_parameter_is_refused(
    built: EmbeddedStore, catalogue: Catalogue, name: str, params: dict[str, str], mentions: str
) -> None:
    with pytest.raises(ParameterError) as caught:
        run(built, catalogue, name, **params)
    assert caught.value.name == mentions


def test_edge_evidence_quotes_belong_to_their_report(
    built: EmbeddedStore, catalogue: Catalogue
) -> None:
    rows = run(built, catalogue, "edge-evidence", drug="infliximab", condition="psoriasis")
    by_report = {(local(r["predicate"]), r["report"]): r["quotes"] for r in rows}
    assert set(by_report) == {
        ("induces", report("case-1")),
        ("induces", report("case-2")),
        ("treats", report("patient-1", NEWS)),
    }
    assert "after the 18th infliximab treatment" in by_report[("induces", report("case-1"))]
    assert "during the infliximab treatment" in by_report[("induces", report("case-2"))]
    assert "PASI-90" in by_report[("treats", report("patient-1", NEWS))]


def test_saved_queries_use_only_pv_skos_rdfs_terms(catalogue: Catalogue) -> None:
    allowed = {PREFIXES[p] for p in ("pv", "skos", "rdfs")} | {"http://id.nlm.nih.gov/mesh/"}
    for name in MINE:
        text = catalogue.get(name).sparql
        iris = re.findall(r"<([^<>\s]+)>", text)
        for iri in iris:
            assert any(iri.startswith(base) for base in allowed), (name, iri)
        assert not re.search(r"\bGRAPH\s*[?<]", text), name  # union default graph only
