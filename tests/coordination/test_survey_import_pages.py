"""The survey import page: check a file, then confirm; refusals change nothing."""

from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coordination.models import SurveyImportJob, SurveyResponse
from tests.factories import TeamUserFactory

pytestmark = pytest.mark.django_db


EXPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "survey_exports"


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (EXPORTS / name).read_bytes())


def post_and_follow_the_job(client, capture, data: dict):
    """Post to the import page, let the background job run (django-q2 runs it inline in the
    tests once the request's transaction commits), then open the job's page."""
    with capture(execute=True):
        posted = client.post(reverse("survey-import"), data)
    return posted, client.get(posted.url)


def test_import_page_checks_then_imports_on_confirm(
    team_user, client_for, django_capture_on_commit_callbacks
):
    client = client_for(team_user)

    posted, checked = post_and_follow_the_job(
        client,
        django_capture_on_commit_callbacks,
        {"action": "check", "file": upload("googleforms_en.csv")},
    )
    token = checked.context["pending"]["token"]
    nothing_yet = SurveyResponse.objects.count()
    _, confirmed = post_and_follow_the_job(
        client, django_capture_on_commit_callbacks, {"action": "confirm", "token": token}
    )

    assert posted.url == reverse("survey-import-job", args=[token])
    assert checked.context["report"]["created"] == 2
    assert b"Confirm the import" in checked.content
    assert nothing_yet == 0
    assert confirmed.status_code == 200
    assert confirmed.context["report"]["committed"] is True
    assert "Imported: 2 created, 0 updated, 0 unchanged, 0 rejected." in confirmed.content.decode()
    assert SurveyResponse.objects.count() == 2


def test_import_page_confirms_a_check_only_once(
    team_user, client_for, django_capture_on_commit_callbacks
):
    client = client_for(team_user)
    _, checked = post_and_follow_the_job(
        client,
        django_capture_on_commit_callbacks,
        {"action": "check", "file": upload("googleforms_en.csv")},
    )
    token = checked.context["pending"]["token"]
    post_and_follow_the_job(
        client, django_capture_on_commit_callbacks, {"action": "confirm", "token": token}
    )

    again = client.post(reverse("survey-import"), {"action": "confirm", "token": token})

    assert again.status_code == 302
    assert SurveyImportJob.objects.filter(dry_run=False).count() == 1
    assert SurveyResponse.objects.count() == 2


def test_import_page_shows_progress_and_refreshes_while_the_job_waits(team_user, client_for):
    client = client_for(team_user)

    # Without the on-commit callbacks the job stays queued, as before a worker takes it.
    checked = client.post(
        reverse("survey-import"),
        {"action": "check", "file": upload("googleforms_en.csv")},
        follow=True,
    )

    page = checked.content.decode()
    assert checked.context["job"].status == "queued"
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "Waiting for a worker…" in page
    assert b"Confirm the import" not in checked.content


def test_import_page_of_another_team_member_is_not_found(
    team_user, client_for, django_capture_on_commit_callbacks
):
    posted, _ = post_and_follow_the_job(
        client_for(team_user),
        django_capture_on_commit_callbacks,
        {"action": "check", "file": upload("googleforms_en.csv")},
    )
    other = TeamUserFactory(username="another-team-member")

    response = client_for(other).get(posted.url)

    assert response.status_code == 404


def test_import_page_reports_an_unreadable_file_and_offers_no_confirm(
    team_user, client_for, django_capture_on_commit_callbacks
):
    client = client_for(team_user)
    junk = SimpleUploadedFile("junk.xlsx", b"PK\x03\x04 not really a workbook")

    _, response = post_and_follow_the_job(
        client, django_capture_on_commit_callbacks, {"action": "check", "file": junk}
    )

    assert response.status_code == 200
    assert response.context["report"]["file_error"] == (
        "The file is not a readable XLSX workbook (it may be truncated or damaged)."
    )
    assert b"Confirm the import" not in response.content
    assert "pending" not in response.context
    assert SurveyImportJob.objects.get().upload.name == ""


def test_import_page_stale_token_writes_nothing(team_user, client_for):
    client = client_for(team_user)

    response = client.post(reverse("survey-import"), {"action": "confirm", "token": "nope"})

    assert response.status_code == 302
    assert SurveyResponse.objects.count() == 0


def test_import_page_missing_file_is_a_form_error(team_user, client_for):
    response = client_for(team_user).post(reverse("survey-import"), {"action": "check"})

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["This field is required."]


def test_import_page_is_for_the_team_only(facilitator, client_for):
    response = client_for(facilitator).get(reverse("survey-import"))

    assert response.status_code == 403


def test_import_page_cancel_deletes_the_upload_and_writes_nothing(
    team_user, client_for, django_capture_on_commit_callbacks
):
    client = client_for(team_user)
    _, checked = post_and_follow_the_job(
        client,
        django_capture_on_commit_callbacks,
        {"action": "check", "file": upload("googleforms_en.csv")},
    )
    token = checked.context["pending"]["token"]
    stored = SurveyImportJob.objects.get().upload.name

    cancelled = client.post(reverse("survey-import"), {"action": "cancel", "token": token})
    confirmed = client.post(reverse("survey-import"), {"action": "confirm", "token": token})

    assert (cancelled.status_code, confirmed.status_code) == (302, 302)
    assert default_storage.exists(stored) is False
    assert SurveyImportJob.objects.get().upload.name == ""
    assert SurveyResponse.objects.count() == 0


def test_import_page_of_a_running_job_shows_its_rows_and_refreshes(team_user, client_for):
    job = SurveyImportJob.objects.create(
        filename="big.xlsx",
        dry_run=True,
        awaits_confirmation=True,
        status="running",
        rows_done=250,
        rows_total=600,
        requested_by=team_user,
    )

    response = client_for(team_user).get(reverse("survey-import-job", args=[job.token]))

    page = response.content.decode()
    assert '<progress max="600" value="250"></progress>' in page
    assert "250 of 600 rows" in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "This page refreshes by itself until the import is done." in page
    assert "Confirm the import" not in page


def test_import_page_of_a_failed_job_gives_the_reason(team_user, client_for):
    job = SurveyImportJob.objects.create(
        filename="e.csv",
        status="failed",
        error="The uploaded file is gone; upload it again.",
        requested_by=team_user,
    )

    response = client_for(team_user).get(reverse("survey-import-job", args=[job.token]))

    page = response.content.decode()
    assert "The import failed; nothing was written." in page
    assert "The uploaded file is gone; upload it again." in page
    assert '<meta http-equiv="refresh"' not in page


def test_import_page_check_with_rejected_rows_offers_no_confirm_and_keeps_no_upload(
    team_user, client_for, django_capture_on_commit_callbacks
):
    rejected = SimpleUploadedFile(
        "r.csv",
        b"ID,Email,1. Name of your organization,56. Participate\r\n1,a@a.be,Org A,Perhaps\r\n",
    )

    _, checked = post_and_follow_the_job(
        client_for(team_user),
        django_capture_on_commit_callbacks,
        {"action": "check", "file": rejected, "language": "en"},
    )

    assert checked.context["report"]["rejected"] == 1
    assert "pending" not in checked.context
    assert b"Some rows are rejected" in checked.content
    assert SurveyImportJob.objects.get().upload.name == ""
