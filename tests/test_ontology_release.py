"""The ontology's release artefacts (``ontology/pvkg.owl``, ``ontology/pvkg.jsonld``): current with
the Turtle, the same triples, deterministic, and readable by rdflib, pyoxigraph and owlready2."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from kg.ontology_release import GENERATED, JSON_LD, RDF_XML, ReleaseFormat, read, release, stale

REPO = Path(__file__).resolve().parent.parent
TURTLE = REPO / "ontology" / "pvkg.ttl"
RELEASED = {fmt: REPO / "ontology" / fmt.file_name for fmt in GENERATED}
RDFLIB_FORMAT = {RDF_XML: "xml", JSON_LD: "json-ld"}
PYOXIGRAPH_FORMAT = {RDF_XML: pyoxigraph.RdfFormat.RDF_XML, JSON_LD: pyoxigraph.RdfFormat.JSON_LD}
DRUG = URIRef("https://w3id.org/pvkg/ontology#Drug")


@pytest.fixture(scope="module")
def turtle() -> Graph:
    return Graph().parse(TURTLE, format="turtle")


def test_committed_release_is_current() -> None:
    assert stale(TURTLE) == [], "run `pvkg ontology release` and commit ontology/pvkg.*"


@pytest.mark.parametrize("fmt", GENERATED, ids=lambda f: f.name)
def test_release_holds_the_turtles_triples(turtle: Graph, fmt: ReleaseFormat) -> None:
    path = RELEASED[fmt]
    other = Graph().parse(path, format=RDFLIB_FORMAT[fmt])
    assert len(other) == len(turtle) > 1000
    assert isomorphic(other, turtle)  # blank nodes (lists, disjointness axioms) included
    quads = set(pyoxigraph.parse(path=str(path), format=PYOXIGRAPH_FORMAT[fmt]))
    assert len(quads) == len(turtle)


def test_a_changed_turtle_changes_the_release(tmp_path: Path) -> None:
    """The equality check can fail: one more label in the Turtle is one more triple in each
    artefact, and the committed files are then stale."""
    copy = tmp_path / "pvkg.ttl"
    text = TURTLE.read_text(encoding="utf-8")
    copy.write_text(text + '\npv:Drug rdfs:comment "changed"@en .\n', encoding="utf-8")
    for fmt in GENERATED:
        shutil.copy(RELEASED[fmt], tmp_path / fmt.file_name)
    assert sorted(p.name for p in stale(copy)) == sorted(f.file_name for f in GENERATED)
    fresh = release(copy)
    assert len(read(copy).triples) == len(read(TURTLE).triples) + 1
    assert b"changed" in fresh[RDF_XML] and b"changed" in fresh[JSON_LD]


def test_release_bytes_are_deterministic() -> None:
    """Blank-node labels come from the parser anew each time; the release renames them."""
    assert release(TURTLE) == release(TURTLE)


def test_cli_writes_and_checks_the_release(tmp_path: Path) -> None:
    copy = tmp_path / "pvkg.ttl"
    shutil.copy(TURTLE, copy)
    command = [sys.executable, "-m", "cli.main", "ontology", "release", str(copy)]
    missing = subprocess.run([*command, "--check"], capture_output=True, text=True, check=False)
    assert missing.returncode == 1 and "pvkg.owl: out of date" in missing.stderr
    subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO)
    done = subprocess.run([*command, "--check"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "pvkg.owl").read_bytes() == RELEASED[RDF_XML].read_bytes()


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs a Java runtime")
def test_owlready2_loads_both_releases_and_hermit_accepts_them(tmp_path: Path) -> None:
    """owlready2 reads the RDF/XML file as released. It has no JSON-LD parser, so the JSON-LD
    goes through rdflib into N-Triples first (owlready2's other RDF syntax)."""
    import owlready2

    ntriples = tmp_path / "from-jsonld.nt"
    Graph().parse(RELEASED[JSON_LD], format="json-ld").serialize(ntriples, format="nt")
    for path, fmt in ((RELEASED[RDF_XML], "rdfxml"), (ntriples, "ntriples")):
        world = owlready2.World()
        ontology = world.get_ontology(path.as_uri()).load(format=fmt)
        drug = world[str(DRUG)]
        assert drug is not None and "drug" in [str(label) for label in drug.label]
        assert len(list(ontology.classes())) > 30
        owlready2.sync_reasoner_hermit(world, debug=0)
        assert list(world.inconsistent_classes()) == []
