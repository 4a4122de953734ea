"""Shared fixtures: a small corpus and a config pointing at temporary folders."""

from __future__ import annotations

import gzip
import http.client
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
UNGDC = SHARED / "corpora" / "ungdc-1946-2024.jsonl.gz"
SEED = ROOT / "corpus" / "us-japan-defence-cooperation-2022-01-07.txt"


def write_config(tmp_path: Path, corpus: Path, **index) -> Path:
    """A config file whose corpus and index live under tmp_path."""
    config = tmp_path / "config.yaml"
    config.write_text(json.dumps({
        "corpus": {"paths": [str(corpus)], "speakers": str(ROOT / "corpus" / "speakers.yaml")},
        "index": {"dir": str(tmp_path / "index"), **index},
    }))
    return config


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """A corpus folder holding the seed article."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    return folder


def speeches(n: int, start: int = 0) -> str:
    """n synthetic speech records as JSON Lines (each a few thousand words)."""
    lines = []
    for i in range(start, start + n):
        text = "\n\n".join(
            f"Paragraph {p} of speech {i}: the delegation of country {i % 7} speaks of "
            f"nuclear disarmament, sustainable development and the rules-based order. " * 8
            for p in range(12))
        lines.append(json.dumps({"id": f"S{i}", "title": f"Speech {i}", "text": text,
                                 "year": 1950 + i % 70, "speaker": f"Mr. SPEAKER{i % 13}",
                                 "country": f"Country {i % 7}", "type": "speech"}))
    return "\n".join(lines) + "\n"


RECORDS = [
    {"id": "gromyko-1960", "title": "USSR at the 15th session", "year": 1960,
     "speaker": "Mr. GROMYKO", "country": "Union of Soviet Socialist Republics", "type": "speech",
     "source": "UN General Debate",
     "text": "General and complete disarmament is the task of our time.\n\n"
             "The Soviet Union proposes a treaty on nuclear disarmament."},
    {"id": "shevardnadze-1988", "title": "USSR at the 43rd session", "year": 1988,
     "speaker": "SHEVARDNADZE", "country": "Union of Soviet Socialist Republics",
     "type": "speech", "source": "UN General Debate",
     "text": "Perestroika opens a new chapter.\n\nThe cold war is ending and detente returns."},
    {"id": "shevardnadze-1989", "title": "USSR at the 44th session", "year": 1989,
     "speaker": "Mr. Shevardnadze", "country": "Union of Soviet Socialist Republics",
     "type": "speech", "source": "UN General Debate",
     "text": "We support Security Council reform and a stronger United Nations.\n\n"
             "Détente must become irreversible."},
    {"id": "france-1989", "title": "France at the 44th session", "year": 1989,
     "speaker": "Mr. Dumas", "country": "France", "type": "speech",
     "source": "UN General Debate",
     "text": "The Security Council will be reformed one day, said the minister.\n\n"
             "Nuclear weapons must be reduced; disarmament is urgent."},
    {"id": "japan-2022", "title": "Japan statement on the Indo-Pacific", "date": "2022-03-04",
     "speaker": "Yoshimasa Hayashi", "country": "Japan", "type": "statement",
     "source": "MOFA Japan",
     "text": "Japan upholds the rules-based order in the Indo-Pacific.\n\n"
             "\u201cWe will never accept unilateral changes to the status quo by force,\u201d "
             "Hayashi said."},
]


@pytest.fixture(scope="session")
def api_app(tmp_path_factory):
    """The Flask app over an index of the seed article and RECORDS (small wildcard limit)."""
    from search.config import load_config
    from search.service.indexing import build
    from web import create_app

    tmp = tmp_path_factory.mktemp("api")
    corpus = tmp / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    (corpus / "speeches.jsonl").write_text("\n".join(json.dumps(r) for r in RECORDS) + "\n")
    config = load_config(write_config(tmp, corpus))
    assert build(config).ok
    config.values["search"]["max_expansions"] = 5
    # one client address for the whole session: budgets per client are tested on apps of their own
    config.values["api"].update(rate_limit_per_minute=0, expensive_per_minute=0)
    return create_app(config)


def app_over(tmp: Path, records: list[dict], *, ungdc_speeches: int = 0, seed: bool = False):
    """A Flask app over a real index of ``records``, the first ``ungdc_speeches`` speeches of
    the default corpus (real text around them) and, with ``seed``, the seed article; no
    request budgets."""
    from search.config import load_config
    from search.service.indexing import build
    from web import create_app

    corpus = tmp / "corpus"
    corpus.mkdir()
    if seed:
        shutil.copy(SEED, corpus / SEED.name)
    (corpus / "records.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    with gzip.open(ROOT / "corpus" / "ungdc-sessions-75-79.jsonl.gz", "rt") as speeches:
        (corpus / "ungdc.jsonl").write_text("".join(itertools.islice(speeches, ungdc_speeches)))
    config = load_config(write_config(tmp, corpus))
    assert build(config).ok
    config.values["api"].update(rate_limit_per_minute=0, expensive_per_minute=0)
    return create_app(config)


# -- serving: config sections, gunicorn on a loopback port, plain HTTP -----------------------

ADMIN_TOKEN = "test-admin-token-7f3a9c51d0e28b64"
BEARER = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def with_sections(config: Path, **sections: dict) -> Path:
    """Set keys of other sections (server, api, search...) in a file from write_config."""
    values = json.loads(config.read_text())
    for name, keys in sections.items():
        values[name] = {**values.get(name, {}), **keys}
    config.write_text(json.dumps(values))
    return config


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str, method: str = "GET", headers: dict | None = None,
          body: bytes | None = None, timeout: float = 30.0) -> tuple[int, dict, bytes]:
    """One request on a new loopback connection; the path goes out exactly as given."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@dataclass
class Gunicorn:
    """A running gunicorn master (in its own process group) and its port."""

    proc: subprocess.Popen
    port: int
    log: Path

    def get(self, path: str, **kwargs) -> tuple[int, dict, bytes]:
        return fetch(self.port, path, **kwargs)

    def workers(self) -> set[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return {int(pid) for pid in children.read_text().split()}


@pytest.fixture()
def gunicorn(tmp_path: Path):
    """Start gunicorn with web/gunicorn_conf.py on a free loopback port; always stopped after."""
    started: list[Gunicorn] = []

    def start(config: Path, *args: str, env: dict | None = None,
              app: str = "web.wsgi:app") -> Gunicorn:
        port = free_port()
        environment = {k: v for k, v in os.environ.items() if k != "FLASK_DEBUG"}
        environment.update(DIPSEARCH_CONFIG=str(config), DIPSEARCH_ADMIN_TOKEN=ADMIN_TOKEN,
                           **(env or {}))
        log = tmp_path / f"gunicorn-{port}.log"
        with open(log, "wb") as sink:
            proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "web" / "gunicorn_conf.py"),
                 "--bind", f"127.0.0.1:{port}", *args, app],
                cwd=ROOT, env=environment, stdout=sink, stderr=sink, start_new_session=True)
        server = Gunicorn(proc, port, log)
        started.append(server)

        def up() -> bool:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {proc.returncode}:\n{log.read_text()}")
            try:
                return server.get("/healthz", timeout=2)[0] == 200
            except OSError:
                return False
        assert wait_until(up, timeout=60), log.read_text()
        return server

    yield start
    for server in started:
        if server.proc.poll() is None:
            server.proc.send_signal(signal.SIGINT)  # quick shutdown: do not wait for requests
            try:
                server.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(server.proc.pid, signal.SIGKILL)
                server.proc.wait()
