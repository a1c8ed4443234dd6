"""Ids typed in a path, a query or a form are ASCII digits. Other Unicode digits (“³”, “٣”,
“１”) pass ``str.isdigit`` but are not numbers: they name no record (404, the form's own
message, or, for a version to show, none), never a server error, and change nothing."""

import pytest
from django.urls import reverse

from coordination.models import Membership
from coordination.validators import MAX_ID, id_or_none
from meetings.enums import InvitationStatus
from meetings.models import OutboundMessage
from meetings.services import minutes as minutes_services
from tests.factories import (
    AgendaItemFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    RoundSessionFactory,
    WorkingGroupFactory,
)
from tests.helpers import api, messages_of
from tests.meetings.builders import leader_of

pytestmark = pytest.mark.django_db

NOT_ASCII_DIGITS = ["³", "٣", "１", "1²"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        ("0042", 42),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("99999999999999999999", None),
        ("", None),
        ("-1", None),
        ("1.5", None),
        (" 1", None),
        *[(value, None) for value in NOT_ASCII_DIGITS],
    ],
)
def test_id_or_none_reads_ascii_digits_up_to_the_largest_id(value, expected):
    assert id_or_none(value) == expected


@pytest.mark.parametrize("digit", NOT_ASCII_DIGITS)
def test_api_round_and_poll_paths_with_other_digits_are_not_found(team_user, digit):
    client = api(team_user)
    session = RoundSessionFactory()
    assert client.get(f"/api/rounds/{session.consultation_round_id}/feedback/").status_code == 200

    statuses = [
        client.get(f"/api/rounds/{digit}/feedback/").status_code,
        client.get(f"/api/rounds/{digit}/report-back/").status_code,
        client.post(f"/api/rounds/{digit}/report-back/send/", {}, format="json").status_code,
        client.get(f"/api/meetings/{digit}/poll/").status_code,
        client.post(f"/api/meetings/{digit}/poll/choose/", {}, format="json").status_code,
        client.post(f"/api/meetings/{digit}/poll/remind/", {}, format="json").status_code,
    ]

    assert statuses == [404] * 6
    assert OutboundMessage.objects.count() == 0


@pytest.mark.parametrize("query", ["round", "group"])
def test_new_meeting_page_for_a_round_or_group_named_by_other_digits_is_not_found(
    client_for, team_user, query
):
    client = client_for(team_user)

    statuses = [client.get(reverse("meeting-create"), {query: v}).status_code for v in ("³", "0")]

    assert statuses == [404, 404]


def test_minutes_version_named_by_other_digits_shows_the_current_minutes(client_for):
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting)
    minutes_services.minutes_start(meeting=meeting)
    client = client_for(leader_of(meeting))
    assert client.get(reverse("minutes-page", args=[meeting.pk])).status_code == 200

    response = client.get(reverse("minutes-page", args=[meeting.pk]), {"version": "٣"})
    unknown = client.get(reverse("minutes-page", args=[meeting.pk]), {"version": "3"})

    assert (response.status_code, unknown.status_code) == (200, 404)


def test_minutes_save_with_other_digits_as_revision_and_removed_decision_keeps_the_decision(
    client_for,
):
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, title="Budget")
    minutes = minutes_services.minutes_start(meeting=meeting)
    client = client_for(leader_of(meeting))
    data = {
        "revision": str(minutes.revision),
        f"note-{item.pk}": "",
        f"base-note-{item.pk}": "",
        f"decision-{item.pk}": "Share the figures monthly.",
    }
    first = client.post(reverse("minutes-edit", args=[meeting.pk]), data, follow=True)
    assert messages_of(first) == ["The minutes were saved."]
    decision = minutes.decisions.get()

    response = client.post(
        reverse("minutes-edit", args=[meeting.pk]),
        {**data, f"decision-{item.pk}": "", "revision": "³", "remove_decision": ["³", "１"]},
        follow=True,
    )

    assert response.status_code == 200
    assert messages_of(response) == ["The minutes were saved."]
    assert list(minutes.decisions.values_list("pk", "text")) == [
        (decision.pk, "Share the figures monthly.")
    ]


def test_reminder_to_an_invitation_named_by_other_digits_is_refused(client_for, team_user):
    session = RoundSessionFactory()
    InvitationFactory(meeting=session, status=InvitationStatus.SENT)

    response = client_for(team_user).post(
        reverse("meeting-unanswered", args=[session.pk]),
        {"kind": "invitation", "invitation": "³"},
        follow=True,
    )

    assert messages_of(response) == ["Choose an invitee to remind."]
    assert OutboundMessage.objects.count() == 0


def test_membership_change_named_by_other_digits_is_not_found(client_for, team_user):
    group = WorkingGroupFactory()
    membership = MembershipFactory(group=group)

    response = client_for(team_user).post(
        reverse("working-group-detail", args=[group.pk]),
        {"membership": "³", "action": "end"},
    )

    assert response.status_code == 404
    assert Membership.objects.get(pk=membership.pk).until is None
