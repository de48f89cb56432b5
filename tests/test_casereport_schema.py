"""Validation of the curated case-report format: every error names file, entry and field."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.errors import InputError
from loaders.casereport import bundled, read_all
from loaders.casereport.publication import read_publication

FIXTURES = Path(__file__).parent / "fixtures" / "casereport"
VALID = FIXTURES / "valid-minimal.yaml"


def _valid() -> dict[str, Any]:
    data = yaml.safe_load(VALID.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "curated.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _error(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        read_publication(path)
    return caught.value


def test_valid_fixture_reads() -> None:
    publication = read_publication(VALID)
    assert publication.key == "fixture-minimal"
    assert [p.id for p in publication.patients] == ["case-1"]
    assert publication.patients[0].treatments[0].caused == ("htn",)
    assert publication.population_findings[0].percent_low == 2.0


def test_bundled_files_are_valid() -> None:
    publications = read_all(bundled()[0].parent)
    assert {p.source_file for p in publications} == {
        "000_7324567fd934ec89.txt",
        "004_7b624f0b1fbba7d9.txt",
    }


# Each case: a mutation of the valid file and the (entry, field, reason fragment) it must give.
def _set(*path: object, value: object) -> Any:
    def mutate(data: dict[str, Any]) -> None:
        node: Any = data
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value

    return mutate


def _drop(*path: object) -> Any:
    def mutate(data: dict[str, Any]) -> None:
        node: Any = data
        for step in path[:-1]:
            node = node[step]
        del node[path[-1]]

    return mutate


P0 = ("patients", 0)
CASES = {
    "unknown key": (
        _set(*P0, "exposures", 0, "dosage", value="5 mg"),
        "patients[0].exposures[0]",
        "dosage",
        "unknown key",
    ),
    "missing required field": (
        _drop(*P0, "reactions", 0, "condition"),
        "patients[0].reactions[0]",
        "condition",
        "is required",
    ),
    "bad role": (
        _set(*P0, "exposures", 0, "role", value="culprit"),
        "patients[0].exposures[0]",
        "role",
        "'culprit' is not one of",
    ),
    "bad response": (
        _set(*P0, "treatments", 0, "response", value="cured"),
        "patients[0].treatments[0]",
        "response",
        "'cured' is not one of",
    ),
    "bad outcome": (
        _set(*P0, "reactions", 0, "outcome", value="healed"),
        "patients[0].reactions[0]",
        "outcome",
        "'healed' is not one of",
    ),
    "bad sex": (_set(*P0, "sex", value="m"), "patients[0]", "sex", "'m' is not one of"),
    "dangling treated reaction": (
        _set(*P0, "treatments", 0, "reaction", value="nope"),
        "patients[0].treatments[0]",
        "reaction",
        "no reaction with id 'nope'",
    ),
    "dangling suspect": (
        _set(*P0, "reactions", 0, "suspects", value=["nope"]),
        "patients[0].reactions[0]",
        "suspects",
        "no exposure or treatment with id 'nope'",
    ),
    "dangling drug": (
        _set(*P0, "exposures", 0, "drug", value="adalimumab"),
        "patients[0].exposures[0]",
        "drug",
        "no drug (kind: drug) with id 'adalimumab'",
    ),
    "class given as exposure drug": (
        _set(*P0, "exposures", 0, "drug", value="tnf-inhibitor"),
        "patients[0].exposures[0]",
        "drug",
        "no drug (kind: drug) with id 'tnf-inhibitor'",
    ),
    "dangling indication": (
        _set(*P0, "exposures", 0, "indication", value="ulcerative-colitis"),
        "patients[0].exposures[0]",
        "indication",
        "no condition with id 'ulcerative-colitis'",
    ),
    "caused reaction not suspecting the treatment": (
        _set(*P0, "reactions", 1, "suspects", value=["infliximab"]),
        "patients[0].treatments[0]",
        "caused",
        "does not list 'cyclosporine' among its suspects",
    ),
    "treatment indication response without indication": (
        _set(*P0, "treatments", 0, "indication_response", value="improved"),
        "patients[0].treatments[0]",
        "indication_response",
        "needs an indication",
    ),
    "lab finding onset without reaction": (
        _drop(*P0, "lab_findings", 0, "reaction"),
        "patients[0].lab_findings[0]",
        "reaction",
        "needs the reaction",
    ),
    "mesh of the wrong shape": (
        _set("drugs", 0, "mesh", value="D12345"),
        "drugs[0]",
        "mesh",
        "'D12345' is not a MeSH UI",
    ),
    "mesh given as a number": (
        _set("drugs", 0, "mesh", value=69285),
        "drugs[0]",
        "mesh",
        "must be text",
    ),
    "tree number of the wrong shape": (
        _set("conditions", 0, "tree_numbers", value=["C17.80"]),
        "conditions[0]",
        "tree_numbers",
        "'C17.80' is not a MeSH tree number",
    ),
    "tree numbers on a broad match": (
        _set("conditions", 2, "tree_numbers", value=["C17.800.859.675"]),
        "conditions[2]",
        "tree_numbers",
        "only with match: exact",
    ),
    "bad match": (
        _set("conditions", 2, "match", value="sort-of"),
        "conditions[2]",
        "match",
        "'sort-of' is not one of",
    ),
    "duplicate exposure id": (
        _set(*P0, "treatments", 0, "id", value="infliximab"),
        "patients[0].treatments[0]",
        "id",
        "id 'infliximab' is used twice",
    ),
    "broader cycle": (
        _set("conditions", 0, "broader", value=["paradoxical-psoriasis"]),
        "conditions[0]",
        "broader",
        "cycle",
    ),
    "identifier with capitals": (
        _set(*P0, "id", value="Case 1"),
        "patients[0]",
        "id",
        "not lower-case words",
    ),
    "percent out of range": (
        _set("population_findings", 0, "percent", value=[5, 2]),
        "population_findings[0]",
        "percent",
        "low 5.0 is above high 2.0",
    ),
    "age as text": (
        _set(*P0, "age_years", value="forty"),
        "patients[0]",
        "age_years",
        "must be a number",
    ),
    "empty quote": (
        _set(*P0, "exposures", 0, "quote", value="  "),
        "patients[0].exposures[0]",
        "quote",
        "must not be empty",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_file_names_file_entry_and_field(tmp_path: Path, case: str) -> None:
    mutate, entry, field, reason = CASES[case]
    data = copy.deepcopy(_valid())
    mutate(data)
    path = _write(tmp_path, data)
    error = _error(path)
    assert error.path == str(path)
    assert error.entry == entry
    assert error.field == field
    assert reason in error.reason
    assert str(error).startswith(f"{path}: entry {entry}: field {field}: ")


def test_wrong_format_version(tmp_path: Path) -> None:
    data = _valid()
    data["format"] = "pvkg-casereport/9"
    error = _error(_write(tmp_path, data))
    assert (error.entry, error.field) == (None, "format")


def test_duplicate_key_fixture_names_the_line() -> None:
    path = FIXTURES / "duplicate-key.yaml"
    error = _error(path)
    assert error.path == str(path)
    assert "'role' appears twice" in error.reason
    assert error.line is not None
    assert path.read_text().splitlines()[error.line - 1].strip() == "role: concomitant"


def test_dangling_reference_fixture() -> None:
    error = _error(FIXTURES / "dangling-reaction.yaml")
    assert (error.entry, error.field) == ("patients[0].treatments[0]", "reaction")


def test_not_yaml(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("format: [unclosed\n", encoding="utf-8")
    error = _error(path)
    assert error.path == str(path)
    assert "not valid YAML" in error.reason


def test_shared_entities_must_agree_across_files(tmp_path: Path) -> None:
    first = _valid()
    second = copy.deepcopy(first)
    second["key"] = "fixture-other"
    second["drugs"][0]["mesh"] = "D000068879"
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(first), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(second), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_all(tmp_path)
    assert caught.value.path == str(tmp_path / "b.yaml")
    assert (caught.value.entry, caught.value.field) == ("drugs[0]", "mesh")


def test_publication_keys_must_differ(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(VALID.read_text(), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_all(tmp_path)
    assert caught.value.field == "key"
