"""The private Whoosh names the engine reads are all still there (see whoosh/internals.py)."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.specifiers import SpecifierSet

from search.engine.whoosh.internals import PIN, READ_FROM, missing

ROOT = Path(__file__).resolve().parents[1]


def test_every_private_whoosh_name_is_still_there():
    gone = missing()
    assert gone == [], (
        f"whoosh-reloaded {version('whoosh-reloaded')} is installed, but the engine was written "
        f"against the private internals of {READ_FROM} (pinned {PIN} in pyproject.toml): the "
        f"pinned Whoosh changed. These are gone:\n  " + "\n  ".join(gone) +
        "\nSee search/engine/whoosh/internals.py for what each is used for, and fix the use "
        "sites (marked '# Whoosh 2.7.5 private:') before moving the pin.")


def test_installed_whoosh_is_within_the_pin():
    installed = version("whoosh-reloaded")
    assert SpecifierSet(PIN).contains(installed), (
        f"whoosh-reloaded {installed} is installed; the engine reads Whoosh internals and "
        f"supports {PIN} only (search/engine/whoosh/internals.py)")


def test_pyproject_pins_whoosh_as_the_table_says():
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert f"whoosh-reloaded{PIN}" in dependencies
