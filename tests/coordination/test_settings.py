"""The settings switch on the environment as the README documents (checked in a fresh
interpreter, exactly as the server would read them)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PROBE = """
import json
from coordination import settings as s
print(json.dumps({
    "engine": s.DATABASES["default"]["ENGINE"],
    "name": str(s.DATABASES["default"]["NAME"]),
    "conn_max_age": s.DATABASES["default"].get("CONN_MAX_AGE"),
    "health_checks": s.DATABASES["default"].get("CONN_HEALTH_CHECKS"),
    "q_broker": "redis" if "redis" in s.Q_CLUSTER else "orm",
    "q_timeout": s.Q_CLUSTER["timeout"], "q_retry": s.Q_CLUSTER["retry"],
    "q_max_attempts": s.Q_CLUSTER.get("max_attempts"),
    "cache": s.CACHES["default"]["BACKEND"],
    "email": s.EMAIL_BACKEND,
    "debug": s.DEBUG,
}))
"""


def read_settings(**env) -> dict:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    for key in ("REDIS_URL", "EMAIL_URL", "SECRET_KEY", "DEBUG"):
        base.pop(key, None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**base, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode:
        return {"error": result.stderr.strip().splitlines()[-1]}
    return json.loads(result.stdout)


def test_defaults_are_sqlite_orm_broker_and_mail_written_to_files():
    values = read_settings(DEBUG="1")

    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(settings.BASE_DIR / "db.sqlite3")
    assert values["q_broker"] == "orm"
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["email"] == "django.core.mail.backends.filebased.EmailBackend"


def test_database_url_selects_postgresql_with_persistent_checked_connections():
    values = read_settings(DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/coord")

    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "coord"
    assert values["conn_max_age"] == 600
    assert values["health_checks"] is True


def test_redis_url_switches_broker_and_cache_to_redis():
    values = read_settings(DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/0")

    assert values["q_broker"] == "redis"
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_email_url_selects_smtp():
    values = read_settings(DEBUG="1", EMAIL_URL="smtp://127.0.0.1:2525")

    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_task_timeout_is_well_below_retry_and_attempts_are_bounded():
    values = read_settings(DEBUG="1")

    assert values["q_timeout"] * 2 <= values["q_retry"]
    assert values["q_max_attempts"] == 3


def test_production_refuses_to_start_without_a_secret_key():
    values = read_settings(DEBUG="0")

    assert values == {
        "error": "django.core.exceptions.ImproperlyConfigured: SECRET_KEY must be set when "
        "DEBUG is off (set DEBUG=1 for local development)."
    }


def test_production_starts_with_a_secret_key():
    values = read_settings(DEBUG="0", SECRET_KEY="x" * 50)

    assert values["debug"] is False


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_chosen_by_database_url():
    from django.db import connection

    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected
