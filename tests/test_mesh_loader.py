"""The MeSH loader: RDF and XML into the mesh graph, tree filter; bad input changes nothing."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from pyoxigraph import QuerySolutions

import loaders.mesh as mesh
from kg.embedded import EmbeddedStore
from kg.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "mesh"
MINI = FIXTURES / "mini_mesh.nt"
PREFIXES = """
PREFIX mesh: <http://id.nlm.nih.gov/mesh/>
PREFIX meshv: <http://id.nlm.nih.gov/mesh/vocab#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def rows(store: EmbeddedStore, sparql: str) -> list[tuple[str, ...]]:
    result = store.query(PREFIXES + sparql)
    assert isinstance(result, QuerySolutions)
    return sorted(tuple(t.value if t is not None else "" for t in row) for row in result)


def count(store: EmbeddedStore, pattern: str) -> int:
    return int(rows(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {pattern} }} }}")[0][0])


def test_rdf_loads_whole_file_into_mesh_graph(store: EmbeddedStore) -> None:
    lines = {line for line in MINI.read_text().splitlines() if line.strip()}
    summary = mesh.load(store, MINI)
    assert summary.graph.value == "https://w3id.org/pvkg/graph/mesh"
    assert summary.triples == len(lines)
    assert rows(store, "SELECT ?l WHERE { GRAPH ?g { mesh:D011565 rdfs:label ?l } }") == [
        ("Psoriasis",)
    ]
    info = {g.graph.value: g for g in store.graphs()}["https://w3id.org/pvkg/graph/mesh"]
    assert info.source == "mesh"
    assert info.triples == len(lines)


def test_gzip_input_gives_the_same_graph(store: EmbeddedStore, tmp_path: Path) -> None:
    packed = tmp_path / "mini.nt.gz"
    with MINI.open("rb") as raw, gzip.open(packed, "wb") as out:
        shutil.copyfileobj(raw, out)
    assert mesh.load(store, packed).triples == mesh.load(store, MINI).triples


def test_tree_filter_keeps_diseases_with_their_action_classes(store: EmbeddedStore) -> None:
    summary = mesh.load(store, MINI, trees="C")
    descriptors = {
        r[0].rsplit("/", 1)[1]
        for r in rows(store, "SELECT ?d WHERE { GRAPH ?g { ?d a meshv:TopicalDescriptor } }")
    }
    # diseases and their ancestors stay
    assert {"D011565", "D015535", "D017444", "D003424"} <= descriptors
    # drugs go (they are in D only)
    assert "D000069285" not in descriptors
    assert "C529000" not in {
        r[0].rsplit("/", 1)[1]
        for r in rows(store, "SELECT ?s WHERE { GRAPH ?g { ?s a meshv:SCR_Chemical } }")
    }
    # no tree number of a D tree is left on a kept record
    trees = rows(store, "SELECT ?t WHERE { GRAPH ?g { ?d meshv:treeNumber ?t } }")
    assert trees and all(t[0].rsplit("/", 1)[1].startswith("C") for t in trees)
    # concepts and terms of kept records stay
    assert count(store, "mesh:D015535 meshv:preferredConcept ?c . ?c meshv:preferredTerm ?t") == 1
    assert summary.records == len(descriptors)


def test_tree_filter_d_keeps_drugs_and_pharmacological_actions(store: EmbeddedStore) -> None:
    mesh.load(store, MINI, trees="D")
    assert count(store, "mesh:D000069285 meshv:pharmacologicalAction mesh:D000079424") == 1
    assert count(store, "mesh:C529000 a meshv:SCR_Chemical") == 1
    assert count(store, "mesh:D011565 ?p ?o") == 0


def test_bad_tree_option_is_an_input_error(store: EmbeddedStore) -> None:
    with pytest.raises(InputError, match="--trees"):
        mesh.load(store, MINI, trees="C,disease")


def test_xml_descriptors_and_supplementary_records(store: EmbeddedStore, tmp_path: Path) -> None:
    folder = tmp_path / "xml"
    folder.mkdir()
    shutil.copy(FIXTURES / "desc_mini.xml", folder / "desc2024.xml")
    shutil.copy(FIXTURES / "supp_mini.xml", folder / "supp2024.xml")
    summary = mesh.load(store, folder)
    assert summary.records == 5
    got = rows(
        store,
        "SELECT ?d ?b WHERE { GRAPH ?g { ?d meshv:broaderDescriptor ?b } }",
    )
    assert got == [
        ("http://id.nlm.nih.gov/mesh/D011565", "http://id.nlm.nih.gov/mesh/D017444"),
        ("http://id.nlm.nih.gov/mesh/D015535", "http://id.nlm.nih.gov/mesh/D011565"),
    ]
    # same shape as NLM's RDF: record → preferred concept → preferred term → label
    assert rows(
        store,
        "SELECT ?l WHERE { GRAPH ?g { mesh:D015535 meshv:preferredConcept/meshv:term ?t . "
        "?t meshv:prefLabel ?l } }",
    ) == [("Psoriatic Arthropathy",)]
    assert rows(store, "SELECT ?l WHERE { GRAPH ?g { mesh:T846078 meshv:altLabel ?l } }") == [
        ("Arthropathy, Psoriatic",)
    ]
    assert (
        count(
            store, "mesh:C529000 a meshv:SCR_Chemical ; meshv:pharmacologicalAction mesh:D000079424"
        )
        == 1
    )
    assert count(store, "mesh:C529000 meshv:preferredMappedTo mesh:D000911") == 1
    assert (
        count(
            store,
            "<http://id.nlm.nih.gov/mesh/C17.800.859.675.175> meshv:parentTreeNumber "
            "<http://id.nlm.nih.gov/mesh/C17.800.859.675>",
        )
        == 1
    )
    assert count(store, '?s meshv:identifier "D000000"') == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.xml", (FIXTURES / "broken.xml").read_bytes(), "not well-formed XML"),
        ("bad.nt", b"<http://id.nlm.nih.gov/mesh/D1> <http://x/p> .\n", "not valid N-Triples"),
        ("other.nt", b"<http://x/a> <http://x/p> <http://x/b> .\n", "no MeSH descriptor"),
        ("other.xml", b"<html><body/></html>", "not a MeSH"),
        ("bad.nt.gz", b"not gzip at all", "cannot read"),
    ],
)
def test_malformed_input_changes_nothing(
    store: EmbeddedStore, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    mesh.load(store, MINI)
    before = count(store, "?s ?p ?o")
    bad = tmp_path / name
    bad.write_bytes(content)
    with pytest.raises(InputError, match=message) as caught:
        mesh.load(store, bad)
    assert str(bad) in str(caught.value)
    assert count(store, "?s ?p ?o") == before


def test_xml_record_without_ui_names_the_record(store: EmbeddedStore, tmp_path: Path) -> None:
    bad = tmp_path / "desc.xml"
    bad.write_text(
        "<DescriptorRecordSet><DescriptorRecord><DescriptorName><String>X</String>"
        "</DescriptorName></DescriptorRecord></DescriptorRecordSet>"
    )
    with pytest.raises(InputError, match=r"record 1: field DescriptorUI"):
        mesh.load(store, bad)
    assert count(store, "?s ?p ?o") == 0


def test_truncated_shared_xml_sample_is_reported(store: EmbeddedStore) -> None:
    from tests.conftest import shared

    sample = shared("mesh", "desc2015_subset.xml")
    with pytest.raises(InputError, match=r"desc2015_subset.xml:\d+: not well-formed XML"):
        mesh.load(store, sample)
