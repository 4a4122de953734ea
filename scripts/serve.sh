#!/usr/bin/env bash
# Main job: install into .venv, index corpus/ if needed, serve on http://127.0.0.1:8000
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e .
exec .venv/bin/dipsearch serve "$@"
