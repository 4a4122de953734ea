"""Importers: a corpus as its publisher distributes it -> the JSON Lines our readers take.

An importer runs once, by hand (``dipsearch import NAME PATH``), before indexing;
the indexer never needs it. Each reports what it could not use as
``Problem(path, line, reason)`` and writes everything else.
"""

from search.ingest.importers.ungdc import import_ungdc

IMPORTERS = {"ungdc": import_ungdc}
