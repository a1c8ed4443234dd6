"""The volunteer pool as a list people work with: its count, sorting by load, the whole
filtered list as CSV or XLSX (e-mails only for who may see them)."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from meetings.models import Invitation
from tests.factories import InvitationFactory, RoundSessionFactory, make_volunteers

pytestmark = pytest.mark.django_db


def test_pool_page_counts_and_sorts_by_meetings_invited(team_user, client_for):
    make_volunteers(3)
    from coordination.models import Contact

    busy = Contact.objects.get(organisation__name="Volunteer 1")
    for _session in range(3):
        InvitationFactory(contact=busy, meeting=RoundSessionFactory())
    client = client_for(team_user)

    by_name = client.get(reverse("volunteer-pool"))
    by_load = client.get(reverse("volunteer-pool"), {"sort": "-meetings"})
    unknown = client.get(reverse("volunteer-pool"), {"sort": "password"})

    assert '<span class="meta" data-count="pool">3 organisations in the pool</span>' in (
        by_name.content.decode()
    )
    assert [r["organisation"].name for r in by_name.context["rows"]] == [
        "Volunteer 0",
        "Volunteer 1",
        "Volunteer 2",
    ]
    assert by_load.context["rows"][0]["organisation"].name == "Volunteer 1"
    assert by_load.context["rows"][0]["organisation"].meetings_invited == (
        Invitation.objects.filter(contact=busy).count()
    )
    assert unknown.context["sort"] == "name"


def test_pool_exports_csv_for_the_team_and_hides_emails_from_facilitators(
    team_user, facilitator, client_for
):
    make_volunteers(2)

    team_csv = client_for(team_user).get(reverse("volunteer-pool"), {"export": "csv"})
    facilitator_xlsx = client_for(facilitator).get(reverse("volunteer-pool"), {"export": "xlsx"})

    lines = list(csv.reader(io.StringIO(team_csv.content.decode("utf-8-sig"))))
    assert team_csv["Content-Disposition"] == 'attachment; filename="volunteer-pool.csv"'
    assert lines[0] == [
        "Organisation",
        "Contact",
        "E-mail",
        "Languages",
        "Areas",
        "Support role",
        "Rounds invited",
        "Meetings invited",
        "Meetings attended",
    ]
    assert len(lines) == 3
    assert lines[1][2].endswith("@example.org")
    sheet = load_workbook(io.BytesIO(facilitator_xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in rows] == ["Organisation", "Volunteer 0", "Volunteer 1"]
    assert [row[2] for row in rows[1:]] == [None, None]


def _more_volunteers(count: int) -> None:
    from coordination.models import Survey, SurveyResponse
    from tests.factories import ConsentFactory, ContactFactory, OrganisationFactory

    survey = Survey.objects.get(code="be-with-u-needs-2022")
    for index in range(count):
        organisation = OrganisationFactory(name=f"Late volunteer {index}")
        SurveyResponse.objects.create(
            survey=survey, organisation=organisation, form_language="nl", answers={"q56": "yes"}
        )
        ConsentFactory(contact=ContactFactory(organisation=organisation))


@pytest.mark.parametrize("sort", ["name", "-meetings"])
def test_pool_download_reads_the_same_queries_for_few_or_many_volunteers(
    sort, team_user, client_for
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(team_user)
    make_volunteers(2)
    client.get(reverse("volunteer-pool"), {"export": "csv", "sort": sort})
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("volunteer-pool"), {"export": "csv", "sort": sort})
    _more_volunteers(6)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("volunteer-pool"), {"export": "csv", "sort": sort})

    assert len(many) == len(few)
    assert response.content.decode().count("@example.org") == 8
