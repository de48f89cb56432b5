"""Drug names as pharmacists read them: active moieties, no stubs, no splits, no false merges.

The expected keys below are written by hand from the drug labels (FDA's active moiety), not
computed with the code under test. The FAERS-shaped quarter in ``fixtures/faers/drug-names`` is
loaded into a real store; linking runs against the hand-written MeSH slice of the MeSH tests
and, when ``../shared/data`` is present, against the whole of MeSH 2024 and over the real
FAERS samples.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, QuerySolutions

from kg.embedded import EmbeddedStore
from kg.errors import InputError
from kg.iris import drug_iri
from loaders import faers, mesh
from loaders.drugnames import active_moiety, clean_name, ingredients, read_rules, rule_table
from loaders.mesh.rdf import read_triples
from loaders.meshlink import link
from loaders.meshlink.lexicon import Lexicon
from loaders.meshlink.mapping import Link
from loaders.meshlink.matcher import Matcher, Unmapped
from loaders.meshlink.overrides import Override
from tests.conftest import shared

FIXTURES = Path(__file__).parent / "fixtures"
QUARTER = FIXTURES / "faers" / "drug-names"
PVID = "https://w3id.org/pvkg/id/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

STUB_KEYS = frozenset(
    {"dimethyl", "diroximel", "monomethyl", "ferrous", "ferric", "diethyl", "methyl", "ethyl"}
)
"""Keys that are never an ingredient: what salt stripping used to leave of an ester or a salt."""

ELEMENT_KEYS = frozenset({"sodium", "potassium", "calcium", "magnesium", "zinc", "iron", "lithium"})
"""Keys that are an ingredient only when the source names the element alone ("MAGNESIUM")."""

MOIETIES = {
    # the stubs of issue 13
    "DIMETHYL FUMARATE": "dimethyl fumarate",
    "DIROXIMEL FUMARATE": "diroximel fumarate",
    "MONOMETHYL FUMARATE": "monomethyl fumarate",
    "FERROUS SULFATE": "ferrous sulfate",
    "FERROUS SULFATE ANHYDROUS": "ferrous sulfate",
    "FERROUS GLUCONATE": "ferrous gluconate",
    "FERROUS FUMARATE": "ferrous fumarate",
    "FERRIC CARBOXYMALTOSE": "ferric carboxymaltose",
    "SODIUM FERROUS CITRATE": "sodium ferrous citrate",
    "MAGNESIUM SULFATE": "magnesium sulfate",
    "MAGNESIUM CHLORIDE ANHYDROUS": "magnesium chloride",
    "POTASSIUM CHLORIDE": "potassium chloride",
    "CALCIUM CITRATE": "calcium citrate",
    "ZINC ACETATE": "zinc acetate",
    "LITHIUM CARBONATE": "lithium carbonate",
    # the splits of issue 13: acid/-ate pairs
    "ALENDRONIC ACID": "alendronate",
    "ALENDRONATE SODIUM": "alendronate",
    "VALPROIC ACID": "valproic acid",
    "VALPROATE SODIUM": "valproic acid",
    "DIVALPROEX SODIUM": "valproic acid",
    "MYCOPHENOLIC ACID": "mycophenolic acid",
    "MYCOPHENOLATE MOFETIL": "mycophenolic acid",
    "MYCOPHENOLATE MOFETIL HYDROCHLORIDE": "mycophenolic acid",
    "MYCOPHENOLATE SODIUM": "mycophenolic acid",
    "ZOLEDRONIC ACID": "zoledronic acid",
    "IBANDRONATE SODIUM": "ibandronic acid",
    "RISEDRONATE SODIUM": "risedronic acid",
    "CLAVULANATE POTASSIUM": "clavulanic acid",
    # FDA's four-letter suffixes
    "ADALIMUMAB-ADAZ": "adalimumab",
    "ADALIMUMAB-AACF": "adalimumab",
    "BIMEKIZUMAB-BKZX": "bimekizumab",
    "INFLIXIMAB-DYYB": "infliximab",
    "TREMELIMUMAB-ACTL": "tremelimumab",
    "PEGFILGRASTIM-JMDB": "pegfilgrastim",
    "EPOETIN ALFA-EPBX": "epoetin alfa",
    "INSULIN GLARGINE-YFGN": "insulin glargine",
    "FAM-TRASTUZUMAB DERUXTECAN-NXKI": "fam-trastuzumab deruxtecan",
    # hyphenated names that are not a biologic with a suffix
    "L-DOPA": "l-dopa",
    "KLOR-CON": "klor-con",
    # vitamins: no false merges
    "VITAMIN A AND D": "vitamin a and d",
    "VITAMIN D": "vitamin d",
    "VITAMIN D3": "cholecalciferol",
    "COLECALCIFEROL": "cholecalciferol",
    "VITAMIN D2": "ergocalciferol",
    "VITAMIN A PALMITATE": "vitamin a",
    # plain salts, as before
    "ATORVASTATIN CALCIUM": "atorvastatin",
    "METFORMIN HYDROCHLORIDE": "metformin",
    "BACITRACIN ZINC": "bacitracin",
    "TENOFOVIR DISOPROXIL FUMARATE": "tenofovir disoproxil",
}


@pytest.mark.parametrize(("text", "expected"), sorted(MOIETIES.items()))
def test_active_moiety_of_each_named_case(text: str, expected: str) -> None:
    assert active_moiety(text).name == expected


def test_folded_names_are_kept_as_labels_and_salts_are_not() -> None:
    assert active_moiety("ADALIMUMAB-ADAZ").labels == ("adalimumab-adaz",)
    assert active_moiety("ALENDRONIC ACID").labels == ("alendronic acid",)
    assert active_moiety("ALENDRONATE SODIUM").labels == ()
    assert active_moiety("DIMETHYL FUMARATE").labels == ()


def test_combination_parts_are_split_and_merged_after_normalisation() -> None:
    both = ingredients("TREMELIMUMAB\\TREMELIMUMAB-ACTL", "IMJUDO")
    assert [(m.name, m.labels) for m in both] == [("tremelimumab", ("tremelimumab-actl",))]
    assert [m.name for m in ingredients("AMOXICILLIN\\CLAVULANATE POTASSIUM", "")] == [
        "amoxicillin",
        "clavulanic acid",
    ]
    assert [m.name for m in ingredients("VALPROIC ACID\\VALPROATE SODIUM", "")] == ["valproic acid"]
    assert [m.name for m in ingredients("", "CALCIUM CITRATE + VITAMIN D")] == [
        "calcium citrate",
        "vitamin d",
    ]


def test_the_rule_table_is_consistent() -> None:
    rules = rule_table()
    assert {"dimethyl", "diroximel", "ferrous", "ferric", "sodium", "magnesium"} <= rules.stubs
    assert not set(rules.synonyms.values()) & set(rules.synonyms)
    assert not set(rules.synonyms.values()) & rules.stubs
    for name, target in rules.synonyms.items():
        assert active_moiety(name).name == target
        assert active_moiety(target).name == target  # a target is a fixed point


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("colour\tred\t\t", "unknown rule"),
        ("synonym\tfoo\t\t", "needs a target"),
        ("salt\tHCL\t\t", "lower-case"),
        ("synonym\ta\tb\t\nsynonym\tb\tc\t", "another synonym"),
        ("stub\tiron\t\t\nstub\tiron\t\t", "duplicate"),
    ],
)
def test_bad_rule_tables_are_refused_with_the_line(tmp_path: Path, row: str, reason: str) -> None:
    table = tmp_path / "rules.tsv"
    table.write_text("# comment\nrule\tname\ttarget\tnote\n" + row + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=reason):
        read_rules(table)


# --- the FAERS-shaped quarter in a real store ------------------------------------------------

EXPOSURES = {
    "ADALIMUMAB-ADAZ": ["adalimumab"],
    "ADALIMUMAB": ["adalimumab"],
    "ALENDRONIC ACID": ["alendronate"],
    "ALENDRONATE SODIUM": ["alendronate"],
    "TREMELIMUMAB\\TREMELIMUMAB-ACTL": ["tremelimumab"],
    "DIMETHYL FUMARATE": ["dimethyl-fumarate"],
    "DIROXIMEL FUMARATE": ["diroximel-fumarate"],
    "FERROUS SULFATE": ["ferrous-sulfate"],
    "FERROUS GLUCONATE": ["ferrous-gluconate"],
    "FERRIC CARBOXYMALTOSE": ["ferric-carboxymaltose"],
    "VALPROIC ACID": ["valproic-acid"],
    "VALPROATE SODIUM": ["valproic-acid"],
    "DIVALPROEX SODIUM": ["valproic-acid"],
    "MYCOPHENOLATE MOFETIL": ["mycophenolic-acid"],
    "MYCOPHENOLIC ACID": ["mycophenolic-acid"],
    "BIMEKIZUMAB-BKZX": ["bimekizumab"],
    "INFLIXIMAB-DYYB": ["infliximab"],
    "INFLIXIMAB": ["infliximab"],
    "VITAMIN A AND D": ["vitamin-a-and-d"],
    "VITAMIN D": ["vitamin-d"],
    "VITAMIN D3": ["cholecalciferol"],
    "CHOLECALCIFEROL": ["cholecalciferol"],
    "MAGNESIUM SULFATE": ["magnesium-sulfate"],
    "POTASSIUM CHLORIDE": ["potassium-chloride"],
    "ATORVASTATIN CALCIUM": ["atorvastatin"],
    "AMOXICILLIN\\CLAVULANATE POTASSIUM": ["amoxicillin", "clavulanic-acid"],
    "LITHIUM CARBONATE": ["lithium-carbonate"],
}
"""Per DRUG row of the fixture (``prod_ai``, else ``drugname``): the drug keys, by hand."""


def select(store: EmbeddedStore, sparql: str) -> list[list[str]]:
    result = store.query("PREFIX pv: <https://w3id.org/pvkg/ontology#> " + sparql)
    assert isinstance(result, QuerySolutions)
    return [[t.value if t is not None else "" for t in row] for row in result]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path_factory.mktemp("drug-names") / "store")
    faers.load(store, QUARTER)
    yield store
    store.close()


def test_each_drug_row_points_at_its_moiety_entity(loaded: EmbeddedStore) -> None:
    rows = select(
        loaded,
        "SELECT ?name ?drug WHERE { ?e a pv:DrugExposure ; pv:verbatimDrugName ?name ; "
        "pv:drug ?drug }",
    )
    by_row: dict[str, list[str]] = {}
    lines = (QUARTER / "DRUG25Q1.txt").read_text().splitlines()[1:]
    source = {f[4]: (f[5] or f[4]) for f in (line.split("$") for line in lines)}
    for name, drug in rows:
        by_row.setdefault(source[name], []).append(drug.removeprefix(PVID + "drug/"))
    assert {k: sorted(v) for k, v in by_row.items()} == EXPOSURES


def test_one_entity_per_moiety_and_no_stub_entities(loaded: EmbeddedStore) -> None:
    keys = {d.removeprefix(PVID + "drug/") for (d,) in select(loaded, "SELECT ?d { ?d a pv:Drug }")}
    assert keys == {k for ks in EXPOSURES.values() for k in ks}
    assert not keys & (STUB_KEYS | ELEMENT_KEYS)
    assert "adalimumab-adaz" not in keys and "alendronic-acid" not in keys
    assert "tremelimumab-actl" not in keys


def test_folded_product_names_are_alternative_labels(loaded: EmbeddedStore) -> None:
    rows = select(
        loaded,
        "SELECT ?d ?l WHERE { ?d a pv:Drug ; <http://www.w3.org/2004/02/skos/core#altLabel> ?l }",
    )
    labels = {(d.removeprefix(PVID + "drug/"), label) for d, label in rows}
    assert {
        ("adalimumab", "adalimumab-adaz"),
        ("alendronate", "alendronic acid"),
        ("tremelimumab", "tremelimumab-actl"),
        ("bimekizumab", "bimekizumab-bkzx"),
        ("infliximab", "infliximab-dyyb"),
        ("cholecalciferol", "vitamin d3"),
    } <= labels
    assert not any(d in ("atorvastatin", "dimethyl-fumarate") for d, _ in labels)
    main = select(loaded, f"SELECT ?l {{ <{drug_iri('adalimumab').value}> <{RDFS_LABEL}> ?l }}")
    assert main == [["adalimumab"]]


def test_the_suffixed_biologic_links_as_its_molecule(store: EmbeddedStore) -> None:
    faers.load(store, QUARTER)
    mesh.load(store, FIXTURES / "mesh" / "mini_mesh.nt")
    link(store, use_cache=False)
    rows = select(
        store,
        "SELECT ?d ?m WHERE { ?d a pv:Drug ; <http://www.w3.org/2004/02/skos/core#exactMatch> ?m "
        "FILTER(STRSTARTS(STR(?d), 'https://w3id.org/pvkg/id/drug/adalimumab')) }",
    )
    assert rows == [[drug_iri("adalimumab").value, "http://id.nlm.nih.gov/mesh/D000068879"]]


# --- the MeSH linker's drug keys -------------------------------------------------------------


def small_lexicon() -> Lexicon:
    names = {
        "D014807": "Vitamin D",
        "D014801": "Vitamin A",
        "D008274": "Magnesium",
        "D000068879": "Adalimumab",
        "D019386": "Alendronate",
    }
    lexicon = Lexicon(labels=dict(names), trees={ui: ["D27.505"] for ui in names})
    for ui, name in names.items():
        lexicon.add_name(ui, name, preferred=True)
    lexicon.add_name("D019386", "Alendronate Sodium", preferred=False)
    return lexicon


def linked_ui(matcher: Matcher, label: str) -> str | None:
    found = matcher.match(drug_iri(label), "drug", [label])
    return found.ui if isinstance(found, Link) else None


def test_linker_never_reads_vitamin_a_d_as_vitamin_d() -> None:
    matcher = Matcher(small_lexicon(), {})
    assert linked_ui(matcher, "vitamin a d") is None
    assert linked_ui(matcher, "vitamin a & d") is None
    assert linked_ui(matcher, "vitamin d") == "D014807"
    assert linked_ui(matcher, "Vitamin A") == "D014801"


def test_linker_strips_salts_only_down_to_an_ingredient() -> None:
    matcher = Matcher(small_lexicon(), {})
    assert linked_ui(matcher, "magnesium malate") is None
    assert linked_ui(matcher, "ALENDRONATE SODIUM TRIHYDRATE") == "D019386"


def test_linker_folds_biologic_suffixes_and_acid_ate_pairs() -> None:
    matcher = Matcher(small_lexicon(), {})
    found = matcher.match(drug_iri("x"), "drug", ["adalimumab-adaz"])
    assert isinstance(found, Link) and found.ui == "D000068879"
    assert found.predicate.value.endswith("exactMatch")
    assert linked_ui(matcher, "alendronic acid") == "D019386"


@pytest.fixture(scope="module")
def full_mesh() -> Lexicon:
    return Lexicon.from_triples(read_triples(shared("mesh", "mesh2024_derived.nt.gz")))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("label", "ui"),
    [
        ("vitamin a d", None),
        ("vitamin a and d", None),
        ("adalimumab-adaz", "D000068879"),
        ("infliximab-dyyb", "D000069285"),
        ("dimethyl fumarate", "D000069462"),
        ("alendronic acid", "D019386"),
        ("mycophenolate mofetil", "D009173"),
        ("cholecalciferol", "D002762"),
    ],
)
def test_linking_against_all_of_mesh(full_mesh: Lexicon, label: str, ui: str | None) -> None:
    assert linked_ui(Matcher(full_mesh, {}), label) == ui


# --- the real FAERS samples -------------------------------------------------------------------


def test_no_stub_keys_in_the_real_faers_quarters() -> None:
    data = shared("faers")
    parts_seen = 0
    for table in sorted(data.glob("*/DRUG*")):
        lines = table.read_bytes().decode("latin-1").splitlines()
        header = [h.strip().lower() for h in lines[0].split("$")]
        for line in lines[1:]:
            row = dict(zip(header, line.split("$"), strict=False))
            source = row.get("prod_ai") or row.get("drugname") or ""
            for moiety in ingredients(row.get("prod_ai", ""), row.get("drugname", "")):
                parts_seen += 1
                assert moiety.name not in STUB_KEYS, (table.name, source)
                if moiety.name in ELEMENT_KEYS:  # only when the source names the element alone
                    assert moiety.name in {clean_name(p) for p in source.split("\\")}, source
    assert parts_seen > 1000


def test_a_curated_override_to_a_record_absent_from_mesh_leaves_the_name_unmapped() -> None:
    skos = "http://www.w3.org/2004/02/skos/core#"
    overrides = {
        ("drug", "vitamin d"): Override("D999999", NamedNode(skos + "exactMatch"), "test"),
        ("drug", "vitamin a"): Override("D014801", NamedNode(skos + "exactMatch"), "test"),
    }
    matcher = Matcher(small_lexicon(), overrides)
    found = matcher.match(drug_iri("vitamin d"), "drug", ["vitamin d"])
    assert isinstance(found, Unmapped)
    assert "mesh:D999999 is not in the loaded MeSH" in found.reason
    assert linked_ui(matcher, "vitamin a") == "D014801"
