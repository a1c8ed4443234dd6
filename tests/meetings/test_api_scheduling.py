"""API: create, change and cancel meetings, send invitations and reminders, answer by token,
my invitations, .ics; bad input gets a 4xx and changes nothing."""

import pytest
import vobject
from rest_framework.test import APIClient

from meetings import enums
from meetings.enums import InvitationStatus
from meetings.models import Invitation, Meeting, OutboundMessage
from meetings.services import invitations as services
from tests.factories import (
    ConsultationRoundFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    RoundSessionFactory,
    TeamUserFactory,
    UserFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    client = APIClient()
    client.force_authenticate(TeamUserFactory())
    return client


def _payload(**overrides):
    data = {
        "working_group": WorkingGroupFactory().slug,
        "title": "API meeting",
        "starts_at": "2027-06-01T09:30",
        "ends_at": "2027-06-01T11:00",
        "location": "Rue de la Loi 16, 1000 Bruxelles",
    }
    data.update(overrides)
    return data


def test_create_meeting_with_local_times(api):
    response = api.post("/api/meetings/", _payload(), format="json")

    assert response.status_code == 201
    assert response.json()["starts_at"] == "2027-06-01T09:30:00+02:00"
    assert Meeting.objects.get().title == "API meeting"


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"starts_at": "2027-03-28T02:30", "ends_at": "2027-03-28T04:00"},
            {
                "detail": "2027-03-28 02:30 does not exist in Europe/Brussels: the clocks go "
                "forward that night. Choose another time."
            },
        ),
        (
            {"starts_at": "2027-06-01T11:00", "ends_at": "2027-06-01T09:00"},
            {"ends_at": ["The meeting must end after it starts."]},
        ),
        (
            {"starts_at": "2020-06-01T09:00", "ends_at": "2020-06-01T10:00"},
            {"ends_at": ["A new meeting cannot end in the past."]},
        ),
        (
            {"format": "online", "location": "", "online_url": "ftp://x"},
            {"online_url": ["Enter a valid web link starting with https://."]},
        ),
        ({"starts_at": "tomorrow"}, None),
        ({"timezone": "Mars/Olympus"}, {"timezone": ["Unknown time zone “Mars/Olympus”."]}),
    ],
)
def test_create_meeting_bad_input_is_400_and_creates_nothing(api, overrides, errors):
    response = api.post("/api/meetings/", _payload(**overrides), format="json")

    assert response.status_code == 400
    if errors is not None:
        assert response.json() == errors
    assert Meeting.objects.count() == 0


def test_long_round_session_needs_confirm_long(api):
    round_ = ConsultationRoundFactory()
    data = _payload(
        working_group=None,
        consultation_round=round_.slug,
        starts_at="2027-06-01T09:00",
        ends_at="2027-06-01T14:00",
    )

    refused = api.post("/api/meetings/", data, format="json")
    accepted = api.post("/api/meetings/", {**data, "confirm_long": True}, format="json")

    assert refused.status_code == 400
    assert list(refused.json()) == ["ends_at"]
    assert accepted.status_code == 201


def test_participant_cannot_create_or_change(participant):
    client = APIClient()
    client.force_authenticate(participant)
    meeting = MeetingFactory()
    InvitationFactory(meeting=meeting, contact=participant.contact)

    created = client.post("/api/meetings/", _payload(), format="json")
    changed = client.patch(f"/api/meetings/{meeting.pk}/", {"title": "x"}, format="json")

    assert (created.status_code, changed.status_code) == (403, 403)
    assert Meeting.objects.count() == 1


def test_change_time_increments_sequence_and_writes_updates(api):
    meeting = MeetingFactory()
    InvitationFactory(meeting=meeting, status=InvitationStatus.ACCEPTED)

    response = api.patch(
        f"/api/meetings/{meeting.pk}/",
        {"starts_at": "2027-06-01T10:00", "ends_at": "2027-06-01T12:00"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["sequence"] == 1
    assert list(OutboundMessage.objects.values_list("kind", "sequence")) == [("update", 1)]


def test_capacity_below_accepted_is_400_and_unchanged(api):
    meeting = RoundSessionFactory(capacity=5)
    InvitationFactory.create_batch(2, meeting=meeting, status=InvitationStatus.ACCEPTED)

    response = api.patch(f"/api/meetings/{meeting.pk}/", {"capacity": 1}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "capacity": ["2 people have already accepted: the capacity cannot be lower."]
    }
    meeting.refresh_from_db()
    assert meeting.capacity == 5


def test_put_is_not_allowed(api):
    meeting = MeetingFactory()

    assert api.put(f"/api/meetings/{meeting.pk}/", _payload(), format="json").status_code == 405


def test_cancel_then_cancel_again(api):
    meeting = MeetingFactory()

    first = api.post(f"/api/meetings/{meeting.pk}/cancel/")
    second = api.post(f"/api/meetings/{meeting.pk}/cancel/")

    assert (first.status_code, first.json()["status"]) == (200, "cancelled")
    assert (second.status_code, second.json()) == (
        400,
        {"detail": "This meeting is already cancelled."},
    )


def test_send_invitations_and_reminder(api):
    session = RoundSessionFactory()
    InvitationFactory.create_batch(3, meeting=session, status=InvitationStatus.DRAFTED)

    sent = api.post(f"/api/meetings/{session.pk}/send-invitations/")
    again = api.post(f"/api/meetings/{session.pk}/send-invitations/")
    reminded = api.post(f"/api/meetings/{session.pk}/send-reminder/")

    assert sent.json() == {"count": 3, "detail": "3 invitations queued."}
    assert (again.status_code, again.json()) == (
        400,
        {"detail": "There are no drafted invitations to send."},
    )
    assert reminded.json() == {"count": 3, "detail": "3 reminders queued."}


def test_conflicts_endpoint(api):
    import datetime as dt
    from zoneinfo import ZoneInfo

    start = dt.datetime(2027, 12, 25, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    meeting = MeetingFactory(starts_at=start, ends_at=start + dt.timedelta(hours=1))

    response = api.get(f"/api/meetings/{meeting.pk}/conflicts/")

    assert [c["kind"] for c in response.json()] == ["holiday"]


def test_ics_endpoint(api):
    meeting = MeetingFactory()

    response = api.get(f"/api/meetings/{meeting.pk}/ics/")

    assert response.status_code == 200
    assert vobject.readOne(response.content.decode()).vevent.uid.value == meeting.ical_uid


def test_answer_by_token_without_login():
    invitation = InvitationFactory()
    token = services.invitation_token(invitation)
    client = APIClient()

    shown = client.get(f"/api/rsvp/{token}/")
    answered = client.post(
        f"/api/rsvp/{token}/", {"answer": "declined", "comment": "Sorry"}, format="json"
    )

    assert shown.json()["status"] == "sent"
    assert answered.status_code == 200
    assert answered.json()["invitation"]["status"] == "declined"
    assert answered.json()["waitlisted"] is False
    invitation.refresh_from_db()
    assert (invitation.status, invitation.comment) == ("declined", "Sorry")


def test_answer_with_a_tampered_token_is_404():
    invitation = InvitationFactory()
    token = services.invitation_token(invitation) + "x"

    response = APIClient().post(f"/api/rsvp/{token}/", {"answer": "accepted"}, format="json")

    assert (response.status_code, response.json()) == (
        404,
        {"detail": "This answer link is not valid."},
    )
    invitation.refresh_from_db()
    assert invitation.status == "sent"


def test_answer_on_a_cancelled_meeting_is_400():
    invitation = InvitationFactory(meeting__status=enums.MeetingStatus.CANCELLED)

    response = APIClient().post(
        f"/api/rsvp/{services.invitation_token(invitation)}/", {"answer": "accepted"}, format="json"
    )

    assert (response.status_code, response.json()) == (
        400,
        {"detail": "This meeting was cancelled."},
    )


def test_answer_with_an_unknown_value_is_400():
    invitation = InvitationFactory()

    response = APIClient().post(
        f"/api/rsvp/{services.invitation_token(invitation)}/", {"answer": "maybe"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["answer"]


@pytest.mark.parametrize("rows", [1, 5])
def test_my_invitations_query_count_is_constant(rows, django_assert_num_queries):
    user = UserFactory()
    contact = ContactFactory(user=user)
    for _ in range(rows):
        InvitationFactory(contact=contact)
    InvitationFactory(status=InvitationStatus.DRAFTED, contact=contact)
    client = APIClient()
    client.force_authenticate(user)

    with django_assert_num_queries(2):
        response = client.get("/api/invitations/")

    assert response.json()["count"] == rows
    assert Invitation.objects.count() == rows + 1


@pytest.mark.parametrize("rows", [1, 5])
def test_meeting_list_query_count_is_constant(rows, api, django_assert_num_queries):
    for _ in range(rows):
        MeetingFactory()
        RoundSessionFactory()

    with django_assert_num_queries(2):
        response = api.get("/api/meetings/")

    assert response.json()["count"] == 2 * rows


@pytest.mark.parametrize("rows", [1, 5])
def test_conflicts_query_count_is_constant(rows, api, django_assert_num_queries):
    import datetime as dt

    meeting = MeetingFactory()
    for _ in range(rows):
        invitation = InvitationFactory(meeting=meeting)
        other = RoundSessionFactory(
            starts_at=meeting.starts_at, ends_at=meeting.starts_at + dt.timedelta(hours=1)
        )
        InvitationFactory(meeting=other, contact=invitation.contact)

    with django_assert_num_queries(5):
        response = api.get(f"/api/meetings/{meeting.pk}/conflicts/")

    assert len(response.json()) == rows
