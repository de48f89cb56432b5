"""The curation model of ADR 0016: exposure timing and misdiagnoses, from the curated format to
the graph and the two saved queries that answer issue 17's questions on the seed papers.

Format checks mutate the schema tests' valid fixture; the mapping and query checks use the
bundled curated files loaded into a real on-disk store. Expected answers are read off the seeds
by hand (``../shared/seeds``); each row's quote is checked to be verbatim in its seed.
"""

from __future__ import annotations

import copy
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pyoxigraph import NamedNode, QuerySolutions, Triple

from kg import vocab
from kg.catalogue import Catalogue
from kg.embedded import EmbeddedStore
from kg.errors import InputError
from kg.namespaces import PREFIXES, RDF
from kg.params import run_saved
from loaders import casereport
from loaders.casereport.mapping import publication_triples
from loaders.casereport.publication import read_publication
from loaders.casereport.timing import RELATIONS

REPO = Path(__file__).resolve().parent.parent
VALID = REPO / "tests" / "fixtures" / "casereport" / "valid-minimal.yaml"
SEEDS = REPO.parent / "shared" / "seeds"
PVID = PREFIXES["pvid"]
CASES = "infliximab-paradoxical-psoriasis-two-cases"
NEWS = "pd1-psoriasis-infliximab-news"
SEED_OF = {CASES: "004_7b624f0b1fbba7d9.txt", NEWS: "000_7324567fd934ec89.txt"}

Row = dict[str, str]
Mutation = Callable[[dict[str, Any]], None]

# --- the format ----------------------------------------------------------------------------------

ONGOING = {"relation": "ongoing-at-onset", "reaction": "pp", "quote": "He was on it."}


def _exposure(**fields: object) -> Mutation:
    """Add a second exposure (a not-suspected cyclosporine) with ``fields`` over its defaults."""

    def mutate(data: dict[str, Any]) -> None:
        item = {"id": "other", "drug": "cyclosporine", "role": "not-suspected", "quote": "Q."}
        data["patients"][0]["exposures"].append({**item, **fields})

    return mutate


def _misdiagnosis(**fields: object) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        item = {
            "id": "wrong",
            "initial_diagnosis": "psoriasis",
            "final_diagnosis": "paradoxical-psoriasis",
            "reaction": "pp",
            "quote": "It was taken for psoriasis.",
        }
        data["patients"][0]["misdiagnoses"] = [{**item, **fields}]

    return mutate


def _both(*mutations: Mutation) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        for mutation in mutations:
            mutation(data)

    return mutate


def _treatment_timing(timing: dict[str, str]) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data["patients"][0]["treatments"][0]["timing"] = [timing]

    return mutate


E1 = "patients[0].exposures[1]"
BAD: dict[str, tuple[Mutation, str, str, str]] = {
    "concomitant without ongoing timing": (
        _exposure(role="concomitant"),
        E1,
        "role",
        "'concomitant' means taken when a reaction began",
    ),
    "not-suspected but ongoing": (
        _exposure(timing=[ONGOING]),
        E1,
        "role",
        "is 'concomitant'",
    ),
    "onset relation given an exposure": (
        _exposure(
            timing=[{"relation": "stopped-before-onset", "exposure": "infliximab", "quote": "Q."}]
        ),
        f"{E1}.timing[0]",
        "exposure",
        "relative to a reaction",
    ),
    "exposure relation without its exposure": (
        _exposure(timing=[{"relation": "started-during", "quote": "Q."}]),
        f"{E1}.timing[0]",
        "exposure",
        "is required",
    ),
    "timing without quote": (
        _exposure(timing=[{"relation": "started-after-onset", "reaction": "pp"}]),
        f"{E1}.timing[0]",
        "quote",
        "is required",
    ),
    "unknown relation": (
        _exposure(timing=[{"relation": "ongoing", "reaction": "pp", "quote": "Q."}]),
        f"{E1}.timing[0]",
        "relation",
        "is not one of",
    ),
    "timing of an unknown reaction": (
        _exposure(timing=[{"relation": "started-after-onset", "reaction": "nope", "quote": "Q."}]),
        f"{E1}.timing[0]",
        "reaction",
        "no reaction with id 'nope'",
    ),
    "timing relative to itself": (
        _exposure(timing=[{"relation": "started-during", "exposure": "other", "quote": "Q."}]),
        f"{E1}.timing[0]",
        "exposure",
        "no other exposure or treatment with id 'other'",
    ),
    "timing given twice": (
        _exposure(
            timing=[
                {"relation": "started-after-onset", "reaction": "pp", "quote": "Q."},
                {"relation": "stopped-before-onset", "reaction": "pp", "quote": "Q."},
            ]
        ),
        f"{E1}.timing[1]",
        "reaction",
        "given twice",
    ),
    "treatment before the reaction it treats": (
        _treatment_timing({"relation": "ongoing-at-onset", "reaction": "pp", "quote": "Q."}),
        "patients[0].treatments[0]",
        "timing",
        "cannot be 'ongoing-at-onset' of it",
    ),
    "misdiagnosis and indication together": (
        _exposure(indication="psoriasis", given_for_misdiagnosis="wrong"),
        E1,
        "indication",
        "has no indication",
    ),
    "unknown misdiagnosis": (
        _exposure(given_for_misdiagnosis="wrong"),
        E1,
        "given_for_misdiagnosis",
        "no misdiagnosis with id 'wrong'",
    ),
    "misdiagnosis revised to itself": (
        _misdiagnosis(final_diagnosis="psoriasis"),
        "patients[0].misdiagnoses[0]",
        "final_diagnosis",
        "is the initial diagnosis itself",
    ),
    "misdiagnosed reaction of another condition": (
        _misdiagnosis(final_diagnosis="hypertension"),
        "patients[0].misdiagnoses[0]",
        "reaction",
        "is 'paradoxical-psoriasis', not the final diagnosis 'hypertension'",
    ),
    "misdiagnosis of an unknown condition": (
        _misdiagnosis(initial_diagnosis="varicella"),
        "patients[0].misdiagnoses[0]",
        "initial_diagnosis",
        "no condition with id 'varicella'",
    ),
}


def _read(tmp_path: Path, mutation: Mutation) -> Any:
    data = copy.deepcopy(yaml.safe_load(VALID.read_text(encoding="utf-8")))
    mutation(data)
    path = tmp_path / "curated.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return read_publication(path)


def test_the_fixture_with_timing_and_a_misdiagnosis_reads(tmp_path: Path) -> None:
    good = _both(
        _exposure(role="concomitant", timing=[ONGOING]),
        _exposure(id="third", given_for_misdiagnosis="wrong", indication_response="none"),
        _misdiagnosis(),
    )
    patient = _read(tmp_path, good).patients[0]
    assert [e.role for e in patient.exposures] == ["suspect", "concomitant", "not-suspected"]
    assert patient.exposures[1].timing[0].reference_kind == "reaction"
    assert patient.exposures[2].misdiagnosis == "wrong"
    assert patient.misdiagnoses[0].final == "paradoxical-psoriasis"


@pytest.mark.parametrize("case", sorted(BAD))
def test_format_errors_name_entry_and_field(tmp_path: Path, case: str) -> None:
    mutation, entry, field, reason = BAD[case]
    with pytest.raises(InputError) as caught:
        _read(tmp_path, mutation)
    error = caught.value
    assert (error.entry, error.field) == (entry, field), error
    assert reason in error.reason


# --- the mapping -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def triples() -> list[Triple]:
    return [t for p in casereport.bundled() for t in publication_triples(read_publication(p))]


def _objects(triples: list[Triple], subject: NamedNode, predicate: NamedNode) -> set[object]:
    return {t.object for t in triples if t.subject == subject and t.predicate == predicate}


def test_each_timing_node_and_its_direct_edge_agree(triples: list[Triple]) -> None:
    """Every pv:ExposureTiming node stands for exactly one direct edge, and every direct timing
    edge has its node: the two views of the data cannot drift apart."""
    edge_of = {r.individual: r.edge for r in RELATIONS.values()}
    nodes = [
        t.subject
        for t in triples
        if t.predicate == RDF["type"] and t.object == vocab.ExposureTiming
    ]
    assert len(nodes) >= 15
    from_nodes = set()
    for node in nodes:
        assert isinstance(node, NamedNode)
        (exposure,) = _objects(triples, node, vocab.timedExposure)
        (relation,) = _objects(triples, node, vocab.timingRelation)
        (target,) = _objects(triples, node, vocab.referenceReaction) | _objects(
            triples, node, vocab.referenceExposure
        )
        assert len(_objects(triples, node, vocab.quote)) == 1
        from_nodes.add((exposure, edge_of[relation], target))
    direct = {
        (t.subject, t.predicate, t.object) for t in triples if t.predicate in edge_of.values()
    }
    assert direct == from_nodes
    assert len(direct) == len(nodes)


def test_concomitant_means_ongoing_at_onset(triples: list[Triple]) -> None:
    roles: dict[object, object] = {
        t.subject: t.object for t in triples if t.predicate == vocab.role
    }
    ongoing = {t.subject for t in triples if t.predicate == vocab.ongoingAtOnsetOf}
    concomitant = {e for e, r in roles.items() if r == vocab.RoleConcomitant}
    assert concomitant  # the case 1 corticosteroid
    assert concomitant <= ongoing
    not_suspected = {e for e, r in roles.items() if r == vocab.RoleNotSuspected}
    assert len(not_suspected) == 6 and not (not_suspected & ongoing)


def test_a_drug_given_for_a_misdiagnosis_has_no_indication(triples: list[Triple]) -> None:
    given = {t.subject for t in triples if t.predicate == vocab.givenForMisdiagnosis}
    assert given == {NamedNode(f"{PVID}casereport/{CASES}/case-2/exposure/acyclovir")}
    assert not any(t.subject in given and t.predicate == vocab.indication for t in triples)
    varicella = NamedNode(f"{PVID}condition/varicella")
    assert not any(t.predicate == vocab.indication and t.object == varicella for t in triples)


# --- the questions, answered by saved queries on the built graph -------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path_factory.mktemp("curation") / "store")
    for path in casereport.bundled():
        casereport.load(store, path)
    yield store
    store.close()


def run(store: EmbeddedStore, name: str, **params: str) -> list[Row]:
    result = run_saved(store, Catalogue(REPO / "queries").get(name), params)
    assert isinstance(result, QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]


def publication_of(report: str) -> str:
    return report.removeprefix(f"{PVID}casereport/").split("/")[0]


def verbatim_in_seed(report: str, quote: str) -> bool:
    """Whether ``quote`` is in the report's seed, compared without whitespace (the curated
    files fold lines); true when the seeds are not on this machine."""
    seed = SEEDS / SEED_OF[publication_of(report)]
    if not seed.is_file():
        return True
    squash = re.compile(r"\s+")
    return squash.sub("", quote) in squash.sub("", seed.read_text(encoding="utf-8"))


def local(iri: str) -> str:
    return iri.removeprefix(f"{PVID}casereport/").removeprefix(PVID).removeprefix(PREFIXES["pv"])


def test_which_drug_was_given_for_a_misdiagnosis(built: EmbeddedStore) -> None:
    rows = run(built, "drugs-for-misdiagnoses")
    got = [
        (local(r["report"]), r["drugLabel"], r["initialDiagnosisLabel"], r["finalDiagnosisLabel"])
        for r in rows
    ]
    assert got == [(f"{CASES}/case-2", "acyclovir", "varicella", "paradoxical psoriasis")]
    (row,) = rows
    assert local(row["reaction"]) == f"{CASES}/case-2/reaction/paradoxical-psoriasis"
    quotes = row["quotes"].split(" / ")
    assert any(q.startswith("He was diagnosed with varicella") for q in quotes)
    assert all(verbatim_in_seed(row["report"], q) for q in quotes)
    # the news article reports no revised diagnosis: its answer is empty
    assert not [r for r in rows if publication_of(r["report"]) == NEWS]


def test_which_drugs_were_ongoing_when_psoriasis_began(built: EmbeddedStore) -> None:
    rows = run(built, "drugs-ongoing-at-onset", condition="psoriasis")
    got = {(local(r["report"]), r["drugLabel"], local(r["role"])) for r in rows}
    assert got == {
        (f"{CASES}/case-1", "infliximab", "RoleSuspect"),
        (f"{CASES}/case-1", "corticosteroid (unspecified)", "RoleConcomitant"),
        (f"{CASES}/case-2", "infliximab", "RoleSuspect"),
        (f"{NEWS}/patient-1", "PD-1 inhibitor (unspecified)", "RoleSuspect"),
    }
    for row in rows:
        assert verbatim_in_seed(row["report"], row["quote"]), row
    # earlier therapies and the drug given for the misdiagnosis are not among them
    labels = {r["drugLabel"] for r in rows}
    assert not labels & {"methotrexate", "coal tar", "acyclovir", "herbal medicine (unspecified)"}


def test_which_drugs_were_ongoing_when_hypertension_began(built: EmbeddedStore) -> None:
    rows = run(built, "drugs-ongoing-at-onset", condition="hypertension")
    assert [(local(r["exposure"]), r["drugLabel"]) for r in rows] == [
        (f"{CASES}/case-2/treatment/cyclosporine-1", "cyclosporine")
    ]
    assert rows[0]["quote"].startswith("However, high blood pressure (150/100 mmHg) was found")


# --- the axioms catch contradicting timing -----------------------------------------------------


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs a Java runtime")
def test_hermit_refuses_an_exposure_both_ongoing_and_stopped_before_onset(tmp_path: Path) -> None:
    import owlready2
    from rdflib import Graph, URIRef

    exposure = f"{PVID}casereport/{CASES}/case-2/exposure/infliximab"
    reaction = f"{PVID}casereport/{CASES}/case-2/reaction/paradoxical-psoriasis"
    graph = Graph().parse(REPO / "ontology" / "pvkg.ttl", format="turtle")
    graph.add((URIRef(exposure), URIRef(vocab.ongoingAtOnsetOf.value), URIRef(reaction)))
    graph.add((URIRef(reaction), URIRef(RDF["type"].value), URIRef(vocab.AdverseReaction.value)))
    graph.add((URIRef(exposure), URIRef(RDF["type"].value), URIRef(vocab.DrugExposure.value)))
    path = tmp_path / "case.owl"

    def reason() -> None:
        graph.serialize(destination=path, format="xml")
        world = owlready2.World()
        world.get_ontology(path.as_uri()).load()
        owlready2.sync_reasoner_hermit(world, debug=0)

    reason()  # consistent as stated
    graph.add((URIRef(exposure), URIRef(vocab.stoppedBeforeOnsetOf.value), URIRef(reaction)))
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        reason()
