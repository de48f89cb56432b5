"""The pvkg ontology (``ontology/pvkg.ttl``): parses, is documented, covers the code, is OWL 2 DL
in the ways we can check cheaply, and HermiT (through owlready2) finds it consistent with no
unsatisfiable class.
"""

from __future__ import annotations

import importlib
import pkgutil
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pyoxigraph
import pytest
from pyoxigraph import NamedNode
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from kg import provenance, vocab
from kg.namespaces import PREFIXES

REPO = Path(__file__).resolve().parent.parent
ONTOLOGY_FILE = REPO / "ontology" / "pvkg.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/pvkg/ontology")
PV = PREFIXES["pv"]
SCHEMA_RANGE_INCLUDES = URIRef("http://schema.org/rangeIncludes")
APPENDED_MARKER = "# ---- sections appended by other modules below ----"

DECLARED_KINDS = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.NamedIndividual,
)
DOCUMENTED_KINDS = DECLARED_KINDS[:4]

# Datatypes of the OWL 2 datatype map (OWL 2 Structural Specification, section 4) plus
# rdfs:Literal: an OWL 2 DL data range may use no other built-in datatype (HermiT rejects e.g.
# xsd:date).
OWL2_DATATYPES = {
    RDFS.Literal,
    RDF.PlainLiteral,
    RDF.XMLLiteral,
    OWL.real,
    OWL.rational,
    *(
        XSD[name]
        for name in [
            "decimal",
            "integer",
            "nonNegativeInteger",
            "nonPositiveInteger",
            "positiveInteger",
            "negativeInteger",
            "long",
            "int",
            "short",
            "byte",
            "unsignedLong",
            "unsignedInt",
            "unsignedShort",
            "unsignedByte",
            "double",
            "float",
            "string",
            "normalizedString",
            "token",
            "language",
            "Name",
            "NCName",
            "NMTOKEN",
            "boolean",
            "hexBinary",
            "base64Binary",
            "anyURI",
            "dateTime",
            "dateTimeStamp",
        ]
    ),
}

# Value classes whose individuals must be pairwise different, and the vocab constants
# that are their members.
VALUE_CLASSES: dict[str, tuple[str, ...]] = {
    "DrugRole": (
        "RolePrimarySuspect",
        "RoleSecondarySuspect",
        "RoleSuspect",
        "RoleConcomitant",
        "RoleNotSuspected",
        "RoleInteracting",
        "RoleTreatment",
    ),
    "ChallengeResult": (
        "ChallengePositive",
        "ChallengeNegative",
        "ChallengeUnknown",
        "ChallengeNotApplicable",
    ),
    "SeriousOutcome": (
        "OutcomeDeath",
        "OutcomeLifeThreatening",
        "OutcomeHospitalization",
        "OutcomeDisability",
        "OutcomeCongenitalAnomaly",
        "OutcomeRequiredIntervention",
        "OutcomeOtherSerious",
    ),
    "ReactionOutcome": (
        "Recovered",
        "Recovering",
        "NotRecovered",
        "RecoveredWithSequelae",
        "Fatal",
        "OutcomeUnknown",
    ),
    "TreatmentResponse": (
        "ResponseResolved",
        "ResponseImproved",
        "ResponsePartial",
        "ResponseNone",
        "ResponseWorsened",
        "ResponseRelapsed",
    ),
    "Sex": ("Female", "Male", "SexUnknown"),
    "TimingRelation": (
        "OngoingAtOnset",
        "StoppedBeforeOnset",
        "StartedAfterOnset",
        "StartedDuring",
        "StartedBefore",
    ),
}


@pytest.fixture(scope="module")
def graph() -> Graph:
    """The ontology parsed by rdflib."""
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def pv_constants(module: ModuleType) -> dict[str, str]:
    """Every module-level ``pv:`` NamedNode constant of ``module``, by Python name."""
    return {
        name: value.value
        for name, value in vars(module).items()
        if isinstance(value, NamedNode) and value.value.startswith(PV)
    }


def declared(graph: Graph, kinds: tuple[URIRef, ...] = DECLARED_KINDS) -> set[str]:
    """IRIs of the ``pv:`` terms typed with one of ``kinds``."""
    return {
        str(s)
        for kind in kinds
        for s in graph.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(PV)
    }


def rdf_list(graph: Graph, head: Node) -> list[Node]:
    """The members of the RDF collection starting at ``head``."""
    return list(graph.items(head))


def test_pyoxigraph_parses_the_ontology() -> None:
    quads = list(pyoxigraph.parse(path=str(ONTOLOGY_FILE), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) > 500


def test_rdflib_and_pyoxigraph_read_the_same_number_of_triples(graph: Graph) -> None:
    quads = list(pyoxigraph.parse(path=str(ONTOLOGY_FILE), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(graph) == len(set(quads))


def test_header_has_title_licence_version_and_prefix(graph: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph
    version_iris = list(graph.objects(ONTOLOGY_IRI, OWL.versionIRI))
    assert len(version_iris) == 1
    version_info = graph.value(ONTOLOGY_IRI, OWL.versionInfo)
    assert version_info is not None
    assert str(version_iris[0]) == f"{ONTOLOGY_IRI}/{version_info}"
    titles = list(graph.objects(ONTOLOGY_IRI, DCTERMS.title))
    assert any(isinstance(t, Literal) and t.language == "en" for t in titles)
    assert graph.value(ONTOLOGY_IRI, DCTERMS.description) is not None
    licence = graph.value(ONTOLOGY_IRI, DCTERMS.license)
    assert isinstance(licence, URIRef) and str(licence).startswith("https://creativecommons.org/")
    assert graph.value(ONTOLOGY_IRI, DCTERMS.creator) is not None
    vann = URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix")
    assert str(graph.value(ONTOLOGY_IRI, vann)) == "pv"


@pytest.mark.parametrize("module", [vocab, provenance], ids=["kg.vocab", "kg.provenance"])
def test_every_pv_constant_in_code_is_declared(graph: Graph, module: ModuleType) -> None:
    constants = pv_constants(module)
    assert constants, f"{module.__name__} has no pv: constants"
    terms = declared(graph)
    missing = sorted(name for name, iri in constants.items() if iri not in terms)
    assert not missing, f"declared nowhere in {ONTOLOGY_FILE.name}: {missing}"


def code_modules() -> list[ModuleType]:
    """Every module of the ``kg`` and ``loaders`` packages (where loaders keep their own terms)."""
    import kg
    import loaders

    return [
        importlib.import_module(info.name)
        for package in (kg, loaders)
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
    ]


def test_every_pv_constant_of_any_kg_or_loader_module_is_declared(graph: Graph) -> None:
    """Loader-specific terms (e.g. ``loaders.faers.terms``) are declared too."""
    terms = declared(graph)
    found = {module.__name__: pv_constants(module) for module in code_modules()}
    assert {"kg.vocab", "kg.provenance"} <= {name for name, c in found.items() if c}
    missing = sorted(
        f"{module}.{name}"
        for module, constants in found.items()
        for name, iri in constants.items()
        if iri not in terms
    )
    assert not missing


def test_vocab_constant_names_are_the_local_names(graph: Graph) -> None:
    mismatched = {name: iri for name, iri in pv_constants(vocab).items() if iri != PV + name}
    assert not mismatched


def test_every_pv_term_used_is_declared(graph: Graph) -> None:
    """A pv: IRI that appears anywhere in the file (e.g. a typo) must be a declared term."""
    used = {
        str(term)
        for triple in graph
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(PV)
    }
    assert not sorted(used - declared(graph))


@pytest.mark.parametrize("kind", DOCUMENTED_KINDS, ids=lambda k: str(k).split("#")[-1])
def test_every_pv_term_has_english_label_and_definition(graph: Graph, kind: URIRef) -> None:
    terms = declared(graph, (kind,))
    assert terms
    problems = []
    for iri in sorted(terms):
        term = URIRef(iri)
        labels = [o for o in graph.objects(term, RDFS.label) if isinstance(o, Literal)]
        definitions = [o for o in graph.objects(term, SKOS.definition) if isinstance(o, Literal)]
        if not any(label.language == "en" and str(label).strip() for label in labels):
            problems.append(f"{iri}: no English rdfs:label")
        if not any(d.language == "en" and len(str(d).strip()) > 10 for d in definitions):
            problems.append(f"{iri}: no English skos:definition")
        if len([label for label in labels if label.language == "en"]) > 1:
            problems.append(f"{iri}: more than one English rdfs:label")
    assert not problems, "\n".join(problems)


def test_individuals_are_labelled_and_defined(graph: Graph) -> None:
    for iri in declared(graph, (OWL.NamedIndividual,)):
        assert graph.value(URIRef(iri), RDFS.label) is not None, iri
        assert graph.value(URIRef(iri), SKOS.definition) is not None, iri


def test_no_pv_term_is_declared_with_two_property_or_class_kinds(graph: Graph) -> None:
    """OWL 2 DL forbids e.g. an IRI being both an object and a datatype property."""
    exclusive = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    clashes = [
        iri
        for iri in declared(graph, exclusive)
        if sum((URIRef(iri), RDF.type, kind) in graph for kind in exclusive) > 1
    ]
    assert not clashes


def test_transitive_properties_are_object_properties(graph: Graph) -> None:
    transitive = set(graph.subjects(RDF.type, OWL.TransitiveProperty))
    assert URIRef(vocab.hasAncestor.value) in transitive
    for prop in transitive:
        assert (prop, RDF.type, OWL.ObjectProperty) in graph, prop
        assert (prop, RDF.type, OWL.FunctionalProperty) not in graph, prop


def test_datatype_ranges_are_in_the_owl2_datatype_map(graph: Graph) -> None:
    bad = [
        (str(p), str(r))
        for p in graph.subjects(RDF.type, OWL.DatatypeProperty)
        for r in graph.objects(p, RDFS.range)
        if isinstance(r, URIRef) and r not in OWL2_DATATYPES
    ]
    assert not bad


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        ("ageYears", XSD.decimal),
        ("weightKg", XSD.decimal),
        ("serious", XSD.boolean),
        ("reportCount", XSD.integer),
        ("patientCount", XSD.integer),
        ("startTime", XSD.string),
        ("endTime", XSD.string),
        ("numericValue", XSD.decimal),
        ("proportionLow", XSD.decimal),
        ("proportionHigh", XSD.decimal),
        ("quote", XSD.string),
        ("vagueness", XSD.string),
    ],
)
def test_datatype_property_ranges(graph: Graph, prop: str, expected: URIRef) -> None:
    term = URIRef(PV + prop)
    assert (term, RDF.type, OWL.DatatypeProperty) in graph
    assert list(graph.objects(term, RDFS.range)) == [expected]


@pytest.mark.parametrize("prop", ["startDate", "endDate"])
def test_calendar_dates_are_documented_as_xsd_date(graph: Graph, prop: str) -> None:
    """xsd:date is not an OWL 2 datatype: documented with schema:rangeIncludes, no rdfs:range."""
    term = URIRef(PV + prop)
    assert (term, SCHEMA_RANGE_INCLUDES, XSD.date) in graph
    assert graph.value(term, RDFS.range) is None


@pytest.mark.parametrize(
    ("prop", "domain", "range_"),
    [
        ("treats", "Drug", "Condition"),
        ("induces", "Drug", "Condition"),
        ("drug", "DrugExposure", "Drug"),
        ("role", "DrugExposure", "DrugRole"),
        ("indication", "DrugExposure", "Condition"),
        ("dechallenge", "DrugExposure", "ChallengeResult"),
        ("rechallenge", "DrugExposure", "ChallengeResult"),
        ("condition", "AdverseReaction", "Condition"),
        ("suspectExposure", "AdverseReaction", "DrugExposure"),
        ("reactionOutcome", "AdverseReaction", "ReactionOutcome"),
        ("treatedReaction", "ReactionTreatment", "AdverseReaction"),
        ("response", "ReactionTreatment", "TreatmentResponse"),
        ("causedReaction", "DrugExposure", "AdverseReaction"),
        ("seriousOutcome", "Report", "SeriousOutcome"),
        ("associationSubject", "DrugConditionAssociation", "Drug"),
        ("associationObject", "DrugConditionAssociation", "Condition"),
        ("evidenceReport", "DrugConditionAssociation", "Report"),
        ("hasAncestor", "Condition", "Condition"),
        ("memberOfClass", "Drug", "DrugClass"),
        ("sex", "Patient", "Sex"),
    ],
)
def test_object_property_domain_and_range(
    graph: Graph, prop: str, domain: str, range_: str
) -> None:
    term = URIRef(PV + prop)
    assert (term, RDF.type, OWL.ObjectProperty) in graph
    assert list(graph.objects(term, RDFS.domain)) == [URIRef(PV + domain)]
    assert list(graph.objects(term, RDFS.range)) == [URIRef(PV + range_)]


@pytest.mark.parametrize(
    ("sub", "sup"),
    [
        ("PublishedCaseReport", "Report"),
        ("SpontaneousReport", "Report"),
        ("ReactionTreatment", "DrugExposure"),
        ("TreatsAssociation", "DrugConditionAssociation"),
        ("InducesAssociation", "DrugConditionAssociation"),
    ],
)
def test_class_hierarchy(graph: Graph, sub: str, sup: str) -> None:
    assert (URIRef(PV + sub), RDFS.subClassOf, URIRef(PV + sup)) in graph


@pytest.mark.parametrize("value_class", sorted(VALUE_CLASSES))
def test_value_class_individuals_are_typed_and_all_different(
    graph: Graph, value_class: str
) -> None:
    members = {URIRef(PV + name) for name in VALUE_CLASSES[value_class]}
    typed = set(graph.subjects(RDF.type, URIRef(PV + value_class)))
    assert typed == members
    for member in members:
        assert (member, RDF.type, OWL.NamedIndividual) in graph
    groups = [
        set(rdf_list(graph, head))
        for node in graph.subjects(RDF.type, OWL.AllDifferent)
        for head in graph.objects(node, OWL.distinctMembers)
    ]
    assert any(members <= group for group in groups), f"{value_class} not pairwise different"


@pytest.mark.parametrize(
    "codes",
    [vocab.FAERS_OUTCOME_CODES, vocab.FAERS_ROLE_CODES, vocab.CHALLENGE_CODES],
    ids=["outcome", "role", "challenge"],
)
def test_code_tables_agree_with_skos_notation(graph: Graph, codes: dict[str, NamedNode]) -> None:
    for code, term in codes.items():
        notations = {str(n) for n in graph.objects(URIRef(term.value), SKOS.notation)}
        assert notations == {code}, term.value


@pytest.mark.parametrize(
    ("prop", "axiom", "target"),
    [
        ("treats", RDFS.subPropertyOf, "https://w3id.org/biolink/vocab/applied_to_treat"),
        ("treats", SKOS.closeMatch, "http://purl.obolibrary.org/obo/RO_0002606"),
        ("treats", SKOS.closeMatch, "https://w3id.org/biolink/vocab/treats"),
        ("induces", RDFS.subPropertyOf, "https://w3id.org/biolink/vocab/has_adverse_event"),
        ("induces", SKOS.closeMatch, "http://purl.obolibrary.org/obo/RO_0003302"),
        ("Drug", RDFS.subClassOf, "http://schema.org/Drug"),
        ("DrugClass", RDFS.subClassOf, "http://schema.org/DrugClass"),
        ("Condition", RDFS.subClassOf, "http://schema.org/MedicalCondition"),
        ("Patient", RDFS.subClassOf, "http://schema.org/Patient"),
        ("Publication", SKOS.narrowMatch, "http://schema.org/ScholarlyArticle"),
    ],
)
def test_alignments(graph: Graph, prop: str, axiom: URIRef, target: str) -> None:
    assert (URIRef(PV + prop), axiom, URIRef(target)) in graph


def test_external_terms_in_logical_axioms_are_declared(graph: Graph) -> None:
    """Keeps the ontology OWL 2 DL: a superclass or superproperty must have a declared type."""
    for axiom in (RDFS.subClassOf, RDFS.subPropertyOf):
        for target in set(graph.objects(None, axiom)):
            if isinstance(target, URIRef):
                kinds = set(graph.objects(target, RDF.type))
                assert kinds & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}, target


def test_appended_sections_stay_below_the_marker() -> None:
    text = ONTOLOGY_FILE.read_text(encoding="utf-8")
    assert text.count(APPENDED_MARKER) == 1
    assert text.index("<https://w3id.org/pvkg/ontology> a owl:Ontology") < text.index(
        APPENDED_MARKER
    )


# --- HermiT -----------------------------------------------------------------------------------

requires_java = pytest.mark.skipif(
    shutil.which("java") is None, reason="HermiT needs a Java runtime (`java` not on PATH)"
)


@pytest.fixture
def owl_world(tmp_path: Path) -> Iterator[tuple[Graph, Path]]:
    """The ontology as an rdflib graph and the RDF/XML path owlready2 will read it from."""
    graph = Graph().parse(ONTOLOGY_FILE, format="turtle")
    yield graph, tmp_path / "pvkg.owl"


def reason(graph: Graph, path: Path, *, infer_property_values: bool = False) -> Any:
    """Write ``graph`` as RDF/XML to ``path``, load it into a new owlready2 world, run HermiT.

    :return: the owlready2 ``World`` holding the ontology and HermiT's inferences.
    :raises owlready2.OwlReadyInconsistentOntologyError: if the ontology is inconsistent.
    """
    import owlready2

    graph.serialize(destination=path, format="xml")
    world = owlready2.World()
    world.get_ontology(path.as_uri()).load()
    owlready2.sync_reasoner_hermit(world, infer_property_values=infer_property_values, debug=0)
    return world


def hermit(graph: Graph, path: Path) -> list[str]:
    """Run HermiT on ``graph``; return the unsatisfiable classes.

    :raises owlready2.OwlReadyInconsistentOntologyError: if the ontology is inconsistent.
    """
    world = reason(graph, path)
    return sorted(str(c.iri) for c in world.inconsistent_classes())


@requires_java
def test_hermit_finds_the_ontology_consistent(owl_world: tuple[Graph, Path]) -> None:
    graph, path = owl_world
    assert hermit(graph, path) == []


@requires_java
def test_owl_api_reads_the_turtle_as_written(tmp_path: Path) -> None:
    """HermiT's command line parses ``pvkg.ttl`` itself with the OWL API (the library Protégé
    uses), without our RDF/XML conversion: owl:Thing satisfiable, only owl:Nothing unsatisfiable.
    A copy with an unsatisfiable pv:Drug is the control."""
    import owlready2

    jar = Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        ONTOLOGY_FILE.read_text(encoding="utf-8").replace(
            "pv:Drug a owl:Class ;", "pv:Drug a owl:Class ; owl:equivalentClass owl:Nothing ;", 1
        ),
        encoding="utf-8",
    )

    def unsatisfiable(path: Path) -> list[str]:
        command = ["java", "-cp", str(jar), "org.semanticweb.HermiT.cli.CommandLine"]
        done = subprocess.run(
            [*command, "-k", "-U", path.as_uri()],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "owl#Thing is satisfiable" in done.stdout, done.stdout
        listing = done.stdout.split("Classes equivalent to 'owl:Nothing':", 1)[1]
        return sorted(line.strip() for line in listing.splitlines() if line.strip())

    assert unsatisfiable(ONTOLOGY_FILE) == ["owl:Nothing"]
    assert unsatisfiable(broken) == ["owl:Nothing", "pv:Drug"]


# --- the model in use: a hand-written example case against the axioms -------------------------

EXAMPLE_CASE = REPO / "tests" / "fixtures" / "ontology" / "example-case.ttl"
CASE = "https://w3id.org/pvkg/id/casereport/example/1"
EXPOSURE = URIRef(f"{CASE}/exposure/1")
REACTION = URIRef(f"{CASE}/reaction/1")
PATIENT = URIRef(f"{CASE}/patient")


def pv(local: str) -> URIRef:
    """The rdflib IRI of a ``pv:`` term."""
    return URIRef(PV + local)


@requires_java
def test_hermit_accepts_the_example_case(owl_world: tuple[Graph, Path]) -> None:
    graph, path = owl_world
    graph.parse(EXAMPLE_CASE, format="turtle")
    assert hermit(graph, path) == []


# Controls showing the HermiT checks can fail. Each mistake contradicts a different kind of
# axiom: an object-property range meeting a disjointness axiom, a datatype range, a functional
# property over pairwise-different individuals. (Each HermiT run starts a JVM: keep this short.)
MISTAKES: dict[str, list[tuple[URIRef, URIRef, Node]]] = {
    "reaction-as-indication": [(EXPOSURE, pv("indication"), REACTION)],
    "non-boolean-seriousness": [(REACTION, pv("serious"), Literal("yes"))],
    "two-sexes": [(PATIENT, pv("sex"), pv("Male"))],
}


@requires_java
@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_hermit_rejects_misuse_of_the_model(owl_world: tuple[Graph, Path], mistake: str) -> None:
    import owlready2

    graph, path = owl_world
    graph.parse(EXAMPLE_CASE, format="turtle")
    for triple in MISTAKES[mistake]:
        graph.add(triple)
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        hermit(graph, path)


@requires_java
def test_induces_edges_follow_from_the_reports(owl_world: tuple[Graph, Path]) -> None:
    """The property chains on pv:induces derive exactly the example's induces edges from its
    suspect and caused-reaction links; pv:treats (which needs a favourable response) has none."""
    graph, path = owl_world
    example = Graph().parse(EXAMPLE_CASE, format="turtle")
    induces, treats = pv("induces"), pv("treats")
    expected = {(str(s), str(o)) for s, o in example.subject_objects(induces)}
    assert len(expected) == 2
    for triple in example:
        if triple[1] not in (induces, treats):
            graph.add(triple)
    world = reason(graph, path, infer_property_values=True)

    def edges(prop: URIRef) -> set[tuple[str, str]]:
        rows = world.sparql(f"SELECT ?s ?o WHERE {{ ?s <{prop}> ?o }}")
        return {(s.iri, o.iri) for s, o in rows}

    assert edges(induces) == expected
    assert edges(treats) == set()


def test_example_case_uses_only_declared_terms(graph: Graph) -> None:
    example = Graph().parse(EXAMPLE_CASE, format="turtle")
    used = {
        str(term)
        for triple in example
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(PV)
    }
    assert used
    assert not sorted(used - declared(graph))


# --- the bundled curated case reports against the ontology ------------------------------------


@pytest.fixture(scope="module")
def curated() -> Graph:
    """The RDF the case-report loader makes of the bundled curated files."""
    from loaders import casereport
    from loaders.casereport.mapping import publication_triples

    publications = casereport.read_all(casereport.DATA)
    assert publications
    lines = "".join(
        f"{t.subject} {t.predicate} {t.object} .\n"
        for publication in publications
        for t in publication_triples(publication)
    )
    return Graph().parse(data=lines, format="nt")


def test_curated_case_reports_use_only_declared_terms(graph: Graph, curated: Graph) -> None:
    used = {
        str(term)
        for triple in curated
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(PV)
    }
    assert str(pv("induces")) in used
    assert not sorted(used - declared(graph))


@requires_java
def test_curated_case_reports_are_consistent_and_induces_follows_from_them(
    owl_world: tuple[Graph, Path], curated: Graph
) -> None:
    """HermiT accepts ontology + curated data, and the pv:induces chains derive exactly the
    induces edges the loader materialised (here removed before reasoning). Literals of datatypes
    outside the OWL 2 datatype map (xsd:date, which HermiT refuses) are left out."""
    graph, path = owl_world
    induces = pv("induces")
    expected = {(str(s), str(o)) for s, o in curated.subject_objects(induces)}
    assert expected
    for triple in curated:
        literal = triple[2]
        if isinstance(literal, Literal) and literal.datatype not in OWL2_DATATYPES | {None}:
            continue
        if triple[1] != induces:
            graph.add(triple)
    world = reason(graph, path, infer_property_values=True)
    assert sorted(str(c.iri) for c in world.inconsistent_classes()) == []
    rows = world.sparql(f"SELECT ?s ?o WHERE {{ ?s <{induces}> ?o }}")
    assert {(s.iri, o.iri) for s, o in rows} == expected
