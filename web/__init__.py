"""The Flask app: HTML pages and the JSON API over one shared query service.

Like Flask's own examples: an app factory, one blueprint per audience
(``pages`` for journalists, ``api`` for scripts), and no search logic here:
both blueprints call the same ``SearchService``.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from search.config import Config
from search.service import SearchService

JSON_PREFIXES = ("/api/", "/admin/")


def create_app(config: Config) -> Flask:
    """App factory: one SearchService (and so one long-lived searcher) per worker."""
    app = Flask(__name__)
    app.config["DIPSEARCH"] = config

    from .admin import init_admin
    from .api import api, http_error
    from .checking import checking
    from .health import health
    from .pages import pages, render_error
    from .security import init_security
    app.extensions["search_service"] = SearchService(config)
    init_security(app)
    app.register_blueprint(api)
    app.register_blueprint(pages)
    app.register_blueprint(checking)
    app.register_blueprint(health)
    init_admin(app)

    @app.errorhandler(HTTPException)
    def any_http_error(exc: HTTPException):
        """Routing errors (404, 405, 413) too: JSON under /api/ and /admin/, a page elsewhere."""
        if request.path.startswith(JSON_PREFIXES):
            return http_error(exc)
        return render_error(exc)

    return app
