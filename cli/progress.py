"""The progress display of long commands: a tqdm line on stderr, only when stderr is a terminal.

:func:`showing` wraps one step of a command. On a terminal it draws a line with the step's
name, the elapsed time (kept ticking by a thread, so a step that reports nothing still shows
it is alive) and, when the work reports through the :class:`kg.progress.Progress` it is handed,
the amount done. When stderr is a pipe or a file (tests, scripts, logs) nothing is drawn.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from tqdm import tqdm

from kg.progress import Progress, no_progress

TICK_SECONDS = 0.5


@contextmanager
def showing(step: str, *, unit: str = "it", stream: TextIO | None = None) -> Iterator[Progress]:
    """Show ``step`` while the block runs; yield the :class:`Progress` the work reports to.

    ``unit`` names what ``done`` counts (``"B"`` shows bytes with a prefix: kB, MB).
    """
    out = sys.stderr if stream is None else stream
    if not out.isatty():
        yield no_progress
        return
    bar = tqdm(
        desc=step,
        file=out,
        unit=unit,
        unit_scale=unit == "B",
        leave=False,
        bar_format="{desc}: {n_fmt} {unit} [{elapsed}]" if unit != "it" else "{desc} [{elapsed}]",
    )
    stop = threading.Event()
    ticker = threading.Thread(target=_tick, args=(bar, stop), daemon=True)
    ticker.start()

    def report(step: str, done: int, total: int | None = None) -> None:
        new_step = step != bar.desc.split(":")[0]
        if unit == "it" and done:
            step += f": {done:,}" + (f" of {total:,}" if total else "")
        bar.set_description_str(step, refresh=new_step)  # else the ticker shows it
        bar.n = done

    try:
        yield report
    finally:
        stop.set()
        ticker.join()
        bar.close()


def _tick(bar: tqdm[object], stop: threading.Event) -> None:
    while not stop.wait(TICK_SECONDS):
        bar.refresh()
