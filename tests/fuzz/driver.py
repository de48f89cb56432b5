"""Run ``pvkg`` command lines one after another in this process and report each outcome.

Used by ``tests/test_fuzz_inputs.py`` as one subprocess for the whole corpus: starting a
Python process per case would cost about a second each. Each case goes through
:func:`cli.main.main`, the command line's own entry point (its error handling included);
an exception escaping it is recorded as a traceback. After every case the store's content
is fingerprinted (sorted N-Quads of every graph and the recorded graph list).

Usage: ``python tests/fuzz/driver.py STORE COMMANDS.json RESULTS.json``; COMMANDS is a list
of argument lists (after ``--store STORE``); RESULTS gets one object per command: ``status``,
``stdout``, ``stderr``, ``digest``, ``seconds``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import sys
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO)]

from cli.main import main  # noqa: E402 - after the path is set
from kg.location import open_store  # noqa: E402


class _Digest(io.RawIOBase):
    """A writable stream that only hashes what it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.hash = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        chunk = bytes(data)  # type: ignore[call-overload]
        self.hash.update(chunk)
        return len(chunk)


def digest(location: str) -> str:
    """sha256 of the store's N-Quads and graph records."""
    store = open_store(location, read_only=True)
    try:
        sink = _Digest()
        store.export(sink)  # type: ignore[arg-type]
        for info in sorted(store.graphs(), key=lambda g: g.graph.value):
            sink.write(f"{info.graph.value} {info.triples} {info.checksum}\n".encode())
        return sink.hash.hexdigest()
    finally:
        store.close()


def run(location: str, argv: list[str]) -> dict[str, object]:
    """Run one command line; its exit status, output and the store's digest after it."""
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(["--store", location, *argv])
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else 2
        except BaseException:  # noqa: BLE001 - any escape is what the corpus looks for
            traceback.print_exc()
            status = 99
    return {
        "status": status,
        "stdout": out.getvalue(),
        "stderr": err.getvalue(),
        "seconds": round(time.monotonic() - started, 3),
        "digest": digest(location),
    }


if __name__ == "__main__":
    store, commands, results = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    outcomes = [run(store, argv) for argv in json.loads(commands.read_text())]
    results.write_text(json.dumps(outcomes))
