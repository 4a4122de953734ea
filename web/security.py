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
* Rate: ``api.rate_limit_per_minute`` requests per client address to ``/api/``
  and ``/admin/``, counted in one-minute windows that start at the client's
  first request. Counts live in each worker process, so with N workers a
  client may get up to N times the limit; behind a reverse proxy every client
  shares the proxy's address, so limit there instead (set 0 here).
"""

from __future__ import annotations

import math
import threading
import time
from typing import Callable

from flask import Flask, Response, abort, current_app, request

from .api import error

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
LIMITED_PREFIXES = ("/api/", "/admin/")


class RateLimiter:
    """Fixed one-minute windows per client, each starting at that client's first request."""

    WINDOW = 60.0
    MAX_CLIENTS = 10_000  # past this, windows that have ended are forgotten

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def retry_after(self, client: str) -> int | None:
        """Count one request; None if allowed, else whole seconds until the window ends."""
        now = self.clock()
        with self._lock:
            start, count = self._windows.get(client, (now, 0))
            if now - start >= self.WINDOW:
                start, count = now, 0
            if count >= self.per_minute:
                return max(1, math.ceil(start + self.WINDOW - now))
            if len(self._windows) >= self.MAX_CLIENTS:
                self._forget_ended(now)
            self._windows[client] = (start, count + 1)
            return None

    def _forget_ended(self, now: float) -> None:
        self._windows = {c: w for c, w in self._windows.items() if now - w[0] < self.WINDOW}


def init_security(app: Flask) -> None:
    """Register the hooks on the app (before its blueprints); limits come from its config."""
    config = app.config["DIPSEARCH"]
    app.url_map.merge_slashes = False
    app.config["MAX_CONTENT_LENGTH"] = config.get("server", "max_request_bytes")
    per_minute = config.get("api", "rate_limit_per_minute")
    if per_minute:
        app.extensions["rate_limiter"] = RateLimiter(per_minute)
        app.before_request(_rate_limit)
    app.before_request(_refuse_large_bodies)
    app.after_request(_add_security_headers)


def _refuse_large_bodies() -> None:
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        abort(413, f"the request body may be at most {limit} bytes")


def _rate_limit() -> Response | None:
    """429 JSON with Retry-After; answered here because error handlers drop the header."""
    if not request.path.startswith(LIMITED_PREFIXES):
        return None
    limiter: RateLimiter = current_app.extensions["rate_limiter"]
    wait = limiter.retry_after(request.remote_addr or "")
    if wait is None:
        return None
    response = error(429, "too_many_requests", f"more than {limiter.per_minute} requests a "
                     f"minute from your address: try again in {wait} s")
    response.headers["Retry-After"] = str(wait)
    return response


def _add_security_headers(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    if request.path.startswith("/admin/"):
        response.headers["Cache-Control"] = "no-store"
    return response
