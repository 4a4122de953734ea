"""/admin: the token, builds started from the web (one at a time), status, a killed build;
hardening: token length, backoff on wrong tokens, the session key and its rotation, Secure."""

from __future__ import annotations

import logging
import os
import signal
import stat
import threading

import pytest

from search.config import ConfigError, load_config
from search.service.indexing import build
from search.engine.whoosh.store import IndexStore
from web import create_app
from web.admin import GUARD_FILE, KEY_FILE, AttemptGuard, SessionKey

from .conftest import ADMIN_TOKEN, BEARER, speeches, wait_until, with_sections, write_config


@pytest.fixture()
def config_path(tmp_path, corpus):
    path = write_config(tmp_path, corpus)
    build(load_config(path))
    return path


@pytest.fixture()
def client(config_path, monkeypatch):
    monkeypatch.setenv("DIPSEARCH_ADMIN_TOKEN", ADMIN_TOKEN)
    return create_app(load_config(config_path)).test_client()


def status(client) -> dict:
    response = client.get("/admin/status", headers=BEARER)
    assert response.status_code == 200
    return response.json


def wait_for_state(client, *states: str, timeout: float = 60.0) -> dict:
    found: dict = {}

    def reached() -> bool:
        found.update(status(client))
        return found["state"] in states
    assert wait_until(reached, timeout=timeout, interval=0.1), found
    return found


def search_version(client, q: str) -> tuple[int, str]:
    response = client.get(f"/api/search?q={q}")
    assert response.status_code == 200
    return response.json["total"], response.json["index_version"]


@pytest.mark.parametrize("env_value", [None, "", "   "], ids=["unset", "empty", "blank"])
def test_admin_is_off_without_a_token(config_path, monkeypatch, env_value):
    if env_value is None:
        monkeypatch.delenv("DIPSEARCH_ADMIN_TOKEN", raising=False)
    else:
        monkeypatch.setenv("DIPSEARCH_ADMIN_TOKEN", env_value)
    client = create_app(load_config(config_path)).test_client()
    for method, path in [("GET", "/admin/status"), ("POST", "/admin/reindex"), ("GET", "/admin/"),
                         ("POST", "/admin/login")]:
        response = client.open(path, method=method, headers={"Authorization": "Bearer "})
        assert response.status_code == 404
        assert response.json["error"]["code"] == "not_found"
        assert "DIPSEARCH_ADMIN_TOKEN" in response.json["error"]["message"]


@pytest.mark.parametrize("method, path", [("GET", "/admin/status"), ("POST", "/admin/reindex"),
                                          ("POST", "/admin/reindex?rebuild=1")])
@pytest.mark.parametrize("header, code", [
    (None, "auth_required"),
    ("Bearer", "auth_required"),
    ("Basic dGVzdDp0ZXN0", "auth_required"),
    ("Bearer wrong-token", "bad_token"),
    (f"Bearer {ADMIN_TOKEN}x", "bad_token"),
    (f"Bearer {ADMIN_TOKEN[:-1]}", "bad_token"),
], ids=["missing", "empty", "basic", "wrong", "longer", "prefix"])
def test_admin_endpoints_refuse_a_missing_or_wrong_token(client, method, path, header, code):
    headers = {"Authorization": header} if header else {}
    response = client.open(path, method=method, headers=headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == code
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert not (IndexStore(client.application.config["DIPSEARCH"].index_dir).root
                / "status.json").exists(), "a refused request started a build"


def test_status_with_the_right_token(client):
    body = status(client)
    assert body["state"] == "idle"
    assert body["index"]["documents"] == 1 and body["index"]["passages"] > 0
    assert body["index"]["quotes"] > 0 and body["index"]["index_version"]
    assert body["build"] is None and body["last_failure"] is None


def test_reindex_runs_outside_the_request_and_reports_problems(client, corpus):
    (corpus / "more.jsonl").write_text(speeches(3) + "{broken\n")
    before = status(client)["index"]["index_version"]
    response = client.post("/admin/reindex", headers=BEARER)
    assert response.status_code == 202
    assert response.json["rebuild"] is False and response.headers["Location"] == "/admin/status"
    done = wait_for_state(client, "idle", "failed")
    assert done["state"] == "idle"
    build_ = done["build"]
    assert build_["version"] == before, "an incremental build writes into the live version"
    assert len(build_["problems"]) == 1 and build_["problems"][0].startswith("more.jsonl:4: ")
    assert build_["problem_count"] == 1 and build_["done"] == build_["total"] == 4
    assert build_["seconds"] >= 0 and build_["finished"] and build_["started"]
    assert wait_until(lambda: search_version(client, "delegation")[0] == 3, timeout=5)

    assert client.post("/admin/reindex?rebuild=1", headers=BEARER).status_code == 202
    rebuilt = wait_for_state(client, "idle", "failed")
    assert rebuilt["build"]["rebuild"] is True and rebuilt["build"]["version"] != before
    assert wait_until(lambda: search_version(client, "delegation")
                      == (3, rebuilt["build"]["version"]), timeout=5)


def test_one_build_at_a_time_409(client, config_path):
    store = IndexStore(load_config(config_path).index_dir)
    with store.build_lock():
        response = client.post("/admin/reindex?rebuild=1", headers=BEARER)
        assert response.status_code == 409
        assert response.json["error"]["code"] == "build_in_progress"
        assert status(client)["state"] == "running"
    assert status(client)["state"] == "idle"


def test_killed_build_is_reported_and_the_next_one_succeeds(client, corpus, config_path):
    """SIGKILL the build started by /admin/reindex: the old index answers, the next build works."""
    total, old_version = search_version(client, "hypersonic")
    assert total == 1
    (corpus / "big.jsonl").write_text(speeches(300))
    response = client.post("/admin/reindex?rebuild=1", headers=BEARER)
    assert response.status_code == 202
    pid = response.json["pid"]
    assert client.post("/admin/reindex", headers=BEARER).status_code == 409
    assert wait_until(lambda: (status(client)["build"] or {}).get("done", 0) > 0, timeout=30)
    running = status(client)
    assert running["state"] == "running" and running["build"]["pid"] == pid
    assert 0 < running["build"]["done"] < running["build"]["total"] == 301
    os.kill(pid, signal.SIGKILL)

    failed = wait_for_state(client, "failed", timeout=10)
    assert "killed" in failed["build"]["error"] and str(pid) in failed["build"]["error"]
    assert search_version(client, "hypersonic") == (1, old_version)
    assert search_version(client, "delegation")[0] == 0
    assert client.get("/readyz").status_code == 200

    assert client.post("/admin/reindex", headers=BEARER).status_code == 202
    done = wait_for_state(client, "idle", "failed")
    assert done["state"] == "idle" and done["build"]["problem_count"] == 0, done
    assert done["last_failure"]["pid"] == pid and "killed" in done["last_failure"]["error"]
    assert wait_until(lambda: search_version(client, "delegation")[0] == 300, timeout=5)
    versions = load_config(config_path).index_dir / "versions"
    assert len(list(versions.iterdir())) <= 2, "the killed build's version was not cleaned up"


def test_admin_page_needs_the_token_and_signs_in_with_a_session(client):
    page = client.get("/admin/")
    assert page.status_code == 401 and b'name="token"' in page.data
    assert client.post("/admin/login", data={"token": "nope"}).status_code == 401
    assert client.get("/admin/").status_code == 401

    signed_in = client.post("/admin/login", data={"token": ADMIN_TOKEN})
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == "/admin/"
    cookie = signed_in.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/admin" in cookie
    page = client.get("/admin/")
    version = status(client)["index"]["index_version"]
    assert page.status_code == 200 and version.encode() in page.data
    assert b"<script" not in page.data and b"style=" not in page.data
    assert client.get("/admin/status").status_code == 200
    refused = client.post("/admin/reindex")
    assert refused.status_code == 401, "a cookie alone must not start a build"

    client.post("/admin/logout")
    assert client.get("/admin/").status_code == 401
    assert client.get("/admin/status").status_code == 401


def test_admin_page_with_the_header(client):
    page = client.get("/admin/", headers=BEARER)
    assert page.status_code == 200 and b"Build: idle" in page.data


def test_reindex_from_the_web_brings_back_a_file_moved_out_and_in(client, corpus, tmp_path):
    """The admin path runs the same incremental build: a restored file is indexed again."""
    (corpus / "extra.jsonl").write_text(speeches(3))
    assert client.post("/admin/reindex", headers=BEARER).status_code == 202
    wait_for_state(client, "idle")
    (corpus / "extra.jsonl").rename(tmp_path / "extra.jsonl")
    assert client.post("/admin/reindex", headers=BEARER).status_code == 202
    wait_for_state(client, "idle")
    (tmp_path / "extra.jsonl").rename(corpus / "extra.jsonl")
    assert client.post("/admin/reindex", headers=BEARER).status_code == 202
    wait_for_state(client, "idle")
    # each worker looks for a newly published version at most once a second
    assert wait_until(lambda: status(client)["index"]["documents"] == 4, timeout=10), status(client)
    assert client.get("/api/documents/S1").status_code == 200


def test_status_shows_storage_and_the_last_check(client, config_path):
    import subprocess
    import sys

    from .conftest import ROOT

    body = status(client)
    assert body["storage"]["segments"] >= 1 and body["storage"]["deleted_share"] == 0
    assert body["last_check"] is None
    done = subprocess.run([sys.executable, "-m", "search.cli", "index", "--check", "--config",
                           str(config_path)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert status(client)["last_check"]["differences"] == 0
    page = client.get("/admin/", headers=BEARER).get_data(as_text=True)
    assert "0 differences between the index and the corpus" in page
    assert "Deleted units awaiting merge" in page


# -- hardening ---------------------------------------------------------------

COOKIE = "dipsearch_admin"


@pytest.mark.parametrize("token", ["x", "s3cret", ADMIN_TOKEN[:23]], ids=["1", "6", "23"])
def test_a_short_token_stops_the_app_at_start_up(config_path, monkeypatch, token):
    monkeypatch.setenv("DIPSEARCH_ADMIN_TOKEN", token)
    with pytest.raises(ConfigError) as err:
        create_app(load_config(config_path))
    message = str(err.value)
    assert "DIPSEARCH_ADMIN_TOKEN" in message and "at least 24 characters" in message
    assert token not in message.replace("DIPSEARCH_ADMIN_TOKEN", "")


def test_min_token_length_comes_from_the_config(config_path, monkeypatch):
    monkeypatch.setenv("DIPSEARCH_ADMIN_TOKEN", ADMIN_TOKEN)
    assert len(ADMIN_TOKEN) < 40
    with_sections(config_path, admin={"min_token_length": 40})
    with pytest.raises(ConfigError, match="at least 40 characters"):
        create_app(load_config(config_path))
    with_sections(config_path, admin={"min_token_length": len(ADMIN_TOKEN)})
    client = create_app(load_config(config_path)).test_client()
    assert client.get("/admin/status", headers=BEARER).status_code == 200


def test_gunicorn_refuses_to_start_with_a_short_token(config_path, gunicorn):
    with_sections(config_path, admin={"token_env": "DIPSEARCH_TEST_TOKEN"})
    with pytest.raises(RuntimeError) as err:
        gunicorn(config_path, env={"DIPSEARCH_TEST_TOKEN": "short"})
    assert "DIPSEARCH_TEST_TOKEN" in str(err.value) and "at least 24" in str(err.value)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def two_workers(config_path, monkeypatch):
    """Two apps over the same index folder (as two gunicorn workers are) and one fake clock."""
    monkeypatch.setenv("DIPSEARCH_ADMIN_TOKEN", ADMIN_TOKEN)
    clock = FakeClock()
    apps = [create_app(load_config(config_path)) for _ in range(2)]
    for app in apps:
        app.extensions["admin_guard"].clock = clock
    return clock, apps[0].test_client(), apps[1].test_client()


def wrong(client, n=1, **kwargs):
    return [client.get("/admin/status", headers={"Authorization": f"Bearer guess-{i}"},
                       **kwargs).status_code for i in range(n)]


def test_wrong_tokens_back_off_per_address_across_workers(two_workers):
    clock, one, two = two_workers
    assert wrong(one, 3) + wrong(two, 2) == [401] * 5  # 5 failures between the two workers
    for client in (one, two):
        for attempt in ({"headers": {"Authorization": "Bearer guess"}}, {"headers": BEARER}):
            blocked = client.get("/admin/status", **attempt)
            assert blocked.status_code == 429, "the right token is not even looked at"
            assert blocked.json["error"]["code"] == "too_many_failures"
            assert blocked.headers["Retry-After"] == "1"
        login = client.post("/admin/login", data={"token": ADMIN_TOKEN})
        assert login.status_code == 429 and login.headers["Retry-After"] == "1"
        assert b"try again in 1 s" in login.data and COOKIE not in login.headers.get("Set-Cookie", "")
        assert client.post("/admin/reindex", headers=BEARER).status_code == 429
        assert client.get("/admin/", headers=BEARER).status_code == 429
    other = {"environ_base": {"REMOTE_ADDR": "10.0.0.9"}}
    assert one.get("/admin/status", headers=BEARER, **other).status_code == 200, "per address"
    assert two.get("/admin/status", **other).status_code == 401, "no token is no attempt"

    waits = []
    for _ in range(15):  # the wait doubles with each further failure, up to 15 minutes
        clock.now += int(waits[-1]) if waits else 1
        assert wrong(two) == [401]
        waits.append(one.get("/admin/status", headers=BEARER).headers["Retry-After"])
    assert waits[:6] == ["2", "4", "8", "16", "32", "64"] and waits[-3:] == ["900"] * 3

    clock.now += 900
    assert one.get("/admin/status", headers=BEARER).status_code == 200
    assert wrong(two, 5) == [401] * 5, "a success starts the count again"
    assert wrong(one) == [429]


def test_no_token_or_a_session_is_no_attempt(two_workers):
    _, one, two = two_workers
    assert all(two.get("/admin/status").status_code == 401 for _ in range(10))
    assert two.get("/admin/status", headers=BEARER).status_code == 200, "no token, no failure"
    assert one.post("/admin/login", data={"token": ADMIN_TOKEN}).status_code == 303
    guess = {"Authorization": "Bearer guess"}
    assert [one.post("/admin/reindex", headers=guess).status_code for _ in range(6)] \
        == [401] * 5 + [429]
    assert one.get("/admin/status").status_code == 200, "a signed-in session is not an attempt"
    assert one.get("/admin/").status_code == 200


def test_failed_attempts_are_logged_with_the_address_and_never_the_token(two_workers, caplog):
    _, one, two = two_workers
    guesses = [ADMIN_TOKEN[:-1], ADMIN_TOKEN + "x", "Z" + ADMIN_TOKEN[1:], "hunter2-correct-horse"]
    caplog.set_level(logging.DEBUG, logger="web.admin")
    for guess in guesses[:2]:
        assert one.get("/admin/status", headers={"Authorization": f"Bearer {guess}"},
                       environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 401
    for guess in guesses[2:]:
        assert two.post("/admin/login", data={"token": guess},
                        environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 401
    assert wrong(one, 2, environ_base={"REMOTE_ADDR": "192.0.2.7"}) == [401, 429]
    failures = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(failures) == 5 and all("192.0.2.7" in r.getMessage() for r in failures)
    text = "\n".join(r.getMessage() for r in caplog.records)
    for secret in [ADMIN_TOKEN, *guesses, "guess-0"]:
        pieces = {secret[i:i + 6] for i in range(len(secret) - 5)}
        assert not [p for p in pieces if p in text], secret


def test_logout_revokes_the_cookie_in_every_worker(two_workers, config_path):
    _, one, two = two_workers
    key_file = load_config(config_path).index_dir / KEY_FILE
    assert not key_file.exists(), "created on first use"
    assert one.post("/admin/login", data={"token": ADMIN_TOKEN}).status_code == 303
    cookie = one.get_cookie(COOKIE, path="/admin").value
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and len(key_file.read_bytes()) == 32
    two.set_cookie(COOKIE, cookie, path="/admin")
    assert two.get("/admin/status").status_code == 200, "every worker signs with the same key"
    key = key_file.read_bytes()

    assert two.post("/admin/logout").status_code == 303
    assert key_file.read_bytes() != key and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    for client in (two, one):  # one still holds the cookie; two gets it back
        client.set_cookie(COOKIE, cookie, path="/admin")
        assert client.get("/admin/status").status_code == 401
        assert client.get("/admin/").status_code == 401
    assert one.post("/admin/login", data={"token": ADMIN_TOKEN}).status_code == 303
    assert one.get("/admin/status").status_code == 200


def test_a_bare_logout_does_not_sign_the_admins_out(two_workers, config_path):
    _, one, two = two_workers
    assert one.post("/admin/login", data={"token": ADMIN_TOKEN}).status_code == 303
    key = (load_config(config_path).index_dir / KEY_FILE).read_bytes()
    assert two.post("/admin/logout").status_code == 303
    assert (load_config(config_path).index_dir / KEY_FILE).read_bytes() == key
    assert one.get("/admin/status").status_code == 200


def test_the_session_key_does_not_come_from_the_token(tmp_path, corpus, monkeypatch):
    """Two installations with the same token sign with different keys."""
    monkeypatch.setenv("DIPSEARCH_ADMIN_TOKEN", ADMIN_TOKEN)
    cookies = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        path = write_config(tmp_path / name, corpus)
        build(load_config(path))
        client = create_app(load_config(path)).test_client()
        client.post("/admin/login", data={"token": ADMIN_TOKEN})
        cookies.append(client)
    cookies[1].set_cookie(COOKIE, cookies[0].get_cookie(COOKIE, path="/admin").value,
                          path="/admin")
    assert cookies[1].get("/admin/status").status_code == 401


def test_workers_starting_at_once_agree_on_one_key(tmp_path):
    path = tmp_path / "index" / KEY_FILE
    start = threading.Barrier(8)
    keys: list[bytes] = []

    def worker() -> None:
        start.wait()
        keys.append(SessionKey(path).current())
    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1 and keys[0] == path.read_bytes()
    assert [p.name for p in path.parent.iterdir()] == [KEY_FILE], "no temporary file left"
    other = SessionKey(path)
    SessionKey(path).rotate()
    assert other.current() == path.read_bytes() != keys[0]


def test_attempt_guard_file_is_private_and_forgets_old_failures(tmp_path):
    clock = FakeClock()
    guard = AttemptGuard(tmp_path / GUARD_FILE, clock=clock)
    for _ in range(5):
        guard.failed("a")
    assert stat.S_IMODE((tmp_path / GUARD_FILE).stat().st_mode) == 0o600
    assert guard.wait("a") == 1 and guard.wait("b") is None
    clock.now += AttemptGuard.FORGET_AFTER
    assert guard.wait("a") is None and guard.failed("a") == (1, 0.0)


@pytest.mark.parametrize("public_url, secure", [
    ("https://search.example.org/", True),
    ("http://search.example.org", False),
    (None, False),
])
def test_the_cookie_is_secure_when_the_public_url_is_https(config_path, monkeypatch,
                                                           public_url, secure):
    monkeypatch.setenv("DIPSEARCH_ADMIN_TOKEN", ADMIN_TOKEN)
    with_sections(config_path, server={"public_url": public_url})
    client = create_app(load_config(config_path)).test_client()
    cookie = client.post("/admin/login", data={"token": ADMIN_TOKEN}).headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie
    assert ("; Secure" in cookie) is secure
