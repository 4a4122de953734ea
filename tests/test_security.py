"""Security: headers on every response, body size limit, path traversal, rate limit, no debug."""

from __future__ import annotations

import builtins
import json
import os
import subprocess
import sys

import pytest

from search.config import load_config
from search.service.indexing import build
from web import create_app
from web.security import CSP

from .conftest import ADMIN_TOKEN, BEARER, ROOT, with_sections, write_config

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
TRAVERSALS = [
    "/api/documents/../../etc/passwd",
    "/api/documents/..%2f..%2fetc%2fpasswd",
    "/api/documents/%2e%2e/%2e%2e/etc/passwd",
    "/api/documents/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/api/documents/%252e%252e%252fetc%252fpasswd",
    "/api/documents/..%5c..%5cetc%5cpasswd",
    "/api/documents/....//....//etc/passwd",
    "/api/documents/%2F..%2F..%2Fetc%2Fpasswd",
    "/api/documents/%2fetc%2fpasswd",
    "/api/documents/etc%00passwd",
]


def make_app(tmp_path, corpus, monkeypatch, **sections):
    monkeypatch.setenv("DIPSEARCH_ADMIN_TOKEN", ADMIN_TOKEN)
    path = with_sections(write_config(tmp_path, corpus), **sections)
    build(load_config(path))
    return create_app(load_config(path))


@pytest.fixture()
def client(tmp_path, corpus, monkeypatch):
    return make_app(tmp_path, corpus, monkeypatch).test_client()


def test_csp_forbids_inline_code():
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    assert "script-src 'self'" in CSP and "frame-ancestors 'none'" in CSP


@pytest.mark.parametrize("method, path, headers, status", [
    ("GET", "/", {}, 200),
    ("GET", "/?q=hypersonic", {}, 200),
    ("GET", "/no-such-page", {}, 404),
    ("GET", "/api/search?q=hypersonic", {}, 200),
    ("GET", "/api/search?unit=nonsense", {}, 400),
    ("GET", "/api/no-such-endpoint", {}, 404),
    ("DELETE", "/api/search", {}, 405),
    ("GET", "/api/documents/../../etc/passwd", {}, 404),
    ("GET", "/api/export.csv?q=hypersonic", {}, 200),
    ("GET", "/healthz", {}, 200),
    ("GET", "/readyz", {}, 200),
    ("GET", "/admin/", {}, 401),
    ("GET", "/admin/", BEARER, 200),
    ("GET", "/admin/status", {}, 401),
    ("GET", "/admin/status", BEARER, 200),
    ("POST", "/admin/reindex", {"Authorization": "Bearer wrong"}, 401),
])
def test_security_headers_on_every_response(client, method, path, headers, status):
    response = client.open(path, method=method, headers=headers)
    assert response.status_code == status
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, name


def test_pages_carry_no_inline_script_or_style(client):
    for path in ("/", "/?q=hypersonic", "/admin/"):
        body = client.get(path, headers=BEARER).data.lower()
        assert b"<script>" not in body and b"style=" not in body and b"<style" not in body
        assert b" on" + b"click=" not in body


@pytest.mark.parametrize("path", ["/api/search", "/admin/reindex", "/admin/login"])
def test_bodies_over_the_limit_get_413_json(tmp_path, corpus, monkeypatch, path):
    client = make_app(tmp_path, corpus, monkeypatch,
                      server={"max_request_bytes": 2048}).test_client()
    response = client.post(path, data=b"x" * 4096, headers=BEARER,
                           content_type="application/octet-stream")
    assert response.status_code == 413
    assert response.json["error"]["code"] == "request_entity_too_large"
    assert response.headers["Content-Security-Policy"] == CSP
    small = client.post("/admin/login", data={"token": "wrong"})
    assert small.status_code == 401


@pytest.mark.parametrize("path", TRAVERSALS)
def test_document_ids_never_reach_the_filesystem(client, monkeypatch, path):
    opened: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def spy_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def spy_os_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_os_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    response = client.get(path)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
    assert b"root:" not in response.data
    assert not [p for p in opened if "passwd" in p]


def test_document_ids_through_gunicorn_raw_paths(tmp_path, corpus, gunicorn):
    config = write_config(tmp_path, corpus)
    build(load_config(config))
    server = gunicorn(config)
    for path in TRAVERSALS:
        status, headers, body = server.get(path)
        assert status == 404, path
        assert headers["Content-Type"] == "application/json", path
        assert json.loads(body)["error"]["code"] == "not_found", path
        assert b"root:" not in body
    doc_id = json.loads(server.get("/api/search?q=hypersonic")[2])["hits"][0]["doc_id"]
    assert server.get(f"/api/documents/{doc_id}")[0] == 200


def test_rate_limit_answers_429_json_with_retry_after(tmp_path, corpus, monkeypatch):
    client = make_app(tmp_path, corpus, monkeypatch,
                      api={"rate_limit_per_minute": 3}).test_client()
    for _ in range(3):
        assert client.get("/api/search?q=hypersonic").status_code == 200
    limited = client.get("/api/search?q=hypersonic")
    assert limited.status_code == 429
    assert limited.json["error"]["code"] == "too_many_requests"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.headers["Content-Security-Policy"] == CSP
    assert client.get("/admin/status", headers=BEARER).status_code == 429
    page = client.get("/?q=hypersonic")
    assert page.status_code == 429, "pages share the API's budget"
    assert "text/html" in page.headers["Content-Type"] and page.headers["Retry-After"]
    assert client.get("/healthz").status_code == 200
    other = client.get("/api/search?q=hypersonic", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert other.status_code == 200, "the limit is per client address"


def test_rate_limit_off_with_zero(tmp_path, corpus, monkeypatch):
    client = make_app(tmp_path, corpus, monkeypatch,
                      api={"rate_limit_per_minute": 0}).test_client()
    assert all(client.get("/api/stats").status_code == 200 for _ in range(50))


def test_debug_mode_cannot_be_turned_on(tmp_path, corpus, gunicorn):
    config = write_config(tmp_path, corpus)
    env = dict(os.environ, DIPSEARCH_CONFIG=str(config), FLASK_DEBUG="1")
    refused = subprocess.run([sys.executable, "-c", "import web.wsgi"], cwd=ROOT, env=env,
                             capture_output=True, text=True)
    assert refused.returncode != 0 and "refusing to serve in debug mode" in refused.stderr
    env["FLASK_DEBUG"] = "0"
    allowed = subprocess.run([sys.executable, "-c", "import web.wsgi; print(web.wsgi.app.debug)"],
                             cwd=ROOT, env=env, capture_output=True, text=True)
    assert allowed.stdout.strip() == "False", allowed.stderr

    with pytest.raises(RuntimeError, match="refusing to serve in debug mode"):
        gunicorn(config, env={"FLASK_DEBUG": "1"})
