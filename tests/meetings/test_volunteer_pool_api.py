"""The volunteer pool endpoints."""

import pytest

from coordination.models import SurveyResponse
from coordination.selectors import needs_assessment_survey
from tests.factories import OrganisationFactory, make_volunteers, volunteers_with_one_invitee_of
from tests.helpers import api

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [1, 5])
def test_api_pool_lists_volunteers_in_constant_queries(count, team_user, django_assert_num_queries):
    make_volunteers(count)
    client = api(team_user)

    # the count, the page, its loads (for its rows only), the contacts, the audit trail's row
    with django_assert_num_queries(5):
        response = client.get("/api/volunteer-pool/")

    body = response.json()
    assert body["count"] == count
    assert body["results"][0]["load"] == 0
    assert body["results"][0]["contact"]["email"].endswith("@example.org")


def test_api_pool_filters_hides_emails_and_lists_without_contact(facilitator):
    make_volunteers(2)
    client = api(facilitator)

    filtered = client.get("/api/volunteer-pool/", {"area": "flemish"})
    everyone = client.get("/api/volunteer-pool/")
    without = client.get("/api/volunteer-pool/without-contact/")
    bad = client.get("/api/volunteer-pool/", {"area": "mars"})

    assert filtered.json()["count"] == 0
    assert [r["contact"]["email"] for r in everyone.json()["results"]] == [None, None]
    assert [r["name"] for r in without.json()["results"]] == ["Anonymous 2"]
    assert bad.status_code == 400


def test_api_pool_shows_a_facilitator_the_email_of_their_rounds_invitees_only(facilitator):
    invitee = volunteers_with_one_invitee_of(facilitator)

    response = api(facilitator).get("/api/volunteer-pool/")

    assert [(r["name"], r["contact"]["email"]) for r in response.json()["results"]] == [
        ("Volunteer 0", None),
        ("Volunteer 1", invitee.email),
        ("Volunteer 2", None),
    ]


def test_api_pool_needs_directory_access(participant):
    assert api(participant).get("/api/volunteer-pool/").status_code == 403


@pytest.mark.parametrize("count", [1, 5])
def test_api_pool_without_contact_in_constant_queries(count, team_user, django_assert_num_queries):
    for index in range(count):
        SurveyResponse.objects.create(
            survey=needs_assessment_survey(),
            organisation=OrganisationFactory(name=f"Anonymous {index}"),
            form_language="fr",
            answers={"q56": "yes"},
        )
    client = api(team_user)

    with django_assert_num_queries(2):
        response = client.get("/api/volunteer-pool/without-contact/")

    assert response.json()["count"] == count
