"""Malformed and unusual FAERS input: rejects entries, clear errors, an unchanged store.

The quarters here are written by the tests, row by row, so each oddity is known exactly.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from pyoxigraph import QuerySolutions

from kg.embedded import EmbeddedStore
from kg.errors import InputError
from loaders import faers

DEMO_HEADER = (
    "PRIMARYID$CASEID$CASEVERSION$I_F_CODE$EVENT_DT$MFR_DT$INIT_FDA_DT$FDA_DT$REPT_COD$"
    "AUTH_NUM$MFR_NUM$MFR_SNDR$LIT_REF$AGE$AGE_COD$AGE_GRP$SEX$E_SUB$WT$WT_COD$REPT_DT$"
    "TO_MFR$OCCP_COD$REPORTER_COUNTRY$OCCR_COUNTRY$"
)
DRUG_HEADER = (
    "PRIMARYID$CASEID$DRUG_SEQ$ROLE_COD$DRUGNAME$PROD_AI$VAL_VBM$ROUTE$DOSE_VBM$CUM_DOSE_CHR$"
    "CUM_DOSE_UNIT$DECHAL$RECHAL$LOT_NUM$EXP_DT$NDA_NUM$DOSE_AMT$DOSE_UNIT$DOSE_FORM$DOSE_FREQ$"
)


def demo(pid: str, case: str, version: str = "1", fda: str = "20200105", **extra: str) -> str:
    fields = {
        "sndr": "",
        "lit": "",
        "age": "45",
        "age_cod": "YR",
        "sex": "F",
    } | extra
    return (
        f"{pid}${case}${version}$I$$$20200101${fda}$EXP$$${fields['sndr']}${fields['lit']}$"
        f"{fields['age']}${fields['age_cod']}$${fields['sex']}$Y$70$KG$20200101$$MD$US$US$"
    )


def drug(pid: str, case: str, seq: str, role: str, name: str, ai: str) -> str:
    return f"{pid}${case}${seq}${role}${name}${ai}$1$Oral$40 MG$$$Y$$$$$40$MG$$$"


def write_quarter(
    folder: Path,
    quarter: str,
    demo_rows: list[str],
    drug_rows: list[str],
    reac_rows: list[str],
    outc_rows: list[str] = (),  # type: ignore[assignment]
    deleted: list[str] = (),  # type: ignore[assignment]
) -> Path:
    folder.mkdir(parents=True)
    crlf = "\r\n"
    (folder / f"DEMO{quarter}.txt").write_bytes(
        crlf.join([DEMO_HEADER, *demo_rows]).encode("cp1252") + b"\r\n"
    )
    (folder / f"DRUG{quarter}.txt").write_text("\n".join([DRUG_HEADER, *drug_rows]) + "\n")
    (folder / f"REAC{quarter}.txt").write_text(
        "\n".join(["primaryid$caseid$pt$drug_rec_act", *reac_rows])
    )
    if outc_rows:
        (folder / f"OUTC{quarter}.txt").write_text(
            "\n".join(["primaryid$caseid$outc_cod$", *outc_rows]) + "\n"
        )
    if deleted:
        (folder / f"DELETE{quarter}.txt").write_text("\n".join(deleted) + "\n")
    return folder


@pytest.fixture
def odd_quarter(tmp_path: Path) -> Path:
    return write_quarter(
        tmp_path / "q",
        "20Q1",
        [
            demo("1001", "100"),
            demo("1002", "200", age="18", age_cod="MON", sndr="SOCIÉTÉ"),
            demo("1003", "300", fda="20201345"),
            demo("1004", "400", lit="SMITH J.\r\nJ MED 2020"),
            demo("1005", "500") + "EXTRA$",
        ],
        [
            drug("1001", "100", "1", "PS", "HUMIRA", "ADALIMUMAB"),
            drug("1001", "100", "2", "C", "NORCO", "ACETAMINOPHEN\\HYDROCODONE BITARTRATE"),
            drug("1002", "200", "1", "ZZ", "LIPITOR", "ATORVASTATIN CALCIUM"),
            drug("9999", "999", "1", "PS", "X", "X"),
            drug("1004", "400", "1", "SS", "OTEZLA", "APREMILAST"),
        ],
        ["1001$100$Psoriasis$", "1002$200$Rash$", "1004$400$psoriasis$", "1003$30"],
        ["1001$100$HO$", "1002$200$XX$"],
    )


def rows(store: EmbeddedStore, sparql: str) -> list[list[str | None]]:
    result = store.query("PREFIX pv: <https://w3id.org/pvkg/ontology#> " + sparql)
    assert isinstance(result, QuerySolutions)
    return [[None if t is None else t.value for t in row] for row in result]


def test_odd_rows_are_joined_decoded_or_rejected(
    store: EmbeddedStore, odd_quarter: Path, tmp_path: Path
) -> None:
    rejects = tmp_path / "rejects.tsv"
    summary = faers.load(store, odd_quarter, rejects=str(rejects))
    assert summary.records == 4  # 1005 has an extra field and is rejected
    lines = rejects.read_text().splitlines()[1:]
    found = {(Path(f).name, int(n), field) for f, n, field, _ in (x.split("\t") for x in lines)}
    assert found == {
        ("DEMO20Q1.txt", 4, "fda_dt"),  # 20201345: no month 13
        ("DEMO20Q1.txt", 7, ""),  # too many fields
        ("DRUG20Q1.txt", 4, "role_cod"),  # ZZ
        ("DRUG20Q1.txt", 5, "primaryid"),  # no DEMO row 9999
        ("REAC20Q1.txt", 5, ""),  # truncated last row
        ("OUTC20Q1.txt", 3, "outc_cod"),  # XX
    }
    assert summary.rejects == len(lines) == 6
    report = "<https://w3id.org/pvkg/id/faers/report/"
    assert rows(store, f"SELECT ?l WHERE {{ {report}1004> pv:literatureReference ?l }}") == [
        ["SMITH J. J MED 2020"]
    ]
    assert rows(store, f"SELECT ?s WHERE {{ {report}1002> pv:manufacturerSender ?s }}") == [
        ["SOCIÉTÉ"]
    ]
    assert rows(store, f"SELECT ?a WHERE {{ {report}1002/patient> pv:ageYears ?a }}") == [["1.5"]]
    assert not bool(store.query(f"ASK {{ {report}1005> ?p ?o }}"))
    drugs = rows(store, f"SELECT ?d WHERE {{ {report}1001/drug/2> pv:drug ?d }} ORDER BY ?d")
    assert [d[0].rsplit("/", 1)[1] for d in drugs if d[0]] == ["acetaminophen", "hydrocodone"]


def test_not_a_quarter_is_a_clear_error_and_leaves_the_store_as_it_was(
    store: EmbeddedStore, odd_quarter: Path, tmp_path: Path
) -> None:
    faers.load(store, odd_quarter, rejects=str(tmp_path / "r.tsv"))
    before = (store.dataset_version(), [g.triples for g in store.graphs()])
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("hello")
    with pytest.raises(InputError, match="not a FAERS quarter"):
        faers.load(store, empty)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "DEMO20Q2.txt").write_text("primaryid$something$\n1$2$\n")
    with pytest.raises(InputError, match="quarter 2020q2 has no DRUG, REAC table"):
        faers.load(store, broken)
    for kind in ("DRUG", "REAC"):
        shutil.copy(odd_quarter / f"{kind}20Q1.txt", broken / f"{kind}20Q2.txt")
    with pytest.raises(InputError, match=r"DEMO20Q2\.txt:1: not a FAERS DEMO table"):
        faers.load(store, broken)
    archive = tmp_path / "faers_ascii_2020q1.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(odd_quarter.iterdir()):
            out.write(path, f"ASCII/{path.name}")
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(InputError):
        faers.load(store, archive)
    with pytest.raises(InputError, match="no such file"):
        faers.load(store, tmp_path / "missing")
    assert (store.dataset_version(), [g.triples for g in store.graphs()]) == before


def test_a_zip_loads_like_the_directory(
    store: EmbeddedStore, odd_quarter: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "faers_ascii_2020q1.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(odd_quarter.iterdir()):
            out.write(path, f"ASCII/{path.name}")
    from_zip = faers.load(store, archive, rejects=str(tmp_path / "a.tsv"))
    from_dir = faers.load(store, odd_quarter, rejects=str(tmp_path / "b.tsv"))
    assert from_zip.graph == from_dir.graph == faers.quarter_graph("2020q1")
    assert from_zip.triples == from_dir.triples > 0


def _statuses(store: EmbeddedStore) -> dict[str, str]:
    found = rows(store, "SELECT ?r ?s WHERE { GRAPH ?g { ?r pv:dedupStatus ?s } }")
    return {r.rsplit("/", 1)[1]: s.rsplit("#", 1)[1] for r, s in found if r and s}


def test_follow_ups_and_deletions_across_quarters_and_recomputation(
    store: EmbeddedStore, tmp_path: Path
) -> None:
    first = write_quarter(
        tmp_path / "q1",
        "20Q1",
        [demo("1001", "100"), demo("1002", "200"), demo("1003", "300")],
        [drug(p, c, "1", "PS", "OTEZLA", "APREMILAST") for p, c in (("1001", "100"),) * 1]
        + [drug("1002", "200", "1", "PS", "OTEZLA", "APREMILAST")]
        + [drug("1003", "300", "1", "PS", "HUMIRA", "ADALIMUMAB")],
        ["1001$100$Psoriasis$", "1002$200$Psoriasis$", "1003$300$Rash$"],
    )
    faers.load(store, first)
    assert _statuses(store) == {
        "1001": "CurrentReport",
        "1002": "CurrentReport",
        "1003": ("CurrentReport"),
    }
    second = write_quarter(
        tmp_path / "q2",
        "20Q2",
        # case 100 version 2 (older FDA date does not matter: the version wins); case 300
        # again as version 1 with a later FDA date (tie on version: latest date wins)
        [demo("1006", "100", version="2", fda="20191231"), demo("1007", "300", fda="20200601")],
        [
            drug("1006", "100", "1", "PS", "OTEZLA", "APREMILAST"),
            drug("1007", "300", "1", "PS", "HUMIRA", "ADALIMUMAB"),
        ],
        ["1006$100$Diarrhoea$", "1007$300$Rash$"],
        deleted=["200"],
    )
    summary = faers.load(store, second)
    assert "2 reports" in summary.notes[0] and "1 deleted caseids listed" in summary.notes[0]
    dedup = [note for note in summary.notes if note.startswith("deduplicated:")]
    assert dedup == ["deduplicated: 2 cases (current reports), 2 superseded, 1 deleted"]
    assert _statuses(store) == {
        "1001": "SupersededReport",
        "1002": "DeletedReport",
        "1003": "SupersededReport",
        "1006": "CurrentReport",
        "1007": "CurrentReport",
    }
    superseded = rows(store, "SELECT ?r ?by WHERE { ?r pv:supersededBy ?by } ORDER BY ?r")
    assert [[x.rsplit("/", 1)[1] for x in row if x] for row in superseded] == [
        ["1001", "1006"],
        ["1003", "1007"],
    ]
    # apremilast-psoriasis no longer counted: 1001 superseded, 1002 deleted
    pair = rows(
        store,
        "SELECT ?a WHERE { ?s pv:associationSubject <https://w3id.org/pvkg/id/drug/apremilast> ;"
        " pv:associationObject <https://w3id.org/pvkg/id/condition/psoriasis> ; pv:countA ?a }",
    )
    assert pair == []
    totals = rows(store, "SELECT ?n WHERE { ?d pv:reportTotal ?n }")
    assert totals == [["2"]]
    # replacing the second quarter by one without the follow-up and deletion recomputes all
    (second / "DELETE20Q2.txt").unlink()
    third = write_quarter(
        tmp_path / "q2b",
        "20Q2",
        [demo("1007", "300", fda="20200601")],
        [drug("1007", "300", "1", "PS", "HUMIRA", "ADALIMUMAB")],
        ["1007$300$Rash$"],
    )
    faers.load(store, third)
    assert _statuses(store) == {
        "1001": "CurrentReport",
        "1002": "CurrentReport",
        "1003": "SupersededReport",
        "1007": "CurrentReport",
    }
    assert rows(store, "SELECT ?n WHERE { ?d pv:reportTotal ?n }") == [["3"]]


def test_roles_option_is_checked(store: EmbeddedStore, odd_quarter: Path) -> None:
    with pytest.raises(InputError, match="roles"):
        faers.load(store, odd_quarter, roles="PS,XX")


def test_numbers_resaved_with_a_trailing_zero_parse(store: EmbeddedStore, tmp_path: Path) -> None:
    """pandas writes a column with a gap as floats: ``20141226.0``, ``61.0``, ``1.0``."""
    folder = write_quarter(
        tmp_path / "q",
        "20Q1",
        [demo("1001.0", "100.0", version="1.0", fda="20141226.0", age="61.0")],
        [drug("1001.0", "100.0", "1.0", "PS", "HUMIRA", "ADALIMUMAB")],
        ["1001.0$100.0$Psoriasis$"],
    )
    (folder / "THER20Q1.txt").write_text(
        "primaryid$caseid$dsg_drug_seq$start_dt$end_dt$dur$dur_cod\n"
        "1001.0$100.0$1.0$20140101.0$201412.0$11.0$MON\n"
    )
    rejects = tmp_path / "rejects.tsv"
    summary = faers.load(store, folder, rejects=str(rejects))
    assert summary.rejects == 0, rejects.read_text()
    report = "<https://w3id.org/pvkg/id/faers/report/1001>"
    assert rows(store, f"SELECT ?d WHERE {{ {report} pv:fdaReceiptDate ?d }}") == [["2014-12-26"]]
    assert rows(store, f"SELECT ?a WHERE {{ {report} pv:patient/pv:ageYears ?a }}") == [["61"]]
    assert rows(store, f"SELECT ?s WHERE {{ {report} pv:hasExposure/pv:startDate ?s }}") == [
        ["2014-01-01"]
    ]


def test_a_table_losing_most_rows_fails_unless_the_user_allows_it(
    store: EmbeddedStore, tmp_path: Path
) -> None:
    reports = [demo(f"100{n}", f"{n}") for n in range(5)]
    drugs = [drug("1000", "0", "1", "PS", "HUMIRA", "ADALIMUMAB")] + [
        drug(f"99{n}", f"{n}", "1", "PS", "HUMIRA", "ADALIMUMAB") for n in range(4)
    ]
    folder = write_quarter(tmp_path / "q", "20Q1", reports, drugs, ["1000$0$Psoriasis$"] * 1)
    before = (store.dataset_version(), [g.triples for g in store.graphs()])
    with pytest.raises(InputError, match=r"DRUG20Q1\.txt: 4 of 5 rows rejected \(more than 10%\)"):
        faers.load(store, folder, rejects=str(tmp_path / "r.tsv"))
    assert (store.dataset_version(), [g.triples for g in store.graphs()]) == before
    summary = faers.load(store, folder, rejects=str(tmp_path / "r.tsv"), allow_partial=True)
    assert summary.records == 5
    assert summary.rejects == 4


def test_an_empty_table_where_rows_are_required_fails(store: EmbeddedStore, tmp_path: Path) -> None:
    folder = write_quarter(
        tmp_path / "q", "20Q1", [demo("1001", "100")], [], ["1001$100$Psoriasis$"]
    )
    with pytest.raises(InputError, match=r"DRUG20Q1\.txt: no data rows \(header only\)"):
        faers.load(store, folder)
    assert store.graphs() == []
