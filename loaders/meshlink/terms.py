# ruff: noqa: N816 - constants are named exactly as the vocabularies spell them
"""RDF terms the MeSH linker writes besides those of ``kg.vocab``.

A link is stated twice: directly (``pvid:drug/infliximab skos:exactMatch mesh:D000069285``) and
as a mapping node, an OWL axiom annotation of that triple carrying the SSSOM fields::

    pvid:mapping/drug/infliximab/d000069285 a owl:Axiom ;
        owl:annotatedSource pvid:drug/infliximab ;
        owl:annotatedProperty skos:exactMatch ;
        owl:annotatedTarget mesh:D000069285 ;
        sssom:mapping_justification semapv:LexicalMatching ;
        sssom:confidence 0.95 ;
        sssom:subject_label "INFLIXIMAB" ; sssom:object_label "Infliximab" ;
        sssom:match_string "infliximab" ; rdfs:comment "preferred name" .

This is the SSSOM RDF shape (``owl:Axiom`` reification, ``sssom:`` slots), so no new ``pv:`` term
is needed and no blank node is used.
"""

from __future__ import annotations

from typing import Final

from kg.namespaces import OWL, PREFIXES, RDFS, SKOS, Namespace

SSSOM: Final = Namespace(PREFIXES["sssom"])
SEMAPV: Final = Namespace(PREFIXES["semapv"])

Axiom: Final = OWL["Axiom"]
annotatedSource: Final = OWL["annotatedSource"]
annotatedProperty: Final = OWL["annotatedProperty"]
annotatedTarget: Final = OWL["annotatedTarget"]

mapping_justification: Final = SSSOM["mapping_justification"]
confidence: Final = SSSOM["confidence"]
subject_label: Final = SSSOM["subject_label"]
object_label: Final = SSSOM["object_label"]
match_string: Final = SSSOM["match_string"]
comment: Final = RDFS["comment"]

LexicalMatching: Final = SEMAPV["LexicalMatching"]
ManualMappingCuration: Final = SEMAPV["ManualMappingCuration"]

exactMatch: Final = SKOS["exactMatch"]
closeMatch: Final = SKOS["closeMatch"]
broadMatch: Final = SKOS["broadMatch"]
"""The entity sits below the MeSH record ("Pustular psoriasis" below Psoriasis)."""
MAPPING_PREDICATES: Final = (exactMatch, closeMatch, broadMatch)
"""The mapping predicates the linker writes and reads."""
