"""Benchmark of the list pages at the mechanism's size (not collected by pytest).

Seeds 10,000 organisations with a contact, a consent and a survey response each (60 %
volunteering), 20 working groups with 2,000 memberships, a round, 260 meetings, 12,800
invitations and 5,000 action items (``bulk_create``: about a minute), then serves each list
page as a facilitator (who chairs a group and facilitates the round) under gunicorn as
``manage.py serve`` runs it (``coordination/gunicorn.py``, 2 sync workers) and measures the
requests per second of 8 concurrent connections (threads and ``http.client``), side by side
with two bare views served by the same workers, behind the same middleware, in the same run
(``bare_pages.py``, mounted by ``bench_settings.py``): one plain query of the page's 50 rows
rendered by a one-line template; and like for like, the very statements the page ran
(recorded from it first, less the layout's own) replayed with a cursor and the page's
content as static HTML inside the site's layout. Prints a table with the scale, the machine
and both ratios and, on PostgreSQL, the query plans of the visibility queries.

    DATABASE_URL=sqlite:////tmp/lists.sqlite3 python tests/benchmarks/bench_list_pages.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coord_bench \\
        python tests/benchmarks/bench_list_pages.py

``BENCH_MODE=client``: the Django test client in this process (same settings) instead
(median of ``BENCH_RUNS`` requests taken in turns, in ms). ``BENCH_SECONDS`` (6) per page
and per bare view, measured in alternating slices of ``BENCH_SLICE`` (1) seconds so all see
the same machine load;
``BENCH_REUSE=1`` keeps a database seeded by an earlier run. Otherwise the database named by
DATABASE_URL is wiped (flushed) first: never point it at real data.
"""

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.benchmarks.bench_settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/lists.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

ORGANISATIONS = int(os.environ.get("BENCH_ORGANISATIONS", "10000"))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
MODE = os.environ.get("BENCH_MODE", "gunicorn")  # or "client": the test client in process
SECONDS = float(os.environ.get("BENCH_SECONDS", "6"))
SLICE = float(os.environ.get("BENCH_SLICE", "1"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
BATCH = 2000


def seed():
    from django.utils import timezone

    from coordination import models as c
    from coordination.enums import ConsentPurpose, ConsentSource, MembershipRole
    from coordination.models import normalise_name
    from coordination.selectors import needs_assessment_survey
    from meetings import models as m
    from meetings.enums import ActionStatus, InvitationStatus
    from tests.factories import UserFactory

    now = timezone.now()
    survey = needs_assessment_survey()
    organisations = c.Organisation.objects.bulk_create(
        [
            c.Organisation(
                name=f"Organisation {n:05d}",
                name_key=normalise_name(f"Organisation {n:05d}"),
                working_languages=["fr" if n % 2 else "nl"],
                areas=["brussels" if n % 3 else "wallonia"],
            )
            for n in range(ORGANISATIONS)
        ],
        batch_size=BATCH,
    )
    contacts = c.Contact.objects.bulk_create(
        [
            c.Contact(
                organisation=o,
                name=f"Contact {o.pk}",
                name_key=f"contact {o.pk}",
                email=f"contact{o.pk}@example.org",
            )
            for o in organisations
        ],
        batch_size=BATCH,
    )
    c.Consent.objects.bulk_create(
        [
            c.Consent(
                contact=contact,
                purpose=ConsentPurpose.CONSULTATION_ROUNDS,
                source=ConsentSource.SURVEY_Q56,
                given_at=now,
            )
            for contact in contacts
        ],
        batch_size=BATCH,
    )
    c.SurveyResponse.objects.bulk_create(
        [
            c.SurveyResponse(
                survey=survey,
                organisation=o,
                form_language="fr" if n % 2 else "nl",
                answers={"q56": "yes" if n % 5 < 3 else "no", "q3": ["fr"], "q4": ["brussels"]},
            )
            for n, o in enumerate(organisations)
        ],
        batch_size=BATCH,
    )
    groups = c.WorkingGroup.objects.bulk_create(
        [c.WorkingGroup(name=f"Group {n}", slug=f"group-{n}") for n in range(20)]
    )
    c.Membership.objects.bulk_create(
        [
            c.Membership(
                group=groups[n % 20],
                contact=contacts[n],
                role=MembershipRole.MEMBER,
                since=dt.date(2026, 1, 1),
            )
            for n in range(2000)
        ],
        batch_size=BATCH,
    )
    facilitator = UserFactory(username="bench-facilitator", facilitator=True)
    own = c.Contact.objects.create(
        organisation=organisations[0], name="Facilitator", user=facilitator
    )
    c.Membership.objects.create(
        group=groups[0], contact=own, role=MembershipRole.CHAIR, since=dt.date(2026, 1, 1)
    )
    round_ = c.ConsultationRound.objects.create(title="Round", slug="round")
    round_.facilitators.add(facilitator)
    start = now.replace(microsecond=0) + dt.timedelta(days=3)
    meetings = m.Meeting.objects.bulk_create(
        [
            m.Meeting(
                title=f"Meeting {n}",
                working_group=groups[n % 20] if n % 4 else None,
                consultation_round=None if n % 4 else round_,
                starts_at=start + dt.timedelta(hours=n * 5),
                ends_at=start + dt.timedelta(hours=n * 5 + 2),
                location="Rue de la Loi 1, 1000 Bruxelles",
            )
            for n in range(260)
        ]
    )
    statuses = [InvitationStatus.SENT, InvitationStatus.ACCEPTED, InvitationStatus.DECLINED]
    m.Invitation.objects.bulk_create(
        [
            m.Invitation(
                meeting=meetings[n % 260],
                contact=contacts[(n * 7) % ORGANISATIONS],
                status=statuses[n % 3],
                sent_at=now,
            )
            for n in range(12800)
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    m.ActionItem.objects.bulk_create(
        [
            m.ActionItem(
                description=f"Action {n}",
                owner_contact=contacts[n % ORGANISATIONS],
                owner_organisation=organisations[n % ORGANISATIONS],
                origin_meeting=meetings[n % 260],
                due_date=(now + dt.timedelta(days=n % 90)).date(),
                status=ActionStatus.OPEN,
            )
            for n in range(5000)
        ],
        batch_size=BATCH,
    )
    return facilitator


def machine() -> str:
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return f"{os.cpu_count()} cores ({model}), load average {load}"


def load_count(port: int, page: str, cookie: str, seconds: float) -> tuple[int, float]:
    """Requests done by ``CONNECTIONS`` clients asking for ``page`` as fast as they can for
    ``seconds`` (a new connection per request: gunicorn's sync workers close them), and the
    time they took."""
    import http.client
    import threading

    done = [0] * CONNECTIONS
    failures = []
    deadline = time.monotonic() + seconds

    def client(n: int) -> None:
        while time.monotonic() < deadline:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            connection.request("GET", page, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            connection.close()
            if response.status != 200:
                failures.append((page, response.status))
                return
            done[n] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CONNECTIONS)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    assert not failures, failures[:3]
    return sum(done), elapsed


def interleaved_rates(port: int, paths: tuple[str, ...], cookie: str) -> tuple[float, ...]:
    """Requests per second of each path, measured in alternating slices of ``SLICE``
    seconds for ``SECONDS`` each, so that all see the same load of the machine."""
    totals = {path: [0, 0.0] for path in paths}
    slices = max(round(SECONDS / SLICE), 1)
    for _ in range(slices):
        for path in paths:
            done, elapsed = load_count(port, path, cookie, SECONDS / slices)
            totals[path][0] += done
            totals[path][1] += elapsed
    return tuple(totals[path][0] / totals[path][1] for path in paths)


def serve(port: int):
    """gunicorn as ``manage.py serve`` runs it (``coordination/gunicorn.py``: 2 sync workers),
    with the benchmark's settings; returns the process once it answers."""
    import http.client
    import subprocess

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.benchmarks.bench_settings",
        "PORT": str(port),
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "2"),
        "GUNICORN_MAX_REQUESTS": "0",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "python:coordination.gunicorn",
         "coordination.wsgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def signed_in_client(user):
    """A test client signed in as ``user`` that has recorded what each page runs and shows
    for the like-for-like views (``bare_pages.record_same_work``)."""
    from django.test import Client

    from tests.benchmarks.bare_pages import record_same_work

    client = Client()
    client.force_login(user)
    record_same_work(client)
    return client


def run_gunicorn(user) -> list[tuple[str, float, float, float]]:
    from django.db import connections

    from tests.benchmarks.bare_pages import BARE, bare_path, same_work_path

    client = signed_in_client(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    connections.close_all()
    port = int(os.environ.get("BENCH_PORT", "8765"))
    process = serve(port)
    rows = []
    try:
        for index, page in enumerate(BARE):
            paths = (page, bare_path(index), same_work_path(index))
            for path in paths:  # warm the workers
                load_count(port, path, cookie, 0.5)
            rows.append((page, *interleaved_rates(port, paths, cookie)))
    finally:
        process.terminate()
        process.wait(timeout=30)
    return rows


def run_client(user) -> list[tuple[str, float, float, float]]:
    from tests.benchmarks.bare_pages import BARE, bare_path, same_work_path

    client = signed_in_client(user)
    rows = []
    for index, page in enumerate(BARE):
        paths = (page, bare_path(index), same_work_path(index))
        times: dict[str, list[float]] = {path: [] for path in paths}
        for path in paths:  # warm
            assert client.get(path).status_code == 200, path
        for _ in range(RUNS):  # in turns, so that all see the same load of the machine
            for path in paths:
                start = time.perf_counter()
                response = client.get(path)
                times[path].append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (path, response.status_code)
        rows.append((page, *(statistics.median(times[path]) for path in paths)))
    return rows


def explain(user) -> None:
    from django.db import connection

    from coordination.selectors import volunteer_pool, volunteer_pool_by_name
    from meetings.selectors.actions import action_items_visible_to
    from meetings.selectors.scheduling import meetings_visible_to

    if connection.vendor != "postgresql":
        return
    sys.stdout.write("\nEXPLAIN of the visibility and pool queries (PostgreSQL):\n")
    for label, queryset in [
        ("meetings visible", meetings_visible_to(user=user).order_by("starts_at")[:50]),
        ("actions visible", action_items_visible_to(user=user).order_by("due_date", "id")[:50]),
        ("volunteer pool, first page by name", volunteer_pool_by_name()[:50]),
        ("volunteer pool, count", volunteer_pool().values("pk")),
    ]:
        sys.stdout.write(f"-- {label}\n{queryset.explain()}\n")


def seeded_facilitator():
    """The facilitator of a seeded database: seeds it (after a flush) unless ``BENCH_REUSE=1``
    and the database already holds a seeded one."""
    from django.contrib.auth import get_user_model

    call_command("migrate", verbosity=0)
    existing = get_user_model().objects.filter(username="bench-facilitator").first()
    if os.environ.get("BENCH_REUSE") == "1" and existing is not None:
        return existing, 0.0
    call_command("flush", interactive=False, verbosity=0)
    from coordination.services import questionnaire_load

    questionnaire_load()
    start = time.perf_counter()
    user = seed()
    return user, time.perf_counter() - start


def main() -> None:
    from django.db import connection

    user, seeded = seeded_facilitator()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    sys.stdout.write(
        f"{ORGANISATIONS} organisations (seeded in {seeded:.0f} s); {connection.vendor}; "
        f"{machine()}\n"
    )
    header = f"{'page':<22} {'page':>9} {'bare':>9} {'ratio':>6} {'same work':>10} {'ratio':>6}\n"
    if MODE == "client":
        rows = run_client(user)
        sys.stdout.write(f"Django test client in process, facilitator, ms, median of {RUNS}\n")
        sys.stdout.write(header)
        for page, page_ms, bare_ms, same_ms in rows:
            sys.stdout.write(
                f"{page:<22} {page_ms:9.1f} {bare_ms:9.1f} {page_ms / bare_ms:6.1f} "
                f"{same_ms:10.1f} {page_ms / same_ms:6.1f}\n"
            )
    else:
        rows = run_gunicorn(user)
        sys.stdout.write(
            f"gunicorn, 2 sync workers, {CONNECTIONS} connections, {SECONDS:g} s per page and "
            f"per bare view in alternating {SLICE:g} s slices, facilitator, requests/s\n"
        )
        sys.stdout.write(header)
        for page, page_rate, bare_rate, same_rate in rows:
            sys.stdout.write(
                f"{page:<22} {page_rate:9.1f} {bare_rate:9.1f} {bare_rate / page_rate:6.1f} "
                f"{same_rate:10.1f} {same_rate / page_rate:6.1f}\n"
            )
    sys.stdout.write(f"machine after the run: {machine()}\n")
    explain(user)


if __name__ == "__main__":
    main()
