"""The survey import endpoint."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coordination.models import SurveyResponse
from tests.helpers import api

pytestmark = pytest.mark.django_db


EXPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "survey_exports"


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

    body = response.json()
    assert (response.status_code, body["type"], len(body["errors"])) == (400, "validation_error", 1)
    assert (body["errors"][0]["code"], body["errors"][0]["attr"]) == ("unreadable", "file")
    assert body["errors"][0]["detail"].startswith("No question columns found")


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

    assert (response.status_code, response.json()) == (
        400,
        {
            "type": "validation_error",
            "errors": [
                {"code": "required", "detail": "No file was submitted.", "attr": "file"},
                {
                    "code": "invalid_choice",
                    "detail": '"de" is not a valid choice.',
                    "attr": "language",
                },
            ],
        },
    )


def test_api_import_is_for_the_team(facilitator):
    response = api(facilitator).post(
        "/api/survey-imports/", {"file": export("msforms_nl.xlsx")}, format="multipart"
    )

    assert response.status_code == 403
    assert SurveyResponse.objects.count() == 0
