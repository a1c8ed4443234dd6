"""Benchmark of the survey import and the panel draw (not collected by pytest): import a
5,000-row export, then draw a 20-seat panel from a 5,000-organisation pool.

    DATABASE_URL=sqlite:////tmp/b.sqlite3 python tests/benchmarks/bench_survey_import_and_draw.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coord_bench \
        python tests/benchmarks/bench_survey_import_and_draw.py

The database named by DATABASE_URL is wiped (flushed) first: never point it at real data.
"""

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/b.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "5000"))
SEATS = int(os.environ.get("BENCH_SEATS", "20"))


def timed(label: str, function):
    start = time.perf_counter()
    result = function()
    elapsed = time.perf_counter() - start
    sys.stdout.write(f"{label:<58} {elapsed:7.2f} s\n")
    return result


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    from coordination.services import questionnaire_load

    questionnaire_load()

    sys.path.insert(0, str(ROOT / "fixtures" / "survey_exports"))
    from make_examples import big_export

    from coordination.imports.importer import survey_import
    from coordination.panels import panel_draw
    from meetings.selectors.panels import volunteer_pool_candidates
    from meetings.services.panels import panel_draw_for_session
    from tests.factories import RoundSessionFactory

    data = timed(f"build a {ROWS}-row XLSX export", lambda: big_export(ROWS, volunteer_every=1))

    def openpyxl_read():
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = sum(1 for _row in book.worksheets[0].iter_rows(values_only=True))
        book.close()
        return rows

    start, start_cpu = time.perf_counter(), time.process_time()
    timed("bare openpyxl read of the same file (read-only, values)", openpyxl_read)
    bare, bare_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    before = peak_rss_mb()
    start, start_cpu = time.perf_counter(), time.process_time()
    report = timed(
        f"import it (first time: {ROWS} created)",
        lambda: survey_import(data=data, filename="big.xlsx"),
    )
    elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    sys.stdout.write(
        f"  ratio to the bare read: {elapsed / bare:.1f}× elapsed, {cpu / bare_cpu:.1f}× "
        "processor time of this process (the database's own work is in the elapsed time)\n"
    )
    assert report.created == ROWS, report.as_dict()["problems"][:3]
    sys.stdout.write(f"  peak memory of the process: {before:.0f} MB before, ")
    sys.stdout.write(f"{peak_rss_mb():.0f} MB after the import\n")
    again = timed(
        "import it again (idempotent: all unchanged)",
        lambda: survey_import(data=data, filename="big.xlsx"),
    )
    assert again.unchanged == ROWS
    pool = timed("load the volunteer pool as draw candidates", volunteer_pool_candidates)
    sys.stdout.write(f"  pool size: {len(pool)}\n")
    criteria = ["working_language", "area"]
    panel = timed(
        f"pure draw: {SEATS} seats, 2 criteria, full waitlist",
        lambda: panel_draw(pool, seats=SEATS, criteria=criteria, seed=1),
    )
    assert len(panel.panel) == SEATS
    from django.test import Client

    from coordination.models import User

    team = User.objects.create(username="bench-team", is_staff=True)
    client = Client()
    client.force_login(team)
    response = timed("volunteer pool page (50 of 5,000, with loads)", lambda: client.get("/pool/"))
    assert response.status_code == 200
    response = timed(
        "results page of Q3 (5,000 responses)", lambda: client.get("/survey/results/3/")
    )
    assert response.status_code == 200
    session = RoundSessionFactory()
    timed(
        "service draw: pool + draw + PanelDraw + invitations",
        lambda: panel_draw_for_session(meeting=session, seats=SEATS, criteria=criteria, seed=1),
    )


if __name__ == "__main__":
    main()
