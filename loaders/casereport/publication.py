"""Reading one curated case-report file: each entry validated (:mod:`.schema`), then the
cross-references between entries (:mod:`.references`), so every error names file, entry and
field.
"""

from __future__ import annotations

from pathlib import Path

from loaders.casereport.references import check_references
from loaders.casereport.schema import Publication, parse_publication


def read_publication(path: Path) -> Publication:
    """Read and validate one curated file.

    :param path: a ``.yaml`` file in the ``pvkg-casereport/1`` format.
    :return: the validated publication.
    :raises InputError: naming file, entry and field for the first problem found.
    """
    publication = parse_publication(path)
    check_references(publication)
    return publication
