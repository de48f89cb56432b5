"""The SPARQL 1.1 Graph Store HTTP Protocol tests of the W3C suite, written for pvkg.

One test per test id of the Graph Store manifest (``sparql11/http-rdf-update/manifest.ttl``
in w3c/rdf-tests), named after it, against a live ``pvkg serve`` in write mode. Each test
makes the state its id expects before it (the manifest's tests run in sequence on one store;
here each works on graphs of its own, so that the order does not matter). Graphs are named by
indirect identification (``/rdf-graphs?graph=<IRI>``), the IRI being the manifest's
``$GRAPHSTORE$/person/1.ttl`` under a per-test prefix: pvkg serves no graph at its own URL.

Where pvkg answers otherwise than the manifest, with the reason:

* ``put__default_graph``, ``get_of_put__default_graph``: the default graph is the union of the
  named graphs (ADR 0002); it cannot be replaced. ``PUT ?default`` is refused with 405 and an
  ``Allow`` header; the tests assert that refusal and that ``GET ?default`` still answers.
* ``put__mismatched_payload``: the manifest expects 400 for a ``PUT ?default``; pvkg refuses
  it with 405 as above (a 4xx, nothing written). A body whose content does not match its
  Content-Type is a 400, asserted too.
* ``put__graph_already_in_store``: the manifest expects 204; pvkg answers 200 with a JSON
  summary (graph, triples, dataset version), which the protocol allows ("200 OK or 204").
* ``post__existing_graph``, ``post__multipart_formdata``: the manifest's Turtle bodies lack
  the final ``.`` of their last triple, which is not Turtle; they are sent with it.
* ``post__create__new_graph``: the new graph is named after the body's checksum
  (``pvgraph:upload/…``), so posting the same body twice names the same graph.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import rdflib
import requests
from rdflib.compare import isomorphic
from server_harness import build_store, serve

pytestmark = pytest.mark.integration

TOKEN = "w3c-graph-store-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
TURTLE = {"Content-Type": "text/turtle; charset=utf-8"}
EX = "http://example.org/w3c-gsp/"
PREFIXES = (
    "@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n"
    "@prefix v: <http://www.w3.org/2006/vcard/ns#> .\n"
)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    location = build_store(tmp_path_factory.mktemp("w3c-gsp"))
    with serve(location, "--timeout", "20", env={"PVKG_WRITE_TOKEN": TOKEN}) as url:
        yield url


def person(test: str, n: int = 1) -> str:
    return f"{EX}{test}/person/{n}.ttl"


def card(iri: str, fn: str) -> str:
    return f'{PREFIXES}<{iri}> a foaf:Person; foaf:businessCard [ a v:VCard; v:fn "{fn}" ] .\n'


def send(
    base: str, method: str, graph: str | None, body: str | bytes = b"", **headers: str
) -> requests.Response:
    params = {"graph": graph} if graph else {}
    data = body.encode() if isinstance(body, str) else body
    return requests.request(
        method,
        base + "/rdf-graphs",
        params=params,
        data=data,
        headers={**AUTH, **TURTLE, **headers},
        timeout=60,
    )


def get(base: str, graph: str) -> requests.Response:
    return requests.get(
        base + "/rdf-graphs", params={"graph": graph}, headers={"Accept": "text/turtle"}, timeout=30
    )


def same(response: requests.Response, expected: str) -> bool:
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/turtle")
    got = rdflib.Graph().parse(data=response.text, format="turtle")
    return isomorphic(got, rdflib.Graph().parse(data=expected, format="turtle"))


def initial(base: str, test: str) -> str:
    """The state after ``put__initial_state``: person 1 is John Doe."""
    graph = person(test)
    assert send(base, "PUT", graph, card(graph, "John Doe")).status_code == 201
    return graph


def test_put__initial_state(base: str) -> None:
    graph = person("put-initial")
    response = send(base, "PUT", graph, card(graph, "John Doe"))
    assert response.status_code == 201, response.text


def test_get_of_put__initial_state(base: str) -> None:
    graph = initial(base, "get-put-initial")
    assert same(get(base, graph), card(graph, "John Doe"))


def test_put__graph_already_in_store(base: str) -> None:
    graph = initial(base, "put-already")
    response = send(base, "PUT", graph, card(graph, "Jane Doe"))
    assert response.status_code == 200, response.text  # the manifest: 204; both are allowed
    assert response.json()["triples"] == 4


def test_get_of_put__graph_already_in_store(base: str) -> None:
    graph = initial(base, "get-put-already")
    send(base, "PUT", graph, card(graph, "Jane Doe"))
    assert same(get(base, graph), card(graph, "Jane Doe"))


ALICE = f'{PREFIXES}[] a foaf:Person; foaf:businessCard [ a v:VCard; v:given-name "Alice" ] .\n'


def test_put__default_graph(base: str) -> None:
    response = requests.put(
        base + "/rdf-graphs?default", data=ALICE.encode(), headers={**AUTH, **TURTLE}, timeout=30
    )
    assert response.status_code == 405  # the default graph is the union of the named graphs
    assert "GET" in response.headers["Allow"]


def test_get_of_put__default_graph(base: str) -> None:
    response = requests.get(
        base + "/rdf-graphs?default", headers={"Accept": "text/turtle"}, timeout=30
    )
    assert response.status_code == 200
    union = rdflib.Graph().parse(data=response.text, format="turtle")
    given = rdflib.URIRef("http://www.w3.org/2006/vcard/ns#given-name")
    assert (None, given, rdflib.Literal("Alice")) not in union  # the refused PUT left nothing


def test_put__mismatched_payload(base: str) -> None:
    graph = person("mismatched")
    refused = requests.put(
        base + "/rdf-graphs?default",
        data=card(graph, "Jane Doe").encode(),
        headers={**AUTH, **TURTLE},
        timeout=30,
    )
    assert refused.status_code == 405
    # a body that is not what its Content-Type says is a 400, and nothing is written
    response = send(
        base, "PUT", graph, card(graph, "Jane Doe"), **{"Content-Type": "application/rdf+xml"}
    )
    assert response.status_code == 400, response.text
    assert get(base, graph).status_code == 404


def test_delete__existing_graph(base: str) -> None:
    graph = initial(base, "delete-existing")
    assert send(base, "DELETE", graph).status_code == 200


def test_get_of_delete__existing_graph(base: str) -> None:
    graph = initial(base, "get-delete-existing")
    send(base, "DELETE", graph)
    assert get(base, graph).status_code == 404


def test_delete__nonexistent_graph(base: str) -> None:
    assert send(base, "DELETE", person("delete-nonexistent", 2)).status_code == 404


def test_post__existing_graph(base: str) -> None:
    graph = initial(base, "post-existing")
    body = f'{PREFIXES}<{graph}> foaf:name "Jane Doe" .\n'
    assert send(base, "POST", graph, body).status_code == 200


def test_get_of_post__existing_graph(base: str) -> None:
    graph = initial(base, "get-post-existing")
    send(base, "POST", graph, f'{PREFIXES}<{graph}> foaf:name "Jane Doe" .\n')
    expected = card(graph, "John Doe") + f'<{graph}> foaf:name "Jane Doe" .\n'
    assert same(get(base, graph), expected)


def multipart(graph: str) -> tuple[bytes, str]:
    boundary = "a6fe4cd636164618814be9f8d3d1a0de"
    parts = [
        ("lastName.ttl", f'<{graph}> <http://xmlns.com/foaf/0.1/familyName> "Doe" .'),
        ("firstName.ttl", f'<{graph}> <http://xmlns.com/foaf/0.1/givenName> "Jane" .'),
    ]
    body = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}"\r\n'
        f"Content-Type: text/turtle; charset=utf-8\r\n\r\n{text}\r\n"
        for name, text in parts
    )
    return f"{body}--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_post__multipart_formdata(base: str) -> None:
    graph = initial(base, "post-multipart")
    body, kind = multipart(graph)
    assert send(base, "POST", graph, body, **{"Content-Type": kind}).status_code == 200


def test_get_of_post__multipart_formdata(base: str) -> None:
    graph = initial(base, "get-post-multipart")
    body, kind = multipart(graph)
    send(base, "POST", graph, body, **{"Content-Type": kind})
    expected = card(graph, "John Doe") + (
        f'<{graph}> foaf:familyName "Doe" ; foaf:givenName "Jane" .\n'
    )
    assert same(get(base, graph), expected)


def test_a_multipart_part_of_an_unknown_type_is_refused(base: str) -> None:
    graph = initial(base, "multipart-unknown")
    body, kind = multipart(graph)
    body = body.replace(b"text/turtle", b"text/html", 1)
    response = send(base, "POST", graph, body, **{"Content-Type": kind})
    assert response.status_code == 415
    assert "lastName.ttl" in response.json()["detail"]
    assert same(get(base, graph), card(graph, "John Doe"))  # nothing written


def created(base: str, body: str) -> str:
    response = send(base, "POST", None, body)
    assert response.status_code == 201, response.text
    return str(response.headers["Location"])


def test_post__create__new_graph(base: str) -> None:
    location = created(base, ALICE.replace("Alice", "Alice (create)"))
    assert location.startswith(base + "/rdf-graphs?graph=")


def test_get_of_post__create__new_graph(base: str) -> None:
    body = ALICE.replace("Alice", "Alice (get of create)")
    location = created(base, body)
    response = requests.get(location, headers={"Accept": "text/turtle"}, timeout=30)
    assert same(response, body)


def test_get_of_post__after_noop(base: str) -> None:
    body = ALICE.replace("Alice", "Alice (noop)")
    location = created(base, body)
    noop = requests.post(location, data=b"", headers={**AUTH, **TURTLE}, timeout=30)
    assert noop.status_code == 200, noop.text
    response = requests.get(location, headers={"Accept": "text/turtle"}, timeout=30)
    assert same(response, body)


def test_head_on_an_existing_graph(base: str) -> None:
    graph = initial(base, "head-existing")
    response = requests.head(base + "/rdf-graphs", params={"graph": graph}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert not response.content


def test_head_on_a_nonexisting_graph(base: str) -> None:
    response = requests.head(
        base + "/rdf-graphs", params={"graph": person("head-nonexisting", 4)}, timeout=30
    )
    assert response.status_code == 404
