"""The Flask app: HTML pages and the JSON API over one shared query service."""

from __future__ import annotations

from flask import Flask

from search.config import Config
from search.service import SearchService


def create_app(config: Config) -> Flask:
    """App factory: one SearchService (and so one long-lived searcher) per worker."""
    app = Flask(__name__)
    app.config["DIPSEARCH"] = config
    app.extensions["search_service"] = SearchService(config)

    from .pages import pages
    app.register_blueprint(pages)
    return app
