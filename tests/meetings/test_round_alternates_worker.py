"""The alternate flow end to end with a real django-q2 worker: invitations of a drawn round go
out, the answer deadline passes, the scheduled follow-up task runs in ``manage.py qcluster``
and the unanswered seats go to the next alternates."""

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.qcluster

SETUP = """
import datetime as dt, json
from django.utils import timezone
from coordination.services import questionnaire_load
from meetings.services.invitations import invitation_answer, invitations_send
from meetings.services.panels import round_draw_record, session_answer_deadline_set
from tests.meetings.test_round_draws import bilingual_round, volunteers
questionnaire_load()
volunteers(14)
consultation_round, french, dutch = bilingual_round(seats=2)
round_draw_record(consultation_round=consultation_round, seed=5)
invitations_send(meeting=french)
invitations_send(meeting=dutch)
answered = french.invitations.filter(status="sent").order_by("pk").first()
invitation_answer(invitation=answered, answer="accepted")
session_answer_deadline_set(meeting=french, deadline=timezone.now())
from django_q.tasks import async_task
print(json.dumps({"french": french.pk, "task": async_task("meetings.tasks.rounds_follow_up")}))
"""


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    return result.stdout.strip()


def test_worker_replaces_the_unanswered_after_the_deadline(tmp_path: Path):
    database = tmp_path / "alternates.sqlite3"
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    env.update(DEBUG="1", DATABASE_URL=f"sqlite:///{database}", Q_WORKERS="1")
    manage(env, "migrate", "--noinput", "-v0")
    setup = json.loads(manage(env, "shell", "-c", SETUP).splitlines()[-1])
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    row = None
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and row is None:
            with sqlite3.connect(database) as connection:
                row = connection.execute(
                    "SELECT success FROM django_q_task WHERE id = ?", (setup["task"],)
                ).fetchone()
            time.sleep(0.3)
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    assert row == (1,), "the worker did not run the follow-up within 90 s"
    with sqlite3.connect(database) as connection:
        statuses = sorted(
            status
            for (status,) in connection.execute(
                "SELECT status FROM meetings_invitation WHERE meeting_id = ? "
                "AND status != 'waitlisted'",
                (setup["french"],),
            )
        )
        explanation = connection.execute(
            "SELECT explanation FROM meetings_paneldraw WHERE meeting_id = ? AND is_current",
            (setup["french"],),
        ).fetchone()[0]
    # one accepted, the unanswered one withdrawn and replaced by a newly sent alternate
    assert statuses == ["accepted", "cancelled", "sent"]
    assert [r["why"] for r in json.loads(explanation)["replacements"]] == ["no_answer"]
