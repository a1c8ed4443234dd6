"""The survey import page: check a file, then confirm; refusals change nothing."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coordination.models import SurveyResponse

pytestmark = pytest.mark.django_db


EXPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "survey_exports"


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (EXPORTS / name).read_bytes())


def test_import_page_checks_then_imports_on_confirm(team_user, client_for):
    client = client_for(team_user)

    checked = client.post(
        reverse("survey-import"), {"action": "check", "file": upload("googleforms_en.csv")}
    )
    token = checked.context["pending"]["token"]
    nothing_yet = SurveyResponse.objects.count()
    confirmed = client.post(reverse("survey-import"), {"action": "confirm", "token": token})

    assert checked.status_code == 200
    assert checked.context["report"].created == 2
    assert b"Confirm the import" in checked.content
    assert nothing_yet == 0
    assert confirmed.status_code == 200
    assert confirmed.context["report"].committed is True
    assert SurveyResponse.objects.count() == 2


def test_import_page_reports_an_unreadable_file_and_offers_no_confirm(team_user, client_for):
    client = client_for(team_user)
    junk = SimpleUploadedFile("junk.xlsx", b"PK\x03\x04 not really a workbook")

    response = client.post(reverse("survey-import"), {"action": "check", "file": junk})

    assert response.status_code == 200
    assert response.context["report"].file_error == (
        "The file is not a readable XLSX workbook (it may be truncated or damaged)."
    )
    assert b"Confirm the import" not in response.content
    assert "pending" not in response.context


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
