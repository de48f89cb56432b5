"""Where the files pvkg ships beside its packages live: ``queries/`` and ``ontology/``.

In a source checkout (and an editable install) they sit next to the packages; a wheel installs
them as data files under ``<prefix>/share/pvkg/`` (see ``[tool.setuptools.data-files]`` in
``pyproject.toml``). Callers ask for a directory by name and get whichever exists.
"""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

SOURCE_ROOT = Path(__file__).resolve().parent.parent
"""The directory that holds the packages (the repository root in a checkout)."""


def shipped_dir(name: str) -> Path:
    """The directory ``name`` (``"queries"`` or ``"ontology"``) as installed.

    :param name: a top-level directory of the repository that the wheel ships as data.
    :return: the source-tree directory if present, else ``<prefix>/share/pvkg/<name>``
        (returned even if missing, so that the caller's error names a real place to look).
    """
    beside = SOURCE_ROOT / name
    if beside.is_dir():
        return beside
    for prefix in (sysconfig.get_path("data"), sys.prefix):
        installed = Path(prefix) / "share" / "pvkg" / name
        if installed.is_dir():
            return installed
    return Path(sys.prefix) / "share" / "pvkg" / name
