"""Saved-query headers and parameter resolution: labels, CURIEs, IRIs, literals, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from kg.catalogue import Catalogue, Parameter, parse_saved_query
from kg.embedded import EmbeddedStore
from kg.errors import InputError, ParameterError, UnknownQueryError
from kg.iris import graph_iri
from kg.namespaces import XSD
from kg.params import resolve, resolve_parameters, run_saved
from loaders import rdf

FIXTURES = Path(__file__).parent / "fixtures" / "kg"
PSORIASIS = NamedNode("https://w3id.org/pvkg/id/condition/psoriasis")


@pytest.fixture
def mini(store: EmbeddedStore) -> EmbeddedStore:
    rdf.load(store, FIXTURES / "mini.ttl", graph=graph_iri("mini").value)
    return store


@pytest.fixture
def catalogue() -> Catalogue:
    return Catalogue(FIXTURES / "queries")


@pytest.mark.parametrize(
    "given",
    [
        "psoriasis",
        "PSORIASIS",
        "mesh:D011565",
        "http://id.nlm.nih.gov/mesh/D011565",
        "<https://w3id.org/pvkg/id/condition/psoriasis>",
        "pvid:condition/psoriasis",
    ],
)
def test_label_curie_and_iri_resolve_to_the_same_entity(
    mini: EmbeddedStore, catalogue: Catalogue, given: str
) -> None:
    query = catalogue.get("drugs-inducing")
    bound = resolve_parameters(mini, query, {"condition": given})
    assert bound == {"condition": PSORIASIS, "limit_rows": Literal("10", datatype=XSD["integer"])}


def test_saved_query_uses_hierarchy(mini: EmbeddedStore, catalogue: Catalogue) -> None:
    rows = list(run_saved(mini, catalogue.get("drugs-inducing"), {}))  # type: ignore[call-overload]
    assert [r["label"].value for r in rows] == ["infliximab"]


def test_alt_label_resolves(mini: EmbeddedStore, catalogue: Catalogue) -> None:
    query = parse_saved_query(FIXTURES / "queries" / "drugs-inducing.rq")
    assert query.param("condition") is not None
    assert resolve(mini, Parameter(name="drug", type="drug"), "remicade") == NamedNode(
        "https://w3id.org/pvkg/id/drug/infliximab"
    )


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"condition": "no such thing"}, "no condition is labelled"),
        ({"condition": "mesh:D000000"}, "no condition is or links to"),
        ({"condition": "nope:x"}, "no condition is labelled"),
        ({"limit_rows": "ten"}, "is not an integer"),
        ({"limit_rows": "0"}, "below the minimum"),
        ({"limit_rows": "5000"}, "above the maximum"),
        ({"colour": "red"}, "takes no such parameter"),
        ({"condition": "http://bad iri"}, "not a valid IRI"),
    ],
)
def test_bad_parameters_name_the_parameter(
    mini: EmbeddedStore, catalogue: Catalogue, given: dict[str, str], message: str
) -> None:
    with pytest.raises(ParameterError, match=message) as caught:
        resolve_parameters(mini, catalogue.get("drugs-inducing"), given)
    assert caught.value.name in given


def test_ambiguous_label_is_an_error(mini: EmbeddedStore) -> None:
    with pytest.raises(ParameterError, match="ambiguous"):
        resolve(mini, Parameter(name="drug", type="drug"), "TWIN")


def test_injection_attempt_is_just_an_unknown_label(
    mini: EmbeddedStore, catalogue: Catalogue
) -> None:
    hostile = 'psoriasis" } } ; DROP ALL ; #'
    with pytest.raises(ParameterError, match="no condition is labelled"):
        resolve_parameters(mini, catalogue.get("drugs-inducing"), {"condition": hostile})


def test_unknown_saved_query_lists_known_ones(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownQueryError, match="known: drugs-inducing"):
        catalogue.get("nope")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("#+ description: no summary\n", "summary"),
        ("#+ summary: x\n#+ params:\n#+   - name: drug\n#+     type: colour\n", "params.drug"),
        ("#+ summary: x\n#+ params:\n#+   - name: missing\n", "params.missing"),
    ],
)
def test_malformed_headers_name_the_field(tmp_path: Path, header: str, field: str) -> None:
    path = tmp_path / "bad-query.rq"
    path.write_text(header + "SELECT ?drug WHERE { ?drug ?p ?o }\n")
    with pytest.raises(InputError, match=field) as caught:
        parse_saved_query(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("given", ["psoriasis", "mesh:D011565", "pvid:condition/psoriasis"])
def test_entity_parameter_means_a_pvkg_entity_not_its_mesh_record(
    mini: EmbeddedStore, tmp_path: Path, given: str
) -> None:
    record = tmp_path / "mesh.ttl"
    record.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<http://id.nlm.nih.gov/mesh/D011565> rdfs:label "Psoriasis" .\n'
    )
    rdf.load(mini, record, graph=graph_iri("mesh").value)
    assert resolve(mini, Parameter(name="entity", type="entity"), given) == PSORIASIS
