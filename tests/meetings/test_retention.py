"""The daily retention purge: what it removes, what it keeps as proof, the record of each run,
the page listing the rules, and a real django-q2 worker running the scheduled task."""

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coordination.exceptions import InvalidTokenError
from coordination.models import AccessEvent, PurgeRun
from coordination.services import access_record
from meetings.models import MinutesExport, OutboundMessage
from meetings.services import invitations as invitation_services
from meetings.services.retention import retention_purge
from tests.factories import InvitationFactory, RoundSessionFactory, TeamUserFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def sent_message(created_at):
    invitation = InvitationFactory()
    message = OutboundMessage.objects.create(
        invitation=invitation,
        kind="invitation",
        sequence=0,
        to_email="someone@ngo.be",
        language="en",
        subject="Invitation",
        body_text="Dear Someone",
        body_html="<p>Dear Someone</p>",
        ical="BEGIN:VCALENDAR",
        status="sent",
        sent_at=created_at,
        next_attempt_at=created_at,
    )
    OutboundMessage.objects.filter(pk=message.pk).update(created_at=created_at)
    return message


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def test_purge_removes_what_is_past_retention_and_keeps_the_rest(media_root):
    old, recent = sent_message(days_ago(181)), sent_message(days_ago(10))
    export = MinutesExport(
        requested_by=TeamUserFactory(), title="2025", format="pdf", status="ready"
    )
    export.file.save("minutes-export-1.pdf", ContentFile(b"%PDF-1.7"), save=True)
    MinutesExport.objects.filter(pk=export.pk).update(created_at=days_ago(31))
    expired = SessionStore()
    expired.create()
    Session.objects.filter(pk=expired.session_key).update(expire_date=days_ago(1))
    live = SessionStore()
    live.create()
    stale_upload = default_storage.save("survey-imports/export-old", ContentFile(b"x"))
    os.utime(Path(media_root) / stale_upload, (time.time() - 25 * 3600,) * 2)
    fresh_upload = default_storage.save("survey-imports/export-new", ContentFile(b"x"))
    long_over = InvitationFactory(
        meeting=RoundSessionFactory(starts_at=days_ago(9), ends_at=days_ago(8.9))
    )
    just_over = InvitationFactory(
        meeting=RoundSessionFactory(starts_at=days_ago(2), ends_at=days_ago(1.9))
    )
    old_link = invitation_services.invitation_token(long_over)
    access_record(actor=None, action="erased", door="command")
    AccessEvent.objects.update(at=days_ago(3 * 365 + 1))
    AccessAttempt.objects.create(
        username="someone", ip_address="192.0.2.7", failures_since_start=1, **ATTEMPT
    )
    AccessAttempt.objects.update(attempt_time=days_ago(31))

    run = retention_purge(now=NOW)

    old.refresh_from_db()
    recent.refresh_from_db()
    export.refresh_from_db()
    assert run.removed == {
        "outbox_bodies": 1,
        "participation_needs": 0,
        "minutes_exports": 1,
        "sessions": 1,
        "survey_import_uploads": 1,
        "rsvp_links": 1,
        "login_attempts": 1,
        "audit_trail": 1,
    }
    assert (old.to_email, old.subject, old.status, old.body_text, old.body_html, old.ical) == (
        "someone@ngo.be",
        "Invitation",
        "sent",
        "",
        "",
        "",
    )
    assert recent.body_text == "Dear Someone"
    assert (export.file.name, export.status) == ("", "failed")
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert default_storage.listdir("survey-imports")[1] == [Path(fresh_upload).name]
    with pytest.raises(InvalidTokenError):
        invitation_services.invitation_from_token(old_link)
    assert (
        invitation_services.invitation_from_token(invitation_services.invitation_token(just_over))
        == just_over
    )
    assert AccessEvent.objects.count() == 0


ATTEMPT = {"user_agent": "Firefox", "http_accept": "*/*", "path_info": "/accounts/login/"}


def failed_sign_in(client, username: str) -> None:
    response = client.post(
        reverse("login"),
        {"username": username, "password": "wrong"},
        REMOTE_ADDR="192.0.2.7",
        HTTP_USER_AGENT="Firefox",
    )
    assert response.status_code == 200


def lock_out_records() -> list[tuple]:
    return sorted(
        (model.__name__, row.username, row.ip_address)
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
        for row in model.objects.all()
    )


def test_sign_in_attempts_are_purged_after_their_own_retention(client, media_root):
    UserFactory(username="olga", password="right-password-1")
    failed_sign_in(client, "olga")
    client.post(
        reverse("login"),
        {"username": "olga", "password": "right-password-1"},
        REMOTE_ADDR="192.0.2.8",
    )
    failed_sign_in(Client(), "someone-else")
    recorded = lock_out_records()
    now = timezone.now()

    in_time = retention_purge(now=now + dt.timedelta(days=29))
    kept = lock_out_records()
    past = retention_purge(now=now + dt.timedelta(days=31))

    assert recorded == [
        ("AccessAttempt", "olga", "192.0.2.7"),
        ("AccessAttempt", "someone-else", "192.0.2.7"),
        ("AccessLog", "olga", "192.0.2.8"),
    ]
    assert (in_time.removed["login_attempts"], kept) == (0, recorded)
    assert past.removed["login_attempts"] == 3
    assert lock_out_records() == []


def test_sign_in_attempts_of_a_running_lock_out_are_kept(client, settings, media_root):
    settings.AXES_COOLOFF_TIME = 24 * 40  # a lock-out of 40 days outlasts the 30-day rule
    failed_sign_in(client, "someone")

    run = retention_purge(now=timezone.now() + dt.timedelta(days=31))

    assert run.removed["login_attempts"] == 0
    assert AccessAttempt.objects.count() == 1


def test_purge_twice_removes_nothing_more(media_root):
    sent_message(days_ago(200))
    retention_purge(now=NOW)

    second = retention_purge(now=NOW)

    assert set(second.removed.values()) == {0}
    assert PurgeRun.objects.count() == 2


def test_retention_page_lists_the_rules_and_the_last_run(client_for, team_user, media_root):
    retention_purge(now=NOW)

    response = client_for(team_user).get(reverse("retention"))

    rules = {r["key"]: (r["kept"], r["removed"]) for r in response.context["rules"]}
    assert rules["outbox_bodies"] == ("180 days", 0)
    assert rules["audit_trail"] == ("1095 days", 0)
    assert rules["login_attempts"] == ("30 days", 0)
    assert rules["sign_in_links"] == ("5 days after the meeting, else 14 days", None)
    assert "Sign-in attempts and sign-ins (user names, IP addresses)" in response.content.decode()
    assert response.context["last_run"] == PurgeRun.objects.get()


def test_retention_page_is_for_the_team_only(client_for, facilitator):
    assert client_for(facilitator).get(reverse("retention")).status_code == 403


@pytest.mark.qcluster
def test_a_real_worker_runs_the_scheduled_purge(tmp_path):
    database = tmp_path / "worker.sqlite3"
    media = tmp_path / "media"
    (media / "survey-imports").mkdir(parents=True)
    stale = media / "survey-imports" / "export-left-behind"
    stale.write_bytes(b"an upload nobody imported")
    os.utime(stale, (time.time() - 48 * 3600,) * 2)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    env.update(
        DEBUG="1", DATABASE_URL=f"sqlite:///{database}", Q_WORKERS="1", MEDIA_ROOT=str(media)
    )

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout

    manage("migrate", "--noinput", "-v0")
    manage(
        "shell",
        "-c",
        "import datetime; from django_q.models import Schedule; from django.utils import timezone; "
        "Schedule.objects.filter(func='meetings.tasks.retention_purge')"
        ".update(next_run=timezone.now()); "
        "Schedule.objects.exclude(func='meetings.tasks.retention_purge')"
        ".update(next_run=timezone.now() + datetime.timedelta(days=1))",
    )
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
            time.sleep(0.5)
            with sqlite3.connect(database) as connection:
                row = connection.execute(
                    "SELECT removed FROM coordination_purgerun WHERE finished_at IS NOT NULL"
                ).fetchone()
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    assert row is not None, "the worker did not run the purge within 90 s"
    assert '"survey_import_uploads": 1' in row[0]
    assert stale.exists() is False
