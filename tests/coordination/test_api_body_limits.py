"""Form and multipart bodies (and query strings) over Django's limits (fields, files, size) are
refused by the API with a 400 ``parse_error`` in the request's language, never a 500, and
change nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coordination.models import ConsultationRound
from meetings.models import Meeting, RoundDraw
from tests.factories import RoundSessionFactory

pytestmark = pytest.mark.django_db


def parse_error(detail: str) -> dict:
    return {
        "type": "client_error",
        "errors": [{"code": "parse_error", "detail": detail, "attr": None}],
    }


def many_ids(count: int) -> dict:
    return {"must_invite": [str(n) for n in range(1, count + 1)]}


def feasibility_url() -> str:
    session = RoundSessionFactory()
    return reverse("api-round-draw-feasibility", args=[session.consultation_round_id])


def test_round_feasibility_with_more_fields_than_allowed_is_a_400(client_for, team_user):
    url = feasibility_url()

    response = client_for(team_user).post(url, many_ids(1001))

    assert response.status_code == 400
    assert response.json() == parse_error("The request has more than 1000 fields.")


def test_a_form_body_with_more_fields_than_allowed_is_a_400_and_creates_nothing(
    client_for, team_user
):
    body = "&".join(f"title={n}" for n in range(1001))

    response = client_for(team_user).post(
        "/api/meetings/", body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 400
    assert response.json() == parse_error("The request has more than 1000 fields.")
    assert Meeting.objects.count() == 0


def test_a_query_string_with_more_fields_than_allowed_is_a_400(client_for, team_user):
    query = "&".join(f"name={n}" for n in range(1001))

    response = client_for(team_user).get(f"/api/organisations/?{query}")

    assert response.status_code == 400
    assert response.json() == parse_error("The request has more than 1000 fields.")


def test_a_multipart_body_with_more_files_than_allowed_is_a_400_in_the_callers_language(
    client_for, team_user, settings
):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    team_user.preferred_language = "fr"
    team_user.save(update_fields=["preferred_language"])
    files = [SimpleUploadedFile(f"note-{n}.txt", b"x") for n in range(4)]

    response = client_for(team_user).post("/api/meetings/", {"file": files})

    assert response.status_code == 400
    assert response.json() == parse_error("La requête contient plus de 3 fichiers.")
    assert Meeting.objects.count() == 0


def test_a_multipart_body_over_the_size_limit_is_a_400_and_draws_nothing(
    client_for, team_user, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    url = feasibility_url()
    draws_url = url.replace("draw-feasibility", "draws")

    response = client_for(team_user).post(draws_url, {"reason": "x" * 2000})

    assert response.status_code == 400
    assert response.json() == parse_error("The request body is larger than 1000 bytes.")
    assert RoundDraw.objects.count() == 0
    assert ConsultationRound.objects.count() == 1


def test_a_multipart_body_within_the_limits_reaches_the_serializer(client_for, team_user):
    url = feasibility_url()

    response = client_for(team_user).post(url, {"must_invite": ["1", "0"]})

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "code": "min_value",
            "detail": "Ensure this value is greater than or equal to 1.",
            "attr": "must_invite.1",
        }
    ]
