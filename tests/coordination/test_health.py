"""Liveness (``/healthz``) and readiness (``/readyz``): status codes for anyone, the figures
of each check only for the team or a monitor with the readiness token."""

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from coordination.services import worker_heartbeat_record
from meetings.enums import OutboxStatus
from meetings.models import OutboundMessage
from meetings.services import invitations as invitation_services
from tests.factories import InvitationFactory, RoundSessionFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "readiness-token-for-the-monitor-0123456789"


@pytest.fixture
def worker_alive():
    return worker_heartbeat_record(now=timezone.now() - dt.timedelta(seconds=30))


def test_liveness_is_ok_without_details(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_liveness_without_a_database_is_503_and_tells_nothing(tmp_path):
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "response = Client().get('/healthz')\n"
        "print(response.status_code, response.content.decode())\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=f"sqlite:///{tmp_path}/missing/folder/db.sqlite3",
    )

    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert result.stdout.strip().splitlines()[-1] == '503 {"status": "error"}'


def test_readiness_is_ok_for_anyone_without_details(client, worker_alive):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readiness_details_for_the_team(client_for, team_user, worker_alive):
    response = client_for(team_user).get("/readyz")

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["checks"] == {
        "database": {"ok": True},
        "cache": {"ok": True},
        "broker": {"ok": True, "broker": "orm"},
        "worker": {"ok": True, "last_seen": worker_alive.seen_at.isoformat()},
        "outbox": {"ok": True, "failed": 0, "waiting": 0, "late": 0},
    }


def test_readiness_details_for_a_monitor_with_the_token_only(client, settings, worker_alive):
    settings.READINESS_TOKEN = TOKEN

    with_token = client.get("/readyz", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    wrong = client.get("/readyz", HTTP_AUTHORIZATION=f"Bearer {TOKEN}x")
    facilitator = UserFactory(facilitator=True)
    client.force_login(facilitator)
    not_team = client.get("/readyz")

    assert sorted(with_token.json()["checks"]) == [
        "broker",
        "cache",
        "database",
        "outbox",
        "worker",
    ]
    assert wrong.json() == {"status": "ok"}
    assert not_team.json() == {"status": "ok"}


def test_readiness_without_a_token_set_gives_no_details_to_an_empty_bearer(client, settings):
    settings.READINESS_TOKEN = ""
    worker_heartbeat_record()

    response = client.get("/readyz", HTTP_AUTHORIZATION="Bearer ")

    assert response.json() == {"status": "ok"}


def test_readiness_is_503_when_no_worker_was_seen_recently(client_for, team_user, settings):
    settings.READINESS_WORKER_SECONDS = 300
    stale = worker_heartbeat_record(now=timezone.now() - dt.timedelta(seconds=301))

    anonymous = client_for(UserFactory()).get("/readyz")
    team = client_for(team_user).get("/readyz")

    assert (anonymous.status_code, anonymous.json()) == (503, {"status": "unavailable"})
    assert team.json()["checks"]["worker"] == {
        "ok": False,
        "last_seen": stale.seen_at.isoformat(),
    }


def test_readiness_is_503_when_no_worker_ever_ran(client):
    response = client.get("/readyz")

    assert (response.status_code, response.json()) == (503, {"status": "unavailable"})


def test_heartbeat_task_makes_the_worker_seen(client):
    from django_q.tasks import async_task

    async_task("coordination.tasks.worker_heartbeat")  # run inline by the test settings

    assert client.get("/readyz").json() == {"status": "ok"}


def test_readiness_reports_failed_and_late_e_mails_as_degraded(client_for, team_user, worker_alive):
    session = RoundSessionFactory()
    for _ in range(3):
        InvitationFactory(meeting=session, status="drafted")
    invitation_services.invitations_send(meeting=session)  # the delivery tasks never ran
    first, second, _third = OutboundMessage.objects.order_by("id")
    OutboundMessage.objects.filter(pk=first.pk).update(status=OutboxStatus.FAILED)
    OutboundMessage.objects.filter(pk=second.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(minutes=11)
    )

    response = client_for(team_user).get("/readyz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["outbox"] == {
        "ok": False,
        "failed": 1,
        "waiting": 2,
        "late": 1,
    }
