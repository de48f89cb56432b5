"""The pvkg HTTP service (Flask): SPARQL 1.1 endpoint, saved-query API, linked-data pages.

Imports ``kg`` only, never ``loaders``.
"""
