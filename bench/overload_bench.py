"""Hostile and expensive requests against gunicorn (2 workers) on a real index.

1. The most expensive requests we know of, each alone: how long each takes
   against ``search.time_limit_ms`` (the target: none over the limit + 500 ms).
2. Eight clients sending expensive requests as fast as they can, and one
   client sending the 40 benchmark queries of ../shared/bench/queries.tsv, for
   ``--seconds``: the benchmark client's p50/p95 and its failures (the target:
   p95 under 1 s, no failure), and what the expensive clients got (200, 429,
   503). Each client has its own loopback address (127.0.0.2 ...), as
   different people would, so per-client budgets apply as in production.

    python bench/overload_bench.py --config CONFIG   # an indexed config (the UNGDC file)
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load_bench import (country_names, free_port, percentile, query_paths,  # noqa: E402
                        start_gunicorn, stop_gunicorn)

EXPENSIVE = [
    "/api/search?q=" + quote("passage_text:* OR text:* OR quote_text:* OR title:*")
    + "&unit=passages",
    "/api/search?q=" + quote("text:[a TO z]"),
    "/?q=*&unit=passages&facet_size=1000",
    "/api/search?q=*&unit=passages&facets=speaker,country,type,source,year&facet_size=1000",
    "/api/search?q=&unit=quotes&facets=speaker,country,year&facet_size=1000",
    "/api/export.csv?q=*&unit=passages",
    "/api/export.jsonl?q=development",
    "/api/search?q=" + quote("de* OR co* OR in*"),
    "/api/search?q=" + quote("nation~2 OR peace~2 OR security~2"),
    "/api/search?q=" + quote("year:[1946 TO 2024]") + "&unit=passages",
    "/api/search?q=" + quote('"united nations" OR "security council" OR "general assembly"')
    + "&unit=passages&per_page=100&page=10",
]


def get(port: int, path: str, source: str) -> tuple[int, float, bytes]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120,
                                      source_address=(source, 0))
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - started, body
    finally:
        conn.close()


def alone(port: int) -> list[tuple[str, int, float]]:
    """Each expensive request once (after one warm-up of the index)."""
    get(port, "/api/search?q=warm", "127.0.0.2")
    return [(path, *get(port, path, "127.0.0.2")[:2]) for path in EXPENSIVE]


def under_load(port: int, seconds: float, cheap_paths: list[str]) -> dict:
    stop = time.monotonic() + seconds
    expensive: Counter = Counter()
    cheap: list[tuple[int, float]] = []

    def hammer(n: int) -> None:
        i = n
        while time.monotonic() < stop:
            status, _, _ = get(port, EXPENSIVE[i % len(EXPENSIVE)], f"127.0.0.{10 + n}")
            expensive[status] += 1
            i += 1

    def journalist() -> None:
        i = 0
        while time.monotonic() < stop:
            status, took, _ = get(port, cheap_paths[i % len(cheap_paths)], "127.0.0.3")
            cheap.append((status, took))
            i += 1

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
    threads.append(threading.Thread(target=journalist))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"expensive": expensive, "cheap": cheap}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, required=True, help="an indexed config")
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    settings = json.loads(json.dumps(__import__("yaml").safe_load(args.config.read_text())))
    port = free_port()
    settings.setdefault("server", {}).update(host="127.0.0.1", port=port, workers=2)
    config = args.config.with_name(f".overload-{port}.yaml")
    config.write_text(json.dumps(settings))
    limit_ms = settings.get("search", {}).get("time_limit_ms", 3000)
    proc = start_gunicorn(config, port, "x" * 32, config.with_suffix(".log"))
    try:
        single = alone(port)
        load = under_load(port, args.seconds,
                          query_paths(country_names(Path(settings["corpus"]["paths"][0]))))
    finally:
        stop_gunicorn(proc)
        config.unlink(missing_ok=True)
    report(single, load, limit_ms)
    return 0


def report(single: list, load: dict, limit_ms: int) -> None:
    print(f"Each expensive request alone (time limit {limit_ms} ms; target under "
          f"{limit_ms + 500} ms):\n")
    print("| request | status | ms |")
    print("|---|---:|---:|")
    for path, status, took in single:
        print(f"| `{path[:90]}` | {status} | {took * 1000:.0f} |")
    slowest = max(took for _, _, took in single) * 1000
    print(f"\nslowest: {slowest:.0f} ms ({'within' if slowest <= limit_ms + 500 else 'OVER'} "
          "the target)\n")
    cheap = load["cheap"]
    times = [took * 1000 for _, took in cheap]
    statuses = Counter(status for status, _ in cheap)
    print("8 clients sending expensive requests, 1 client sending the 40 benchmark queries:\n")
    print("| client | requests | p50 ms | p95 ms | max ms | statuses |")
    print("|---|---:|---:|---:|---:|---|")
    print(f"| benchmark queries | {len(cheap)} | {percentile(times, 50):.0f} | "
          f"{percentile(times, 95):.0f} | {max(times):.0f} | {dict(statuses)} |")
    print(f"| expensive (8 clients) | {sum(load['expensive'].values())} | - | - | - | "
          f"{dict(load['expensive'])} |")


if __name__ == "__main__":
    sys.exit(main())
