"""The Whoosh engine: every module that imports Whoosh is in this package.

``engine.WhooshEngine`` implements search.engine.interface; the other modules
are its parts: ``schema`` and ``analysis`` (what is indexed), ``units`` and
``postings`` and ``writer`` (writing segments, in worker processes),
``store`` (versions on disk), ``parsing``, ``collect``, ``blocks``,
``matchers``, ``scoring``, ``proximity``, ``passages``, ``facets``,
``spelling`` (reading), ``snapshot`` (a search on one version), and
``internals`` (the private Whoosh names these rely on).
"""

from search.engine.whoosh import legacy

legacy.install()
