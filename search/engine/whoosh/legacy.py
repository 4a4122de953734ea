"""Names under which indexes written before the engine package pickled their schema.

Whoosh pickles the schema (field types, analyzers) into each index's table of
contents, by module path and class name. Indexes written before the code moved
to ``search.engine.whoosh`` (2026-12) name ``search.analysis``,
``search.schema`` and ``search.postings``, and the tokenizer's old name; these
aliases let such an index open, so a deployed index keeps serving after an
upgrade. The next ``--rebuild`` writes the new names.
"""

from __future__ import annotations

import sys
import types

from search.engine.whoosh import analysis, postings, schema


def _alias(name: str, module: types.ModuleType, **renamed: object) -> None:
    if name in sys.modules:
        return
    alias = types.ModuleType(name, f"alias of {module.__name__} for old pickled schemas")
    alias.__dict__.update({k: v for k, v in vars(module).items() if not k.startswith("__")})
    alias.__dict__.update(renamed)
    sys.modules[name] = alias


def install() -> None:
    """Register the old module paths (idempotent)."""
    _alias("search.analysis", analysis, NltkTokenizer=analysis.WordTokenizer)
    _alias("search.schema", schema)
    _alias("search.postings", postings)
