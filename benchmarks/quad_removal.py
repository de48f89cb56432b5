"""Benchmark: how fast pyoxigraph removes quads, one transaction each or in DELETE DATA chunks.

Bulk-loads ``N`` quads into one graph of a fresh on-disk store, compacts it, then removes ``R``
of them chosen at random, with ``Store.remove`` per quad (``loop``) or with one ``DELETE DATA``
update per ``--chunk`` quads (``update``). The FAERS statistics graph is replaced by removing the
lines that changed (:mod:`kg.kept`), so this rate bounds ``swap statistics``.

    python benchmarks/quad_removal.py 2000000 200000 loop
    python benchmarks/quad_removal.py 2000000 200000 update --chunk 10000
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store

XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("quads", type=int)
    parser.add_argument("removed", type=int)
    parser.add_argument("mode", choices=("loop", "update"))
    parser.add_argument("--chunk", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir="/var/tmp") as folder:
        run(args, folder)


def run(args: argparse.Namespace, folder: str) -> None:
    """Fill a store in ``folder``, remove the chosen quads and print the rate."""
    store = Store(folder)
    graph = NamedNode("http://example.org/g")
    data = f"{folder}/in.nt"
    with open(data, "w", encoding="utf-8") as out:
        for i in range(args.quads):
            out.write(f'<http://s/{i // 10}> <http://p/{i % 10}> "{i}"^^<{XSD_INTEGER.value}> .\n')
    store.bulk_load(path=data, format=RdfFormat.N_TRIPLES, to_graph=graph)
    store.optimize()
    chosen = random.Random(1).sample(range(args.quads), args.removed)
    quads = [
        Quad(
            NamedNode(f"http://s/{i // 10}"),
            NamedNode(f"http://p/{i % 10}"),
            Literal(str(i), datatype=XSD_INTEGER),
            graph,
        )
        for i in chosen
    ]
    start = time.perf_counter()
    if args.mode == "loop":
        for quad in quads:
            store.remove(quad)
    else:
        for k in range(0, len(quads), args.chunk):
            body = " ".join(
                f"{q.subject} {q.predicate} {q.object} ." for q in quads[k : k + args.chunk]
            )
            store.update(f"DELETE DATA {{ GRAPH {graph} {{ {body} }} }}")
    seconds = time.perf_counter() - start
    left = sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
    print(
        f"{args.mode}: {args.removed} quads removed in {seconds:.2f} s "
        f"({args.removed / seconds:,.0f}/s); {left} left"
    )


if __name__ == "__main__":
    main()
