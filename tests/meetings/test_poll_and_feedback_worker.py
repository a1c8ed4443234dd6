"""The scheduled time-poll reminder and feedback request with a real django-q2 worker
(`manage.py qcluster`) and a real SMTP server: the schedules the migrations create run, and
each e-mail arrives once."""

import sqlite3
import time
from pathlib import Path

import pytest

from tests.helpers import manage, running_qcluster, worker_env
from tests.mailserver import MailServer

pytestmark = pytest.mark.qcluster

SETUP = """
import datetime as dt
from django.utils import timezone
from django_q.models import Schedule
from meetings.enums import InvitationStatus
from meetings.services import polls
from tests.factories import ContactFactory, InvitationFactory, RoundSessionFactory, UserFactory

now = timezone.now()
ended = RoundSessionFactory(
    starts_at=now - dt.timedelta(hours=23), ends_at=now - dt.timedelta(hours=20)
)
InvitationFactory(
    meeting=ended, status=InvitationStatus.ACCEPTED,
    contact=ContactFactory(email="attendee@example.org", preferred_language="nl"),
)
coming = RoundSessionFactory()
InvitationFactory(
    meeting=coming, status=InvitationStatus.DRAFTED,
    contact=ContactFactory(email="undecided@example.org", preferred_language="fr"),
)
start = now + dt.timedelta(days=5)
polls.time_poll_create(
    meeting=coming, slots=[(start, start + dt.timedelta(hours=3))],
    deadline=now + dt.timedelta(hours=20), by=UserFactory(),
)
due = ["meetings.tasks.feedback_requests_enqueue", "meetings.tasks.time_poll_reminders_enqueue"]
Schedule.objects.filter(func__in=due).update(next_run=now)
Schedule.objects.exclude(func__in=[*due, "meetings.tasks.outbox_sweep"]).update(
    next_run=now + dt.timedelta(days=1)
)
print("ready")
"""


def test_scheduled_poll_reminder_and_feedback_request_are_sent_by_a_real_worker(tmp_path: Path):
    server = MailServer().start()
    env = worker_env(tmp_path, EMAIL_URL=f"smtp://127.0.0.1:{server.port}")
    manage(env, "migrate", "--noinput", "-v0")
    assert manage(env, "shell", "-c", SETUP).splitlines()[-1] == "ready"
    try:
        with running_qcluster(env):
            # the poll itself, its reminder and the feedback request
            arrived = server.inbox.wait_for(3, timeout=120)
            time.sleep(1)
    finally:
        server.stop()

    database = tmp_path / "worker.sqlite3"
    with sqlite3.connect(database) as connection:
        kinds = connection.execute(
            "SELECT to_email, kind, status FROM meetings_outboundmessage ORDER BY to_email, kind"
        ).fetchall()
    assert arrived, "the worker did not deliver the three e-mails within 120 s"
    assert kinds == [
        ("attendee@example.org", "feedback", "sent"),
        ("undecided@example.org", "time_poll", "sent"),
        ("undecided@example.org", "time_poll_reminder", "sent"),
    ]
    assert sorted(m["To"] for m in server.inbox.messages()) == [
        "attendee@example.org",
        "undecided@example.org",
        "undecided@example.org",
    ]
