"""Every FAERS row of an entity page links to the reports behind it (issue 16).

On a store holding the FAERS 2017q2 sample of ``../shared/data`` (it has indications), each
indication count ("used to treat", ``pv:IndicationReportCount``) on a drug's page and on the
condition's page links to ``indication-reports`` for that drug and term, whose page lists as
many current reports as the count says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
from conftest import shared
from flask.testing import FlaskClient
from server_harness import app_client

from kg.embedded import EmbeddedStore
from loaders import faers

HTML = {"Accept": "text/html"}
COUNTS = """PREFIX pv: <https://w3id.org/pvkg/ontology#>
SELECT ?drug ?term ?n WHERE {
  ?x a pv:IndicationReportCount ; pv:associationSubject ?drug ; pv:associationObject ?term ;
     pv:reportCount ?n
} ORDER BY DESC(?n) ?drug ?term LIMIT 3"""


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    quarter = shared("faers", "faers_ascii_2017q2_sample")
    tmp = tmp_path_factory.mktemp("indications")
    store = EmbeddedStore(tmp / "store")
    faers.load_quarters(store, quarter)
    store.close()
    with app_client(str(tmp / "store")) as client:
        yield client


def test_indication_counts_link_to_their_reports(client: FlaskClient) -> None:
    found = client.post("/sparql", data={"query": COUNTS}, headers={"Accept": "text/csv"})
    counts = [line.split(",") for line in found.get_data(as_text=True).splitlines()[1:]]
    assert len(counts) == 3
    for drug, term, n in counts:
        for page in (drug, term):
            path = "/id/" + page.split("/id/", 1)[1]
            html = client.get(path, headers=HTML).get_data(as_text=True)
            other = term if page == drug else drug
            link = next(
                unescape(href)
                for href in re.findall(r'href="(/queries/indication-reports\?[^"]+)"', html)
                if other.rsplit("/", 1)[1] in unescape(href)
            )
            listed = client.get(link).get_data(as_text=True)
            table = listed[listed.index('id="answer"') :]
            assert table.count("<tr>") == int(n) + 1, (page, link)  # header + each report
