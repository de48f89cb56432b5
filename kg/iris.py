"""IRI policy: every IRI pvkg mints is derived from a source identifier.

See ``docs/decisions/0001-iri-policy.md``. In short:

* entities: ``https://w3id.org/pvkg/id/<kind>/<key>``; ``key`` is a source identifier
  (FAERS ``primaryid``) or the :func:`slug` of a normalised name (``infliximab``);
* parts of a record hang below it: ``…/id/faers/report/123/drug/1``;
* named graphs: ``https://w3id.org/pvkg/graph/<source>[/<release>]``.

No UUIDs, no blank nodes: loading the same input twice mints the same IRIs.

>>> entity_iri("drug", "Infliximab").value
'https://w3id.org/pvkg/id/drug/infliximab'
>>> graph_iri("faers", "2020Q3").value
'https://w3id.org/pvkg/graph/faers/2020q3'
"""

from __future__ import annotations

import re
import unicodedata

from pyoxigraph import NamedNode

from kg.namespaces import PVGRAPH, PVID

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """Return the IRI-safe key of a name: ASCII, lower case, runs of other characters as ``-``.

    :param text: a name or identifier.
    :return: the key; never empty.
    :raises ValueError: if ``text`` has no letter or digit.

    >>> slug("  TNF-α Inhibitors (anti-TNF) ")
    'tnf-inhibitors-anti-tnf'
    >>> slug("Crohn's disease")
    'crohn-s-disease'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    key = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")
    if not key:
        raise ValueError(f"cannot make an IRI key from {text!r}")
    return key


def entity_iri(kind: str, name: str) -> NamedNode:
    """Mint the IRI of a named entity (``drug``, ``condition``, ``drug-class``, …) from its name."""
    return PVID[f"{kind}/{slug(name)}"]


def drug_iri(name: str) -> NamedNode:
    """IRI of the drug entity for an active ingredient name (one entity per ingredient)."""
    return entity_iri("drug", name)


def condition_iri(name: str) -> NamedNode:
    """IRI of the condition entity for a disease or adverse-event term."""
    return entity_iri("condition", name)


def drug_class_iri(name: str) -> NamedNode:
    """IRI of a drug class entity (``TNF-alpha inhibitor``)."""
    return entity_iri("drug-class", name)


def record_iri(*parts: str) -> NamedNode:
    """IRI of a record or a part of one, from source identifiers kept as given (slugged).

    >>> record_iri("faers", "report", "110758653", "drug", "1").value
    'https://w3id.org/pvkg/id/faers/report/110758653/drug/1'
    """
    return PVID["/".join(slug(p) for p in parts)]


def child_iri(parent: NamedNode, *parts: str) -> NamedNode:
    """IRI of a part of a record: ``parent/part/…``.

    >>> child_iri(record_iri("report", "x"), "reaction", "Psoriasis").value
    'https://w3id.org/pvkg/id/report/x/reaction/psoriasis'
    """
    return NamedNode(parent.value + "/" + "/".join(slug(p) for p in parts))


def association_iri(predicate: str, drug_key: str, condition_key: str, source: str) -> NamedNode:
    """IRI of the association node behind one ``treats``/``induces`` edge from one source.

    >>> association_iri("induces", "infliximab", "psoriasis", "casereport").value
    'https://w3id.org/pvkg/id/association/induces/infliximab/psoriasis/casereport'
    """
    return record_iri("association", predicate, drug_key, condition_key, source)


def graph_iri(source: str, release: str | None = None) -> NamedNode:
    """IRI of the named graph that holds one source (and release)."""
    path = slug(source) if release is None else f"{slug(source)}/{slug(release)}"
    return PVGRAPH[path]


ONTOLOGY_GRAPH = graph_iri("ontology")
"""Named graph holding the OWL ontology."""

META_GRAPH = graph_iri("meta")
"""Named graph holding provenance (PROV-O, VoID) of every other graph."""

INFERRED_GRAPH = graph_iri("inferred")
"""Named graph holding the entailments of the ontology and the data (``kg.inference``)."""
