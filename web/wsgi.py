"""WSGI entry point: ``gunicorn web.wsgi:app`` (config from $DIPSEARCH_CONFIG or ./config.yaml)."""

import os

from search.config import load_config

from . import create_app

app = create_app(load_config(os.environ.get("DIPSEARCH_CONFIG", "config.yaml")))
