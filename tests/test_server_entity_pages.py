"""An entity's HTML page on a node with more links than a page shows (issue 16).

A condition of a large FAERS store is the object of hundreds of thousands of reactions; its
page shows the first ``PAGE_ROWS`` links the store returns, sorted, and says there are more,
instead of sorting all of them (which took 43 s on eight 50,000-report quarters).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from server_harness import PV, PVID, app_client

from kg.embedded import EmbeddedStore
from kg.iris import graph_iri
from kg.store import Provenance
from server.jobs import PAGE_ROWS

MEMBERS = PAGE_ROWS + 100


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    tmp = tmp_path_factory.mktemp("pages")
    data = tmp / "members.nt"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    data.write_text(
        "".join(
            f'<{PVID}drug/m{n:04d}> {label} "member {n:04d}" .\n'
            f"<{PVID}drug/m{n:04d}> <{PV}inClass> <{PVID}drug-class/big> .\n"
            for n in range(MEMBERS)
        )
        + f'<{PVID}drug-class/big> {label} "big class" .\n'
    )
    store = EmbeddedStore(tmp / "store")
    provenance = Provenance("test", ("members.nt",), "sha256:0", "tests", "members")
    store.replace_graph(graph_iri("members"), data, provenance)
    store.close()
    with app_client(str(tmp / "store")) as client:
        yield client


def test_a_page_shows_the_first_rows_sorted_and_says_there_are_more(client: FlaskClient) -> None:
    page = client.get("/id/drug-class/big", headers={"Accept": "text/html"}).get_data(as_text=True)
    section = page[page.index("<h2>Referenced by</h2>") :]
    assert f"The first {PAGE_ROWS}" in section
    shown = re.findall(r">member (\d{4})<", section)
    assert len(shown) == PAGE_ROWS
    assert shown == sorted(shown)


def test_a_page_with_few_links_says_nothing_more(client: FlaskClient) -> None:
    page = client.get("/id/drug/m0001", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "there are more" not in page
    assert "big class" in page


def test_a_page_seen_before_is_answered_from_the_cache(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """The second view of a page needs no query process: with the pool closed, the same page
    (its description and its drug-signals answer, empty here, both come from the cache)."""
    tmp = tmp_path_factory.mktemp("cached-page")
    data = tmp / "one.nt"
    data.write_text(
        f'<{PVID}drug/solo> <http://www.w3.org/2000/01/rdf-schema#label> "solo" .\n'
        f"<{PVID}drug/solo> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{PV}Drug> .\n"
    )
    store = EmbeddedStore(tmp / "store")
    provenance = Provenance("test", ("one.nt",), "sha256:0", "tests", "one")
    store.replace_graph(graph_iri("one"), data, provenance)
    store.close()
    with app_client(str(tmp / "store")) as client:
        first = client.get("/id/drug/solo", headers={"Accept": "text/html"})
        client.application.extensions["pvkg"].pool.close()
        again = client.get("/id/drug/solo", headers={"Accept": "text/html"})
        other = client.get("/id/drug/other", headers={"Accept": "text/html"})
    assert first.status_code == again.status_code == 200
    assert again.get_data() == first.get_data()
    assert other.status_code != 200  # not cached: the closed pool cannot answer it
