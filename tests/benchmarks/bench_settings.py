"""Settings of the benchmarks served by gunicorn: the test settings (``DATABASE_URL`` chooses
the database) with the bare views mounted beside the project's URLs."""

from tests.settings import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.bench_urls"
