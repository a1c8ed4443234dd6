"""gunicorn, configured from the environment (``manage.py serve`` starts it with
``--config python:coordination.gunicorn``).

WEB_CONCURRENCY    worker processes (default 2; about 2 × cores + 1 on a dedicated machine)
GUNICORN_THREADS   threads per worker (default 1: the app is synchronous and the database
                   connections persist per thread)
HOST / PORT        where to listen (127.0.0.1:8000; a TLS proxy in front) — or GUNICORN_BIND
GUNICORN_TIMEOUT   seconds before a stuck worker is replaced (default 60; PDFs render in tasks)
GUNICORN_GRACEFUL_TIMEOUT  seconds a worker gets to finish its requests on restart (20)
GUNICORN_MAX_REQUESTS      a worker is replaced after this many requests (1000, with jitter)
FORWARDED_ALLOW_IPS        proxies whose X-Forwarded-* headers are trusted (127.0.0.1)

The access log names each request by its path alone: no query string (a sign-in link's
token, a search), no referrer (the page before, query and all), and the tokens of personal
links in the path written as ``<token>`` (``coordination.logs.path_logged``).
"""

import os

from gunicorn.glogging import Logger

from coordination.logs import path_logged


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = [
    os.environ.get("GUNICORN_BIND")
    or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
]
workers = _int("WEB_CONCURRENCY", 2)
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
keepalive = 5
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max(max_requests // 10, 0)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(L)s "%(a)s"'
errorlog = "-"
proc_name = "coordinator"


class AccessLogger(Logger):
    """gunicorn's logger, its access lines written as the module's docstring says."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = path_logged(environ.get("PATH_INFO") or "")
        method, protocol = environ.get("REQUEST_METHOD"), environ.get("SERVER_PROTOCOL")
        atoms.update(r=f"{method} {path} {protocol}", U=path, q="", f="-")
        return atoms


logger_class = AccessLogger
