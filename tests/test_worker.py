"""A real django-q2 worker (`manage.py qcluster`, as `make run` starts it) picks up queued
tasks, with the ORM broker (default) and with Redis (when REDIS_URL is set)."""

import os
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.helpers import manage

pytestmark = pytest.mark.qcluster

ENQUEUE = "from django_q.tasks import async_task; print(async_task('math.factorial', 5))"


def task_result(database: Path, task_id: str, deadline: float) -> tuple | None:
    while time.monotonic() < deadline:
        with sqlite3.connect(database) as connection:
            row = connection.execute(
                "SELECT success, result FROM django_q_task WHERE id = ?", (task_id,)
            ).fetchone()
        if row:
            return row
        time.sleep(0.3)
    return None


def run_worker_case(tmp_path: Path, extra_env: dict) -> tuple | None:
    database = tmp_path / "worker.sqlite3"
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    env.update(DEBUG="1", DATABASE_URL=f"sqlite:///{database}", Q_WORKERS="1", **extra_env)
    manage(env, "migrate", "--noinput", "-v0")
    task_id = manage(env, "shell", "-c", ENQUEUE).splitlines()[-1]
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        return task_result(database, task_id, time.monotonic() + 60)
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_worker_runs_a_queued_task_with_the_orm_broker(tmp_path):
    row = run_worker_case(tmp_path, {})

    assert row is not None, "the worker did not run the task within 60 s"
    assert row[0] == 1


def test_worker_runs_a_queued_task_through_redis(tmp_path):
    redis_url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    import redis

    try:
        redis.Redis.from_url(redis_url).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis is not reachable at {redis_url} (.ci/run starts it)")

    # A queue of its own: another test's cluster on this Redis would take the task.
    queue = f"worker-test-{uuid.uuid4().hex[:12]}"
    row = run_worker_case(tmp_path, {"REDIS_URL": redis_url, "Q_CLUSTER_NAME": queue})

    assert row is not None, "the worker did not run the task within 60 s"
    assert row[0] == 1
