"""Read MeSH RDF as NLM publishes it: N-Triples (``mesh.nt``, ``mesh.nt.gz``) or Turtle.

Files are streamed through pyoxigraph's parser (gzip is decompressed on the fly), so memory
does not grow with the file. A syntax error becomes an :class:`~kg.errors.InputError` naming
the file and the parser's position.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO

from pyoxigraph import RdfFormat, Triple, parse

from kg.errors import InputError
from loaders.input_policy import READ_ERRORS, open_limited

SUFFIXES = {".nt": RdfFormat.N_TRIPLES, ".ttl": RdfFormat.TURTLE}
"""File suffixes read as MeSH RDF (each also with ``.gz``)."""


def rdf_format(path: Path) -> RdfFormat | None:
    """The RDF format of a MeSH RDF file by its name, or ``None`` if it is not one.

    >>> rdf_format(Path("mesh2024.nt.gz")).name, rdf_format(Path("desc2024.xml"))
    ('N-Triples', None)
    """
    name = path.name.lower().removesuffix(".gz")
    return next((fmt for suffix, fmt in SUFFIXES.items() if name.endswith(suffix)), None)


def open_binary(path: Path) -> IO[bytes]:
    """Open ``path`` for reading bytes, decompressing it on the fly when named ``.gz`` (within
    :mod:`loaders.input_policy`'s decompression limit)."""
    return open_limited(path)


def read_triples(path: Path) -> Iterator[Triple]:
    """Stream the triples of one MeSH RDF file.

    :param path: an ``.nt``/``.ttl`` file, optionally gzip-compressed (``.gz``).
    :return: the triples, in file order.
    :raises InputError: if the file is missing, not gzip when named so, or does not parse.
    """
    fmt = rdf_format(path)
    if fmt is None:
        raise InputError("not a MeSH RDF file name (.nt, .ttl, optionally .gz)", path=str(path))
    if not path.is_file():
        raise InputError("no such file", path=str(path))
    try:
        with open_binary(path) as source:
            for quad in parse(source, format=fmt):
                yield quad.triple
    except SyntaxError as error:
        raise InputError(f"not valid {fmt.name}: {error}", path=str(path)) from None
    except MemoryError as error:  # pyoxigraph's parser buffer limit (one token over 16 MiB)
        raise InputError(f"not valid {fmt.name}: {error}", path=str(path)) from None
    except InputError:
        raise
    except READ_ERRORS as error:
        raise InputError(f"cannot read: {error}", path=str(path)) from None
