"""API of issue 3: survey import endpoint and volunteer pool."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from coordination.models import SurveyResponse
from coordination.selectors import needs_assessment_survey
from tests.coordination.test_issue3_pages import make_volunteers
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

EXPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "survey_exports"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def export(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (EXPORTS / name).read_bytes())


def test_api_import_dry_run_then_import(team_user):
    client = api(team_user)

    dry = client.post(
        "/api/survey-imports/",
        {"file": export("msforms_nl.xlsx"), "dry_run": "true"},
        format="multipart",
    )
    real = client.post(
        "/api/survey-imports/", {"file": export("msforms_nl.xlsx")}, format="multipart"
    )

    assert dry.status_code == 200
    assert (dry.json()["created"], dry.json()["committed"], dry.json()["language"]) == (
        2,
        False,
        "nl",
    )
    assert real.status_code == 200
    assert real.json()["committed"] is True
    assert [r["outcome"] for r in real.json()["rows"]] == ["created", "created"]
    assert SurveyResponse.objects.count() == 2


def test_api_import_unreadable_file_is_400_with_the_reason(team_user):
    response = api(team_user).post(
        "/api/survey-imports/",
        {"file": SimpleUploadedFile("x.csv", b"just,some\r\ntext,here\r\n")},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["detail"].startswith("No question columns found")


def test_api_import_rejected_rows_is_422_and_writes_nothing(team_user):
    data = (
        b"ID,Email,1. Name of your organization,56. Participate\r\n"
        b"1,a@a.be,Org A,Yes\r\n2,b@b.be,Org B,Perhaps\r\n"
    )

    response = api(team_user).post(
        "/api/survey-imports/",
        {"file": SimpleUploadedFile("r.csv", data), "language": "en"},
        format="multipart",
    )

    assert response.status_code == 422
    assert response.json()["problems"] == [
        {
            "row": 3,
            "column": "56. Participate",
            "value": "Perhaps",
            "reason": "unknown_option",
            "message": "“Perhaps” is not an answer option of question 56.",
        }
    ]
    assert SurveyResponse.objects.count() == 0


def test_api_import_missing_file_and_bad_language_are_400(team_user):
    response = api(team_user).post("/api/survey-imports/", {"language": "de"}, format="multipart")

    assert response.status_code == 400
    assert set(response.json()) == {"file", "language"}


def test_api_import_is_for_the_team(facilitator):
    response = api(facilitator).post(
        "/api/survey-imports/", {"file": export("msforms_nl.xlsx")}, format="multipart"
    )

    assert response.status_code == 403
    assert SurveyResponse.objects.count() == 0


@pytest.mark.parametrize("count", [1, 5])
def test_api_pool_lists_volunteers_in_constant_queries(count, team_user, django_assert_num_queries):
    make_volunteers(count)
    client = api(team_user)

    with django_assert_num_queries(3):
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
