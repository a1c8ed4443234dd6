"""Liveness and readiness of an installation, for load balancers and monitoring.

Liveness (``/healthz``): the process answers and reaches its database. Readiness
(``/readyz``): the database, the cache, the task broker, a background worker seen within
``READINESS_WORKER_SECONDS`` (its heartbeat task runs every minute), and the checks that other
apps register with ``readiness_check_register`` (``meetings`` adds the e-mail outbox: its
backlog and failures). A *critical* check that fails makes the installation unready (503);
any other one makes it ``degraded`` (200), so that a failed e-mail alerts the team without
taking the web servers out of the load balancer."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReadinessCheck:
    name: str
    run: Callable[[], dict]  # returns {"ok": bool, ...figures}; may raise
    critical: bool


READINESS_CHECKS: list[ReadinessCheck] = []


def readiness_check_register(name: str, run: Callable[[], dict], *, critical: bool) -> None:
    if all(check.name != name for check in READINESS_CHECKS):
        READINESS_CHECKS.append(ReadinessCheck(name=name, run=run, critical=critical))


def database_check() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def cache_check() -> dict:
    value = secrets.token_hex(8)
    cache.set("readiness-probe", value, timeout=30)
    return {"ok": cache.get("readiness-probe") == value}


def broker_check() -> dict:
    from django_q.brokers import get_broker

    broker = get_broker()
    return {"ok": bool(broker.ping()), "broker": "redis" if settings.REDIS_URL else "orm"}


def worker_check() -> dict:
    from coordination.models import WorkerHeartbeat

    seen_at = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True)
    last = seen_at.first()
    limit = dt.timedelta(seconds=settings.READINESS_WORKER_SECONDS)
    return {
        "ok": last is not None and timezone.now() - last <= limit,
        "last_seen": last.isoformat() if last else None,
    }


readiness_check_register("database", database_check, critical=True)
readiness_check_register("cache", cache_check, critical=True)
readiness_check_register("broker", broker_check, critical=True)
readiness_check_register("worker", worker_check, critical=True)


def liveness() -> bool:
    try:
        database_check()
    except Exception:
        logger.exception("Liveness check: the database is unreachable")
        return False
    return True


def readiness() -> tuple[str, dict[str, dict]]:
    """``("ok" | "degraded" | "unavailable", {check name: result})``."""
    results: dict[str, dict] = {}
    status = "ok"
    for check in READINESS_CHECKS:
        try:
            result = check.run()
        except Exception as exc:
            logger.exception("Readiness check %s failed", check.name)
            result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        results[check.name] = result
        if not result["ok"]:
            status = "unavailable" if check.critical else ("degraded" if status == "ok" else status)
    return status, results


def readiness_details_allowed(request) -> bool:
    """The team, or a monitor presenting ``Authorization: Bearer <READINESS_TOKEN>``."""
    token = settings.READINESS_TOKEN
    header = request.headers.get("Authorization", "")
    presented = header.removeprefix("Bearer ").encode()
    if token and header.startswith("Bearer ") and secrets.compare_digest(presented, token.encode()):
        return True
    from coordination.rules import is_team

    return is_team(request.user)
