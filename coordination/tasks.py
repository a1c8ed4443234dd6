"""django-q2 tasks of the ``coordination`` app: thin, each calls one service.

Schedules (created by migrations): the worker heartbeat every minute (``/readyz``)."""

from coordination import services


def worker_heartbeat() -> None:
    services.worker_heartbeat_record()
