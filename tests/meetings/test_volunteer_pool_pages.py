"""The volunteer pool page: constant queries, filters, who sees e-mails."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from coordination.models import ConsultationRound, Organisation
from tests.factories import (
    make_volunteers,
    round_invitees_elsewhere,
    volunteers_with_one_invitee_of,
)
from tests.helpers import PostgresRowsRead, analyse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [1, 5])
def test_pool_page_runs_constant_queries(count, team_user, client_for, django_assert_num_queries):
    make_volunteers(count)
    client = client_for(team_user)
    client.get(reverse("volunteer-pool"))  # warm the session

    with django_assert_num_queries(9):  # the loads of the page's rows in one; access record
        response = client.get(reverse("volunteer-pool"))

    assert len(response.context["rows"]) == count
    assert [o.name for o in response.context["without_contact"]] == [f"Anonymous {count}"]


def test_pool_page_skips_the_no_contact_list_when_every_volunteer_has_a_contact(
    team_user, client_for, django_assert_num_queries
):
    make_volunteers(3)
    Organisation.objects.filter(name="Anonymous 3").delete()
    client = client_for(team_user)
    client.get(reverse("volunteer-pool"))

    with django_assert_num_queries(8):  # one fewer: the counts said there is no one to list
        response = client.get(reverse("volunteer-pool"))

    assert response.context["paginator"].count == 3
    assert response.context["without_contact"] == []
    assert "Volunteer 2" in response.text


def test_pool_page_filters_and_hides_emails_from_facilitators(facilitator, client_for):
    make_volunteers(2)

    response = client_for(facilitator).get(reverse("volunteer-pool"), {"working_language": "nl"})
    all_rows = client_for(facilitator).get(reverse("volunteer-pool"))

    assert response.context["rows"] == []
    assert [r["show_email"] for r in all_rows.context["rows"]] == [False, False]
    assert b"@example.org" not in all_rows.content


def test_pool_page_shows_a_facilitator_the_email_of_their_rounds_invitees_only(
    facilitator, client_for
):
    invitee = volunteers_with_one_invitee_of(facilitator)

    response = client_for(facilitator).get(reverse("volunteer-pool"))

    rows = response.context["rows"]
    assert [(r["organisation"].name, r["show_email"]) for r in rows] == [
        ("Volunteer 0", False),
        ("Volunteer 1", True),
        ("Volunteer 2", False),
    ]
    assert response.text.count("@example.org") == 1 and invitee.email in response.text


def test_pool_page_counts_without_the_load_and_computes_it_for_its_rows_only(team_user, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meetings.enums import InvitationStatus
    from tests.factories import InvitationFactory, RoundSessionFactory

    make_volunteers(52)
    busy = Organisation.objects.get(name="Volunteer 0")
    InvitationFactory(
        meeting=RoundSessionFactory(),
        contact=busy.contacts.get(),
        status=InvitationStatus.ACCEPTED,
    )
    client = client_for(team_user)
    client.get(reverse("volunteer-pool"))

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("volunteer-pool"))

    sqls = [q["sql"] for q in captured.captured_queries]
    counts = [sql for sql in sqls if sql.startswith("SELECT COUNT(")]
    loads = [sql for sql in sqls if '"meetings_invitation"' in sql]
    rows = response.context["rows"]
    assert len(rows) == 50
    assert rows[0]["organisation"].name == "Volunteer 0"
    assert (rows[0]["organisation"].meetings_invited, rows[0]["organisation"].load) == (1, 1)
    assert all(r["organisation"].load == 0 for r in rows[1:])
    assert len(counts) == 1 and '"meetings_invitation"' not in counts[0]
    assert len(loads) == 1
    listed = re.search(r'"coordination_organisation"\."id" IN \(([\d, ]+)\)', loads[0])
    assert sorted(int(i) for i in listed.group(1).split(", ")) == sorted(
        r["organisation"].pk for r in rows
    )


def test_api_pool_ordered_by_load_puts_the_busiest_first(team_user):
    from tests.factories import InvitationFactory, RoundSessionFactory
    from tests.helpers import api

    make_volunteers(3)
    busy = Organisation.objects.get(name="Volunteer 2")
    InvitationFactory(meeting=RoundSessionFactory(), contact=busy.contacts.get(), status="accepted")

    body = api(team_user).get("/api/volunteer-pool/", {"ordering": "-load"}).json()

    assert [(r["name"], r["load"]) for r in body["results"]] == [
        ("Volunteer 2", 1),
        ("Volunteer 0", 0),
        ("Volunteer 1", 0),
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's statistics")
def test_pool_page_reads_the_invitations_of_its_rows_only(facilitator, client_for):
    invitee = volunteers_with_one_invitee_of(facilitator, count=50)  # a full page
    round_ = ConsultationRound.objects.get(facilitators=facilitator)
    client = client_for(facilitator)
    client.get(reverse("volunteer-pool"))  # what a first request caches is not its own work
    reads = []
    for count in (2000, 8000):
        round_invitees_elsewhere(round_, count)
        analyse()
        with PostgresRowsRead("meetings_invitation") as read:
            response = client.get(reverse("volunteer-pool"))
        assert [r["contact"] for r in response.context["rows"] if r["show_email"]] == [invitee]
        reads.append(read.rows)

    assert reads[1] == reads[0]
