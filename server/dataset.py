"""The update protocol's dataset parameters, ``using-graph-uri`` and ``using-named-graph-uri``.

SPARQL 1.1 Protocol lets a client give an update's dataset (the graphs its ``WHERE`` reads) as
parameters, instead of ``USING`` / ``USING NAMED`` in the update. pyoxigraph's update call takes
no dataset, and pvkg does not rewrite update text, so the parameters cannot be honoured: a
request that carries them is refused with 400 rather than run on another dataset than the one
asked for. Giving a dataset both ways (parameters and ``USING`` / ``WITH`` in the text) is an
error of the protocol itself (W3C test ``bad_update_dataset_conflict``) and gets its own
message.

>>> uses_dataset("DELETE { ?s ?p ?o } USING <http://x/g> WHERE { ?s ?p ?o }")
True
>>> uses_dataset('INSERT DATA { <http://x/s> <http://x/p> "USING" } # USING')
False
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from kg.binding import code_spans
from kg.errors import QueryError

PARAMETERS = ("using-graph-uri", "using-named-graph-uri")
_USING = re.compile(r"(?<![?$:\w])(?:USING|WITH)(?![\w:-])", re.IGNORECASE)


def uses_dataset(text: str) -> bool:
    """Whether an update names its dataset or graph with ``USING``, ``USING NAMED`` or ``WITH``."""
    return any(_USING.search(text, begin, end) for begin, end in code_spans(text))


def refuse_update_dataset(*sources: Mapping[str, str], text: str) -> None:
    """Refuse an update request with dataset parameters (in the URL or the form body).

    :raises QueryError: (400) if any source has ``using-graph-uri`` / ``using-named-graph-uri``.
    """
    given = sorted({name for source in sources for name in PARAMETERS if name in source})
    if not given:
        return
    names = " and ".join(f"'{name}'" for name in given)
    if uses_dataset(text):
        raise QueryError(
            f"the update names its dataset twice: with {names} and with USING or WITH in its text;"
            " give it one way only"
        )
    raise QueryError(
        f"{names} cannot be honoured here: write USING <graph> / USING NAMED <graph> in the"
        " update instead"
    )
