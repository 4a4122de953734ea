"""Admin: re-index while journalists search, and see how the index and its builds are doing.

Off (404 JSON) unless the environment variable named by ``admin.token_env``
holds a token; the token is read once, when the app is created.

    POST /admin/reindex[?rebuild=1]  start a build (default incremental): 202, or 409 while one runs
    GET  /admin/status               index version and counts, the last build, progress: JSON
    GET  /admin/                     the same as a page; a login form when not signed in
    POST /admin/login, /admin/logout the page's session (a signed cookie, path /admin)

The JSON endpoints want ``Authorization: Bearer <token>`` (compared in
constant time); the page also takes the session its login form sets. Starting
a build needs the header: a cookie alone can never start one, so no other
site can make a signed-in browser do it.

A build runs as ``python -m search.cli index --status-file <index>/status.json``
in its own session, not in the worker: it survives worker restarts and every
worker reads its progress from the same file. ``POST /admin/reindex`` waits
only until the build holds the build lock (its start-up, 1-3 s) so that it can
answer 202 or 409 truthfully; the build itself blocks no request. The build lock
(``IndexStore.build_lock``) is the truth about whether one runs; a status file
still saying "running" while nobody holds the lock is a build that was killed.
"""

from __future__ import annotations

import hmac
import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import (Blueprint, Flask, Response, current_app, jsonify, redirect, render_template,
                   request, session, url_for)

from search.config import Config
from search.service import BuildInProgress, IndexMissing, SearchService

from .api import error

admin = Blueprint("admin", __name__, url_prefix="/admin")

ROOT = Path(__file__).resolve().parents[1]
STATUS_FILE = "status.json"
START_TIMEOUT = 30.0  # seconds to wait for a new build to take the build lock
KILLED = "the build process (pid {pid}) stopped before finishing: killed?"


class BuildFailedToStart(RuntimeError):
    """The build process exited before it took the build lock (not because of another build)."""


def init_admin(app: Flask) -> None:
    """Register the blueprint; with a token, sign the page's session with a key derived from it."""
    config: Config = app.config["DIPSEARCH"]
    env = config.get("admin", "token_env")
    token = os.environ.get(env, "").strip() if env else ""
    app.extensions["admin_token"] = token
    if token:
        app.secret_key = hmac.new(token.encode(), b"dipsearch admin session", "sha256").hexdigest()
        app.config.update(SESSION_COOKIE_NAME="dipsearch_admin", SESSION_COOKIE_PATH="/admin",
                          SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_HTTPONLY=True,
                          PERMANENT_SESSION_LIFETIME=timedelta(hours=8))
    app.register_blueprint(admin)


# -- access ----------------------------------------------------------------

@admin.before_request
def admin_enabled() -> Response | None:
    """Without a token there is no admin: 404, saying how to turn it on."""
    if not current_app.extensions["admin_token"]:
        env = current_app.config["DIPSEARCH"].get("admin", "token_env")
        return error(404, "not_found", f"admin is off: set the environment variable {env} "
                                       "to a token to turn it on")
    return None


def _is_token(given: str) -> bool:
    """Compared in constant time, so response times do not tell how much of a guess was right."""
    return hmac.compare_digest(given.encode(), current_app.extensions["admin_token"].encode())


def _bearer_refusal() -> Response | None:
    """None when the request carries the right bearer token, else the 401 to send."""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and given.strip():
        if _is_token(given.strip()):
            return None
        refusal = error(401, "bad_token", "wrong admin token")
    else:
        refusal = error(401, "auth_required",
                        "send the admin token as 'Authorization: Bearer <token>'")
    refusal.headers["WWW-Authenticate"] = 'Bearer realm="dipsearch admin"'
    return refusal


def _signed_in() -> bool:
    return bool(session.get("admin")) or _bearer_refusal() is None


# -- builds ----------------------------------------------------------------

def _service() -> SearchService:
    return current_app.extensions["search_service"]


def start_build(service: SearchService, rebuild: bool) -> int:
    """Start ``dipsearch index`` in its own session; its pid once it holds the build lock.

    BuildInProgress when another build runs (this one then exits with 3). A
    free lock is taken and dropped at once to check; a build starting in
    those microseconds is refused as a second one (exit 3, answered 409).
    """
    root = service.index_root
    if service.build_running():
        raise BuildInProgress(f"a build is already running on {root}")
    argv = [sys.executable, "-m", "search.cli", "--config", str(service.config.path), "index",
            "--quiet", "--status-file", str(root / STATUS_FILE), *(["--rebuild"] if rebuild else [])]
    proc = subprocess.Popen(argv, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    _await_lock(proc, root / STATUS_FILE)
    threading.Thread(target=proc.wait, name=f"reap-build-{proc.pid}", daemon=True).start()
    return proc.pid


def _await_lock(proc: subprocess.Popen, status_path: Path) -> None:
    """Wait until the build has written its first status (so holds the lock) or has exited."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        code = proc.poll()
        if _read_status(status_path).get("pid") == proc.pid:
            return
        if code == 3:
            raise BuildInProgress("another build took the build lock first")
        if code is not None:
            raise BuildFailedToStart(f"the build exited with status {code} before it started")
        time.sleep(0.05)


def _read_status(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def build_status(service: SearchService) -> tuple[str, dict[str, Any]]:
    """The build state (idle, running or failed) and the last admin build's status file.

    The lock is looked at before the file: a build writes its final status
    before it lets go of the lock, so "running" in the file with the lock free
    is a killed build, unless a new build took the lock since the first look.
    """
    held = service.build_running()
    status = _read_status(service.index_root / STATUS_FILE)
    if held:
        return "running", status
    if status.get("state") != "running":
        return status.get("state", "idle"), status
    if service.build_running():
        return "running", status
    return "failed", dict(status, error=KILLED.format(pid=status.get("pid")))


def status_document() -> dict[str, Any]:
    """Everything /admin/status reports: index counts, build state, progress, problems."""
    state, build = build_status(_service())
    failure = build.pop("last_failure", None)
    if failure and failure.get("error") is None:
        failure["error"] = KILLED.format(pid=failure.get("pid"))
    index, storage, index_error = None, None, None
    try:
        index, storage = _service().stats(), _service().storage()
    except IndexMissing as exc:
        index_error = str(exc)
    return {"state": state, "index": index, "storage": storage, "index_error": index_error,
            "build": build or None, "last_failure": failure,
            "last_check": _service().last_check()}


# -- endpoints -------------------------------------------------------------

@admin.post("/reindex")
def reindex() -> Response:
    refusal = _bearer_refusal()
    if refusal is not None:
        return refusal
    rebuild = request.args.get("rebuild", "0").lower() in ("1", "true", "yes")
    try:
        pid = start_build(_service(), rebuild)
    except BuildInProgress as exc:
        return error(409, "build_in_progress", str(exc))
    except BuildFailedToStart as exc:
        return error(500, "build_failed_to_start", str(exc))
    response = jsonify({"state": "running", "pid": pid, "rebuild": rebuild,
                        "status": url_for("admin.status")})
    response.status_code = 202
    response.headers["Location"] = url_for("admin.status")
    return response


@admin.get("/status")
def status() -> Response:
    refusal = None if session.get("admin") else _bearer_refusal()
    return refusal if refusal is not None else jsonify(status_document())


@admin.get("/")
def page() -> tuple[str, int]:
    if not _signed_in():
        return render_template("admin.html", status=None, error=None), 401
    return render_template("admin.html", status=status_document(), error=None), 200


@admin.post("/login")
def login() -> Response | tuple[str, int]:
    if not _is_token(request.form.get("token", "").strip()):
        return render_template("admin.html", status=None, error="wrong token"), 401
    session.clear()
    session.permanent = True
    session["admin"] = True
    return redirect(url_for("admin.page"), 303)


@admin.post("/logout")
def logout() -> Response:
    session.clear()
    return redirect(url_for("admin.page"), 303)
