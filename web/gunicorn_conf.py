"""gunicorn settings from the ``server`` section of config.yaml.

    gunicorn -c web/gunicorn_conf.py web.wsgi:app     (or: dipsearch serve --workers N)

The config file is $DIPSEARCH_CONFIG or ./config.yaml, the same one
``web.wsgi`` loads. The app is preloaded in the master so a worker that dies
is replaced by a fork in milliseconds; that is safe because nothing opens the
index at import: each worker opens its own searcher after the fork
(``post_worker_init``), and no file handle is shared between processes.
"""

import os

from search.config import load_config
from search.service import IndexMissing

_server = load_config(os.environ.get("DIPSEARCH_CONFIG", "config.yaml")).values["server"]

wsgi_app = "web.wsgi:app"
bind = [f"{_server['host']}:{_server['port']}"]
workers = _server["workers"]
worker_class = "sync"  # one request at a time: Whoosh readers share file positions between threads
timeout = _server["timeout"]
graceful_timeout = _server["graceful_timeout"]
max_requests = _server["max_requests"]
max_requests_jitter = max_requests // 10
preload_app = True
control_socket_disable = True  # gunicorn >= 25: no shared socket in $HOME between instances


def post_worker_init(worker) -> None:
    """Open the index before the first request, so it does not pay the 100-200 ms.

    The app learns how many workers really run (``--workers`` may override the
    config): expensive requests get one slot fewer (web/load.py).
    """
    worker.wsgi.extensions["workers"] = worker.cfg.workers
    try:
        worker.wsgi.extensions["search_service"].live()
    except IndexMissing as exc:
        worker.log.warning("no index yet, /readyz answers 503: %s", exc)
