"""Benchmark of the minutes PDF (not collected by pytest): ``minutes_pdf`` of a meeting with
``BENCH_ITEMS`` agenda items (a note and a decision each) and 20 invitees, beside bare
WeasyPrint on the very HTML it renders, tagged as the project's PDFs are, and the same with
the project's URL fetcher, untagged, and with one font configuration kept between documents,
to show where any difference goes. Runs in a throw-away test database; median of
``BENCH_RUNS`` taken in turns after one warm run each, elapsed and processor time.

    python tests/benchmarks/bench_minutes_pdf.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
ITEMS = int(os.environ.get("BENCH_ITEMS", "20"))


def medians_s(functions) -> list[tuple[float, float]]:
    """The median elapsed and processor seconds of each function, run in turns (one warm
    run each first) so that the load of a shared machine weighs on all alike."""
    for function in functions:
        function()
    elapsed = [[] for _ in functions]
    processor = [[] for _ in functions]
    for _ in range(RUNS):
        for n, function in enumerate(functions):
            start, start_cpu = time.perf_counter(), time.process_time()
            function()
            elapsed[n].append(time.perf_counter() - start)
            processor[n].append(time.process_time() - start_cpu)
    return [
        (statistics.median(e), statistics.median(p))
        for e, p in zip(elapsed, processor, strict=True)
    ]


def run() -> None:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from meetings.formats import documents
    from meetings.formats.pdf import pdf_url_fetcher
    from meetings.selectors.minutes import minutes_document
    from meetings.services import minutes as minutes_services
    from tests.factories import AgendaItemFactory, InvitationFactory, MeetingFactory

    meeting = MeetingFactory(title="Working group on housing")
    for n in range(20):
        InvitationFactory(meeting=meeting, status="accepted", contact__name=f"Invitee {n}")
    items = [
        AgendaItemFactory(meeting=meeting, position=n, title=f"Item {n}: housing and schools")
        for n in range(1, ITEMS + 1)
    ]
    minutes = minutes_services.minutes_start(meeting=meeting)
    for item in items:
        minutes_services.minutes_note_set(
            minutes=minutes, agenda_item=item, text="The group discussed the item at length. " * 8
        )
        minutes_services.decision_add(minutes=minutes, agenda_item=item, text="Agreed to proceed.")
    doc = minutes_document(minutes=minutes)

    captured = {}
    original = documents.html_to_pdf

    def capture(html, **kwargs):
        captured["html"] = html
        return original(html, **kwargs)

    documents.html_to_pdf = capture
    documents.minutes_pdf(documents=[doc])
    documents.html_to_pdf = original
    html = captured["html"]
    fonts = FontConfiguration()

    rows = [
        ("minutes_pdf (selector aside)", lambda: documents.minutes_pdf(documents=[doc])),
        ("bare WeasyPrint, tagged", lambda: HTML(string=html).write_pdf(pdf_tags=True)),
        (
            "bare, tagged, project URL fetcher",
            lambda: HTML(string=html, url_fetcher=pdf_url_fetcher).write_pdf(pdf_tags=True),
        ),
        ("bare WeasyPrint, untagged", lambda: HTML(string=html).write_pdf()),
        (
            "bare, tagged, one font configuration",
            lambda: HTML(string=html).write_pdf(pdf_tags=True, font_config=fonts),
        ),
    ]
    timings = medians_s([function for _label, function in rows])
    sys.stdout.write(
        f"minutes PDF, {ITEMS} items, {len(html)} bytes of HTML, median of {RUNS} in turns\n"
    )
    bare, bare_cpu = timings[1]
    for (label, _function), (seconds, cpu) in zip(rows, timings, strict=True):
        sys.stdout.write(
            f"{label:<38} {seconds:6.3f} s {seconds / bare:5.2f}× bare tagged; "
            f"processor {cpu:6.3f} s {cpu / bare_cpu:5.2f}×\n"
        )


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


if __name__ == "__main__":
    main()
