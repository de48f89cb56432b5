"""Small valid inputs for every loader, in the shapes of the real files, written by hand.

The fuzz corpus (:mod:`tests.fuzz.corpus`) mutates these; :func:`write_seeds` writes them all
into one directory, and :func:`seed_commands` are the ``pvkg`` command lines that load them
into the module's store (each must succeed).
"""

from __future__ import annotations

from pathlib import Path

from loaders.meshlink.sssom import COLUMNS

REPO = Path(__file__).resolve().parents[2]
MESH_XML = REPO / "tests" / "fixtures" / "mesh" / "desc_mini.xml"
CASE_REPORT = REPO / "loaders" / "casereport" / "data" / "pd1-psoriasis-infliximab-news.yaml"

QUARTER = "20Q1"
HEADERS = {
    "DEMO": "primaryid$caseid$caseversion$i_f_code$event_dt$mfr_dt$init_fda_dt$fda_dt$rept_cod$"
    "auth_num$mfr_num$mfr_sndr$lit_ref$age$age_cod$age_grp$sex$e_sub$wt$wt_cod$rept_dt$"
    "to_mfr$occp_cod$reporter_country$occr_country",
    "DRUG": "primaryid$caseid$drug_seq$role_cod$drugname$prod_ai$val_vbm$route$dose_vbm$"
    "cum_dose_chr$cum_dose_unit$dechal$rechal$lot_num$exp_dt$nda_num$dose_amt$dose_unit$"
    "dose_form$dose_freq",
    "REAC": "primaryid$caseid$pt$drug_rec_act",
    "OUTC": "primaryid$caseid$outc_cod",
    "INDI": "primaryid$caseid$indi_drug_seq$indi_pt",
    "THER": "primaryid$caseid$dsg_drug_seq$start_dt$end_dt$dur$dur_cod",
    "RPSR": "primaryid$caseid$rpsr_cod",
}
"""FAERS ASCII headers (2012 onwards), lower case as FDA writes them."""

REPORTS = 12
_DRUGS = (("REMICADE", "INFLIXIMAB"), ("HUMIRA", "ADALIMUMAB"), ("OTEZLA", "APREMILAST"))
_REACTIONS = ("Psoriasis", "Psoriatic arthropathy", "Rash")


def _faers_rows(kind: str) -> list[str]:
    """The data rows of one table: :data:`REPORTS` reports, two drugs each."""
    rows = []
    for n in range(REPORTS):
        pid, case = f"{1000 + n}1", f"{1000 + n}"
        name, ai = _DRUGS[n % 3]
        if kind == "DEMO":
            rows.append(
                f"{pid}${case}$1$I$2019120{n % 9 + 1}$$20200101$20200105$EXP$$$ACME$$"
                f"{40 + n}$YR$$F$Y$70$KG$20200101$$MD$US$US"
            )
        elif kind == "DRUG":
            rows.append(f"{pid}${case}$1$PS${name}${ai}$1$Oral$40 MG$$$Y$$$$$40$MG$$")
            rows.append(f"{pid}${case}$2$C$NORCO$ACETAMINOPHEN$1$Oral$$$$$$$$$$$$")
        elif kind == "REAC":
            rows.append(f"{pid}${case}${_REACTIONS[n % 3]}$")
        elif kind == "OUTC":
            rows.append(f"{pid}${case}$HO")
        elif kind == "INDI":
            rows.append(f"{pid}${case}$1$Psoriasis")
        elif kind == "THER":
            rows.append(f"{pid}${case}$1$20190101$20191201$11$MON")
        else:
            rows.append(f"{pid}${case}$HP")
    return rows


def faers_table(kind: str) -> bytes:
    """One table of the seed quarter, CRLF line ends (as FDA ships them)."""
    return ("\r\n".join([HEADERS[kind], *_faers_rows(kind)]) + "\r\n").encode("ascii")


def faers_tables() -> dict[str, bytes]:
    """File name → content of every table of the seed quarter."""
    return {f"{kind}{QUARTER}.txt": faers_table(kind) for kind in HEADERS}


_TAB_ROWS = (
    COLUMNS[:7],  # subject_id … confidence
    (
        "pvid:condition/psoriasis",
        "Psoriasis",
        "skos:exactMatch",
        "mesh:D011565",
        "Psoriasis",
        "semapv:ManualMappingCuration",
        "1.0",
    ),
    (
        "pvid:condition/psoriatic-arthropathy",
        "Psoriatic arthropathy",
        "skos:exactMatch",
        "mesh:D015535",
        "Arthritis, Psoriatic",
        "semapv:ManualMappingCuration",
        "0.9",
    ),
)
SSSOM = """# curie_map:
#   mesh: http://id.nlm.nih.gov/mesh/
#   pvid: https://w3id.org/pvkg/id/
#   semapv: https://w3id.org/semapv/vocab/
#   skos: http://www.w3.org/2004/02/skos/core#
# mapping_set_id: https://example.org/fuzz.sssom.tsv
""" + "".join("\t".join(row) + "\n" for row in _TAB_ROWS)
"""Two curated links from FAERS conditions to records of :data:`MESH_XML`."""

TURTLE = """@prefix ex: <https://example.org/fuzz/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ex:a a ex:Thing ; rdfs:label "A thing" .
ex:b a ex:Thing ; rdfs:label "B thing"@en ; ex:next ex:a .
ex:c a ex:Thing ; rdfs:label "C thing" ;
  ex:weight "3.5"^^<http://www.w3.org/2001/XMLSchema#decimal> .
"""
RDF_GRAPH = "https://example.org/fuzz/graph"


def write_seeds(root: Path) -> dict[str, Path]:
    """Write every seed under ``root``; return name → path (a FAERS quarter is a directory)."""
    quarter = root / "faers"
    quarter.mkdir(parents=True)
    for name, data in faers_tables().items():
        (quarter / name).write_bytes(data)
    paths = {"faers": quarter}
    for name, data in (
        ("mesh.xml", MESH_XML.read_bytes()),
        ("links.sssom.tsv", SSSOM.encode()),
        ("case.yaml", CASE_REPORT.read_bytes()),
        ("data.ttl", TURTLE.encode()),
    ):
        (root / name).write_bytes(data)
        paths[name] = root / name
    return paths


def seed_commands(paths: dict[str, Path]) -> list[list[str]]:
    """``pvkg`` arguments (after ``--store``) that build the module's store from the seeds."""
    return [
        ["load", "faers", str(paths["faers"])],
        ["load", "mesh", str(paths["mesh.xml"])],
        ["mappings", "import", str(paths["links.sssom.tsv"])],
        ["load", "casereport", str(paths["case.yaml"])],
        ["load", "rdf", str(paths["data.ttl"]), "--graph", RDF_GRAPH],
    ]
