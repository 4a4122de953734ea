"""Shared fixtures: a small corpus and a config pointing at temporary folders."""

from __future__ import annotations

import json
import shutil
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
