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
        "working_group": WorkingGroupFactory().pk,
        "title": "API meeting",
        "starts_at": "2027-06-01T09:30",
        "ends_at": "2027-06-01T11:00",
        "location": "Rue de la Loi 16, 1000 Bruxelles",
    }
    data.update(overrides)
    return data


def test_create_meeting_with_local_times(api):
    response = api.post("/api/meetings/", _payload(), format="json")

    meeting = Meeting.objects.get()
    assert response.status_code == 201
    assert response.json()["starts_at"] == "2027-06-01T09:30:00+02:00"
    assert (response.json()["working_group"], response.json()["consultation_round"]) == (
        meeting.working_group_id,
        None,
    )
    assert meeting.title == "API meeting"


def validation_error(attr, detail, code="invalid"):
    return {"type": "validation_error", "errors": [{"code": code, "detail": detail, "attr": attr}]}


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"starts_at": "2027-03-28T02:30", "ends_at": "2027-03-28T04:00"},
            validation_error(
                None,
                "28 March 2027, 02:30 does not exist in Europe/Brussels: the clocks go "
                "forward that night. Choose another time.",
            ),
        ),
        (
            {"starts_at": "2027-06-01T11:00", "ends_at": "2027-06-01T09:00"},
            validation_error("ends_at", "The meeting must end after it starts."),
        ),
        (
            {"starts_at": "2020-06-01T09:00", "ends_at": "2020-06-01T10:00"},
            validation_error("ends_at", "A new meeting cannot end in the past."),
        ),
        (
            {"format": "online", "location": "", "online_url": "ftp://x"},
            validation_error("online_url", "Enter a valid web link starting with https://."),
        ),
        (
            {"starts_at": "tomorrow"},
            validation_error(
                "starts_at",
                "Enter a date and time as YYYY-MM-DDTHH:MM (optionally with an offset).",
            ),
        ),
        (
            {"timezone": "Mars/Olympus"},
            validation_error("timezone", "Unknown time zone “Mars/Olympus”."),
        ),
        (
            {"working_group": 999_999},
            validation_error(
                "working_group",
                'Invalid pk "999999" - object does not exist.',
                code="does_not_exist",
            ),
        ),
        (
            {"working_group": None},
            validation_error(None, "A meeting belongs to a working group or to a round."),
        ),
    ],
)
def test_create_meeting_bad_input_is_400_and_creates_nothing(api, overrides, errors):
    response = api.post("/api/meetings/", _payload(**overrides), format="json")

    assert (response.status_code, response.json()) == (400, errors)
    assert Meeting.objects.count() == 0


def test_long_round_session_needs_confirm_long(api):
    round_ = ConsultationRoundFactory()
    data = _payload(
        working_group=None,
        consultation_round=round_.pk,
        starts_at="2027-06-01T09:00",
        ends_at="2027-06-01T14:00",
    )

    refused = api.post("/api/meetings/", data, format="json")
    accepted = api.post("/api/meetings/", {**data, "confirm_long": True}, format="json")

    assert (refused.status_code, [e["attr"] for e in refused.json()["errors"]]) == (
        400,
        ["ends_at"],
    )
    assert accepted.status_code == 201


def test_participant_cannot_create_or_change(participant):
    client = APIClient()
    client.force_authenticate(participant)
    meeting = MeetingFactory()
    InvitationFactory(meeting=meeting, contact=participant.contact)

    created = client.post("/api/meetings/", _payload(), format="json")

    assert (created.status_code, created.json()) == (
        403,
        {
            "type": "client_error",
            "errors": [
                {
                    "code": "permission_denied",
                    "detail": "You may not schedule meetings here.",
                    "attr": None,
                }
            ],
        },
    )
    assert Meeting.objects.count() == 1


FORBIDDEN = {
    "type": "client_error",
    "errors": [
        {
            "code": "permission_denied",
            "detail": "You do not have permission to perform this action.",
            "attr": None,
        }
    ],
}
NOT_FOUND = {
    "type": "client_error",
    "errors": [{"code": "not_found", "detail": "Not found.", "attr": None}],
}


def test_participant_patching_a_meeting_they_see_is_403_and_changes_nothing(participant):
    meeting = MeetingFactory(title="Before")
    InvitationFactory(meeting=meeting, contact=participant.contact)
    client = APIClient()
    client.force_authenticate(participant)

    response = client.patch(f"/api/meetings/{meeting.pk}/", {"title": "x"}, format="json")

    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    meeting.refresh_from_db()
    assert meeting.title == "Before"


def test_participant_patching_a_meeting_they_do_not_see_is_404(participant):
    meeting = MeetingFactory(title="Before")
    client = APIClient()
    client.force_authenticate(participant)

    response = client.patch(f"/api/meetings/{meeting.pk}/", {"title": "x"}, format="json")

    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    meeting.refresh_from_db()
    assert meeting.title == "Before"


def test_request_without_credentials_is_403_with_the_standard_body():
    response = APIClient().get("/api/meetings/")

    assert (response.status_code, response.json()) == (
        403,
        {
            "type": "client_error",
            "errors": [
                {
                    "code": "not_authenticated",
                    "detail": "Authentication credentials were not provided.",
                    "attr": None,
                }
            ],
        },
    )


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

    assert (response.status_code, response.json()) == (
        400,
        validation_error(
            "capacity", "2 people have already accepted: the capacity cannot be lower."
        ),
    )
    meeting.refresh_from_db()
    assert meeting.capacity == 5


def test_put_is_not_allowed(api):
    meeting = MeetingFactory()

    response = api.put(f"/api/meetings/{meeting.pk}/", _payload(), format="json")

    assert (response.status_code, response.json()) == (
        405,
        {
            "type": "client_error",
            "errors": [
                {
                    "code": "method_not_allowed",
                    "detail": 'Method "PUT" not allowed.',
                    "attr": None,
                }
            ],
        },
    )


def test_cancel_then_cancel_again(api):
    meeting = MeetingFactory()

    first = api.post(f"/api/meetings/{meeting.pk}/cancel/")
    second = api.post(f"/api/meetings/{meeting.pk}/cancel/")

    assert (first.status_code, first.json()["status"]) == (200, "cancelled")
    assert (second.status_code, second.json()) == (
        400,
        validation_error(None, "This meeting is already cancelled."),
    )


def test_send_invitations_and_reminder(api):
    session = RoundSessionFactory()
    InvitationFactory.create_batch(3, meeting=session, status=InvitationStatus.DRAFTED)

    refused = api.post(f"/api/meetings/{session.pk}/send-invitations/")
    sent = api.post(
        f"/api/meetings/{session.pk}/send-invitations/", {"without_agenda": True}, format="json"
    )
    again = api.post(
        f"/api/meetings/{session.pk}/send-invitations/", {"without_agenda": True}, format="json"
    )
    reminded = api.post(f"/api/meetings/{session.pk}/send-reminder/")

    assert (refused.status_code, refused.json()["errors"][0]["code"]) == (400, "no_agenda")
    assert sent.json() == {"count": 3, "detail": "3 invitations queued."}
    assert (again.status_code, again.json()) == (
        400,
        validation_error(None, "There are no drafted invitations to send.", code="none"),
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
        {
            "type": "client_error",
            "errors": [
                {"code": "not_found", "detail": "This answer link is not valid.", "attr": None}
            ],
        },
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
        validation_error(None, "This meeting was cancelled.", code="cancelled"),
    )


def test_answer_with_an_unknown_value_is_400():
    invitation = InvitationFactory()

    response = APIClient().post(
        f"/api/rsvp/{services.invitation_token(invitation)}/", {"answer": "maybe"}, format="json"
    )

    assert (response.status_code, response.json()) == (
        400,
        validation_error("answer", '"maybe" is not a valid choice.', code="invalid_choice"),
    )


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


def test_meeting_filters_by_group_and_round_id_and_start_range(api):
    import datetime as dt

    early = MeetingFactory(
        starts_at=dt.datetime(2027, 6, 1, 9, tzinfo=dt.UTC),
        ends_at=dt.datetime(2027, 6, 1, 11, tzinfo=dt.UTC),
    )
    late = MeetingFactory(
        working_group=early.working_group,
        starts_at=dt.datetime(2027, 9, 1, 9, tzinfo=dt.UTC),
        ends_at=dt.datetime(2027, 9, 1, 11, tzinfo=dt.UTC),
    )
    session = RoundSessionFactory(
        starts_at=dt.datetime(2027, 5, 3, 9, tzinfo=dt.UTC),
        ends_at=dt.datetime(2027, 5, 3, 12, tzinfo=dt.UTC),
    )

    def ids(query):
        return [m["id"] for m in api.get("/api/meetings/", query).json()["results"]]

    assert ids({"working_group": early.working_group_id}) == [early.pk, late.pk]
    assert ids({"consultation_round": session.consultation_round_id}) == [session.pk]
    assert ids({"starts_at_after": "2027-07-01T00:00:00Z"}) == [late.pk]
    assert ids({"starts_at_before": "2027-07-01T00:00:00Z"}) == [session.pk, early.pk]
    # The former names (starts_after, starts_before) are ignored like any unknown parameter.
    assert ids({"starts_before": "2027-07-01T00:00:00Z"}) == [session.pk, early.pk, late.pk]


def test_meeting_filter_by_a_group_slug_is_a_400(api):
    group = MeetingFactory().working_group

    response = api.get("/api/meetings/", {"working_group": group.slug})

    assert (response.status_code, response.json()) == (
        400,
        validation_error("working_group", "Enter a whole number."),
    )


def test_service_field_errors_map_to_one_error_per_field(api):
    response = api.post(
        "/api/meetings/",
        _payload(format="hybrid", location="Gent", online_url="ftp://x"),
        format="json",
    )

    assert (response.status_code, response.json()) == (
        400,
        {
            "type": "validation_error",
            "errors": [
                {
                    "code": "invalid",
                    "detail": "This address is too short to find the place.",
                    "attr": "location",
                },
                {
                    "code": "invalid",
                    "detail": "Enter a valid web link starting with https://.",
                    "attr": "online_url",
                },
            ],
        },
    )
    assert Meeting.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "detail"),
    [
        (lambda token: token[:-3] + "abc", "This answer link is not valid."),
        (lambda token: "not-a-token", "This answer link is not valid."),
        ("revoke", "This answer link was withdrawn."),
    ],
)
def test_rsvp_link_that_is_tampered_or_withdrawn_is_a_404_with_the_standard_body(change, detail):
    invitation = InvitationFactory()
    token = services.invitation_token(invitation)
    if change == "revoke":
        services.invitation_token_revoke(invitation=invitation)
    else:
        token = change(token)

    shown = APIClient().get(f"/api/rsvp/{token}/")
    answered = APIClient().post(f"/api/rsvp/{token}/", {"answer": "accepted"}, format="json")

    expected = {
        "type": "client_error",
        "errors": [{"code": "not_found", "detail": detail, "attr": None}],
    }
    assert (shown.status_code, shown.json()) == (404, expected)
    assert (answered.status_code, answered.json()) == (404, expected)
    invitation.refresh_from_db()
    assert invitation.status == "sent"
