"""The RDF mapping of curated publications: IRIs, labels, MeSH links, hierarchy, evidence."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from kg import vocab
from kg.namespaces import PREFIXES, RDF, RDFS, SKOS
from loaders.casereport import bundled
from loaders.casereport.mapping import publication_triples
from loaders.casereport.publication import read_publication
from loaders.casereport.schema import Publication

FIXTURES = Path(__file__).parent / "fixtures" / "casereport"
SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
PV = PREFIXES["pv"]
PVID = PREFIXES["pvid"]
MESH = PREFIXES["mesh"]
MATCHES = {SKOS["exactMatch"], SKOS["closeMatch"], SKOS["broadMatch"], SKOS["narrowMatch"]}


def _publications() -> list[Publication]:
    return [read_publication(p) for p in bundled()]


def _index(triples: list[Triple]) -> dict[NamedNode, dict[NamedNode, set[object]]]:
    out: dict[NamedNode, dict[NamedNode, set[object]]] = defaultdict(lambda: defaultdict(set))
    for t in triples:
        assert isinstance(t.subject, NamedNode)
        out[t.subject][t.predicate].add(t.object)
    return out


def _id(path: str) -> NamedNode:
    return NamedNode(PVID + path)


@pytest.fixture(scope="module")
def graphs() -> dict[str, dict[NamedNode, dict[NamedNode, set[object]]]]:
    return {p.key: _index(publication_triples(p)) for p in _publications()}


def test_no_blank_nodes_and_deterministic() -> None:
    for publication in _publications():
        first = publication_triples(publication)
        assert first == publication_triples(publication)
        for t in first:
            assert not isinstance(t.subject, BlankNode)
            assert not isinstance(t.object, BlankNode)


def test_every_pv_term_is_in_vocab() -> None:
    known = {v.value for v in vars(vocab).values() if isinstance(v, NamedNode)}
    for publication in _publications():
        for t in publication_triples(publication):
            for term in (t.predicate, t.object):
                if isinstance(term, NamedNode) and term.value.startswith(PV):
                    assert term.value in known, term.value


def test_every_subject_has_a_label(graphs: dict[str, dict[NamedNode, dict]]) -> None:
    for graph in graphs.values():
        for subject, props in graph.items():
            assert props[RDFS["label"]], subject
        # and every entity mentioned as an object is described in the same graph
        for props in graph.values():
            for objects in props.values():
                for o in objects:
                    if isinstance(o, NamedNode) and o.value.startswith(PVID):
                        assert o in graph, o


def test_every_drug_and_condition_links_to_mesh(graphs: dict[str, dict[NamedNode, dict]]) -> None:
    kinds = {vocab.Drug, vocab.DrugClass, vocab.Condition}
    seen = 0
    for graph in graphs.values():
        for subject, props in graph.items():
            if props[RDF["type"]] & kinds:
                links = [o for p in MATCHES for o in props[p]]
                assert len(links) == 1, subject
                assert re.fullmatch(MESH + r"[DC]\d{6,9}", links[0].value)
                seen += 1
    assert seen >= 25


def test_known_mesh_links(graphs: dict[str, dict[NamedNode, dict]]) -> None:
    news = graphs["pd1-psoriasis-infliximab-news"]
    cases = graphs["infliximab-paradoxical-psoriasis-two-cases"]
    mesh = NamedNode
    assert news[_id("drug/pembrolizumab")][SKOS["exactMatch"]] == {mesh(MESH + "C582435")}
    assert cases[_id("drug/infliximab")][SKOS["exactMatch"]] == {mesh(MESH + "D000069285")}
    assert cases[_id("condition/psoriasis")][SKOS["exactMatch"]] == {mesh(MESH + "D011565")}
    paradoxical = cases[_id("condition/paradoxical-psoriasis")]
    assert paradoxical[SKOS["broadMatch"]] == {mesh(MESH + "D011565")}
    assert not paradoxical[SKOS["exactMatch"]]
    assert paradoxical[vocab.hasAncestor] == {_id("condition/psoriasis")}
    assert paradoxical[SKOS["broader"]] == {_id("condition/psoriasis")}
    assert cases[_id("condition/psoriasis")][vocab.meshTreeNumber] == {Literal("C17.800.859.675")}
    assert not cases[_id("condition/psoriasis")][vocab.hasAncestor]


def test_tree_number_closure_from_fixture() -> None:
    graph = _index(publication_triples(read_publication(FIXTURES / "valid-minimal.yaml")))
    assert graph[_id("condition/psoriatic-arthritis")][vocab.hasAncestor] == {
        _id("condition/psoriasis")
    }
    assert not graph[_id("condition/crohn-disease")][vocab.hasAncestor]


def test_pd1_inhibitor_is_recorded_as_vague(graphs: dict[str, dict[NamedNode, dict]]) -> None:
    news = graphs["pd1-psoriasis-infliximab-news"]
    drug = news[_id("drug/unspecified-pd-1-inhibitor")]
    assert drug[RDF["type"]] == {vocab.Drug}
    assert drug[vocab.memberOfClass] == {_id("drug-class/pd-1-inhibitor")}
    assert any("pembrolizumab" in v.value for v in drug[vocab.vagueness])
    exposure = news[
        _id("casereport/pd1-psoriasis-infliximab-news/patient-1/exposure/pd-1-inhibitor")
    ]
    assert exposure[vocab.drug] == {_id("drug/unspecified-pd-1-inhibitor")}
    assert exposure[vocab.vagueness]


def test_association_nodes(graphs: dict[str, dict[NamedNode, dict]]) -> None:
    cases = graphs["infliximab-paradoxical-psoriasis-two-cases"]
    key = "infliximab-paradoxical-psoriasis-two-cases"
    node = cases[_id(f"association/induces/infliximab/paradoxical-psoriasis/casereport-{key}")]
    assert node[RDF["type"]] == {vocab.InducesAssociation, vocab.DrugConditionAssociation}
    assert node[vocab.associationSubject] == {_id("drug/infliximab")}
    assert node[vocab.associationPredicate] == {vocab.induces}
    assert node[vocab.evidenceReport] == {
        _id(f"casereport/{key}/case-1"),
        _id(f"casereport/{key}/case-2"),
    }
    assert node[vocab.evidenceSource] == {_id(f"casereport/{key}")}
    assert {v.value for v in node[vocab.reportCount]} == {"2"}
    assert {v.value for v in node[vocab.patientCount]} == {"2"}
    assert len(node[vocab.quote]) == 2
    assert vocab.induces in {p for p in cases[_id("drug/infliximab")]}
    # treats edges only where the response was resolved or improved
    treated = {o for o in cases[_id("drug/cyclosporine")][vocab.treats]}
    assert treated == {_id("condition/paradoxical-psoriasis")}
    assert cases[_id("drug/ustekinumab")][vocab.treats] == {
        _id("condition/paradoxical-psoriasis"),
        _id("condition/crohn-disease"),
    }
    assert vocab.treats not in cases[_id("drug/acitretin")]
    assert vocab.treats not in cases[_id("drug/secukinumab")]


def test_population_figures_as_fractions(graphs: dict[str, dict[NamedNode, dict]]) -> None:
    figures: dict[str, tuple[str, str]] = {}
    for graph in graphs.values():
        for props in graph.values():
            if vocab.PopulationFinding in props[RDF["type"]]:
                (low,) = props[vocab.proportionLow]
                (high,) = props[vocab.proportionHigh]
                (statement,) = props[vocab.statement]
                figures[statement.value] = (low.value, high.value)
    values = sorted(figures.values())
    assert values == sorted(
        [("0.006", "0.053"), ("0.7", "0.7"), ("0.4", "0.4"), ("0.636", "0.636"),
         ("0.23", "0.23"), ("0.16", "0.16")]
    )  # fmt: skip


def _normalise(text: str) -> str:
    return " ".join(text.split())


def test_every_quote_is_verbatim_in_its_seed() -> None:
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not available: {SEEDS}")
    checked = 0
    for publication in _publications():
        seed = _normalise((SEEDS / publication.source_file).read_text(encoding="utf-8"))
        for t in publication_triples(publication):
            if t.predicate == vocab.quote:
                assert _normalise(t.object.value) in seed, t.object.value
                checked += 1
    assert checked > 50
