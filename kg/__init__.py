"""pvkg core: vocabulary, IRI policy, the store interface and the saved-query catalogue.

``kg`` is the inner layer: loaders and the server import it; it imports neither of them, nor Flask.
"""

__version__ = "0.1.0"
