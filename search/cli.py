"""``dipsearch``: index, search, quotes and serve, all from one config file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable

from .config import Config, ConfigError, load_config
from .store import BuildInProgress, IndexMissing


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        config = load_config(args.config)
        return args.run(args, config)
    except ConfigError as exc:
        print(f"dipsearch: {exc}", file=sys.stderr)
        return 2
    except (IndexMissing, BuildInProgress) as exc:
        print(f"dipsearch: {exc}", file=sys.stderr)
        return 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dipsearch", description="Search engine for diplomatic statements.")
    parser.add_argument("--config", default="config.yaml",
                        help="config file (default: ./config.yaml)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    index = sub.add_parser("index", help="bring the index up to date with the corpus",
                           description="Index new and changed corpus files, drop removed ones.")
    index.add_argument("--rebuild", action="store_true",
                       help="build a fresh index beside the live one and switch atomically")
    index.add_argument("--procs", type=int, help="writer processes (default: index.procs)")
    index.add_argument("--quiet", action="store_true", help="no progress bar")
    index.set_defaults(run=_index)

    search = sub.add_parser("search", help="search the index from the terminal")
    search.add_argument("query", help="query (Whoosh syntax: AND OR NOT \"phrases\" field:value)")
    search.add_argument("--unit", choices=["documents", "passages", "quotes"], default="documents")
    search.add_argument("--limit", type=int, default=10, help="hits to show (at most 100)")
    search.add_argument("--json", action="store_true", help="JSON output")
    search.set_defaults(run=_search)

    quotes = sub.add_parser("quotes", help="extract quotes from plain text files")
    quotes.add_argument("files", nargs="+", type=Path, metavar="FILE")
    quotes.add_argument("--json", action="store_true", help="JSON Lines, one object a quote")
    quotes.set_defaults(run=_quotes)

    serve = sub.add_parser("serve", help="index the corpus if needed, then serve the web app")
    serve.add_argument("--workers", type=int, help="gunicorn workers (default: server.workers)")
    serve.add_argument("--bind", help="host:port (default: server.host and server.port)")
    serve.add_argument("--no-index", action="store_true", help="serve without updating the index")
    serve.set_defaults(run=_serve)
    return parser


def _progress_bar(quiet: bool) -> Callable[[int], Callable[[int], None]] | None:
    if quiet or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    def start(total: int) -> Callable[[int], None]:
        bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True)
        return bar.update
    return start


def _index(args: argparse.Namespace, config: Config) -> int:
    from .indexer import build

    report = build(config, rebuild=args.rebuild, procs=args.procs,
                   progress=_progress_bar(args.quiet))
    for problem in report.problems:
        print(problem, file=sys.stderr)
    print(f"index {report.version}: added {report.added}, updated {report.updated}, "
          f"deleted {report.deleted}, skipped {report.skipped} "
          f"({report.unchanged_files} files unchanged, {report.units} units written) "
          f"in {report.seconds:.1f} s")
    return 0 if report.ok else 1


def _search(args: argparse.Namespace, config: Config) -> int:
    from .query import RequestError, SearchRequest
    from .service import SearchService

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
        speakers = ", ".join(s["name"] for s in hit["speakers"]) or "-"
        print(f"{(hit['date'] or '????')[:16]}  {hit['title']}  [{speakers}]  ({hit['id']})")
        for snippet in hit["snippets"][:1]:
            print(f"    {snippet}")
    if response["suggestion"]:
        print(f"did you mean: {response['suggestion']}")
    return 0


def _quotes(args: argparse.Namespace, config: Config) -> int:
    from .quotes import extract_quotes
    from .speakers import SpeakerRegistry

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
    import os

    if not args.no_index:
        _index(argparse.Namespace(rebuild=False, procs=None, quiet=False), config)
    bind = args.bind or f"{config.get('server', 'host')}:{config.get('server', 'port')}"
    workers = str(args.workers or config.get("server", "workers"))
    os.environ["DIPSEARCH_CONFIG"] = str(config.path)
    argv = ["gunicorn", "--bind", bind, "--workers", workers,
            "--timeout", str(config.get("server", "timeout")), "web.wsgi:app"]
    os.execvp(sys.executable, [sys.executable, "-m", *argv])


if __name__ == "__main__":
    sys.exit(main())
