"""WSGI entry point: ``gunicorn -c web/gunicorn_conf.py web.wsgi:app``.

Config from $DIPSEARCH_CONFIG or ./config.yaml. Flask's debug mode shows
tracebacks (and with the Werkzeug debugger, a console) to whoever asks, so
this entry point refuses to start with FLASK_DEBUG set rather than serve the
public in it.
"""

import os

from flask.helpers import get_debug_flag

from search.config import load_config

from . import create_app


def refuse_debug() -> None:
    """Stop here when FLASK_DEBUG asks for debug mode (Flask would turn it on from that)."""
    if get_debug_flag():
        raise RuntimeError("FLASK_DEBUG is set: refusing to serve in debug mode; unset it")


refuse_debug()
app = create_app(load_config(os.environ.get("DIPSEARCH_CONFIG", "config.yaml")))
