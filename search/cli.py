"""``dipsearch``: index, search, quotes and serve, all from one config file."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from search.config import Config, ConfigError, load_config
from search.service import BuildInProgress, IndexMissing
from search.service.indexing import NoSpace

if TYPE_CHECKING:
    from search.service.indexing import IndexReport


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        config = load_config(args.config)
        return args.run(args, config)
    except ConfigError as exc:  # config.yaml and speakers.yaml: file:line: reason
        print(f"dipsearch: {exc}", file=sys.stderr)
        return 2
    except (IndexMissing, BuildInProgress) as exc:
        print(f"dipsearch: {exc}", file=sys.stderr)
        return 3
    except NoSpace as exc:
        print(f"dipsearch: {exc.strerror}; the live index is unchanged and what this build "
              "wrote was removed: free some space and run it again", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dipsearch", description="Search engine for diplomatic statements.")
    parser.add_argument("--config", default="config.yaml",
                        help="config file (default: ./config.yaml)")
    # --config is taken after the subcommand too (dipsearch index --config X)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=argparse.SUPPRESS,
                        help="config file (default: ./config.yaml)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, **kwargs) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], **kwargs)

    index = add("index", help="bring the index up to date with the corpus",
                description="Index new and changed corpus files, drop removed ones.")
    index.add_argument("--rebuild", action="store_true",
                       help="build a fresh index beside the live one and switch atomically")
    index.add_argument("--procs", type=int, help="writer processes (default: index.procs)")
    index.add_argument("--quiet", action="store_true", help="no progress bar")
    index.add_argument("--status-file", type=Path, metavar="PATH",
                       help="keep progress and outcome in this JSON file (for /admin/status)")
    index.add_argument("--check", action="store_true",
                       help="compare the index with the corpus without writing; exit 1 on any "
                            "difference (missing, stale, orphan, duplicate, incomplete)")
    index.set_defaults(run=_index)

    search = add("search", help="search the index from the terminal")
    search.add_argument("query", help="query (Whoosh syntax: AND OR NOT \"phrases\" field:value)")
    search.add_argument("--unit", choices=["documents", "passages", "quotes"], default="documents")
    search.add_argument("--limit", type=int, default=10, help="hits to show (at most 100)")
    search.add_argument("--json", action="store_true", help="JSON output")
    search.set_defaults(run=_search)

    quotes = add("quotes", help="extract quotes from plain text files")
    quotes.add_argument("files", nargs="+", type=Path, metavar="FILE")
    quotes.add_argument("--json", action="store_true", help="JSON Lines, one object a quote")
    quotes.set_defaults(run=_quotes)

    importer = add("import", help="turn a corpus as its publisher distributes it into JSON Lines",
                   description="Read a published corpus (a folder or zip) and write the JSON "
                               "Lines the indexer reads. ungdc: the UN General Debate Corpus "
                               "(TXT/.../ISO_SESSION_YEAR.txt and Speakers_by_session.xlsx).")
    importer.add_argument("name", choices=["ungdc"], help="which corpus")
    importer.add_argument("path", type=Path, help="the corpus folder or zip file")
    importer.add_argument("--out", type=Path, default=Path("ungdc.jsonl.gz"),
                          help="JSON Lines file to write, gzipped if it ends in .gz "
                               "(default: ./ungdc.jsonl.gz); put it in a corpus folder")
    importer.set_defaults(run=_import)

    serve = add("serve", help="index the corpus if needed, then serve the web app")
    serve.add_argument("--workers", type=int, help="gunicorn workers (default: server.workers)")
    serve.add_argument("--bind", help="host:port (default: server.host and server.port)")
    serve.add_argument("--no-index", action="store_true", help="serve without updating the index")
    serve.set_defaults(run=_serve)
    return parser


class _BuildStatus:
    """One build's progress and outcome as JSON, read by ``/admin/status`` in every worker.

    Written atomically (temp file, then rename), at most twice a second while
    documents go in, and only once this build holds the build lock, so a build
    refused as a second one leaves the running build's status alone. A build
    killed outright leaves ``"state": "running"`` behind; the reader tells that
    from a live build by the lock, and the next build records it as ``last_failure``.
    """

    INTERVAL = 0.5
    MAX_PROBLEMS = 1000

    def __init__(self, path: Path, rebuild: bool) -> None:
        self.path = path
        self.data: dict[str, Any] = {
            "state": "running", "pid": os.getpid(), "rebuild": rebuild, "started": None,
            "finished": None, "seconds": None, "version": None, "done": 0, "total": None,
            "problems": [], "problem_count": 0, "error": None, "last_failure": None,
            "stage": "reading", "storage": None}
        self._started: float | None = None
        self._written = 0.0

    def locked(self) -> None:
        """This build is the one build: record the previous one if it failed, then start."""
        try:
            previous = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = {}
        if previous.get("state") in ("running", "failed"):
            self.data["last_failure"] = {k: previous.get(k) for k in
                                         ("pid", "rebuild", "started", "error", "done", "total")}
        else:
            self.data["last_failure"] = previous.get("last_failure")
        self._started = time.monotonic()
        self.data["started"] = _utc_now()
        self._write()

    def progress(self, total: int) -> Callable[[int], None]:
        self.data["total"] = total
        self._write()

        def tick(n: int) -> None:
            self.data["done"] += n
            if time.monotonic() - self._written >= self.INTERVAL:
                self._write()
        return tick

    def finished(self, report: IndexReport) -> None:
        self.data.update(state="idle", version=report.version, seconds=round(report.seconds, 2),
                         problems=[str(p) for p in report.problems[:self.MAX_PROBLEMS]],
                         problem_count=len(report.problems), stage="done",
                         storage=report.storage.as_dict() if report.storage else None)
        self._end()

    def stage(self, name: str) -> None:
        self.data["stage"] = name
        self._write()

    def failed(self, exc: BaseException) -> None:
        if self._started is not None:
            self.data.update(state="failed", error=f"{type(exc).__name__}: {exc}",
                             seconds=round(time.monotonic() - self._started, 2))
            self._end()

    def _end(self) -> None:
        self.data["finished"] = _utc_now()
        self._write()

    def _write(self) -> None:
        _write_json(self.path, self.data)
        self._written = time.monotonic()


def _write_json(path: Path, data: dict) -> None:
    """Replace a small JSON file atomically (temp file, then rename)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class _Progress:
    """A build's progress on the terminal (a bar, then each later step) and in the status file."""

    def __init__(self, quiet: bool, status: _BuildStatus | None) -> None:
        self.terminal = not quiet and sys.stderr.isatty()
        self.status = status
        self.bar = None

    def start(self, total: int) -> Callable[[int], None]:
        ticks = [self.status.progress(total)] if self.status else []
        if self.terminal:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True)
            ticks.append(self.bar.update)

        def tick(n: int) -> None:
            for each in ticks:
                each(n)
        return tick

    def stage(self, name: str) -> None:
        """A step with no document count (the commit): said, so a long one is not silence."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        if self.terminal:
            print(f"{name}: writing the last segments, merging and publishing ...",
                  file=sys.stderr, flush=True)
        if self.status:
            self.status.stage(name)


def _index(args: argparse.Namespace, config: Config) -> int:
    from search.service.indexing import build

    if args.check:
        return _check(config)
    status = _BuildStatus(args.status_file, args.rebuild) if args.status_file else None
    progress = _Progress(args.quiet, status)
    try:
        report = build(config, rebuild=args.rebuild, procs=args.procs,
                       progress=progress.start, stage=progress.stage,
                       on_locked=status.locked if status else None,
                       on_finished=status.finished if status else None)
    except BaseException as exc:
        if status:
            status.failed(exc)
        raise
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print(f"index {report.version}: added {report.added}, updated {report.updated}, "
          f"deleted {report.deleted}, skipped {report.skipped} "
          f"({report.unchanged_files} files unchanged, {report.units} units written) "
          f"in {report.seconds:.1f} s")
    if report.storage:
        stored = report.storage
        print(f"storage: {stored.segments} segments, {stored.units} units, "
              f"{stored.deleted} deleted ({stored.deleted_share:.0%}) awaiting merge")
    return 0 if report.ok else 1


def _check(config: Config) -> int:
    """``dipsearch index --check``: every difference between index and corpus; 1 if any."""
    from search.service.indexing import CHECK_FILE, check

    started = time.monotonic()
    differences = check(config)
    for difference in differences:
        print(difference)
    result = {"checked": _utc_now(), "seconds": round(time.monotonic() - started, 2),
              "differences": len(differences),
              "first": [str(d) for d in differences[:_BuildStatus.MAX_PROBLEMS]]}
    _write_json(config.index_dir / CHECK_FILE, result)
    print(f"check: {len(differences)} differences between the index and the corpus "
          f"({result['seconds']} s)")
    return 1 if differences else 0


def _search(args: argparse.Namespace, config: Config) -> int:
    from search.service import RequestError, SearchRequest, SearchService

    request = SearchRequest(q=args.query, unit=args.unit, per_page=args.limit)
    try:
        response = SearchService(config).search(request)
    except RequestError as exc:
        print(f"dipsearch: {exc.param}: {exc.message}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(response, ensure_ascii=False, default=str))
        return 0
    for warning in response["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"{response['total']} {args.unit} match ({response['took_ms']} ms)")
    for hit in response["hits"]:
        print(f"{(hit['date'] or '????')[:16]}  {hit['title']}  [{_whose(hit)}]  ({hit['id']})")
        # a quote as its citation words it: its kind, and marks only around spoken words
        for line in [hit["citation"]] if hit["unit"] == "quote" else hit["snippets"][:1]:
            print(f"    {line}")
    if response["suggestion"]:
        print(f"did you mean: {response['suggestion']}")
    return 0


def _import(args: argparse.Namespace, config: Config) -> int:
    """Write the corpus as JSON Lines; every file or row left out is printed as file:line."""
    from search.ingest.importers import IMPORTERS

    if not args.path.exists():
        print(f"dipsearch: {args.path}: no such file or folder", file=sys.stderr)
        return 2
    try:
        report = IMPORTERS[args.name](args.path, args.out)
    except (ValueError, OSError, zipfile.BadZipFile) as exc:
        print(f"dipsearch: {exc}", file=sys.stderr)
        return 2
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print(f"{args.out}: {report.written} speeches written, {report.without_speaker} without a "
          f"speaker, {len(report.problems)} problems")
    return 0 if report.written else 1


def _whose(hit: dict) -> str:
    """Whose words a hit is: its speakers (a speech, a quote), else its author and outlet."""
    if hit["voice"] == "speaker" or hit["unit"] == "quote":
        return ", ".join(s["name"] for s in hit["speakers"]) or "speaker unknown"
    return ", ".join(filter(None, (hit.get("author"), hit.get("source")))) or "outlet unknown"


def _quotes(args: argparse.Namespace, config: Config) -> int:
    from search.ingest.quotes import extract_quotes
    from search.ingest.speakers import SpeakerRegistry

    registry = SpeakerRegistry.load(config.speakers_path)
    status = 0
    for path in args.files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{path}:1: cannot read as UTF-8 text: {exc}", file=sys.stderr)
            status = 1
            continue
        for quote in extract_quotes(text, registry):
            if args.json:
                print(json.dumps({"path": str(path), **quote.to_dict()}, ensure_ascii=False))
            else:
                print(f"{path}:{quote.start}-{quote.end} [{quote.kind}] "
                      f"{quote.speaker or 'unknown'} ({quote.cue or '-'}): {quote.text}")
    return status


def _serve(args: argparse.Namespace, config: Config) -> int:
    """gunicorn with ``web/gunicorn_conf.py`` (server.* from this config); flags override it."""
    from web.admin import admin_token

    admin_token(config)  # a too-short admin token stops here, with the message alone (exit 2)
    if not args.no_index:
        _index(argparse.Namespace(rebuild=False, procs=None, quiet=False, status_file=None,
                                  check=False),
               config)
    os.environ["DIPSEARCH_CONFIG"] = str(config.path)
    argv = ["gunicorn", "--config", "python:web.gunicorn_conf"]
    if args.bind:
        argv += ["--bind", args.bind]
    if args.workers:
        argv += ["--workers", str(args.workers)]
    os.execvp(sys.executable, [sys.executable, "-m", *argv, "web.wsgi:app"])


if __name__ == "__main__":
    sys.exit(main())
