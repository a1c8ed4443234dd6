"""Helpers of many test modules: an API client signed in as a user, the messages a page
shows, a time poll on one slot, a ``manage.py`` subprocess or real ``qcluster`` on a
database of its own, and the rows PostgreSQL reads."""

import contextlib
import datetime as dt
import re
from html import unescape

from rest_framework.test import APIClient


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def one_slot_poll(meeting, *, by):
    """A time poll on ``meeting`` with one two-hour slot 20 days ahead at 09:00 (local time),
    answers due in ten days: the poll and the slot's start."""
    from django.utils import timezone

    from meetings.services.polls import time_poll_create

    day = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    starts = day + dt.timedelta(days=20)
    poll = time_poll_create(
        meeting=meeting,
        slots=[(starts, starts + dt.timedelta(hours=2))],
        deadline=day + dt.timedelta(days=10),
        by=by,
    )
    return poll, starts


def messages_of(response) -> list[str]:
    """The messages shown on the (followed) page, read back from the rendered HTML."""
    html = response.content.decode()
    return [unescape(m) for m in re.findall(r'<li class="message [^"]*">(.*?)</li>', html)]


def worker_env(tmp_path, **extra) -> dict:
    """The environment of a ``manage.py`` subprocess on its own SQLite file under ``tmp_path``
    (the test's own database settings left out), for tests with a real ``qcluster``."""
    import os

    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    env.update(
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        Q_WORKERS="1",
        MEDIA_ROOT=str(tmp_path / "media"),
        **extra,
    )
    return env


def manage(env: dict, *args: str, timeout: int = 120) -> str:
    """Run ``manage.py`` with ``env``; its standard output."""
    import subprocess
    import sys

    from django.conf import settings

    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return result.stdout.strip()


@contextlib.contextmanager
def running_qcluster(env: dict):
    """``with running_qcluster(env):`` a real ``manage.py qcluster`` for the block."""
    import subprocess
    import sys

    from django.conf import settings

    process = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def analyse() -> None:
    """Refresh PostgreSQL's statistics, as its autovacuum does in production: the planner
    then sees the tables' sizes (without, it takes a few rows for each)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


class PostgresRowsRead:
    """The rows of ``tables`` the SELECTs run meanwhile read, by PostgreSQL's own account:
    each is explained with ``ANALYZE`` afterwards, and the rows its scans of these tables
    returned or removed by their filters are added up (``rows``)."""

    def __init__(self, *tables: str):
        self.tables = set(tables)
        self.statements: list = []

    def _keep(self, execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("SELECT", "(SELECT")):
            self.statements.append((sql, params))
        return execute(sql, params, many, context)

    def __enter__(self):
        from django.db import connection

        self.wrapper = connection.execute_wrapper(self._keep)
        self.wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        from django.db import connection

        self.wrapper.__exit__(*exc)
        self.rows = 0
        with connection.cursor() as cursor:
            for sql, params in self.statements:
                cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
                self.rows += self._read(cursor.fetchone()[0][0]["Plan"])

    def _read(self, node: dict) -> int:
        rows = 0
        if node.get("Relation Name") in self.tables:
            loops = node.get("Actual Loops", 1)
            rows += (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * loops
        return rows + sum(self._read(child) for child in node.get("Plans", []))
