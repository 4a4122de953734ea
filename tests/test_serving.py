"""Serving for real: gunicorn, health checks, missing and corrupt indexes, re-indexing under
load, and a worker killed in the middle of a request."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from whoosh.query import Term

from search.config import load_config
from search.service.indexing import build
from search.service.searching import SearchService
from search.engine.whoosh.store import IndexStore
from web import create_app

from .conftest import (BEARER, ROOT, fetch, free_port, speeches, wait_until, with_sections,
                       write_config)

QUERIES = ["nuclear+disarmament", "%22rules-based+order%22", "delegation", "hypersonic",
           "sustainable&date_from=1960&date_to=1990", "disarmament&facets=country,speaker,year"]
NO_TRACE = (b"Traceback", b'File "', b"whoosh/")


def body_json(body: bytes) -> dict:
    return json.loads(body.decode("utf-8"))


def assert_unavailable(client) -> None:
    """503 everywhere the index is needed, JSON for the API, a page for people, no traceback."""
    for path in ("/api/search?q=hypersonic", "/api/stats", "/api/documents/x", "/readyz"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert response.json["error"]["code"] == "index_unavailable", path
        assert not any(marker in response.data for marker in NO_TRACE), response.data
    page = client.get("/?q=hypersonic")
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert b"index" in page.data and not any(marker in page.data for marker in NO_TRACE)
    assert client.get("/healthz").status_code == 200


# -- health, missing and corrupt indexes ----------------------------------------------------

def test_missing_index_is_503_until_built_then_ready_without_restart(tmp_path, corpus, gunicorn):
    config = with_sections(write_config(tmp_path, corpus), server={"workers": 2})
    server = gunicorn(config)
    assert server.get("/healthz")[0] == 200
    status, headers, body = server.get("/readyz")
    assert status == 503 and headers["Content-Type"] == "application/json"
    assert body_json(body)["error"]["code"] == "index_unavailable"
    status, headers, body = server.get("/api/search?q=hypersonic")
    assert status == 503 and body_json(body)["error"]["code"] == "index_unavailable"
    status, headers, body = server.get("/?q=hypersonic")
    assert status == 503 and headers["Content-Type"].startswith("text/html")
    assert b"dipsearch index" in body and not any(marker in body for marker in NO_TRACE)

    version = build(load_config(config)).version
    for _ in range(4):  # both workers, whichever answers
        assert wait_until(lambda: server.get("/readyz")[0] == 200, timeout=10)
        status, _, body = server.get("/readyz")
        assert status == 200 and body_json(body)["index_version"] == version


def _copy_index_to_broken_version(config) -> Path:
    """Publish a copy of the live version as a new version, to be damaged by the test."""
    store = IndexStore(config.index_dir)
    live = store.versions / store.current_name()
    broken = store.versions / "99990101T000000000000Z"
    shutil.copytree(live, broken)
    store.publish(broken.name)
    return broken


def _garbage_toc(version: Path) -> None:
    for toc in version.glob("*.toc"):
        toc.write_bytes(os.urandom(300))


def _empty_toc(version: Path) -> None:
    for toc in version.glob("*.toc"):
        toc.write_bytes(b"")


def _garbage_segment(version: Path) -> None:
    for seg in version.glob("*.seg"):
        seg.write_bytes(os.urandom(4096))


def _truncated_segment(version: Path) -> None:
    for seg in version.glob("*.seg"):
        seg.write_bytes(seg.read_bytes()[:1000])


def _missing_segment(version: Path) -> None:
    for seg in version.glob("*.seg"):
        seg.unlink()


def _only_garbage(version: Path) -> None:
    for path in version.iterdir():
        path.unlink()
    (version / "junk.bin").write_bytes(os.urandom(200))


@pytest.mark.parametrize("damage", [_garbage_toc, _empty_toc, _garbage_segment,
                                    _truncated_segment, _missing_segment, _only_garbage])
def test_corrupt_index_is_503_never_a_traceback(tmp_path, corpus, damage):
    config = load_config(write_config(tmp_path, corpus))
    build(config)
    damage(_copy_index_to_broken_version(config))
    assert_unavailable(create_app(config).test_client())


def test_no_index_at_all(tmp_path, corpus):
    assert_unavailable(create_app(load_config(write_config(tmp_path, corpus))).test_client())


def test_a_worker_keeps_its_version_when_the_next_one_is_broken(tmp_path, corpus):
    config = load_config(write_config(tmp_path, corpus))
    good = build(config).version
    client = create_app(config).test_client()
    assert client.get("/readyz").json["index_version"] == good
    _garbage_toc(_copy_index_to_broken_version(config))
    time.sleep(1.1)  # the service looks at CURRENT at most once a second
    response = client.get("/api/search?q=hypersonic")
    assert response.status_code == 200 and response.json["index_version"] == good
    assert client.get("/readyz").status_code == 200


def test_an_open_version_stays_readable_after_it_is_pruned(tmp_path, corpus):
    """Why keep_versions may be small: a worker's searcher keeps a pruned version readable."""
    config = load_config(write_config(tmp_path, corpus, keep_versions=1))
    first = build(config).version
    live = SearchService(config).live()
    assert build(config, rebuild=True).version != first
    assert not (config.index_dir / "versions" / first).exists()
    documents = list(live.searcher.documents(unit="document"))
    assert len(documents) == 1 and documents[0]["doc_id"]
    assert live.searcher.docs_for_query(Term("unit", "passage"))
    assert sum(live.columns.count("speaker", live.unit_docs("document")).values()) >= 1


# -- gunicorn ---------------------------------------------------------------------------------

def test_dipsearch_serve_runs_gunicorn_with_the_config_file(tmp_path, corpus):
    config = with_sections(write_config(tmp_path, corpus), server={"workers": 1})
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "FLASK_DEBUG"}
    proc = subprocess.Popen([sys.executable, "-m", "search.cli", "--config", str(config), "serve",
                             "--workers", "3", "--bind", f"127.0.0.1:{port}"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        assert wait_until(lambda: _ready(port), timeout=60), "serve did not come up"
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
        assert wait_until(lambda: len(children.read_text().split()) == 3, timeout=10), \
            "--workers overrides server.workers"
        assert fetch(port, "/api/search?q=hypersonic")[0] == 200
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _ready(port: int) -> bool:
    try:
        return fetch(port, "/readyz", timeout=2)[0] == 200
    except OSError:
        return False


class Load:
    """Client threads searching as fast as they can; every answer (or error) is kept."""

    def __init__(self, port: int, clients: int) -> None:
        self.port = port
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.results: list[tuple[float, int | str, str | None]] = []
        self.threads = [threading.Thread(target=self._run, args=(i,)) for i in range(clients)]

    def __enter__(self) -> "Load":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(30)

    def _run(self, offset: int) -> None:
        n = offset
        while not self.stop.is_set():
            q = QUERIES[n % len(QUERIES)]
            n += 1
            try:
                status, _, body = fetch(self.port, f"/api/search?q={q}")
                version = body_json(body).get("index_version") if status == 200 else None
                outcome: tuple = (time.monotonic(), status, version)
            except (OSError, http.client.HTTPException, ValueError) as exc:
                outcome = (time.monotonic(), repr(exc), None)
            with self.lock:
                self.results.append(outcome)

    def failures(self) -> list:
        with self.lock:
            return [r for r in self.results if r[1] != 200]

    def versions_since(self, since: float) -> set:
        with self.lock:
            return {r[2] for r in self.results if r[0] >= since}


def _admin_status(port: int) -> dict:
    status, _, body = fetch(port, "/admin/status", headers=BEARER)
    assert status == 200
    return body_json(body)


def _reindex_and_wait(port: int, query: str) -> dict:
    status, _, body = fetch(port, query, method="POST", headers=BEARER)
    assert status == 202, body
    done: dict = {}

    def finished() -> bool:
        done.update(_admin_status(port))
        return done["state"] != "running"
    assert wait_until(finished, timeout=60, interval=0.2), done
    assert done["state"] == "idle", done
    return done


def test_reindex_under_load_fails_no_request(tmp_path, corpus, gunicorn):
    (corpus / "speeches.jsonl").write_text(speeches(60))
    config = with_sections(write_config(tmp_path, corpus),
                           server={"workers": 2, "max_requests": 60},
                           api={"rate_limit_per_minute": 0})
    old = build(load_config(config)).version
    server = gunicorn(config)
    with Load(server.port, clients=6) as load:
        time.sleep(1.0)
        new = _reindex_and_wait(server.port, "/admin/reindex?rebuild=1")["build"]["version"]
        assert new != old
        switched = time.monotonic()
        assert wait_until(lambda: load.versions_since(time.monotonic() - 0.3) == {new}, 10)

        (corpus / "more.jsonl").write_text(speeches(5, start=1000))
        _reindex_and_wait(server.port, "/admin/reindex")
        assert wait_until(lambda: body_json(server.get("/api/search?q=delegation")[2])["total"]
                          == 65, timeout=10)
        time.sleep(max(1.0, switched + 4.0 - time.monotonic()))  # load past the check below
    assert load.failures() == []
    assert len(load.results) > 100
    assert {old, new} <= {r[2] for r in load.results}
    assert load.versions_since(switched + 2.5) == {new}, "a worker kept the old version"


SLOW_APP = '''
import os
import time

from flask import Response, request

from web.wsgi import app


@app.get("/slow")
def slow():
    """Test only: the worker's pid at once, then "done" after ?seconds=."""
    seconds = float(request.args["seconds"])

    def body():
        yield f"{os.getpid()}\\n"
        time.sleep(seconds)
        yield "done\\n"
    return Response(body(), mimetype="text/plain")
'''


def _start_slow(port: int, seconds: float) -> tuple[http.client.HTTPResponse, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", f"/slow?seconds={seconds}")
    response = conn.getresponse()
    assert response.status == 200
    return response, int(response.readline())


def test_sigkill_a_worker_mid_request(tmp_path, corpus, gunicorn):
    (tmp_path / "slowapp.py").write_text(SLOW_APP)
    config = with_sections(write_config(tmp_path, corpus), server={"workers": 2})
    build(load_config(config))
    server = gunicorn(config, env={"PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"},
                      app="slowapp:app")
    victim_response, victim = _start_slow(server.port, 30)
    other_response, other = _start_slow(server.port, 3)
    assert victim != other and {victim, other} == server.workers()

    os.kill(victim, signal.SIGKILL)
    with pytest.raises((http.client.HTTPException, OSError)):
        victim_response.read()
    assert wait_until(lambda: len(server.workers() - {victim, other}) == 1, timeout=20)
    replacement = (server.workers() - {victim, other}).pop()
    answers = [server.get("/api/search?q=hypersonic")[0] for _ in range(10)]
    assert answers == [200] * 10
    assert other_response.read() == b"done\n", "the request on the other worker was cut"
    assert server.workers() == {other, replacement}
    assert server.get("/readyz")[0] == 200
