"""Load benchmark: journalists search while an admin rebuilds the index and versions switch.

Builds an index of the UNGDC file (or reuses the one in ``--index-dir``),
starts gunicorn with 2 workers on a loopback port, and runs the 40 queries of
``../shared/bench/queries.tsv`` from 16 client threads (a new connection per
request) for ``--duration`` seconds; 2 s in, ``POST /admin/reindex?rebuild=1``
starts a full rebuild. The load goes on until the duration is over and the new
version has answered for 5 s, whichever is later (at most ``--max-seconds``).
Every request that is not a 200 counts as failed. Prints Markdown tables.

    python bench/load_bench.py                              # whole UNGDC file (~5 min to index)
    python bench/load_bench.py --limit 1500 --duration 20   # the first 1,500 speeches: a quick look
    python bench/load_bench.py --index-dir /tmp/ungdc-ix    # keep the index and reuse it next time

Query filters map to API parameters: year_from/year_to -> date_from/date_to,
speaker -> speaker, country_code -> country (every country name the corpus
gives that code, e.g. RUS -> "Russian Federation", "USSR", ...).
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
UNGDC = SHARED / "corpora" / "ungdc-1946-2024.jsonl.gz"
QUERIES = SHARED / "bench" / "queries.tsv"
AFTER_SWITCH = 5.0


@dataclass
class Sample:
    start: float
    seconds: float
    status: int | str
    version: str | None


# -- corpus, config, index -------------------------------------------------------------------

def corpus_file(workdir: Path, limit: int | None) -> Path:
    """The UNGDC file itself, or its first ``limit`` speeches as plain JSON Lines."""
    if limit is None:
        return UNGDC
    path = workdir / "corpus" / f"ungdc-first-{limit}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(UNGDC, "rt", encoding="utf-8") as source, open(path, "w") as out:
        for n, line in enumerate(source):
            if n == limit:
                break
            out.write(line)
    return path


def country_names(corpus: Path) -> dict[str, list[str]]:
    """country_code -> every country name the corpus writes for it."""
    names: dict[str, set[str]] = defaultdict(set)
    opener = gzip.open if corpus.suffix == ".gz" else open
    with opener(corpus, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record.get("country_code") and record.get("country"):
                names[record["country_code"]].add(record["country"])
    return {code: sorted(found) for code, found in names.items()}


def write_config(workdir: Path, corpus: Path, index_dir: Path, port: int) -> Path:
    config = workdir / "config.yaml"
    config.write_text(json.dumps({
        "corpus": {"paths": [str(corpus)], "speakers": str(ROOT / "corpus" / "speakers.yaml")},
        "index": {"dir": str(index_dir), "procs": 2},
        "server": {"host": "127.0.0.1", "port": port, "workers": 2},
        "api": {"rate_limit_per_minute": 0},
        "admin": {"token_env": "DIPSEARCH_ADMIN_TOKEN"},
    }))
    return config


def ensure_index(config: Path, index_dir: Path) -> None:
    if (index_dir / "CURRENT").exists():
        print(f"reusing the index in {index_dir}", file=sys.stderr)
        return
    print("indexing (dipsearch index --procs 2) ...", file=sys.stderr)
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "search.cli", "--config", str(config), "index",
                    "--procs", "2", "--quiet"], cwd=ROOT, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not (index_dir / "CURRENT").exists():
        sys.exit("load_bench: indexing failed")
    print(f"indexed in {time.monotonic() - started:.0f} s", file=sys.stderr)


def query_paths(countries: dict[str, list[str]]) -> list[str]:
    """/api/search URLs of the benchmark queries, with their filters as API parameters."""
    paths = []
    lines = QUERIES.read_text(encoding="utf-8").splitlines()[1:]
    for line in lines:
        q, _, filters = line.partition("\t")
        spec = json.loads(filters or "{}")
        params: list[tuple[str, str]] = [("q", q), ("facets", "country,speaker,year")]
        if "year_from" in spec:
            params.append(("date_from", str(spec["year_from"])))
        if "year_to" in spec:
            params.append(("date_to", str(spec["year_to"])))
        if "speaker" in spec:
            params.append(("speaker", spec["speaker"]))
        for name in countries.get(spec.get("country_code", ""), []):
            params.append(("country", name))
        paths.append("/api/search?" + urlencode(params))
    return paths


# -- HTTP on loopback ------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str, method: str = "GET", headers: dict | None = None
          ) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def start_gunicorn(config: Path, port: int, token: str | None, log: Path) -> subprocess.Popen:
    """gunicorn (web/gunicorn_conf.py) on 127.0.0.1:port, ready; admin off when token is None."""
    env = {k: v for k, v in os.environ.items() if k not in ("FLASK_DEBUG", "DIPSEARCH_ADMIN_TOKEN")}
    env["DIPSEARCH_CONFIG"] = str(config)
    if token is not None:
        env["DIPSEARCH_ADMIN_TOKEN"] = token
    with open(log, "wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c",
                                 str(ROOT / "web" / "gunicorn_conf.py"),
                                 "--bind", f"127.0.0.1:{port}", "web.wsgi:app"],
                                cwd=ROOT, env=env, stdout=sink, stderr=sink,
                                start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if fetch(port, "/readyz")[0] == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.2)
    stop_gunicorn(proc)
    sys.exit(f"load_bench: gunicorn did not get ready, see {log}")


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# -- the load --------------------------------------------------------------------------------

class Load:
    """Client threads, each cycling through the queries from its own offset."""

    def __init__(self, port: int, paths: list[str], clients: int) -> None:
        self.port, self.paths = port, paths
        self.stop = threading.Event()
        self.samples: list[Sample] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._client, args=(i * 5,), daemon=True)
                        for i in range(clients)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(90)

    def _client(self, offset: int) -> None:
        n = offset
        while not self.stop.is_set():
            path = self.paths[n % len(self.paths)]
            n += 1
            started = time.monotonic()
            try:
                status, body = fetch(self.port, path)
                version = json.loads(body).get("index_version") if status == 200 else None
            except (OSError, http.client.HTTPException, ValueError) as exc:
                status, version = repr(exc), None
            sample = Sample(started, time.monotonic() - started, status, version)
            with self.lock:
                self.samples.append(sample)

    def first_answer_from(self, version: str) -> float | None:
        with self.lock:
            return min((s.start + s.seconds for s in self.samples if s.version == version),
                       default=None)


def admin_status(port: int, token: str) -> dict:
    status, body = fetch(port, "/admin/status", headers={"Authorization": f"Bearer {token}"})
    return json.loads(body) if status == 200 else {}


def run_rebuild(port: int, token: str, load: Load, old: str, args: argparse.Namespace
                ) -> dict:
    """POST the rebuild 2 s in; keep the load going until the switch has settled."""
    began = time.monotonic()
    time.sleep(2.0)
    posted = time.monotonic()
    status, body = fetch(port, "/admin/reindex?rebuild=1", method="POST",
                         headers={"Authorization": f"Bearer {token}"})
    if status != 202:
        sys.exit(f"load_bench: reindex answered {status}: {body[:300]!r}")
    build: dict = {}
    first_new = None
    while time.monotonic() - began < args.max_seconds:
        time.sleep(0.5)
        if not build:
            report = admin_status(port, token)
            if report.get("state") == "failed":
                sys.exit(f"load_bench: the rebuild failed: {report.get('build')}")
            if report.get("state") == "idle":
                build = dict(report["build"], idle_at=time.monotonic())
        if build and first_new is None:
            first_new = load.first_answer_from(build["version"])
        done = first_new is not None and time.monotonic() - first_new >= AFTER_SWITCH
        if done and time.monotonic() - began >= args.duration:
            break
    if not build:  # out of time: stop the build this run started
        os.kill(admin_status(port, token)["build"]["pid"], signal.SIGTERM)
    return {"posted": posted, "began": began, "build": build, "first_new": first_new,
            "old": old}


# -- report ----------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def row(name: str, samples: list[Sample], seconds: float) -> str:
    if not samples:
        return f"| {name} | 0 | 0 | - | - | - |"
    failed = sum(1 for s in samples if s.status != 200)
    ms = [s.seconds * 1000 for s in samples]
    return (f"| {name} | {len(samples)} | {failed} | {statistics.median(ms):.1f} | "
            f"{percentile(ms, 95):.1f} | {len(samples) / seconds:.1f} |")


def report(samples: list[Sample], run: dict, ended: float, queries: int,
           args: argparse.Namespace) -> int:
    build, first_new, old = run["build"], run["first_new"], run["old"]
    new = build.get("version")
    switch_end = max((s.start + s.seconds for s in samples if s.version == old), default=0.0)
    idle_at = build.get("idle_at", ended)
    phases = [
        ("before the re-index", run["began"], run["posted"]),
        ("during the re-index", run["posted"], idle_at),
        ("after the re-index", idle_at, ended),
        ("all", run["began"], ended),
    ]
    print(f"\n{args.clients} clients, 2 gunicorn workers, {queries} queries, "
          f"{ended - run['began']:.0f} s of load, corpus: "
          f"{f'first {args.limit} speeches' if args.limit else 'whole UNGDC file'}\n")
    print("| phase | requests | failed | p50 ms | p95 ms | req/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, start, end in phases:
        in_phase = [s for s in samples if start <= s.start < end]
        print(row(name, in_phase, max(end - start, 1e-9)))
    print("\n| version switch | seconds |")
    print("|---|---:|")
    print(f"| rebuild (status: build seconds) | {build.get('seconds', float('nan')):.1f} |")
    if first_new is not None:
        print(f"| POST /admin/reindex -> first answer from the new version | "
              f"{first_new - run['posted']:.1f} |")
        print(f"| first answer from the new version -> last from the old | "
              f"{max(0.0, switch_end - first_new):.2f} |")
    print(f"\nversions: {old} -> {new or 'no switch'}")
    failures = [s for s in samples if s.status != 200]
    for sample in failures[:5]:
        print(f"failed: {sample.status}", file=sys.stderr)
    return 1 if failures or first_new is None else 0


# -- main ------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="index only the first N speeches")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (least)")
    parser.add_argument("--max-seconds", type=float, default=3600.0,
                        help="stop the load after this long even without a switch")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--index-dir", type=Path, help="build the index here and reuse it")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="dipsearch-load-"))
    proc = None
    try:
        corpus = corpus_file(workdir, args.limit)
        index_dir = (args.index_dir or workdir / "index").resolve()
        port, token = free_port(), secrets.token_urlsafe(24)
        config = write_config(workdir, corpus, index_dir, port)
        ensure_index(config, index_dir)
        paths = query_paths(country_names(corpus))
        proc = start_gunicorn(config, port, token, workdir / "gunicorn.log")
        for path in paths:  # one warm-up pass, not measured
            fetch(port, path)
        old = json.loads(fetch(port, "/readyz")[1])["index_version"]
        load = Load(port, paths, args.clients)
        load.start()
        run = run_rebuild(port, token, load, old, args)
        load.finish()
        return report(load.samples, run, time.monotonic(), len(paths), args)
    finally:
        if proc is not None:
            stop_gunicorn(proc)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
