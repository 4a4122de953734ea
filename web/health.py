"""Liveness and readiness for load balancers.

``/healthz`` answers 200 while the process can answer at all; ``/readyz``
answers 200 only when the index is open and searchable, else 503 JSON, so a
balancer sends journalists only to workers that can search.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from search.service import IndexMissing

from .api import error

health = Blueprint("health", __name__)


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
