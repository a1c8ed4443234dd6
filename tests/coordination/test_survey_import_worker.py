"""The survey import queued by the page or the API is run by a real django-q2 worker
(`manage.py qcluster`), outside any request, and records its progress and report."""

import json
import os
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.qcluster

EXPORT = Path(__file__).resolve().parents[2] / "fixtures" / "survey_exports" / "msforms_nl.xlsx"

QUEUE = f"""
from django.core.files.base import ContentFile
from coordination.imports import jobs
from coordination.models import User
user = User.objects.create(username="team-member", is_staff=True)
job = jobs.survey_import_job_create(
    upload=ContentFile(open({str(EXPORT)!r}, "rb").read()),
    filename="msforms_nl.xlsx",
    user=user,
)
print(job.pk, job.upload.name)
"""


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip()


def finished_job(database: Path, job_id: int, deadline: float) -> tuple | None:
    while time.monotonic() < deadline:
        with sqlite3.connect(database) as connection:
            row = connection.execute(
                "SELECT status, rows_done, rows_total, report, upload"
                " FROM coordination_surveyimportjob WHERE id = ?",
                (job_id,),
            ).fetchone()
        if row and row[0] in ("done", "failed"):
            return row
        time.sleep(0.3)
    return None


def redis_url() -> str:
    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
    import redis

    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"Redis is not reachable at {url} (.ci/run starts it)")
    return url


@pytest.mark.parametrize("broker", ["orm", "redis"])
def test_worker_runs_a_queued_survey_import_and_deletes_its_upload(tmp_path, broker):
    database = tmp_path / "worker.sqlite3"
    media = tmp_path / "media"
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    env.update(
        DEBUG="1", DATABASE_URL=f"sqlite:///{database}", MEDIA_ROOT=str(media), Q_WORKERS="1"
    )
    if broker == "redis":
        # A queue of its own: a cluster of another test sharing this Redis would take the
        # task and run it against its own database.
        env.update(REDIS_URL=redis_url(), Q_CLUSTER_NAME=f"import-test-{uuid.uuid4().hex[:12]}")
    manage(env, "migrate", "--noinput", "-v0")
    job_id, upload = manage(env, "shell", "-c", QUEUE).splitlines()[-1].split()
    queued_file = (media / upload).exists()
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        row = finished_job(database, int(job_id), time.monotonic() + 60)
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    assert queued_file is True
    assert row is not None, "the worker did not finish the import within 60 s"
    status, rows_done, rows_total, report, stored = row
    assert (status, rows_done, rows_total, stored) == ("done", 2, 2, "")
    assert {k: json.loads(report)[k] for k in ("created", "committed", "language")} == {
        "created": 2,
        "committed": True,
        "language": "nl",
    }
    assert (media / upload).exists() is False
    with sqlite3.connect(database) as connection:
        responses = connection.execute("SELECT COUNT(*) FROM coordination_surveyresponse")
        assert responses.fetchone() == (2,)
