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

Hardening (state shared by all gunicorn workers through files in the index folder):

* The token must be at least ``admin.min_token_length`` characters (default
  24): a shorter one stops the app at start-up with a ConfigError.
* Wrong tokens back off per client address (``AttemptGuard``): after
  ``FREE_FAILURES`` failures every further attempt from that address gets 429
  with Retry-After, without the token even being compared, for a wait that
  doubles with each further failure up to ``MAX_DELAY``; a right token resets it.
  Each failure is logged with the address, never the token.
* The session cookie is signed with a random key kept in
  ``<index>/admin-session.key`` (mode 0600), not one derived from the token, so
  a captured cookie tells nothing about the token. Signing out writes a new
  key: that cookie, and every other session, stops working in every worker
  (each one looks at the key file's identity before using a cookie).
* The cookie is ``Secure`` when ``server.public_url`` is https.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import os
import secrets
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable

from flask import (Blueprint, Flask, Response, current_app, jsonify, redirect, render_template,
                   request, session, url_for)
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

from search.config import Config, ConfigError
from search.service import BuildInProgress, IndexMissing, SearchService

from .api import error

admin = Blueprint("admin", __name__, url_prefix="/admin")

ROOT = Path(__file__).resolve().parents[1]
STATUS_FILE = "status.json"
START_TIMEOUT = 30.0  # seconds to wait for a new build to take the build lock
KILLED = "the build process (pid {pid}) stopped before finishing: killed?"


class BuildFailedToStart(RuntimeError):
    """The build process exited before it took the build lock (not because of another build)."""


log = logging.getLogger(__name__)

GUARD_FILE = "admin-guard.sqlite"
KEY_FILE = "admin-session.key"
KEY_BYTES = 32


# -- shared state: failed attempts and the session key ----------------------

class GuardUnavailable(RuntimeError):
    """The attempts store could not be read or written: sign-in is refused (fails closed)."""


class AttemptGuard:
    """Failed token attempts per client address, shared by every worker process.

    gunicorn workers are separate processes, so a count kept in memory would
    give an attacker ``workers`` times the attempts and forget them whenever a
    worker is recycled. The counts live in a small SQLite file in the index
    folder instead: SQLite's own file locking makes each read-modify-write
    (``BEGIN IMMEDIATE``) atomic across processes, waits for a concurrent
    writer (``timeout``) rather than losing its update, and changes one row
    rather than rewriting a whole file as locked JSON would. A connection is
    opened per use (a fraction of a millisecond, and only on requests that
    present a token), so none is shared across gunicorn's fork.

    After ``FREE_FAILURES`` failures an address waits ``BASE_DELAY`` seconds,
    doubled by each further failure, at most ``MAX_DELAY``; attempts during the
    wait are refused unchecked. A success deletes the row; a row whose last
    failure is ``FORGET_AFTER`` old is forgotten.
    """

    FREE_FAILURES = 5
    BASE_DELAY = 1.0
    MAX_DELAY = 15 * 60.0
    FORGET_AFTER = 24 * 3600.0

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.clock = clock
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        try:
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))  # addresses: 0600
            db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            if not self._ready:
                db.execute("CREATE TABLE IF NOT EXISTS failures (address TEXT PRIMARY KEY, "
                           "count INTEGER NOT NULL, last REAL NOT NULL, until REAL NOT NULL)")
                self._ready = True
            return db
        except (OSError, sqlite3.Error) as exc:
            raise GuardUnavailable(f"{self.path}: {exc}") from exc

    def _run(self, work: Callable[[sqlite3.Connection, float], Any]) -> Any:
        """``work(db, now)`` in one write transaction."""
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            result = work(db, self.clock())
            db.execute("COMMIT")
            return result
        except sqlite3.Error as exc:
            raise GuardUnavailable(f"{self.path}: {exc}") from exc
        finally:
            db.close()

    def wait(self, address: str) -> int | None:
        """Whole seconds this address must still wait before its next attempt, or None."""
        def look(db: sqlite3.Connection, now: float) -> int | None:
            row = db.execute("SELECT last, until FROM failures WHERE address = ?",
                             (address,)).fetchone()
            if row is None:
                return None
            if now - row[0] >= self.FORGET_AFTER:
                db.execute("DELETE FROM failures WHERE address = ?", (address,))
                return None
            return max(1, math.ceil(row[1] - now)) if row[1] > now else None
        return self._run(look)

    def failed(self, address: str) -> tuple[int, float]:
        """Count a failure: (failures so far, seconds the address must now wait)."""
        def count(db: sqlite3.Connection, now: float) -> tuple[int, float]:
            db.execute("DELETE FROM failures WHERE last <= ?", (now - self.FORGET_AFTER,))
            row = db.execute("SELECT count FROM failures WHERE address = ?",
                             (address,)).fetchone()
            failures = (row[0] if row else 0) + 1
            delay = 0.0
            if failures >= self.FREE_FAILURES:
                delay = min(self.MAX_DELAY,
                            self.BASE_DELAY * 2 ** min(failures - self.FREE_FAILURES, 32))
            db.execute("INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?)",
                       (address, failures, now, now + delay))
            return failures, delay
        return self._run(count)

    def succeeded(self, address: str) -> None:
        self._run(lambda db, now: db.execute("DELETE FROM failures WHERE address = ?",
                                             (address,)))


class SessionKey:
    """The session cookie's signing key: random bytes in a 0600 file that all workers read.

    The file is written whole under a temporary name and then linked into place
    (creation: ``os.link`` fails if it exists, like O_EXCL, so two workers
    starting at once both end up reading the one that won) or renamed over the
    old key (rotation): a reader never sees a half-written key. ``current()``
    stats the file (one system call) and re-reads it only when its identity
    (inode, mtime, size) changed, so a key rotated by one worker is used by all
    from their next request.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int, int] | None = None
        self._key = b""

    def current(self) -> bytes:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            self._create()
            return self._load()
        if (st.st_ino, st.st_mtime_ns, st.st_size) != self._stamp:
            return self._load()
        return self._key

    def rotate(self) -> None:
        """Write a new key: every cookie signed with the old one is refused from now on."""
        os.replace(self._write_temporary(), self.path)
        self._load()

    def _write_temporary(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_bytes(KEY_BYTES))
            os.fsync(fd)
        finally:
            os.close(fd)
        return temporary

    def _create(self) -> None:
        temporary = self._write_temporary()
        try:
            os.link(temporary, self.path)
        except FileExistsError:
            pass  # another worker created it first: use theirs
        finally:
            temporary.unlink()

    def _load(self) -> bytes:
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            self._create()
            fd = os.open(self.path, os.O_RDONLY)
        try:
            st = os.fstat(fd)
            key = os.read(fd, 4 * KEY_BYTES)
        finally:
            os.close(fd)
        if len(key) < KEY_BYTES:  # damaged by hand: replace it (every session ends)
            self.rotate()
            return self._key
        self._stamp, self._key = (st.st_ino, st.st_mtime_ns, st.st_size), key
        return key


class KeyFileSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, signed with the current ``SessionKey`` (HMAC-SHA256)."""

    digest_method = staticmethod(hashlib.sha256)

    def __init__(self, key: SessionKey) -> None:
        self.key = key

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(
            self.key.current(), salt=self.salt, serializer=self.serializer,
            signer_kwargs={"key_derivation": self.key_derivation,
                           "digest_method": self.digest_method})

    def open_session(self, app: Flask, request) -> SecureCookieSession | None:
        """No cookie, no key file look-up: most requests never touch the file."""
        if not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def admin_token(config: Config) -> str:
    """The admin token from the environment ("" when admin is off).

    ConfigError when it is shorter than ``admin.min_token_length``: a command
    that starts the server may call this first to stop with the message alone.
    """
    env = config.get("admin", "token_env")
    token = os.environ.get(env, "").strip() if env else ""
    minimum = config.get("admin", "min_token_length")
    if token and len(token) < minimum:
        raise ConfigError(
            f"the admin token in the environment variable {env} is too short: it must be at "
            f"least {minimum} characters (admin.min_token_length); make one with "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(32))', or unset "
            f"{env} to turn admin off")
    return token


def init_admin(app: Flask) -> None:
    """Register the blueprint; with a token, set up the session key, the guard and the cookie.

    ConfigError when the token is too short (``admin_token``).
    """
    config: Config = app.config["DIPSEARCH"]
    token = admin_token(config)
    app.extensions["admin_token"] = token
    if token:
        root = config.index_dir
        app.extensions["admin_guard"] = AttemptGuard(root / GUARD_FILE)
        app.extensions["admin_session_key"] = SessionKey(root / KEY_FILE)
        app.session_interface = KeyFileSessionInterface(app.extensions["admin_session_key"])
        public_url = config.get("server", "public_url")
        app.config.update(SESSION_COOKIE_NAME="dipsearch_admin", SESSION_COOKIE_PATH="/admin",
                          SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_HTTPONLY=True,
                          SESSION_COOKIE_SECURE=bool(public_url
                                                     and public_url.startswith("https://")),
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


class Refusal(Exception):
    """A token attempt refused: the status, error code and message to answer with."""

    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after

    def json(self) -> Response:
        response = error(self.status, self.code, self.message)
        if self.retry_after is not None:
            response.headers["Retry-After"] = str(self.retry_after)
        if self.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="dipsearch admin"'
        return response

    def page(self) -> tuple[str, int, dict[str, str]]:
        headers = {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}
        return render_template("admin.html", status=None, error=self.message), self.status, headers


def _check_token(given: str) -> None:
    """Return if ``given`` is the token; else raise the Refusal (401, 429 backing off, 503).

    While the client's address is backing off the token is not compared at
    all: a right guess then would tell as much as a wrong one.
    """
    guard: AttemptGuard = current_app.extensions["admin_guard"]
    address = request.remote_addr or "unknown"
    try:
        wait = guard.wait(address)
        if wait is not None:
            log.info("admin: attempt from %s refused unchecked: backing off %d s more",
                     address, wait)
            raise Refusal(429, "too_many_failures", "too many wrong admin tokens from your "
                          f"address: try again in {wait} s", retry_after=wait)
        if _is_token(given):
            guard.succeeded(address)
            return
        failures, delay = guard.failed(address)
    except GuardUnavailable as exc:
        log.error("admin: attempt from %s refused: cannot record attempts: %s", address, exc)
        raise Refusal(503, "admin_unavailable", "admin sign-in is unavailable: the server "
                      "cannot record attempts; see its log") from None
    log.warning("admin: wrong token from %s (failure %d%s)", address, failures,
                f", next attempt allowed in {delay:.0f} s" if delay else "")
    raise Refusal(401, "bad_token", "wrong admin token")


def _check_bearer() -> None:
    """Return when the request carries the right bearer token; else raise the Refusal."""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and given.strip():
        _check_token(given.strip())
        return
    raise Refusal(401, "auth_required", "send the admin token as 'Authorization: Bearer <token>'")


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
    try:
        _check_bearer()
    except Refusal as refusal:
        return refusal.json()
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
    if not session.get("admin"):
        try:
            _check_bearer()
        except Refusal as refusal:
            return refusal.json()
    return jsonify(status_document())


@admin.get("/")
def page() -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    if not session.get("admin"):
        try:
            _check_bearer()
        except Refusal as refusal:
            if refusal.status == 401:  # the sign-in form, with no error for a first visit
                return render_template("admin.html", status=None, error=None), 401
            return refusal.page()
    return render_template("admin.html", status=status_document(), error=None), 200


@admin.post("/login")
def login() -> Response | tuple[str, int, dict[str, str]]:
    try:
        _check_token(request.form.get("token", "").strip())
    except Refusal as refusal:
        return refusal.page()
    session.clear()
    session.permanent = True
    session["admin"] = True
    return redirect(url_for("admin.page"), 303)


@admin.post("/logout")
def logout() -> Response:
    """Sign out by writing a new signing key: this cookie, and every other, stops working.

    Only a signed-in session rotates the key, so that no one else can sign the
    admins out with a bare POST.
    """
    if session.get("admin"):
        current_app.extensions["admin_session_key"].rotate()
        log.info("admin: signed out from %s; session key rotated", request.remote_addr)
    session.clear()
    return redirect(url_for("admin.page"), 303)
