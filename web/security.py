"""Request hooks that every response goes through: security headers, size limit, rate limit.

* Headers: a strict Content-Security-Policy (no inline script or style
  anywhere, so templates must not use them), no MIME sniffing, no framing, and
  no Referer leaking search terms to other sites.
* Size: a request body larger than ``server.max_request_bytes`` is refused
  with 413 from its Content-Length, before anything reads it (a body sent
  without one is cut at the same size when read: Flask's MAX_CONTENT_LENGTH).
* Paths: no redirect that merges ``//``: ``/api/documents/%2F..%2Fetc`` is
  looked up as the id it names (and not found) instead of being redirected to
  a rewritten path that a client may then resolve elsewhere.
* Load (web/load.py): ``api.rate_limit_per_minute`` requests per client
  address (pages and API alike; health checks and static files are free) and
  ``api.expensive_per_minute`` expensive ones (exports, wildcards, ranges,
  every passage at once, deep pages: search.service.cost), counted across all
  workers; at most ``workers - 1`` expensive requests at once, the next one
  answered 503 at once. Behind a reverse proxy every client shares the
  proxy's address, so limit per client there instead (set the budgets to 0).
"""

from __future__ import annotations

import logging
import sqlite3

from flask import (Flask, Response, abort, current_app, g, make_response, render_template,
                   request)

from .api import error
from .load import SharedBudgets, Slots

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
logger = logging.getLogger(__name__)
FREE_PATHS = ("/healthz", "/readyz", "/static/", "/favicon")
BUDGETS_FILE = "budgets.sqlite"
# Seconds a client is asked to wait when every expensive slot is taken: one such request
# usually ends well within the search time limit.
BUSY_RETRY_AFTER = 2


def init_security(app: Flask) -> None:
    """Register the hooks on the app (before its blueprints); limits come from its config."""
    config = app.config["DIPSEARCH"]
    app.url_map.merge_slashes = False
    app.config["MAX_CONTENT_LENGTH"] = config.get("server", "max_request_bytes")
    root = config.index_dir
    app.extensions["budgets"] = SharedBudgets(root / BUDGETS_FILE)
    app.extensions["slots_folder"] = root / "slots"
    app.before_request(_refuse_large_bodies)
    app.before_request(_within_budget)
    app.after_request(_add_security_headers)
    app.after_request(_hold_slot_while_streaming)
    app.teardown_request(_give_back_slot)


def _refuse_large_bodies() -> None:
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        abort(413, f"the request body may be at most {limit} bytes")


def _within_budget() -> Response | None:
    """429 over a client's budget, 503 when every expensive slot is taken; else go on.

    Answered here because error handlers drop the Retry-After header.
    """
    if request.path.startswith(FREE_PATHS):
        return None
    api = current_app.config["DIPSEARCH"].values["api"]
    client = request.remote_addr or ""
    service = current_app.extensions["search_service"]
    expensive = service.is_expensive(request.path, request.args.to_dict(flat=False))
    for bucket, per_minute in (("all", api["rate_limit_per_minute"]),
                               ("expensive", api["expensive_per_minute"] if expensive else 0)):
        wait = _count(client, bucket, per_minute) if per_minute else None
        if wait is not None:
            kind = "expensive requests" if bucket == "expensive" else "requests"
            return _refusal(429, "too_many_requests", f"more than {per_minute} {kind} a minute "
                            f"from your address: try again in {wait} s", wait)
    if expensive:
        return _take_slot()
    return None


def _count(client: str, bucket: str, per_minute: int) -> int | None:
    """A request against a budget; a store that cannot be written lets it through, logged
    (an unwritable index folder must not turn every page into a 500)."""
    try:
        return current_app.extensions["budgets"].retry_after(client, bucket, per_minute)
    except sqlite3.Error as exc:
        logger.warning("request budgets not counted (%s): %s", BUDGETS_FILE, exc)
        return None


def _take_slot() -> Response | None:
    workers = current_app.extensions.get("workers") \
        or current_app.config["DIPSEARCH"].get("server", "workers")
    slot = Slots(current_app.extensions["slots_folder"], workers - 1).take()
    if slot is None:
        return _refusal(503, "busy", "every worker that may run an expensive request (export, "
                        "wildcard, range, deep page) is busy: try again shortly, or narrow the "
                        "search", BUSY_RETRY_AFTER)
    g.expensive_slot = slot
    return None


def _hold_slot_while_streaming(response: Response) -> Response:
    """An export streams after the request ends: its slot goes back when the body is sent."""
    if response.is_streamed and "expensive_slot" in g:
        slot = g.pop("expensive_slot")
        response.call_on_close(lambda: Slots.give_back(slot))
    return response


def _give_back_slot(exc: BaseException | None = None) -> None:
    """Every other request gives its slot back when it ends, failed or not."""
    slot = g.pop("expensive_slot", None)
    if slot is not None:
        Slots.give_back(slot)


def _refusal(status: int, code: str, message: str, wait: int) -> Response:
    """JSON for the API and admin, a page for the browser; both with Retry-After."""
    if request.path.startswith(("/api/", "/admin/")):
        response = error(status, code, message)
    else:
        heading = "Too many requests" if status == 429 else "Busy"
        response = make_response(render_template("error.html", heading=heading, message=message,
                                                 q=request.args.get("q", "")), status)
    response.headers["Retry-After"] = str(wait)
    return response


def _add_security_headers(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    if request.path.startswith("/admin/"):
        response.headers["Cache-Control"] = "no-store"
    return response
