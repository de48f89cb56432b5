"""The MeSH linker on a small store: links, overrides, hierarchy closure, classes, queries, SSSOM.

The store holds the MeSH slice of ``fixtures/mesh/mini_mesh.nt`` and a hand-written source graph
with FAERS-style drugs and conditions, a curated condition with ``skos:broadMatch`` and
``skos:broader`` (as case reports write them), and treats/induces edges.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, QuerySolutions

import loaders.mesh as mesh
from cli.main import main
from kg.catalogue import Catalogue
from kg.embedded import EmbeddedStore
from kg.errors import InputError
from kg.iris import condition_iri, drug_class_iri, drug_iri, graph_iri
from kg.params import run_saved
from kg.staging import StagedGraph
from kg.store import Provenance
from loaders.meshlink import LINKS_GRAPH, link
from loaders.meshlink.sssom import export, read_links, read_sssom

FIXTURES = Path(__file__).parent / "fixtures" / "mesh"
SOURCE = graph_iri("test-source")
PV = "https://w3id.org/pvkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
MESH = "http://id.nlm.nih.gov/mesh/"
ATORVASTATIN_20 = drug_iri("atorvastatin-20-mg").value

DRUGS = {
    "infliximab": "INFLIXIMAB",
    "adalimumab": "Adalimumab",
    "etanercept": "ETANERCEPT",
    "certolizumab-pegol": "CERTOLIZUMAB PEGOL",
    "golimumab": "GOLIMUMAB",
    "atorvastatin-calcium": "ATORVASTATIN CALCIUM",
    "amlodipine-besylate": "AMLODIPINE BESYLATE",
    "atorvastatin-20-mg": "ATORVASTATIN CALCIUM 20 MG TABLET",
    "ibrutinib": "IBRUTINIB",
}
CONDITIONS = {
    "psoriasis": "PSORIASIS",
    "psoriatic-arthropathy": "Psoriatic arthropathy",
    "diarrhoea": "Diarrhoea",
    "rheumatoid-arthritis": "Rheumatoid arthritis",
    "crohn-s-disease": "Crohn's disease",
    "weight-decreased": "Weight decreased",
    "drug-ineffective": "Drug ineffective",
}


def source_triples() -> str:
    lines = []
    for key, label in DRUGS.items():
        lines.append(f'<{drug_iri(key).value}> a <{PV}Drug> ; <{RDFS}label> "{label}" .')
    for key, label in CONDITIONS.items():
        lines.append(f'<{condition_iri(key).value}> a <{PV}Condition> ; <{RDFS}label> "{label}" .')
    paradoxical = condition_iri("paradoxical-psoriasis").value
    lines.append(
        f'<{paradoxical}> a <{PV}Condition> ; <{RDFS}label> "paradoxical psoriasis" ; '
        f"<{SKOS}broadMatch> <{MESH}D011565> ; <{SKOS}broader> <{condition_iri('psoriasis').value}>"
        " ."
    )
    for drug, pred, cond in [
        ("infliximab", "treats", "psoriatic-arthropathy"),
        ("infliximab", "induces", "paradoxical-psoriasis"),
        ("adalimumab", "treats", "psoriasis"),
        ("adalimumab", "induces", "diarrhoea"),
        ("atorvastatin-calcium", "treats", "psoriasis"),
        ("atorvastatin-calcium", "induces", "psoriasis"),
    ]:
        lines.append(f"<{drug_iri(drug).value}> <{PV}{pred}> <{condition_iri(cond).value}> .")
    return "\n".join(lines) + "\n"


def _build(folder: Path, run_link: bool) -> Path:
    from pyoxigraph import RdfFormat, parse

    store = EmbeddedStore(folder)
    mesh.load(store, FIXTURES / "mini_mesh.nt")
    with StagedGraph() as staged:
        for quad in parse(source_triples(), format=RdfFormat.TURTLE):
            staged.add(quad.triple)
        path = staged.finish()
        store.replace_graph(
            SOURCE, path, Provenance("test", (), staged.checksum(), "test", "test source")
        )
    if run_link:
        link(store)
    store.close()
    return folder


@pytest.fixture(scope="module", autouse=True)
def lexicon_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep cached lexicons in a temporary directory, not the user's cache."""
    folder = tmp_path_factory.mktemp("lexicon-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PVKG_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory, lexicon_cache: Path) -> dict[bool, Path]:
    """Stores built once per module (before and after linking), copied for each test."""
    base = tmp_path_factory.mktemp("mesh-linking")
    return {done: _build(base / f"linked-{done}", done) for done in (False, True)}


def _copy(template: Path, tmp_path: Path) -> EmbeddedStore:
    target = tmp_path / "store"
    shutil.copytree(template, target)
    return EmbeddedStore(target)


@pytest.fixture
def linked(templates: dict[bool, Path], tmp_path: Path) -> EmbeddedStore:
    """A store with the MeSH slice and the test source, not linked yet."""
    return _copy(templates[False], tmp_path)


@pytest.fixture
def after_link(templates: dict[bool, Path], tmp_path: Path) -> EmbeddedStore:
    """The same store after ``link`` with the shipped overrides."""
    return _copy(templates[True], tmp_path)


def values(store: EmbeddedStore, sparql: str) -> set[tuple[str, ...]]:
    result = store.query(sparql)
    assert isinstance(result, QuerySolutions)
    return {tuple(t.value if t is not None else "" for t in row) for row in result}


def matches(store: EmbeddedStore) -> dict[str, tuple[str, str]]:
    got = values(
        store,
        f"""SELECT ?e ?p ?m WHERE {{ GRAPH <{LINKS_GRAPH.value}> {{
        ?e ?p ?m . FILTER(?p IN (<{SKOS}exactMatch>, <{SKOS}closeMatch>)) }} }}""",
    )
    return {
        e.rsplit("/", 1)[1]: (p.rsplit("#", 1)[1], m.rsplit("/", 1)[1])
        for e, p, m in got
        if e.startswith("https://w3id.org/pvkg/id/drug/") or e.rsplit("/", 1)[1] in CONDITIONS
    }


def test_link_maps_names_with_the_right_rule(linked: EmbeddedStore) -> None:
    summary = link(linked)
    got = matches(linked)
    assert got["infliximab"] == ("exactMatch", "D000069285")
    assert got["golimumab"] == ("exactMatch", "C529000")  # supplementary record
    assert got["atorvastatin-calcium"] == ("exactMatch", "D000069059")  # entry term
    assert got["amlodipine-besylate"] == ("exactMatch", "D017311")  # entry term
    assert got["atorvastatin-20-mg"] == ("closeMatch", "D000069059")  # salt, dose removed
    assert got["diarrhoea"] == ("exactMatch", "D003967")  # British spelling
    assert got["rheumatoid-arthritis"] == ("exactMatch", "D001172")  # word order
    assert got["psoriatic-arthropathy"] == ("exactMatch", "D015535")  # entry term
    assert got["crohn-s-disease"] == ("exactMatch", "D003424")
    assert got["weight-decreased"] == ("exactMatch", "D015431")  # curated override
    assert "ibrutinib" not in got and "drug-ineffective" not in got
    unmapped = {u.subject.value.rsplit("/", 1)[1]: u.reason for u in summary.unmapped}
    assert set(unmapped) == {"ibrutinib", "drug-ineffective"}
    assert unmapped["drug-ineffective"].startswith("curated")
    # the curated broadMatch entity is left to its source
    assert "paradoxical-psoriasis" not in {
        s.subject.value.rsplit("/", 1)[1] for s in read_links(linked)
    }
    assert summary.entities == {"drug": 9, "condition": 8}
    assert summary.linked == {"drug": 8, "condition": 7}
    assert summary.curated == 1


def test_mapping_nodes_carry_justification_and_confidence(after_link: EmbeddedStore) -> None:
    got = values(
        after_link,
        f"""SELECT ?j ?c ?l WHERE {{ GRAPH <{LINKS_GRAPH.value}> {{
        ?m <http://www.w3.org/2002/07/owl#annotatedSource> <{ATORVASTATIN_20}> ;
           <https://w3id.org/sssom/mapping_justification> ?j ;
           <https://w3id.org/sssom/confidence> ?c ;
           <https://w3id.org/sssom/object_label> ?l }} }}""",
    )
    assert got == {("https://w3id.org/semapv/vocab/LexicalMatching", "0.7", "Atorvastatin")}
    blank = after_link.query(
        f"ASK {{ GRAPH <{LINKS_GRAPH.value}> {{ ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }} }}"
    )
    assert not bool(blank)


def test_hierarchy_closure_is_transitive_and_not_reflexive(after_link: EmbeddedStore) -> None:
    ancestors = values(
        after_link,
        f"""SELECT ?n ?b WHERE {{ GRAPH <{LINKS_GRAPH.value}> {{
        ?n <{PV}hasAncestor> ?b }} }}""",
    )
    psa, ps = condition_iri("psoriatic-arthropathy").value, condition_iri("psoriasis").value
    papulo = condition_iri("Skin Diseases, Papulosquamous").value
    skin = condition_iri("Skin Diseases").value
    assert (psa, ps) in ancestors
    assert {(psa, papulo), (psa, skin), (ps, papulo), (ps, skin)} <= ancestors
    assert (condition_iri("paradoxical-psoriasis").value, ps) in ancestors
    assert (condition_iri("paradoxical-psoriasis").value, skin) in ancestors
    assert not any(a == b for a, b in ancestors)
    pairs = set(ancestors)
    for a, b in ancestors:  # transitive
        for c, d in ancestors:
            if b == c:
                assert (a, d) in pairs
    # minted broader conditions carry their MeSH link
    assert (papulo, MESH + "D017444") in values(
        after_link, f"SELECT ?e ?m WHERE {{ ?e <{SKOS}exactMatch> ?m }}"
    )


def test_tnf_inhibitors_resolve_to_their_members(after_link: EmbeddedStore) -> None:
    query = Catalogue().get("drug-class-members")
    for given in ({}, {"drugClass": "Tumor Necrosis Factor Inhibitors"}):
        result = run_saved(after_link, query, given)
        assert isinstance(result, QuerySolutions)
        members = {row["drug"].value.rsplit("/", 1)[1] for row in result}
        assert members == {
            "infliximab",
            "adalimumab",
            "etanercept",
            "certolizumab-pegol",
            "golimumab",
        }
    tnf = drug_class_iri("Tumor Necrosis Factor Inhibitors")
    assert (drug_iri("atorvastatin-calcium").value,) not in values(
        after_link,
        f"SELECT ?d WHERE {{ ?d <{PV}memberOfClass> <{tnf.value}> }}",
    )


def test_saved_queries_use_the_closure(after_link: EmbeddedStore) -> None:
    catalogue = Catalogue()
    narrower = run_saved(after_link, catalogue.get("condition-narrower-forms"), {})
    assert isinstance(narrower, QuerySolutions)
    names = [row["narrower"].value.rsplit("/", 1)[1] for row in narrower]
    assert names[0] == "psoriasis"
    # arthritis-psoriatic: the concept of FAERS's "Psoriatic arthropathy" (ADR 0012)
    assert set(names) == {
        "psoriasis",
        "psoriatic-arthropathy",
        "arthritis-psoriatic",
        "paradoxical-psoriasis",
    }

    both = run_saved(after_link, catalogue.get("drug-class-treating-and-inducing"), {})
    assert isinstance(both, QuerySolutions)
    # infliximab treats psoriatic arthritis and induces paradoxical psoriasis, both under
    # psoriasis; adalimumab induces only diarrhoea; atorvastatin is no TNF inhibitor
    assert [row["drug"].value.rsplit("/", 1)[1] for row in both] == ["infliximab"]

    unlinked = run_saved(after_link, catalogue.get("unlinked-entities"), {})
    assert isinstance(unlinked, QuerySolutions)
    assert {row["entity"].value.rsplit("/", 1)[1] for row in unlinked} == {
        "ibrutinib",
        "drug-ineffective",
    }

    around = run_saved(
        after_link, catalogue.get("mesh-neighbourhood"), {"entity": drug_iri("infliximab").value}
    )
    assert isinstance(around, QuerySolutions)
    got = {(row["relation"].value, row["mesh"].value.rsplit("/", 1)[1]) for row in around}
    assert ("1 record", "D000069285") in got
    assert ("4 pharmacological action", "D000079424") in got


def test_sssom_round_trip_gives_the_same_links(after_link: EmbeddedStore, tmp_path: Path) -> None:
    before = values(
        after_link, f"SELECT ?s ?p ?o WHERE {{ GRAPH <{LINKS_GRAPH.value}> {{ ?s ?p ?o }} }}"
    )
    first = io.StringIO()
    assert export(after_link, first) == 14  # 8 drugs, 6 conditions (one is curated at source)
    text = first.getvalue()
    assert "curie_map:" in text and "mapping_set_id:" in text and "license:" in text
    assert "semapv:LexicalMatching" in text and "semapv:ManualMappingCuration" in text
    path = tmp_path / "links.sssom.tsv"
    path.write_text(text)
    after_link.drop_graph(LINKS_GRAPH)
    location = after_link.location
    after_link.close()
    assert main(["--store", location, "mappings", "import", str(path)]) == 0
    after_link = EmbeddedStore(Path(location))
    after = values(
        after_link, f"SELECT ?s ?p ?o WHERE {{ GRAPH <{LINKS_GRAPH.value}> {{ ?s ?p ?o }} }}"
    )
    assert after == before
    second = io.StringIO()
    export(after_link, second)
    assert second.getvalue() == text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("mesh:D000069285", "nope:D000069285"), "known prefix"),
        (lambda t: t.replace("skos:exactMatch", "skos:relatedMatch", 1), "predicate"),
        (lambda t: t.replace("\t0.95\t", "\t9.5\t", 1), "confidence"),
        (lambda t: t.replace("mapping_set_id:", "mapping_set_idx:"), "mapping_set_id"),
        (lambda t: t.replace("subject_id\t", "subject\t"), "missing column"),
        (lambda t: t.replace("# curie_map:", "# curie_map: [\n#"), "not YAML"),
    ],
)
def test_malformed_sssom_changes_nothing(
    after_link: EmbeddedStore,
    tmp_path: Path,
    change: object,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = io.StringIO()
    export(after_link, out)
    before = values(after_link, "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    bad = tmp_path / "bad.sssom.tsv"
    bad.write_text(change(out.getvalue()))  # type: ignore[operator]
    with pytest.raises(InputError, match=message):
        read_sssom(bad)
    location = after_link.location
    after_link.close()
    assert main(["--store", location, "mappings", "import", str(bad)]) == 1
    assert message in capsys.readouterr().err
    reopened = EmbeddedStore(Path(location))
    assert values(reopened, "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }") == before


def test_a_header_only_sssom_empties_the_links_only_when_asked(
    after_link: EmbeddedStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = io.StringIO()
    export(after_link, out)
    lines = out.getvalue().splitlines(keepends=True)
    header = next(n for n, line in enumerate(lines) if line.startswith("subject_id\t"))
    empty = tmp_path / "empty.sssom.tsv"
    empty.write_text("".join(lines[: header + 1]))
    assert export(after_link, io.StringIO()) > 0
    location = after_link.location
    after_link.close()
    assert main(["--store", location, "mappings", "import", str(empty)]) == 1
    assert "--allow-empty" in capsys.readouterr().err
    assert main(["--store", location, "mappings", "import", str(empty), "--allow-empty"]) == 0
    assert "0 mappings imported" in capsys.readouterr().out
    assert export(EmbeddedStore(Path(location)), io.StringIO()) == 0


def test_cli_link_and_export(
    linked: EmbeddedStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    location = linked.location
    linked.close()
    unmapped = tmp_path / "unmapped.tsv"
    assert main(["--store", location, "link", "--unmapped", str(unmapped)]) == 0
    out = capsys.readouterr().out
    assert "drugs 8/9 linked" in out and "conditions 7/8 linked" in out
    assert "IBRUTINIB" in unmapped.read_text()
    target = tmp_path / "out.sssom.tsv"
    assert main(["--store", location, "mappings", "export", "--output", str(target)]) == 0
    assert target.read_text().count("\npvid:") == 14


def test_link_without_mesh_is_a_clear_error(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "empty")
    with pytest.raises(InputError, match="load MeSH first"):
        link(store)
    assert store.graphs() == []


def test_bad_overrides_file_names_line_and_field(linked: EmbeddedStore, tmp_path: Path) -> None:
    bad = tmp_path / "overrides.tsv"
    bad.write_text("kind\tname\tmesh_id\npill\tx\tmesh:D1\n")
    with pytest.raises(InputError, match=r"overrides.tsv:2: field kind"):
        link(linked, overrides=bad)
    bad.write_text("kind\tname\tmesh_id\ndrug\tx\tD01\n")
    with pytest.raises(InputError, match=r"field mesh_id"):
        link(linked, overrides=bad)
    assert LINKS_GRAPH not in {g.graph for g in linked.graphs()}


def test_never_link_override_wins_over_the_matcher(linked: EmbeddedStore, tmp_path: Path) -> None:
    mine = tmp_path / "overrides.tsv"
    mine.write_text(
        "kind\tname\tmesh_id\tpredicate\tcomment\n"
        "drug\tinfliximab\t-\t\ttest\n"
        "condition\tpsoriasis\tmesh:D015535\tskos:closeMatch\ttest\n"
    )
    link(linked, overrides=mine)
    got = matches(linked)
    assert "infliximab" not in got
    assert got["psoriasis"] == ("closeMatch", "D015535")
    assert NamedNode(drug_iri("infliximab").value) not in {x.subject for x in read_links(linked)}


def test_pv_terms_written_are_declared(after_link: EmbeddedStore) -> None:
    from loaders import ontology
    from tests.test_declared_terms import DECLARED, USED, iris

    ontology.load(after_link)
    used = iris(after_link, USED)
    assert {PV + "hasAncestor", PV + "memberOfClass", PV + "DrugClass"} <= used
    assert sorted(used - iris(after_link, DECLARED)) == []


def test_cached_lexicon_gives_the_same_links(linked: EmbeddedStore, lexicon_cache: Path) -> None:
    link(linked, use_cache=False)
    fresh = read_links(linked)
    link(linked)  # builds and caches the lexicon of this mesh graph
    entries = set(lexicon_cache.glob("mesh-lexicon-*.json"))
    link(linked)  # reads it back
    assert read_links(linked) == fresh
    assert set(lexicon_cache.glob("mesh-lexicon-*.json")) == entries
    mesh.load(linked, FIXTURES / "mini_mesh.nt", trees="C")  # a new mesh graph, a new key
    link(linked)
    assert len(set(lexicon_cache.glob("mesh-lexicon-*.json")) - entries) == 1
    assert "infliximab" not in matches(linked)


def test_relink_that_changes_nothing_leaves_the_store_alone(after_link: EmbeddedStore) -> None:
    version = after_link.dataset_version()
    summary = link(after_link)
    assert after_link.dataset_version() == version
    assert summary.triples == {g.graph: g.triples for g in after_link.graphs()}[LINKS_GRAPH]
