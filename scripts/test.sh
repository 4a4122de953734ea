#!/usr/bin/env bash
# Test job: install the package and what the tests need into .venv, then run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
# The browser tests drive Debian's chromium (never a downloaded browser build); install it when missing.
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; } \
        >/dev/null || echo "chromium could not be installed: tests/test_browser.py will skip (fail under CI)" >&2
fi
python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e '.[test]'
exec .venv/bin/python -m pytest "$@"
