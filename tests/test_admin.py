"""/admin: the token, builds started from the web (one at a time), status, a killed build."""

from __future__ import annotations

import os
import signal

import pytest

from search.config import load_config
from search.service.indexing import build
from search.engine.whoosh.store import IndexStore
from web import create_app

from .conftest import ADMIN_TOKEN, BEARER, speeches, wait_until, write_config


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
