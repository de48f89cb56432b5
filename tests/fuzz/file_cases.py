"""Fuzz cases for the one-file loaders: MeSH (XML, N-Triples, gzip), SSSOM, case reports, RDF."""

from __future__ import annotations

from fuzz import mutate as m
from fuzz.corpus import Corpus, Row
from fuzz.seeds import CASE_REPORT, MESH_XML, RDF_GRAPH, REPO, SSSOM, TURTLE

MESH_NT = REPO / "tests" / "fixtures" / "mesh" / "mini_mesh.nt"
XML_BAD = "not well-formed"
NT_BAD = "not valid N-Triples"
TTL_BAD = "not valid Turtle"


def mesh_cases(corpus: Corpus) -> None:
    """Damaged MeSH XML, N-Triples and gzip files."""
    xml = MESH_XML.read_bytes()
    first_ui = b"<DescriptorUI>D017444"
    name_at = xml.index(b"<DescriptorName>")
    name_end = xml.index(b"</DescriptorName>") + len(b"</DescriptorName>")
    xml_rows: list[Row] = [
        (f"mesh-xml-cut-{n}", m.cut_mid_token(xml, 0.35 + n * 0.06), XML_BAD, True)
        for n in range(10)
    ]
    xml_rows += [
        ("mesh-xml-nul", m.inserted(xml, 0.5, b"\0"), XML_BAD, True),
        ("mesh-xml-bad-utf8", m.inserted(xml, 0.5, b"<a>\xff\xfe</a>"), XML_BAD, True),
        (
            "mesh-xml-ui-gt",
            xml.replace(first_ui, first_ui[:-2] + b"&gt;44", 1),
            "identifier",
            False,
        ),
        ("mesh-xml-ui-space", xml.replace(first_ui, first_ui + b" 1", 1), "identifier", False),
        ("mesh-xml-root", xml.replace(b"DescriptorRecordSet", b"Other"), "root element", False),
        ("mesh-xml-empty", b"", XML_BAD, True),
        ("mesh-xml-garbage", m.garbage(7), XML_BAD, True),
        ("mesh-xml-no-name", xml[:name_at] + xml[name_end:], "missing value", False),
    ]
    corpus.table(["load", "mesh"], "desc.xml", xml_rows)
    nt = m.lines_kept(MESH_NT.read_bytes(), 80)
    token = b'<http://a> <http://b> "' + b"x" * (17 << 20) + b'" .\n'
    nt_rows: list[Row] = [
        (f"mesh-nt-cut-{n}", m.cut_mid_token(nt, 0.2 + n * 0.2), NT_BAD, False) for n in range(4)
    ]
    nt_rows += [
        (
            "mesh-nt-bad-utf8",
            m.inserted(nt, 0.5, b"<http://a\xff> <http://b> <http://c> .\n"),
            NT_BAD,
            False,
        ),
        ("mesh-nt-huge-token", nt + token, NT_BAD, False),
        ("mesh-nt-not-mesh", b"<http://a> <http://b> <http://c> .\n", "MeSH", False),
    ]
    corpus.table(["load", "mesh"], "mesh.nt", nt_rows)
    gz_rows: list[Row] = [
        ("mesh-nt-gz-bomb", m.gzip_bomb(120), "decompression bomb", False),
        ("mesh-nt-gz-not-gzip", nt, "cannot read", False),
        ("mesh-nt-gz-cut", m.gzip_bytes(nt)[:-200], "cannot read|not valid", False),
    ]
    corpus.table(["load", "mesh"], "mesh.nt.gz", gz_rows)


def sssom_cases(corpus: Corpus) -> None:
    """Damaged SSSOM files for ``pvkg mappings import``."""
    data = SSSOM.encode()
    at = data.index(b"subject_id")
    header = data[at : data.index(b"\n", at) + 1]
    label = b"\tPsoriasis\tskos"
    mesh = b"mesh: http://id.nlm.nih.gov/mesh/"
    rows: list[Row] = [
        ("sssom-header-only", data[: at + len(header)], "header only", True),
        ("sssom-header-twice", data + header, "not a CURIE", True),
        (
            "sssom-column-twice",
            data.replace(b"\tconfidence\n", b"\tconfidence\tsubject_id\n"),
            "named twice",
            True,
        ),
        (
            "sssom-unknown-subject",
            data.replace(b"condition/psoriasis\t", b"condition/none\t"),
            "no drug or condition",
            False,
        ),
        (
            "sssom-absent-target",
            data.replace(b"mesh:D011565", b"mesh:D999999"),
            "not in the loaded MeSH",
            False,
        ),
        (
            "sssom-131k-field",
            data.replace(label, b"\t" + b"P" * 131_000 + b"\tskos", 1),
            "longer than",
            True,
        ),
        ("sssom-nul", data.replace(label, b"\tPso\0riasis\tskos", 1), "NUL", True),
        ("sssom-bad-utf8", data.replace(label, b"\tPso\xffriasis\tskos", 1), "not UTF-8", True),
        ("sssom-cut-row", m.cut_mid_token(data, 0.97), "empty value|not a|must be", True),
        ("sssom-no-set-id", data.replace(b"mapping_set_id", b"mapping_set"), "set_id", False),
        ("sssom-prefix-clash", data.replace(mesh, b"mesh: http://example.org/"), "prefix", False),
        (
            "sssom-bad-predicate",
            data.replace(b"skos:exactMatch", b"skos:related", 1),
            "predicate",
            True,
        ),
        ("sssom-confidence-high", data.replace(b"\t1.0\n", b"\thigh\n"), "not a number", True),
        ("sssom-confidence-1.5", data.replace(b"\t1.0\n", b"\t1.5\n"), "between 0 and 1", True),
        (
            "sssom-object-not-mesh",
            data.replace(b"mesh:D011565", b"pvid:drug/x"),
            "not a MeSH record",
            True,
        ),
        ("sssom-garbage", m.garbage(11), "not UTF-8|mapping_set_id|YAML", False),
        ("sssom-empty", b"", "mapping_set_id", False),
        (
            "sssom-missing-column",
            data.replace(b"object_id\t", b"object\t", 1),
            "missing column",
            True,
        ),
    ]
    corpus.table(["mappings", "import"], "links.sssom.tsv", rows)


def casereport_cases(corpus: Corpus) -> None:
    """Damaged curated case report YAML files."""
    data = CASE_REPORT.read_bytes()
    cut = "cut short|not valid YAML|required|must"
    rows: list[Row] = [
        (f"casereport-cut-{n}", m.cut_mid_token(data, 0.03 + n * 0.048), cut, True)
        for n in range(20)
    ]
    rows += [
        ("casereport-nul", m.inserted(data, 0.5, b"\0"), "not valid YAML", True),
        ("casereport-bad-utf8", m.inserted(data, 0.5, b"\xff\xfe"), "not UTF-8", True),
        ("casereport-key-twice", data.replace(b"\nkey:", b"\nkey: x\nkey:", 1), "twice", True),
        ("casereport-tab", data.replace(b"\n  - id:", b"\n\t- id:", 1), "not valid YAML", True),
        ("casereport-garbage", m.garbage(13), "not UTF-8|not valid YAML", True),
        ("casereport-cr-only", m.cr_only(data), "cut short", True),
    ]
    corpus.table(["load", "casereport"], "case.yaml", rows)


def rdf_cases(corpus: Corpus) -> None:
    """Damaged RDF files for ``pvkg load rdf`` into the module's RDF graph."""
    data = TURTLE.encode()
    load = ["load", "rdf", "--graph", RDF_GRAPH]
    rows: list[Row] = [
        (f"rdf-cut-{n}", m.cut_mid_token(data, 0.2 + n * 0.1), TTL_BAD, False) for n in range(8)
    ]
    rows += [
        ("rdf-nul", m.inserted(data, 0.6, b"\0"), TTL_BAD, False),
        (
            "rdf-bad-utf8",
            m.inserted(data, 0.6, b"ex:d ex:p \xff\xfe .\n"),
            f"{TTL_BAD}|cannot read",
            False,
        ),
        ("rdf-empty", b"", "empty one", False),
        ("rdf-prefixes-only", m.lines_kept(data, 2), "empty one", False),
        ("rdf-bad-iri", data + b"<http://a b> <http://p> <http://o> .\n", TTL_BAD, False),
        ("rdf-garbage", m.garbage(17), f"{TTL_BAD}|cannot read", False),
    ]
    corpus.table(load, "data.ttl", rows)
    corpus.table(load, "data.txt", [("rdf-unknown-extension", data, "unknown RDF file", False)])
