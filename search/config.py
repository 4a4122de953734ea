"""``config.yaml``: loaded once, validated up front, with errors that name the bad key.

A typo in a config file should stop the program at start with
``config.yaml: index.procs: expected an integer >= 1, got 'two'`` rather than
surface as a KeyError deep inside a request. Relative paths are resolved
against the config file's folder so the same file works from anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import yaml

from search.fields import FACETS


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file and the key."""



def _int(minimum: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(f"expected an integer >= {minimum}, got {value!r}")
        return value
    return check


def _str(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty string, got {value!r}")
    return value


def _opt_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _public_url(value: Any) -> str | None:
    """null, or an absolute http(s) URL with no query, fragment or user; no trailing slash."""
    if value is None:
        return None
    problem = "expected null or an absolute http(s) URL without query or fragment"
    if not isinstance(value, str) or not value or any(c.isspace() for c in value) \
            or "?" in value or "#" in value:
        raise ValueError(f"{problem}, got {value!r}")
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        raise ValueError(f"{problem}, got {value!r} (bad port)") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname \
            or "@" in parts.netloc:
        raise ValueError(f"{problem}, got {value!r}")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def _str_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"expected a list of strings, got {value!r}")
    return value


def _str_list_or_empty(value: Any) -> list[str]:
    return [] if value in (None, []) else _str_list(value)


def _stop_words(value: Any) -> list[str] | str | None:
    if value in (None, "default"):
        return value
    return _str_list(value)


def _facets(value: Any) -> list[str]:
    names = _str_list(value)
    unknown = [n for n in names if n not in FACETS]
    if unknown:
        raise ValueError(f"unknown facet {unknown[0]!r} (known: {', '.join(FACETS)})")
    return names


SCHEMA: dict[str, dict[str, tuple[Callable[[Any], Any], Any]]] = {
    "corpus": {
        "paths": (_str_list, ["corpus"]),
        "speakers": (_opt_str, "corpus/speakers.yaml"),
        "max_document_chars": (_int(1), 5_000_000),
    },
    "index": {
        "dir": (_str, "var/index"),
        "procs": (_int(1), 1),
        "limitmb": (_int(1), 384),
        "passages": (_bool, True),
        "quotes": (_bool, True),
        "keep_versions": (_int(1), 2),
    },
    "analysis": {
        "stemmer": (_opt_str, "english"),
        "stop_words": (_stop_words, "default"),
        "fold_accents": (_bool, True),
    },
    "facets": {"fields": (_facets, list(FACETS))},
    "search": {
        "max_query_chars": (_int(1), 1000),
        "max_terms": (_int(1), 64),
        "max_expansions": (_int(1), 512),
        "max_per_page": (_int(1), 100),
        "time_limit_ms": (_int(10), 3000),
        "export_cap": (_int(1), 50_000),
    },
    "api": {
        "cors_origins": (_str_list_or_empty, ["*"]),
        "rate_limit_per_minute": (_int(0), 1200),
        "expensive_per_minute": (_int(0), 60),
    },
    "server": {
        "host": (_str, "127.0.0.1"),
        "port": (_int(1), 8000),
        "workers": (_int(1), 2),
        "timeout": (_int(1), 60),
        "graceful_timeout": (_int(1), 30),
        "max_requests": (_int(0), 0),
        "max_request_bytes": (_int(1024), 65536),
        "public_url": (_public_url, None),
    },
    "admin": {
        "token_env": (_opt_str, "DIPSEARCH_ADMIN_TOKEN"),
        "min_token_length": (_int(16), 24),
    },
}


@dataclass(frozen=True)
class Config:
    """Validated settings; ``section.key`` access mirrors the YAML."""

    path: Path
    values: dict[str, dict[str, Any]]

    def get(self, section: str, key: str) -> Any:
        return self.values[section][key]

    def path_of(self, section: str, key: str) -> Path:
        """A path setting resolved against the config file's folder."""
        return (self.path.parent / self.values[section][key]).resolve()

    @property
    def corpus_paths(self) -> list[Path]:
        return [(self.path.parent / p).resolve() for p in self.get("corpus", "paths")]

    @property
    def speakers_path(self) -> Path | None:
        value = self.get("corpus", "speakers")
        return None if value is None else self.path_of("corpus", "speakers")

    @property
    def index_dir(self) -> Path:
        return self.path_of("index", "dir")


def load_config(path: str | Path = "config.yaml") -> Config:
    """Read and validate a config file; a missing file means all defaults."""
    path = Path(path).resolve()
    raw: Any = {}
    if path.exists():
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    return Config(path=path, values=validate(raw, str(path)))


def validate(raw: Any, where: str) -> dict[str, dict[str, Any]]:
    """Apply defaults and check every key; raise ConfigError naming the first bad one."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: the top level must be a mapping of sections")
    _reject_unknown(raw, SCHEMA, where, "")
    values: dict[str, dict[str, Any]] = {}
    for section, keys in SCHEMA.items():
        given = raw.get(section) or {}
        if not isinstance(given, dict):
            raise ConfigError(f"{where}: {section}: expected a mapping, got {given!r}")
        _reject_unknown(given, keys, where, f"{section}.")
        values[section] = {}
        for key, (check, default) in keys.items():
            try:
                values[section][key] = check(given[key]) if key in given else default
            except ValueError as exc:
                raise ConfigError(f"{where}: {section}.{key}: {exc}") from None
    return values


def _reject_unknown(given: dict, known: dict, where: str, prefix: str) -> None:
    for key in given:
        if key not in known:
            raise ConfigError(
                f"{where}: {prefix}{key}: unknown key (expected one of: {', '.join(known)})"
            )
