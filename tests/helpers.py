"""Helpers of many test modules: an API client signed in as a user, the messages a page
shows, and a ``manage.py`` subprocess or real ``qcluster`` on a database of its own."""

import contextlib
import re
from html import unescape

from rest_framework.test import APIClient


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


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
