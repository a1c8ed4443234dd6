"""Benchmark of the consultation report (not collected by pytest: run it by hand).

    python tests/benchmarks/bench_report.py            # SQLite in memory
    DATABASE_URL=postgres://.../coord python tests/benchmarks/bench_report.py

A round with 3 sessions, 60 participating organisations, 40 agenda items (with notes and
decisions) and 100 action items; prints the seconds for gathering the data, the PDF, the
DOCX and the whole generation job (data + PDF + DOCX + storage).

Measured 2026-11-29 on the shared 2-core machine (load average 3.7 from other work): data
snapshot 0.04 s, charts 2.3 s, PDF 4.0 s (26 pages), DOCX 0.7 s; whole job 9.0 s wall clock,
5.4 s of CPU time (SQLite; PostgreSQL within the noise)."""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run() -> None:
    from meetings.formats import report as render
    from meetings.selectors import reports as data
    from meetings.services import reports as services
    from tests.meetings.report_builder import build_round

    started = time.perf_counter()
    built = build_round(
        sessions=3, organisations=60, named=20, agenda_items=40, action_items=100, pool_extra=40
    )
    print(f"building the round: {time.perf_counter() - started:.2f} s")
    report = services.report_get_or_create(
        consultation_round=built.consultation_round, language="en"
    )
    sections = [
        {"key": s.key, "kind": s.kind, "title": s.title, "text": s.text}
        for s in report.sections.all()
    ]

    timings = {}
    started = time.perf_counter()
    snapshot = data.report_data(consultation_round=built.consultation_round, language="en")
    timings["data snapshot"] = time.perf_counter() - started
    from django.utils import translation

    started = time.perf_counter()
    with translation.override("en"):
        render.build_context(snapshot=snapshot, sections=sections, version=1, is_final=False)
    timings["charts (11 drawn as SVG and PNG)"] = time.perf_counter() - started
    started = time.perf_counter()
    pdf = render.render_pdf(snapshot=snapshot, sections=sections, version=1, is_final=False)
    timings["PDF (draft, PDF/UA-1, WeasyPrint; charts cached)"] = time.perf_counter() - started
    started = time.perf_counter()
    docx = render.render_docx(snapshot=snapshot, sections=sections, version=1, is_final=False)
    timings["DOCX (charts cached)"] = time.perf_counter() - started

    from meetings.formats import charts

    charts._CACHE.clear()
    started, cpu = time.perf_counter(), time.process_time()
    job = services.report_generate(report=report, user=built.facilitator)
    job = services.report_job_run(job_id=job.pk)
    timings["whole job (data + PDF + DOCX + storage)"] = time.perf_counter() - started
    timings["whole job, CPU time of this process"] = time.process_time() - cpu
    assert job.status == "done", job.error

    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    output = os.environ.get("BENCH_OUTPUT")  # a directory: keep the files to look at them
    if output:
        Path(output, "bench-report.pdf").write_bytes(pdf)
        Path(output, "bench-report.docx").write_bytes(docx)
    for name, seconds in timings.items():
        print(f"{name}: {seconds:.2f} s")
    print(f"load average during the run: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"PDF: {pages} pages, {len(pdf) / 1024:.0f} KiB; DOCX: {len(docx) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
