"""What a query process asks the store about one entity (``EntityJob``): its triples as RDF
(:data:`GRAPH`), or for its HTML page the outgoing links (:data:`OUT`), the incoming ones
(:data:`IN`) and the drug–condition associations it takes part in (:data:`EVIDENCE`), each
with the labels the page shows. ``?e`` is the entity, bound by the caller; ``#@bind`` marks
where a sub-select needs the binding too (:mod:`kg.binding`).
"""

from __future__ import annotations

from server.jobs import PAGE_ROWS

GRAPH = """
CONSTRUCT { ?e ?p ?o . ?s ?q ?e }
WHERE { { ?e ?p ?o } UNION { ?s ?q ?e } }
"""
OUT = """
SELECT ?p ?o (SAMPLE(?l) AS ?label) WHERE {
  ?e ?p ?o .
  OPTIONAL { ?o <http://www.w3.org/2000/01/rdf-schema#label> ?l }
} GROUP BY ?p ?o ORDER BY ?p ?o
"""
IN = f"""
SELECT ?s ?p (SAMPLE(?l) AS ?label) WHERE {{
  {{ SELECT DISTINCT ?s ?p WHERE {{ #@bind
      ?s ?p ?e }} LIMIT {PAGE_ROWS + 1} }}
  OPTIONAL {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }}
}} GROUP BY ?s ?p ORDER BY ?p ?s
"""
"""A condition of a large FAERS store is the object of hundreds of thousands of reactions: the
sub-select takes the first rows the engine finds (no sort over all of them: 43 s → 0.04 s on
eight 50k quarters), the page says when there are more, and the rows shown are sorted."""
EVIDENCE = f"""
PREFIX pv: <https://w3id.org/pvkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?association ?predicate ?other (SAMPLE(?ol) AS ?otherLabel) ?subject
       (GROUP_CONCAT(DISTINCT STR(?report); separator=" ") AS ?evidence)
       (GROUP_CONCAT(DISTINCT ?q; separator="\\n") AS ?quotes)
       (SAMPLE(?src) AS ?source) (SAMPLE(?n) AS ?reports) (SAMPLE(?kind) AS ?faers)
       (SAMPLE(?a) AS ?countA) (SAMPLE(?p) AS ?prr) (SAMPLE(?s) AS ?signal) WHERE {{
  {{ SELECT DISTINCT ?association ?other ?subject WHERE {{ #@bind
      {{ ?association pv:associationSubject ?e ; pv:associationObject ?other BIND(?e AS ?subject) }}
      UNION {{ ?association pv:associationObject ?e ; pv:associationSubject ?other
               BIND(?other AS ?subject) }}
    }} LIMIT {PAGE_ROWS + 1} }}
  OPTIONAL {{ ?association pv:associationPredicate ?predicate }}
  OPTIONAL {{ ?other rdfs:label ?ol }}
  OPTIONAL {{ ?association pv:evidenceReport ?report }}
  OPTIONAL {{ ?association pv:quote ?q }}
  OPTIONAL {{ ?association pv:evidenceSource ?src }}
  OPTIONAL {{ ?association pv:reportCount ?n }}
  OPTIONAL {{ ?association a ?kind
             FILTER(?kind IN (pv:IndicationReportCount, pv:DisproportionalityStatistics)) }}
  OPTIONAL {{ ?association pv:countA ?a }}
  OPTIONAL {{ ?association pv:prr ?p }}
  OPTIONAL {{ ?association pv:evansSignal ?s }}
}} GROUP BY ?association ?predicate ?other ?subject
ORDER BY DESC(BOUND(?predicate)) ?predicate ?other
"""
