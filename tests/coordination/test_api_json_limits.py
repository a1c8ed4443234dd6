"""The API's JSON parser refuses bodies too large or nested too deeply with a 400, on the
unauthenticated RSVP endpoint as on the signed-in ones, and changes nothing."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from coordination.api.parsers import json_depth
from meetings.enums import InvitationStatus
from meetings.models import Invitation, Meeting
from meetings.services import invitations as invitation_services
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def parse_error(detail: str) -> dict:
    return {
        "type": "client_error",
        "errors": [{"code": "parse_error", "detail": detail, "attr": None}],
    }


def rsvp_url(invitation) -> str:
    return reverse("api-rsvp", args=[invitation_services.invitation_token(invitation)])


@pytest.mark.parametrize("depth", [33, 5_000, 200_000])
def test_rsvp_with_deeply_nested_json_is_a_400_and_changes_nothing(depth):
    invitation = InvitationFactory(status=InvitationStatus.SENT)

    response = Client().post(rsvp_url(invitation), nested(depth), content_type="application/json")

    assert response.status_code == 400
    assert response.json() == parse_error("The JSON body is nested more than 32 levels deep.")
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT


def test_rsvp_with_an_object_nested_in_the_answer_is_refused():
    invitation = InvitationFactory(status=InvitationStatus.SENT)
    body = '{"answer": ' + '{"a": ' * 40 + "1" + "}" * 40 + "}"

    response = Client().post(rsvp_url(invitation), body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == parse_error("The JSON body is nested more than 32 levels deep.")


def test_rsvp_with_json_nested_within_the_limit_reaches_the_serializer():
    invitation = InvitationFactory(status=InvitationStatus.SENT)
    body = json.dumps({"answer": "accepted", "note": [[["x"]]]})

    response = Client().post(rsvp_url(invitation), body, content_type="application/json")

    assert response.status_code == 200
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.ACCEPTED


def test_rsvp_with_a_body_over_the_size_limit_is_a_400(settings):
    settings.API_JSON_MAX_BYTES = 1000
    invitation = InvitationFactory(status=InvitationStatus.SENT)
    body = json.dumps({"answer": "accepted", "note": "x" * 1000})

    response = Client().post(rsvp_url(invitation), body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == parse_error("The request body is larger than 1000 bytes.")
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.SENT


def test_meeting_create_with_deeply_nested_json_is_a_400(client_for, team_user):
    response = client_for(team_user).post(
        "/api/meetings/", nested(100_000), content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == parse_error("The JSON body is nested more than 32 levels deep.")
    assert Meeting.objects.count() == 0


def test_meeting_create_with_nan_is_a_400(client_for, team_user):
    response = client_for(team_user).post(
        "/api/meetings/", '{"title": NaN}', content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == parse_error(
        "JSON parse error - Out of range float values are not JSON compliant: 'NaN'"
    )
    assert Meeting.objects.count() == 0


def test_json_depth_counts_lists_and_objects_without_recursion():
    assert [json_depth(v) for v in [1, "x", [], {}, [1, [2]], {"a": [{"b": 1}]}]] == [
        0,
        0,
        1,
        1,
        2,
        3,
    ]
    assert json_depth(json.loads(nested(900))) == 900
