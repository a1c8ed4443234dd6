"""The survey import endpoint."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from coordination.models import SurveyImportJob, SurveyResponse
from tests.factories import TeamUserFactory
from tests.helpers import api

pytestmark = pytest.mark.django_db


EXPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "survey_exports"


def export(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (EXPORTS / name).read_bytes())


def import_and_follow(client, capture, data: dict):
    """POST the import (202), let its job run (inline in the tests once the request's
    transaction commits), then GET the job at the URL it gave."""
    with capture(execute=True):
        accepted = client.post("/api/survey-imports/", data, format="multipart")
    assert accepted.status_code == 202, accepted.content
    return accepted, client.get(accepted["Location"])


def test_api_import_is_accepted_with_the_jobs_url_and_runs_in_the_background(team_user):
    client = api(team_user)

    accepted = client.post(
        "/api/survey-imports/", {"file": export("msforms_nl.xlsx")}, format="multipart"
    )
    job = SurveyImportJob.objects.get()
    url = f"http://testserver/api/survey-imports/{job.token}/"
    followed = client.get(accepted["Location"])

    assert (accepted.status_code, accepted["Location"], accepted.json()["url"]) == (202, url, url)
    assert {k: accepted.json()[k] for k in ("id", "status", "rows_done", "report")} == {
        "id": str(job.token),
        "status": "queued",
        "rows_done": 0,
        "report": None,
    }
    assert followed.json() == accepted.json()
    assert job.upload.name.startswith("survey-imports/export-")
    assert (settings.MEDIA_ROOT / Path(job.upload.name)).read_bytes() == (
        EXPORTS / "msforms_nl.xlsx"
    ).read_bytes()
    assert SurveyResponse.objects.count() == 0


def test_api_import_dry_run_then_import(team_user, django_capture_on_commit_callbacks):
    client = api(team_user)

    _, dry = import_and_follow(
        client,
        django_capture_on_commit_callbacks,
        {"file": export("msforms_nl.xlsx"), "dry_run": "true"},
    )
    _, real = import_and_follow(
        client, django_capture_on_commit_callbacks, {"file": export("msforms_nl.xlsx")}
    )

    assert dry.status_code == 200
    assert (dry.json()["status"], dry.json()["rows_done"], dry.json()["rows_total"]) == (
        "done",
        2,
        2,
    )
    assert (
        dry.json()["report"]["created"],
        dry.json()["report"]["committed"],
        dry.json()["report"]["language"],
    ) == (2, False, "nl")
    assert real.status_code == 200
    assert real.json()["report"]["committed"] is True
    assert [r["outcome"] for r in real.json()["report"]["rows"]] == ["created", "created"]
    assert SurveyResponse.objects.count() == 2
    assert list(SurveyImportJob.objects.values_list("upload", flat=True)) == ["", ""]


def test_api_import_unreadable_file_ends_with_the_reason(
    team_user, django_capture_on_commit_callbacks
):
    _, response = import_and_follow(
        api(team_user),
        django_capture_on_commit_callbacks,
        {"file": SimpleUploadedFile("x.csv", b"just,some\r\ntext,here\r\n")},
    )

    body = response.json()
    assert (body["status"], body["report"]["committed"]) == ("done", False)
    assert body["report"]["file_error"].startswith("No question columns found")


def test_api_import_rejected_rows_are_reported_and_nothing_is_written(
    team_user, django_capture_on_commit_callbacks
):
    data = (
        b"ID,Email,1. Name of your organization,56. Participate\r\n"
        b"1,a@a.be,Org A,Yes\r\n2,b@b.be,Org B,Perhaps\r\n"
    )

    _, response = import_and_follow(
        api(team_user),
        django_capture_on_commit_callbacks,
        {"file": SimpleUploadedFile("r.csv", data), "language": "en"},
    )

    assert (response.json()["status"], response.json()["report"]["committed"]) == (
        "done",
        False,
    )
    assert response.json()["report"]["problems"] == [
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


def test_api_import_job_of_someone_else_is_not_found(team_user):
    accepted = api(team_user).post(
        "/api/survey-imports/", {"file": export("msforms_nl.xlsx")}, format="multipart"
    )

    response = api(TeamUserFactory(username="another-team-member")).get(accepted["Location"])

    assert response.status_code == 404


def test_api_import_is_for_the_team(facilitator):
    response = api(facilitator).post(
        "/api/survey-imports/", {"file": export("msforms_nl.xlsx")}, format="multipart"
    )

    assert response.status_code == 403
    assert SurveyResponse.objects.count() == 0
