"""Benchmark (issue 17): the usage counts of the ``/ontology`` reference page on one store.

Times the one SPARQL aggregate that counts every ``pv:`` term's uses in the data graphs
(:func:`server.ontology_page.count_query`, the ontology's own graph left out), run directly on
the store ``--rounds`` times, then the page itself through the Flask app with one query process:
the first view (which counts) and a second one (which reuses the counts of the dataset
version)::

    python benchmarks/ontology_counts.py --store /var/tmp/bench/onto/store --rounds 3
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.embedded import EmbeddedStore
from kg.iris import ONTOLOGY_GRAPH
from kg.ontology_release import read
from kg.ontology_terms import terms
from server.app import create_app
from server.ontology_page import count_query

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="embedded store directory")
    parser.add_argument("--rounds", type=int, default=3, help="direct runs of the aggregate")
    parser.add_argument("--timeout", type=float, default=5.0, help="the server's deadline, s")
    args = parser.parse_args()
    listed = terms(read(ROOT / "ontology" / "pvkg.ttl"))
    store = EmbeddedStore(args.store, read_only=True)
    graphs = [g.graph for g in store.graphs() if g.graph != ONTOLOGY_GRAPH]
    triples = sum(g.triples for g in store.graphs() if g.graph != ONTOLOGY_GRAPH)
    print(f"{len(graphs)} data graphs, {triples:,} triples, {len(listed)} terms")
    for round_ in range(args.rounds):
        started = time.perf_counter()
        used = len(list(store.query(count_query(listed), default_graphs=graphs)))
        print(f"aggregate {round_ + 1}: {time.perf_counter() - started:.2f} s ({used} terms used)")
    store.close()
    app = create_app({"STORE": str(args.store), "QUERY_PROCESSES": 1, "TIMEOUT": args.timeout})
    try:
        client = app.test_client()
        for view in ("first", "second"):
            started = time.perf_counter()
            page = client.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
            shown = "Usage counts are not shown" not in page
            took = time.perf_counter() - started
            print(f"page ({args.timeout:g} s deadline), {view} view: {took:.2f} s, counts: {shown}")
    finally:
        app.extensions["pvkg"].close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
