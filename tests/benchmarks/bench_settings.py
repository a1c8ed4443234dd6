"""Settings of the benchmarks: the test settings (``DATABASE_URL`` chooses the database)
with the bare views mounted beside the project's URLs, and PostgreSQL connections kept
between requests as in production (``coordination/settings.py``), not opened per request as
the tests open them."""

from tests.settings import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.bench_urls"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = 600  # noqa: F405
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
