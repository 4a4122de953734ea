"""Search engines behind one interface (``interface.py``); Whoosh is the one in use.

Only this package imports an engine's library. ``open_engine`` is the one
place that chooses the engine, from config.
"""

from __future__ import annotations

from search.config import Config
from search.engine.interface import Engine, Limits


def configured_limits(config: Config) -> Limits:
    """The ``search`` section of config as query limits."""
    section = config.values["search"]
    return Limits(max_query_chars=section["max_query_chars"], max_terms=section["max_terms"],
                  max_expansions=section["max_expansions"],
                  max_per_page=section["max_per_page"],
                  time_limit=section["time_limit_ms"] / 1000)


def open_engine(config: Config, limits: Limits | None = None) -> Engine:
    """The engine over the configured index folder (nothing is read until it is used)."""
    from search.engine.whoosh.engine import WhooshEngine

    return WhooshEngine(config.index_dir, analysis=config.values["analysis"],
                        limits=limits or configured_limits(config),
                        limitmb=config.get("index", "limitmb"),
                        passages=config.get("index", "passages"),
                        keep_versions=config.get("index", "keep_versions"))
