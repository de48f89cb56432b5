"""Source loaders: one module or package per source, each mapping its records to RDF.

Loaders import ``kg`` only. Each exposes ``SOURCE_NAME``, ``add_arguments(parser)`` and
``load(store, path, **options) -> LoadSummary``; ``pvkg load SOURCE PATH`` finds them.
"""
