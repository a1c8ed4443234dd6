"""N+1 guards: every list page and list endpoint of the foundation runs the same number of
queries for 1 and for 5 rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    ConsultationRoundFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db


def make_groups(n):
    for _ in range(n):
        membership = MembershipFactory()
        MembershipFactory(group=membership.group)


def make_rounds(n):
    for _ in range(n):
        ConsultationRoundFactory()


def make_meetings(n):
    for _ in range(n):
        InvitationFactory(meeting=MeetingFactory())


CASES = [
    ("/api/working-groups/", make_groups),
    ("/groups/", make_groups),
    ("/api/rounds/", make_rounds),
    ("/rounds/", make_rounds),
    ("/api/meetings/", make_meetings),
    ("/meetings/", make_meetings),
    ("/", make_meetings),
]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("url", "make"), CASES)
def test_list_query_count_does_not_grow_with_rows(client_for, team_user, url, make):
    client = client_for(team_user)
    make(1)
    with_one = count_queries(client, url)

    make(4)
    with_five = count_queries(client, url)

    assert with_five == with_one
