"""Benchmark of the list pages at the mechanism's size (not collected by pytest).

Seeds 10,000 organisations with a contact, a consent and a survey response each (60 %
volunteering), 20 working groups with 2,000 memberships, a round, 260 meetings, 12,800
invitations and 5,000 action items (``bulk_create``: about a minute), then times each list
page as a facilitator (who chairs a group and facilitates the round) through the Django test
client in this process, side by side with a bare view of the same rows: one plain query of
the page's 50 rows rendered by a one-line template, through the same client and
middleware. Prints a table (median of several requests) and, on PostgreSQL, the query plans
of the visibility queries.

    DATABASE_URL=sqlite:////tmp/lists.sqlite3 python tests/benchmarks/bench_list_pages.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coord_bench \\
        python tests/benchmarks/bench_list_pages.py

The database named by DATABASE_URL is wiped (flushed) first: never point it at real data.
"""

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/lists.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

ORGANISATIONS = int(os.environ.get("BENCH_ORGANISATIONS", "10000"))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
BATCH = 2000


def median_ms(function, runs: int = RUNS) -> float:
    function()  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


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
            c.Contact(organisation=o, name=f"Contact {o.pk}", email=f"contact{o.pk}@example.org")
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


BARE = {
    # page: (queryset of its 50 rows as the page orders them, the fields shown)
    "/": ("meetings.Meeting", ["title", "starts_at"], ["starts_at"]),
    "/meetings/": ("meetings.Meeting", ["title", "starts_at"], ["starts_at"]),
    "/actions/": ("meetings.ActionItem", ["description", "due_date"], ["due_date", "id"]),
    "/pool/": ("coordination.Organisation", ["name"], ["name"]),
    "/survey/results/": ("coordination.Question", ["number", "text"], ["number"]),
    "/api/organisations/": ("coordination.Organisation", ["name"], ["name"]),
    "/api/meetings/": ("meetings.Meeting", ["title", "starts_at"], ["starts_at"]),
}


def bare_view(model: str, fields: list[str], ordering: list[str]):
    from django.apps import apps
    from django.http import HttpResponse
    from django.template import engines

    template = engines["django"].from_string(
        "<table>{% for row in rows %}<tr>{% for v in row %}<td>{{ v }}</td>{% endfor %}"
        "</tr>{% endfor %}</table>"
    )
    queryset = apps.get_model(model).objects.order_by(*ordering).values_list(*fields)

    def view(request):
        return HttpResponse(template.render({"rows": list(queryset[:50])}))

    return view


def install_bare_urls():
    from django.urls import clear_url_caches, path

    from coordination import urls

    for index, (_page, spec) in enumerate(BARE.items()):
        urls.urlpatterns.insert(0, path(f"bare/{index}/", bare_view(*spec)))
    clear_url_caches()


def explain(user) -> None:
    from django.db import connection

    from meetings.selectors.actions import action_items_visible_to
    from meetings.selectors.scheduling import meetings_visible_to

    if connection.vendor != "postgresql":
        return
    sys.stdout.write("\nEXPLAIN of the visibility queries (PostgreSQL):\n")
    for label, queryset in [
        ("meetings visible", meetings_visible_to(user=user).order_by("starts_at")[:50]),
        ("actions visible", action_items_visible_to(user=user).order_by("due_date", "id")[:50]),
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
    from django.test import Client

    user, seeded = seeded_facilitator()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    install_bare_urls()
    client = Client()
    client.force_login(user)

    rows = []
    for index, page in enumerate(BARE):

        def page_request(page=page):
            response = client.get(page)
            assert response.status_code == 200, (page, response.status_code)

        def bare_request(index=index):
            assert client.get(f"/bare/{index}/").status_code == 200

        page_ms, bare_ms = median_ms(page_request), median_ms(bare_request)
        rows.append((page, page_ms, bare_ms))

    sys.stdout.write(
        f"{ORGANISATIONS} organisations seeded in {seeded:.0f} s; {connection.vendor}; "
        f"Django test client in process, facilitator, median of {RUNS}\n"
    )
    sys.stdout.write(f"{'page':<22} {'page ms':>9} {'bare ms':>9} {'ratio':>7}\n")
    for page, page_ms, bare_ms in rows:
        sys.stdout.write(f"{page:<22} {page_ms:9.1f} {bare_ms:9.1f} {page_ms / bare_ms:7.1f}\n")
    explain(user)


if __name__ == "__main__":
    main()
