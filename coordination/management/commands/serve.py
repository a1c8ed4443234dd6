"""``manage.py serve``: the production process set, as a service manager (systemd, a
container runtime) starts it."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command


class Command(BaseCommand):
    help = (
        "Production: refuse DEBUG (check --deploy), collect the static files, apply the "
        "migrations, then run gunicorn (WEB_CONCURRENCY workers, coordination/gunicorn.py) and "
        "QCLUSTER_PROCESSES django-q2 clusters. TERM or INT stops them all; if one of them "
        "exits, the others are stopped and the command fails, so that the service manager "
        "restarts the whole set."
    )

    def handle(self, *args, **options):
        call_command("check", deploy=True, fail_level="ERROR")
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("migrate", interactive=False, verbosity=1)
        clusters = int(os.environ.get("QCLUSTER_PROCESSES", "1"))
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        commands = [[*manage, "qcluster"] for _ in range(clusters)]
        commands.append(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "python:coordination.gunicorn",
                "coordination.wsgi:application",
            ]
        )
        processes = [subprocess.Popen(command) for command in commands]  # noqa: S603
        stopping = False

        def stop(signum=None, frame=None):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        exited = None
        while not stopping and exited is None:
            time.sleep(0.5)
            exited = next((p for p in processes if p.poll() is not None), None)
        for process in processes:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 30
        for process in processes:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
        if exited is not None:
            raise CommandError(
                f"serve: {' '.join(exited.args[-2:])} exited (status {exited.returncode}); "
                "the others were stopped"
            )
