"""Liveness and readiness for load balancers, and a service that outlives a bad index version.

``/healthz`` answers 200 while the process can answer at all; ``/readyz``
answers 200 only when the index is open and searchable, else 503 JSON, so a
balancer sends journalists only to workers that can search.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, jsonify

from search.config import Config
from search.service import Live, SearchService
from search.store import IndexMissing

from .api import error

health = Blueprint("health", __name__)
logger = logging.getLogger(__name__)


class GuardedService(SearchService):
    """A SearchService that keeps the version it has when the next one fails to open.

    ``IndexStore.open`` turns a missing index into IndexMissing, but a damaged
    one fails in Whoosh with IndexError, TypeError, EOFError or OSError, some
    only when the searcher is created. ``live()`` does nothing but open and
    refresh, so when it fails this answers from the last version that opened
    (still readable: its segment files stay open even once deleted); with none,
    it raises IndexMissing, which the API answers with 503 JSON and the pages
    with their error page, never a 500 with a traceback.
    """

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self._last_good: Live | None = None

    def live(self) -> Live:
        try:
            self._last_good = super().live()
        except Exception as exc:
            if self._last_good is not None:
                logger.warning("index did not open, still answering from %s: %s",
                               self._last_good.version, exc)
                return self._last_good
            if isinstance(exc, IndexMissing):
                raise
            raise IndexMissing(f"the index cannot be opened ({type(exc).__name__}: {exc}): "
                               "rebuild it with 'dipsearch index --rebuild'") from exc
        return self._last_good


@health.get("/healthz")
def healthz() -> Response:
    return jsonify({"status": "alive"})


@health.get("/readyz")
def readyz() -> Response:
    try:
        stats = current_app.extensions["search_service"].stats()
    except IndexMissing as exc:
        return error(503, "index_unavailable", str(exc))
    return jsonify({"status": "ready", "index_version": stats["index_version"],
                    "documents": stats["documents"]})
