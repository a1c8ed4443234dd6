"""Benchmark of start-up (not collected by pytest): ``manage.py check`` of the project beside
the same command of a bare project with the same Django and third-party apps, middleware
and settings but none of the project's apps, URLs or templates (written to a temporary
directory). Each is run ``BENCH_RUNS`` times in a new process after one warm run, with
bytecode caching on (as in production), and the medians compared.

    python tests/benchmarks/bench_startup.py
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("BENCH_RUNS", "7"))

BARE_SETTINGS = """
from tests.settings import *  # noqa: F403

OURS = ("coordination", "meetings")
INSTALLED_APPS = [a for a in INSTALLED_APPS if not a.startswith(OURS)]  # noqa: F405
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith(OURS)]  # noqa: F405
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    *[b for b in AUTHENTICATION_BACKENDS if not b.startswith(OURS)],  # noqa: F405
]
AUTH_USER_MODEL = "auth.User"
ROOT_URLCONF = "bare_urls"
TEMPLATES = [{**TEMPLATES[0], "DIRS": []}]  # noqa: F405
TEMPLATES[0]["OPTIONS"] = {
    "context_processors": [
        p for p in TEMPLATES[0]["OPTIONS"]["context_processors"] if not p.startswith(OURS)
    ]
}
REST_FRAMEWORK = {}
SPECTACULAR_SETTINGS = {}
DRF_STANDARDIZED_ERRORS = {}
"""

BARE_URLS = """
from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
"""

# The same with one API view of Django REST framework (whose import pulls its compat layer:
# psycopg's ranges, requests, pygments), as any project with an API pays at start-up.
BARE_API_URLS = """
from django.contrib import admin
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView


class Ping(APIView):
    def get(self, request):
        return Response({"ok": True})


urlpatterns = [path("admin/", admin.site.urls), path("api/ping/", Ping.as_view())]
"""


def median_s(command: list[str], env: dict) -> float:
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("DATABASE_URL", "sqlite:////tmp/startup.sqlite3")
    with tempfile.TemporaryDirectory(prefix="bare-project-") as bare:
        Path(bare, "bare_settings.py").write_text(BARE_SETTINGS, encoding="utf-8")
        Path(bare, "bare_urls.py").write_text(BARE_URLS, encoding="utf-8")
        Path(bare, "bare_api_urls.py").write_text(BARE_API_URLS, encoding="utf-8")
        Path(bare, "bare_api_settings.py").write_text(
            'from bare_settings import *  # noqa: F403\nROOT_URLCONF = "bare_api_urls"\n',
            encoding="utf-8",
        )
        project = median_s(
            [sys.executable, "manage.py", "check"],
            {**env, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        )
        bare_check = median_s(
            [sys.executable, "-m", "django", "check"],
            {
                **env,
                "DJANGO_SETTINGS_MODULE": "bare_settings",
                "PYTHONPATH": os.pathsep.join([bare, str(ROOT)]),
            },
        )
        bare_api = median_s(
            [sys.executable, "-m", "django", "check"],
            {
                **env,
                "DJANGO_SETTINGS_MODULE": "bare_api_settings",
                "PYTHONPATH": os.pathsep.join([bare, str(ROOT)]),
            },
        )
        python = median_s([sys.executable, "-c", "pass"], env)
    sys.stdout.write(f"manage.py check, median of {RUNS} (bytecode cached)\n")
    sys.stdout.write(f"{'project':<28} {project:6.2f} s\n")
    sys.stdout.write(f"{'bare project, same apps':<28} {bare_check:6.2f} s\n")
    sys.stdout.write(f"{'bare project with a DRF view':<28} {bare_api:6.2f} s\n")
    sys.stdout.write(f"{'python alone':<28} {python:6.2f} s\n")
    sys.stdout.write(f"{'ratio project / bare':<28} {project / bare_check:6.2f}\n")
    sys.stdout.write(f"{'ratio project / bare + DRF':<28} {project / bare_api:6.2f}\n")


if __name__ == "__main__":
    main()
