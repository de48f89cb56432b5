"""Query processes die with the web worker that owns them.

A query process is forked by its worker's ``forkserver``, and each such child keeps the
forkserver alive, so neither notices when the worker is killed (the OOM killer, ``kill -9``,
gunicorn's own timeout): a query process busy with a long query would go on using CPU after
the server is gone, reparented to init. :func:`exit_with` watches the worker through a Linux
pidfd from a daemon thread (queries release the GIL) and ends the process when it exits.
"""

from __future__ import annotations

import os
import select
import threading


def exit_with(owner: int) -> None:
    """End this process as soon as process ``owner`` has exited (at once if it already has).

    Where pidfds are missing (not Linux, or a kernel before 5.3) it does nothing.
    """
    try:
        watched = os.pidfd_open(owner)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):
        return
    threading.Thread(target=_wait_then_exit, args=(watched,), daemon=True).start()


def _wait_then_exit(watched: int) -> None:
    select.select([watched], [], [])  # a pidfd turns readable when its process has exited
    os._exit(1)
