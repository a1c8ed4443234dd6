"""What production serving relies on: the check that refuses DEBUG, the Permissions-Policy
header, the idle time-out of sessions, and gunicorn configured from the environment, its
access lines naming no token."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from gunicorn.config import Config

import coordination.gunicorn as gunicorn_config
from coordination.middleware import LAST_ACTIVITY_KEY
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EIGHT_HOURS = 8 * 3600


def test_deployment_check_refuses_debug(settings):
    settings.DEBUG = True

    with pytest.raises(SystemCheckError) as error:
        call_command("check", "--deploy", "--fail-level", "ERROR")

    assert "coordination.E001" in str(error.value)


def test_deployment_check_accepts_debug_off(settings):
    from django.core.checks import run_checks

    settings.DEBUG = False

    found = [message.id for message in run_checks(include_deployment_checks=True)]

    assert "coordination.E001" not in found


def test_pages_forbid_browser_features_with_a_permissions_policy(client):
    response = client.get(reverse("login"))

    policy = dict(part.split("=", 1) for part in response["Permissions-Policy"].split(", "))
    assert policy["camera"] == "()"
    assert policy["geolocation"] == "()"
    assert policy["microphone"] == "()"
    assert policy["payment"] == "()"


def _signed_in(client, user, password="pass-word-42-long"):
    user.set_password(password)
    user.save(update_fields=["password"])
    assert client.login(username=user.username, password=password)
    return client


def _idle_for(client, seconds: int) -> None:
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - seconds
    session.save()


@pytest.mark.parametrize("role", ["team", "facilitator"])
def test_team_and_facilitator_sessions_end_after_eight_idle_hours(client, role):
    user = UserFactory(is_staff=(role == "team"), facilitator=(role == "facilitator"))
    _signed_in(client, user)
    _idle_for(client, EIGHT_HOURS + 1)

    response = client.get(reverse("my-data"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_team_session_stays_while_used_and_the_activity_is_renewed(client):
    user = UserFactory(is_staff=True)
    _signed_in(client, user)
    _idle_for(client, EIGHT_HOURS - 60)

    response = client.get(reverse("my-data"))

    assert response.status_code == 200
    assert client.session[LAST_ACTIVITY_KEY] >= int(time.time()) - 5


def test_participant_session_has_no_idle_limit_by_default(client, participant):
    _signed_in(client, participant)
    _idle_for(client, 3 * EIGHT_HOURS)

    response = client.get(reverse("my-data"))

    assert response.status_code == 200


def test_idle_limit_is_configurable(client, settings):
    settings.SESSION_IDLE_TIMEOUT_TEAM = 600
    user = UserFactory(is_staff=True)
    _signed_in(client, user)
    _idle_for(client, 601)

    response = client.get(reverse("my-data"))

    assert response.status_code == 302


def test_gunicorn_is_configured_from_the_environment():
    env = {**os.environ, "WEB_CONCURRENCY": "3", "HOST": "127.0.0.1", "PORT": "18301"}
    env.update(GUNICORN_TIMEOUT="45", GUNICORN_THREADS="2")

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--print-config",
            "--config",
            "python:coordination.gunicorn",
            "coordination.wsgi:application",
        ],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    config = {
        name.strip(): value.strip()
        for name, _sep, value in (line.partition(" = ") for line in result.stdout.splitlines())
    }
    assert config["workers"] == "3"
    assert config["threads"] == "2"
    assert config["timeout"] == "45"
    assert config["bind"] == "['127.0.0.1:18301']"
    assert config["accesslog"] == "-"


def test_gunicorn_access_lines_name_the_path_without_query_referrer_or_token(capsys):
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", gunicorn_config.access_log_format)
    logger = gunicorn_config.AccessLogger(config)
    for path, query in [
        ("/rsvp/Sx7-secret/", ""),
        ("/sign-in/link/", "sesame=Mn4-secret&next=/meetings/3/"),
        ("/meetings/", "q=Anna+Example"),
    ]:
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": f"{path}?{query}" if query else path,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "203.0.113.9",
            "HTTP_REFERER": "https://coordination.example/rsvp/Rf5-secret/",
            "HTTP_USER_AGENT": "Calendar/1.0",
        }
        response = SimpleNamespace(status="200 OK", headers=[], sent=512)
        request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
        logger.access(response, request, environ, timedelta(milliseconds=12))

    lines = [line.split("] ", 1)[1] for line in capsys.readouterr().out.splitlines()]
    assert lines == [
        '"GET /rsvp/<token>/ HTTP/1.1" 200 512 0.012000 "Calendar/1.0"',
        '"GET /sign-in/link/ HTTP/1.1" 200 512 0.012000 "Calendar/1.0"',
        '"GET /meetings/ HTTP/1.1" 200 512 0.012000 "Calendar/1.0"',
    ]


def test_serve_refuses_to_start_with_debug_on(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DEBUG="1",
        PYTHON=sys.executable,
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        QCLUSTER_PROCESSES="1",
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "serve"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert "(coordination.E001) DEBUG is on" in result.stderr
    assert not (tmp_path / "serve.sqlite3").exists()  # nothing was migrated or started
