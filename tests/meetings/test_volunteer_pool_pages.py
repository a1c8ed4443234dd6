"""The volunteer pool page: constant queries, filters, who sees e-mails."""

import pytest
from django.urls import reverse

from tests.factories import make_volunteers

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [1, 5])
def test_pool_page_runs_constant_queries(count, team_user, client_for, django_assert_num_queries):
    make_volunteers(count)
    client = client_for(team_user)
    client.get(reverse("volunteer-pool"))  # warm the session

    with django_assert_num_queries(7):
        response = client.get(reverse("volunteer-pool"))

    assert len(response.context["rows"]) == count
    assert [o.name for o in response.context["without_contact"]] == [f"Anonymous {count}"]


def test_pool_page_filters_and_hides_emails_from_facilitators(facilitator, client_for):
    make_volunteers(2)

    response = client_for(facilitator).get(reverse("volunteer-pool"), {"working_language": "nl"})
    all_rows = client_for(facilitator).get(reverse("volunteer-pool"))

    assert response.context["rows"] == []
    assert [r["show_email"] for r in all_rows.context["rows"]] == [False, False]
    assert b"@example.org" not in all_rows.content
