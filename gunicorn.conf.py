"""Production server settings for gunicorn.

    gunicorn -c gunicorn.conf.py 'api.app:create_app()'        (or: make serve-prod)

The application reads its own settings from ``ANNUAIRE_*`` variables (backend, CORS, rate limit…).
This file only shapes the HTTP server; each value can be overridden from the environment:

- ``ANNUAIRE_BIND`` (default ``127.0.0.1:8000``; ``0.0.0.0:8000`` in a container),
- ``WEB_CONCURRENCY`` worker processes (default: cores + 1, so 3 on 2 cores),
- ``GUNICORN_THREADS`` threads per worker (default 4): a request mostly waits on the search
  backend, so threads overlap that wait while processes use the cores,
- ``GUNICORN_TIMEOUT`` seconds before a silent worker is restarted (default 30; searches give up
  after ``ANNUAIRE_TIMEOUT_S``, 2 s by default, and answer 503 long before),
- ``FORWARDED_ALLOW_IPS`` proxies trusted for ``X-Forwarded-Proto`` (default ``127.0.0.1``).
"""
from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("ANNUAIRE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5

# Recycle workers now and then (bounded memory growth), not all at the same moment.
max_requests = 10_000
max_requests_jitter = 1_000

# Request limits, above the application's own (URL of 4,096 characters → 414 problem+json).
limit_request_line = 8190
limit_request_fields = 60
limit_request_field_size = 8190

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"  # heartbeat files off the (possibly slow) container disk

# Each worker builds its own app (no preload: no connection is shared across a fork).
preload_app = False


def post_worker_init(worker) -> None:
    """Load the reference geography before the first request, so no visitor waits for it."""
    services = getattr(worker.wsgi, "extensions", {}).get("annuaire")
    if services is not None:
        reference = services.reference
        load_all = getattr(reference, "load_all", None)
        if load_all is not None:
            load_all()
