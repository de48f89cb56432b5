"""SHACL shapes (ontology/shapes.ttl) and ``pvkg validate`` (ADR 0014).

* every shape is broken by a hand-written fixture (tests/fixtures/shapes/*.ttl) and the report
  names exactly the focus nodes and paths the fixture's ``# expect:`` lines give;
* ``pvkg validate`` passes on a store built from the bundled data, every FAERS quarter in
  ../shared/data/faers (with the deleted-case list) and MeSH mini after ``link``;
* a loader whose mapping goes wrong (a FAERS age function with a sign error) is refused before
  the swap, with the report, and the store is unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, Store, parse

from cli.main import main
from kg import shapes
from kg.embedded import EmbeddedStore
from kg.samples import from_staged
from kg.staging import count_lines, file_checksum
from kg.store import Provenance
from loaders.faers import normalise
from tests.conftest import shared

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "shapes"
GRAPH = NamedNode("https://w3id.org/pvkg/graph/test")
SH = "http://www.w3.org/ns/shacl#"


def staged(fixture: Path, tmp_path: Path) -> Path:
    """The fixture as a staged file: sorted, duplicate-free N-Triples."""
    with fixture.open("rb") as source:
        lines = {f"{q.triple} .\n" for q in parse(source, format=RdfFormat.TURTLE)}
    path = tmp_path / f"{fixture.stem}.nt"
    path.write_text("".join(sorted(lines)), encoding="utf-8")
    return path


def expected(fixture: Path) -> set[tuple[str, str]]:
    """The ``# expect: <focus> <path>`` lines of a fixture."""
    found = re.findall(r"^# expect: (\S+) (\S+)$", fixture.read_text(), flags=re.MULTILINE)
    return set(found)


def node_shapes() -> set[str]:
    """The shapes with a target (every node kind), as CURIEs."""
    text = shapes.SHAPES_FILE.read_text()
    blocks = re.findall(r"^(pvsh:\w+) a sh:NodeShape ;\n((?:    .*\n)+?)", text, re.MULTILINE)
    return {name for name, body in blocks if "sh:target" in body}


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.ttl")), ids=lambda p: p.stem)
def test_fixture_breaks_its_shape_at_the_expected_nodes_and_paths(
    fixture: Path, tmp_path: Path
) -> None:
    path = staged(fixture, tmp_path)
    with pytest.raises(shapes.ShapeError) as caught:
        shapes.check_staged(GRAPH, path, count_lines(path), source=fixture.name)
    found = {(v.focus, v.path or "(node)") for v in caught.value.report.violations}
    assert found == expected(fixture)
    message = str(caught.value)
    assert message.startswith(f"{fixture.name}: refused by the shapes in shapes.ttl")
    assert f"graph <{GRAPH.value}>: whole graph" in message
    for focus, _ in expected(fixture):
        assert focus in message


def test_every_shape_has_a_violating_fixture() -> None:
    covered = {
        re.search(r"^# shape: (\S+)$", f.read_text(), re.MULTILINE).group(1)  # type: ignore[union-attr]
        for f in FIXTURES.glob("*.ttl")
    }
    assert len(node_shapes()) >= 25
    assert node_shapes() - covered == set()


def test_every_shape_and_constraint_says_why() -> None:
    graph = Store()
    graph.load(path=str(shapes.SHAPES_FILE), format=RdfFormat.TURTLE)
    silent = graph.query(
        f"""PREFIX sh: <{SH}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?s WHERE {{
          {{ ?s sh:path ?p FILTER NOT EXISTS {{ ?s sh:message ?m }}
             FILTER NOT EXISTS {{ ?list rdf:first ?s }} }}  # members of sh:or share a message
          UNION {{ ?s sh:targetClass|sh:targetSubjectsOf ?t
                   FILTER NOT EXISTS {{ ?s rdfs:comment ?c }} }}
        }}""",
        prefixes={"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
    )
    assert [str(row[0]) for row in silent] == []  # type: ignore[union-attr]


def test_a_fixture_with_its_violation_mended_conforms(tmp_path: Path) -> None:
    fixture = FIXTURES / "patient.ttl"
    mended = tmp_path / "patient.ttl"
    mended.write_text(fixture.read_text().replace("pv:ageYears -3.0", "pv:ageYears 3.0"))
    path = staged(mended, tmp_path)
    report = shapes.check_staged(GRAPH, path, count_lines(path))
    assert report.conforms
    assert report.sample == "whole graph (3 triples)"


def test_a_big_staged_file_is_sampled_deterministically(tmp_path: Path) -> None:
    lines = [
        f"<https://w3id.org/pvkg/id/faers/report/{n}/patient> "
        f"<https://w3id.org/pvkg/ontology#ageYears> "
        f'"{-1 if n % 10 == 0 else 40}"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n'
        for n in range(1000, 4000)
    ]
    lines += [
        f"<https://w3id.org/pvkg/id/faers/report/{n}/patient> "
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://w3id.org/pvkg/ontology#Patient> .\n"
        for n in range(1000, 4000)
    ]
    path = tmp_path / "big.nt"
    path.write_text("".join(sorted(lines)))
    first = from_staged(path, 6000, limit=shapes.WHOLE_LIMIT, probes=shapes.PROBES)
    assert first == from_staged(path, 6000, limit=shapes.WHOLE_LIMIT, probes=shapes.PROBES)
    assert first.focus is not None and shapes.PROBES - 5 <= len(first.focus) <= shapes.PROBES
    assert first.describe().startswith(f"sample of {len(first.focus)} nodes (")
    assert f"{len(first.focus)} pv:Patient) of 6,000 triples" in first.describe()
    with pytest.raises(shapes.ShapeError) as caught:
        shapes.check_staged(GRAPH, path, 6000)
    bad = {v.focus for v in caught.value.report.violations}
    assert bad  # 1 in 10 patients is broken; the sample finds some, and only those
    assert all(int(focus.split("/")[2]) % 10 == 0 for focus in bad)
    assert bad <= {f"pvid:{f.split('/id/')[1]}" for f in first.focus}


# --- a store built from every source ---------------------------------------------------------


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """build + every FAERS quarter of ../shared/data/faers + MeSH mini + link."""
    faers = shared("faers")
    store = tmp_path_factory.mktemp("shapes") / "store"
    for argv in (
        ["build"],
        ["load", "faers", str(faers)],
        ["load", "mesh", str(REPO / "tests" / "fixtures" / "mesh" / "mini_mesh.nt")],
        ["link"],
    ):
        assert main(["--store", str(store), *argv]) == 0, argv
    yield store


def test_validate_passes_on_every_graph_of_every_source(
    everything: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["--store", str(everything), "validate"]) == 0
    out = capsys.readouterr().out
    graphs = re.findall(
        r"^graph <https://w3id.org/pvkg/graph/([^>]+)>: (.*): (\d+) violat", out, re.M
    )
    names = {name for name, _, _ in graphs}
    for quarter in ("2004q1", "2017q2", "2020q3", "2025q4"):
        assert {f"faers/{quarter}", f"faers-dedup/{quarter}"} <= names
    assert {"ontology", "meta", "mesh", "mesh-links", "faers-statistics", "faers-entities"} <= names
    assert {count for _, _, count in graphs} == {"0"}
    sampled = dict((name, how) for name, how, _ in graphs)["faers/2020q3"]
    assert sampled.startswith("sample of ") and "50 pv:SpontaneousReport" in sampled
    assert out.rstrip().endswith(f"{len(graphs)} conform, 0 with violations")


def test_validate_whole_graphs(everything: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    argv = ["validate", "--whole", "pvgraph:faers/2004q1", "pvgraph:faers/2017q2"]
    assert main(["--store", str(everything), *argv]) == 0
    out = capsys.readouterr().out
    assert out.count(": whole graph (") == 2
    assert "2 graphs validated against shapes.ttl: 2 conform" in out


def test_validate_an_unknown_graph_is_an_error(
    everything: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--store", str(everything), "validate", "pvgraph:faers/1999q1"]) == 1
    assert "no graph 'pvgraph:faers/1999q1' in the store" in capsys.readouterr().err


# --- a loader refuses what breaks the shapes --------------------------------------------------


def test_faers_load_refuses_a_graph_that_breaks_the_shapes_and_leaves_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    quarter = shared("faers", "faers_ascii_2017q2_sample")
    store = tmp_path / "store"
    assert main(["--store", str(store), "build"]) == 0
    before = dump(store)
    # a mapping bug: ages come out negative (as a sign error in a unit factor would)
    real = normalise.age_in_years
    monkeypatch.setattr(
        normalise, "age_in_years", lambda a, u: f"-{real(a, u)}" if a.strip() else None
    )
    capsys.readouterr()
    assert main(["--store", str(store), "load", "faers", str(quarter)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("pvkg: error: ")
    assert (
        "refused by the shapes in shapes.ttl: graph <https://w3id.org/pvkg/graph/faers/2017q2>"
        in err
    )
    assert re.search(r"pvid:faers/report/\d+/patient pv:ageYears: age is at most one", err)
    assert "sample of " in err
    assert dump(store) == before


def dump(store: Path) -> bytes:
    """Every quad of the store, sorted (the meta graph included)."""
    opened = EmbeddedStore(store, read_only=True)
    try:
        out = tmp = Path(str(store) + ".nq")
        with tmp.open("wb") as sink:
            opened.export(sink)
        return out.read_bytes()
    finally:
        opened.close()


def test_validate_skips_an_entailed_graph_unless_it_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store_dir = tmp_path / "store"
    statistics = "https://w3id.org/pvkg/id/association/induces/x/y/faers"
    typed = tmp_path / "inferred.nt"  # a superclass type, the node's properties live elsewhere
    typed.write_text(
        f"<{statistics}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://w3id.org/pvkg/ontology#DrugConditionAssociation> .\n"
    )
    store = EmbeddedStore(store_dir)
    inferred = NamedNode("https://w3id.org/pvkg/graph/inferred")
    provenance = Provenance("inferred", (), file_checksum([typed]), "test", "entailments")
    store.replace_graph(inferred, typed, provenance)
    store.close()
    capsys.readouterr()
    assert main(["--store", str(store_dir), "validate"]) == 0
    out = capsys.readouterr().out
    assert f"graph <{inferred.value}>: skipped (entailments of other graphs" in out
    assert main(["--store", str(store_dir), "validate", "pvgraph:inferred"]) == 1
    out = capsys.readouterr().out
    assert "pvid:association/induces/x/y/faers pv:associationSubject: an association" in out


@pytest.mark.parametrize("name", ["patient", "drug-condition-association"])
def test_rdf_load_refuses_a_file_that_breaks_the_shapes_and_leaves_the_store(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    assert main(["--store", str(store), "build"]) == 0
    before = dump(store)
    fixture = FIXTURES / f"{name}.ttl"
    capsys.readouterr()
    argv = ["load", "rdf", str(fixture), "--graph", "https://w3id.org/pvkg/graph/extra"]
    assert main(["--store", str(store), *argv]) == 1
    err = capsys.readouterr().err
    assert f"pvkg: error: {fixture.name}: refused by the shapes in shapes.ttl: " in err
    for focus, path in expected(fixture):
        assert f"  {focus} {path}: " in err
    assert dump(store) == before
