"""VoID's ``void:dataDump`` links and the dumps behind them, fetched from a real ``pvkg serve``.

Expected counts come from the fixture files (``server_harness``), not from the service; the
dumps are read back with pyoxigraph's N-Quads parser.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from pyoxigraph import NamedNode, RdfFormat, parse
from server_harness import EXTRA_GRAPH, TEST_GRAPH, TEST_TRIPLES, serve

pytest_plugins = ("server_harness",)
pytestmark = pytest.mark.integration

VOID = "http://rdfs.org/ns/void#"


@pytest.fixture(scope="module")
def dump_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dumps")


@pytest.fixture(scope="module")
def base(test_store: str, dump_dir: Path) -> Iterator[str]:
    with serve(test_store, "--dump-dir", str(dump_dir), "--workers", "2") as url:
        yield url


def void_facts(base: str) -> tuple[dict[str, str], dict[str, int]]:
    """(subject → dump URL, subject → void:triples) from the VoID description."""
    response = requests.get(
        base + "/.well-known/void", headers={"Accept": "application/n-triples"}, timeout=30
    )
    assert response.status_code == 200
    dumps: dict[str, str] = {}
    counts: dict[str, int] = {}
    for triple in parse(response.content, format=RdfFormat.N_TRIPLES):
        if triple.predicate == NamedNode(VOID + "dataDump"):
            dumps[triple.subject.value] = triple.object.value
        elif triple.predicate == NamedNode(VOID + "triples"):
            counts[triple.subject.value] = int(triple.object.value)
    return dumps, counts


def test_every_dump_parses_to_its_void_count(base: str) -> None:
    dumps, counts = void_facts(base)
    dataset = base + "/.well-known/void#pvkg"
    assert set(dumps) == {dataset, TEST_GRAPH.value, EXTRA_GRAPH.value}
    assert dumps[dataset] == base + "/dump/all.nq.gz"
    assert dumps[TEST_GRAPH.value] == base + "/dump/test.nq.gz"
    assert counts[TEST_GRAPH.value] == TEST_TRIPLES  # from the fixture files
    assert counts[EXTRA_GRAPH.value] == 1
    for subject, url in dumps.items():
        response = requests.get(url, timeout=60)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"] == "application/gzip"
        text = gzip.decompress(response.content)
        quads = list(parse(text, format=RdfFormat.N_QUADS))
        assert len(quads) == counts[subject], url
        graphs = {q.graph_name.value for q in quads}
        if subject == dataset:
            assert counts[subject] == TEST_TRIPLES + 1
            assert graphs == {TEST_GRAPH.value, EXTRA_GRAPH.value}
        else:
            assert graphs == {subject}
        lines = text.splitlines()
        assert lines == sorted(set(lines))  # sorted and duplicate-free, as export writes


def test_dumps_are_cached_with_etags(base: str, dump_dir: Path) -> None:
    url = base + "/dump/test-extra.nq.gz"
    first = requests.get(url, timeout=60)
    assert first.status_code == 200
    tag = first.headers["ETag"]
    version = requests.get(base + "/health", timeout=30).json()["dataset_version"]
    assert tag.strip('"') == f"{version}-test-extra"
    again = requests.get(url, timeout=60)
    assert again.content == first.content and again.headers["ETag"] == tag
    assert (dump_dir / version / "test-extra.nq.gz").read_bytes() == first.content
    unchanged = requests.get(url, headers={"If-None-Match": tag}, timeout=30)
    assert unchanged.status_code == 304 and unchanged.content == b""
    head = requests.head(url, timeout=30)
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == len(first.content)
    part = requests.get(url, headers={"Range": "bytes=0-9"}, timeout=30)
    assert part.status_code == 206 and part.content == first.content[:10]


def test_unknown_dump_is_404(base: str) -> None:
    response = requests.get(base + "/dump/nothing.nq.gz", timeout=30)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "all" in response.json()["detail"]
