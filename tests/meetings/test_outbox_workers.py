"""Two real django-q2 clusters (``manage.py qcluster``) on one Redis broker share the outbox
and never send the same message: every message is delivered exactly once to a real SMTP
server, although each is queued twice and the sweepers run as well. On PostgreSQL the rows
are claimed with ``SELECT … FOR UPDATE SKIP LOCKED``; on SQLite the write lock serialises
the claims."""

import os
import re
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from tests.mailserver import MailServer

pytestmark = pytest.mark.qcluster

MESSAGES = 30

ARRANGE = f"""
from django_q.tasks import async_task
from meetings.enums import InvitationStatus
from meetings.models import OutboundMessage
from meetings.services import invitations as services
from tests.factories import InvitationFactory, RoundSessionFactory

session = RoundSessionFactory(title="Session: reception capacity")
for number in range({MESSAGES}):
    InvitationFactory(
        meeting=session,
        status=InvitationStatus.DRAFTED,
        contact__email=f"invitee{{number}}@example.org",
    )
services.invitations_send(meeting=session)  # queues one delivery task per message
for pk in OutboundMessage.objects.values_list("pk", flat=True):
    async_task("meetings.tasks.outbox_deliver", pk)  # and a second one
for _ in range(4):
    async_task("meetings.tasks.outbox_sweep")
print(OutboundMessage.objects.count())
"""

COUNT_SENT = (
    "from meetings.models import OutboundMessage\n"
    "print(OutboundMessage.objects.filter(status='sent').count())"
)
MESSAGE_IDS = (
    "from meetings.models import OutboundMessage\n"
    "for key in OutboundMessage.objects.values_list('idempotency_key', flat=True): print(key)"
)


def manage(env: dict, *args: str, timeout: int = 180) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


@pytest.fixture
def worker_database(tmp_path):
    """A database of its own for the workers: PostgreSQL on the PostgreSQL run (the row
    locks are what is proven there), a SQLite file otherwise."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{tmp_path / 'workers.sqlite3'}"
        return
    import psycopg

    name = f"{default['NAME']}_qcluster"[:60]
    dsn = {"host": default["HOST"] or "127.0.0.1", "port": default["PORT"] or 5432}
    dsn["user"] = default["USER"]
    with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{dsn['user']}@{dsn['host']}:{dsn['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _redis_url() -> str:
    import redis

    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis is not reachable at {url} (.ci/run starts it)")
    return url


def test_two_clusters_on_redis_send_every_message_exactly_once(tmp_path, worker_database):
    server = MailServer().start()
    server.inbox.delay = 0.05  # a slow server: the workers overlap
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    env.update(
        DEBUG="1",
        DATABASE_URL=worker_database,
        REDIS_URL=_redis_url(),
        Q_CLUSTER_NAME=f"outbox-test-{uuid.uuid4().hex[:12]}",  # a queue of its own
        Q_WORKERS="2",
        EMAIL_URL=f"smtp://127.0.0.1:{server.port}",
        LOG_LEVEL="INFO",
        LOG_FORMAT="plain",
    )
    clusters: list[tuple[subprocess.Popen, Path]] = []
    try:
        manage(env, "migrate", "--noinput", "-v0")
        for number in (1, 2):
            log = tmp_path / f"cluster{number}.log"
            with log.open("w") as output:
                process = subprocess.Popen(
                    [sys.executable, "manage.py", "qcluster"],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            clusters.append((process, log))
        _wait_until(lambda: all("ready for work" in log.read_text() for _p, log in clusters), 60)

        written = int(manage(env, "shell", "-v0", "-c", ARRANGE).splitlines()[-1])
        _wait_until(lambda: int(manage(env, "shell", "-v0", "-c", COUNT_SENT)) == written, 120)
        time.sleep(2)  # any duplicate still on its way arrives now
        keys = manage(env, "shell", "-v0", "-c", MESSAGE_IDS).splitlines()
    finally:
        for process, _log in clusters:
            process.terminate()
        for process, _log in clusters:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        server.stop()

    sent_by = [
        re.findall(r"Outbox message (\d+) sent", log.read_text()) for _process, log in clusters
    ]
    assert written == MESSAGES
    assert Counter(server.inbox.message_ids()) == {f"<{key}@example.be>": 1 for key in keys}
    assert len(sent_by[0]) + len(sent_by[1]) == MESSAGES
    assert set(sent_by[0]).isdisjoint(sent_by[1])
    assert sent_by[0] and sent_by[1], f"both clusters must have sent messages: {sent_by}"


def _wait_until(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"not reached within {timeout} s")
