"""``pvkg optimize``: compact the store once loads are done, so that queries run at full speed.

Loads bulk-load into the embedded store and leave it uncompacted (compacting after every load
would cost more the larger the store grows, ADR 0010); a query that reads many quarters' graphs
then runs up to 3x slower until the store has been compacted once (BENCHMARKS.md). Remote
engines index as they load: for them this is a no-op.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from cli.context import open_store, store_location
from kg.errors import StoreError
from kg.location import is_remote


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``pvkg optimize``."""
    parser = commands.add_parser(
        "optimize",
        help="compact the store after loading (queries over many FAERS quarters run faster)",
        description="Compact the embedded store after loads (Oxigraph's 'optimize'). Loads "
        "leave it uncompacted, and a query over many FAERS quarters then runs up to 3x slower. "
        "Run it once after the last load; its time grows with the store (about 3 minutes for "
        "eight 50,000-report quarters, 45 million triples, on 2 cores). Like a load, it needs "
        "the store to itself: stop 'pvkg serve' first. A no-op for a remote store.",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Compact the store and report the time taken and the disk used before and after."""
    location = store_location(args)
    local = None if is_remote(location) else Path(location)
    before = disk_bytes(local) if local else None
    if before == 0:
        raise StoreError(f"no store at {location}: nothing to optimize")
    store = open_store(args)
    try:
        began = time.monotonic()
        store.optimize()
    finally:
        store.close()
    took = time.monotonic() - began
    if local is None or before is None:
        print(f"{location}: nothing to compact (a remote store indexes as it loads)")
    else:
        after = megabytes(disk_bytes(local))
        print(f"{location}: optimized in {took:.1f} s; disk {megabytes(before)} -> {after}")
    return 0


def disk_bytes(directory: Path) -> int:
    """Bytes the files under ``directory`` take (0 if there is none)."""
    return sum(f.stat().st_size for f in directory.rglob("*") if f.is_file())


def megabytes(size: int) -> str:
    """``size`` bytes as whole megabytes.

    >>> megabytes(3_400_000)
    '3 MB'
    """
    return f"{size / 1e6:,.0f} MB"
