"""What invitations and calendars say: texts cleaned of control characters whatever the
door, a draft agenda kept on the facilitators' pages, and a change of time asking the
invitees to confirm again. Read back with icalendar and vobject."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import vobject
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from rest_framework.test import APIClient

from meetings.enums import InvitationStatus, OutboxKind
from meetings.formats import ical
from meetings.models import Meeting, OutboundMessage
from meetings.services import agendas, scheduling
from meetings.services import invitations as invitation_services
from meetings.validators import multi_line, single_line
from tests.factories import (
    AgendaItemFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    TeamUserFactory,
    UserFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
INJECTION = "Board\rATTENDEE:mailto:intruder@example.net\rRRULE:FREQ=DAILY"


def _lines(text: str) -> list[str]:
    """Content lines as a reader splits them: on CRLF, on a bare LF and on a bare CR."""
    unfolded = text.replace("\r\n ", "").replace("\r\n\t", "")
    return unfolded.replace("\r\n", "\n").replace("\r", "\n").split("\n")


@pytest.mark.parametrize(
    ("value", "cleaned"),
    [
        ("Board\rmeeting", "Board meeting"),
        ("Board\r\n\r\nmeeting ", "Board meeting"),
        ("Tab\there\x00\x1b[31m", "Tab here [31m"),
        ("Next\x85line\u2028and\u2029more\x7f", "Next line and more"),
        ("Café – Kyiv / Київ", "Café – Kyiv / Київ"),
    ],
)
def test_single_line_texts_lose_every_control_character(value, cleaned):
    assert single_line(value) == cleaned


def test_multi_line_texts_keep_line_breaks_as_lf_only():
    assert multi_line("One\r\nTwo\rThree\u2028Four\x00\x07\tend") == "One\nTwo\nThree\nFour\tend"


def test_title_with_a_bare_cr_through_the_api_is_stored_clean_and_injects_nothing():
    api = APIClient()
    api.force_authenticate(TeamUserFactory())

    response = api.post(
        "/api/meetings/",
        {
            "working_group": WorkingGroupFactory().pk,
            "title": INJECTION,
            "starts_at": "2027-06-01T09:30",
            "ends_at": "2027-06-01T11:00",
            "location": "Rue de la Loi 16\r, 1000 Bruxelles",
        },
        format="json",
    )
    meeting = Meeting.objects.get()
    ics = api.get(f"/api/meetings/{meeting.pk}/ics/").content.decode()

    assert response.status_code == 201
    assert meeting.title == "Board ATTENDEE:mailto:intruder@example.net RRULE:FREQ=DAILY"
    assert meeting.location == "Rue de la Loi 16 , 1000 Bruxelles"
    lines = _lines(ics)
    event_lines = lines[lines.index("BEGIN:VEVENT") : lines.index("END:VEVENT")]
    assert [line for line in event_lines if line.startswith(("ATTENDEE", "RRULE"))] == []
    assert "\r" not in ics.replace("\r\n", "")
    event = next(iter(Calendar.from_ical(ics).walk("VEVENT")))
    assert str(event["SUMMARY"]) == meeting.title


def test_title_change_with_a_bare_cr_through_the_api_is_stored_clean():
    api = APIClient()
    api.force_authenticate(TeamUserFactory())
    meeting = MeetingFactory()

    response = api.patch(f"/api/meetings/{meeting.pk}/", {"title": INJECTION}, format="json")

    meeting.refresh_from_db()
    assert response.status_code == 200
    assert meeting.title == "Board ATTENDEE:mailto:intruder@example.net RRULE:FREQ=DAILY"


def test_agenda_item_title_and_delegate_name_are_stored_clean():
    meeting = MeetingFactory()
    invitation = InvitationFactory(meeting=meeting)

    item = agendas.agenda_item_create(meeting=meeting, title="Welcome\r\nATTENDEE:x")
    agendas.agenda_item_update(item=item, title="Aims\rand\x00scope")
    delegate = invitation_services.invitation_delegate(
        invitation=invitation, name="Bob\r\nATTENDEE:mailto:x@example.net", email="bob@example.org"
    )

    item.refresh_from_db()
    assert item.title == "Aims and scope"
    assert delegate.contact.name == "Bob ATTENDEE:mailto:x@example.net"


def test_builder_cleans_names_that_reached_the_database_another_way():
    facilitator = UserFactory(first_name="Fiona\r", last_name="Facilitator")
    meeting = MeetingFactory(facilitator=facilitator)
    # A contact written without a service (an import of old data, a shell).
    contact = ContactFactory(name="Anna\rATTENDEE:mailto:intruder@example.net", email="a@x.be")
    invitation = InvitationFactory(meeting=meeting, contact=contact)

    text = (
        ical.calendar_message(
            meeting=meeting, invitation=invitation, method="REQUEST", now=timezone.now()
        )
        .to_ical()
        .decode()
    )

    attendees = [line for line in _lines(text) if line.startswith("ATTENDEE")]
    assert len(attendees) == 1
    assert 'CN="Anna ATTENDEE:mailto:intruder@example.net"' in attendees[0]
    assert vobject.readOne(text).vevent.organizer.params["CN"] == ["Fiona Facilitator"]


# --- A draft agenda stays on the facilitators' pages -------------------------------------------


@pytest.fixture
def draft_agenda(client):
    member_user = UserFactory()
    contact = ContactFactory(user=member_user, email=f"{member_user.username}@example.org")
    membership = MembershipFactory(contact=contact)
    meeting = MeetingFactory(working_group=membership.group, title="Working group")
    AgendaItemFactory(meeting=meeting, position=1, title="Confidential draft point")
    invitation = InvitationFactory(meeting=meeting, contact=contact)
    return meeting, invitation, member_user, membership


def _everywhere(meeting, invitation, user, membership, client_for) -> dict[str, str]:
    team = client_for(TeamUserFactory())
    api = APIClient()
    api.force_authenticate(TeamUserFactory())
    token = invitation_services.invitation_token(invitation)
    outbox = OutboundMessage.objects.filter(invitation=invitation).order_by("-id").first()
    return {
        "invite.ics": team.get(reverse("meeting-ics", args=[meeting.pk])).content.decode(),
        "api .ics": api.get(f"/api/meetings/{meeting.pk}/ics/").content.decode(),
        "group feed": client_for(user)
        .get(reverse("calendar-group-feed", args=[user.calendar_token, membership.group.slug]))
        .content.decode(),
        "rsvp page": client_for(user).get(reverse("rsvp", args=[token])).content.decode(),
        "e-mail": outbox.body_text + outbox.body_html + outbox.ical,
    }


def test_unpublished_agenda_appears_in_no_calendar_page_or_message(draft_agenda, client_for):
    meeting, invitation, user, membership = draft_agenda
    invitation_services.invitation_message_enqueue(
        invitation=invitation, kind=OutboxKind.INVITATION
    )

    texts = _everywhere(meeting, invitation, user, membership, client_for)

    assert sorted(texts) == ["api .ics", "e-mail", "group feed", "invite.ics", "rsvp page"]
    assert [name for name, text in texts.items() if "Confidential draft point" in text] == []


def test_published_agenda_appears_in_calendars_and_messages(draft_agenda, client_for):
    meeting, invitation, user, membership = draft_agenda
    agendas.agenda_publish(meeting=meeting)
    meeting.refresh_from_db()
    invitation.meeting = meeting
    invitation_services.invitation_message_enqueue(invitation=invitation, kind=OutboxKind.UPDATE)

    texts = _everywhere(meeting, invitation, user, membership, client_for)

    assert [name for name, text in texts.items() if "Confidential draft point" in text] == [
        "invite.ics",
        "api .ics",
        "group feed",
        "rsvp page",
        "e-mail",
    ]


# --- A change of time asks for a new answer ----------------------------------------------------


def _accepted_meeting():
    meeting = MeetingFactory(
        title="Steering group",
        starts_at=dt.datetime(2027, 3, 2, 10, 0, tzinfo=BRUSSELS),
        ends_at=dt.datetime(2027, 3, 2, 12, 0, tzinfo=BRUSSELS),
        capacity=1,
    )
    accepted = InvitationFactory(meeting=meeting, status=InvitationStatus.ACCEPTED)
    waitlisted = InvitationFactory(
        meeting=meeting, status=InvitationStatus.WAITLISTED, waitlist_position=1
    )
    return meeting, accepted, waitlisted


def test_change_of_time_asks_attendees_to_confirm_the_new_time():
    meeting, accepted, _waitlisted = _accepted_meeting()

    scheduling.meeting_update(
        meeting=meeting,
        by=None,
        starts_at=dt.datetime(2027, 3, 2, 14, 0, tzinfo=BRUSSELS),
        ends_at=dt.datetime(2027, 3, 2, 16, 0, tzinfo=BRUSSELS),
    )

    accepted.refresh_from_db()
    message = OutboundMessage.objects.get(invitation=accepted, kind=OutboxKind.UPDATE)
    attendee = vobject.readOne(message.ical).vevent.attendee
    assert (accepted.status, accepted.holds_seat) == (InvitationStatus.SENT, True)
    assert (attendee.params["PARTSTAT"], attendee.params["RSVP"]) == (["NEEDS-ACTION"], ["TRUE"])
    assert message.subject == "New time, please confirm: Steering group"
    assert "The date or time of this meeting has changed: please confirm the new time." in (
        message.body_text
    )
    assert "please confirm the new time." in message.body_html


def test_attendee_who_confirms_the_new_time_keeps_the_seat_before_the_waitlist():
    meeting, accepted, waitlisted = _accepted_meeting()
    scheduling.meeting_update(
        meeting=meeting,
        by=None,
        starts_at=dt.datetime(2027, 3, 2, 14, 0, tzinfo=BRUSSELS),
        ends_at=dt.datetime(2027, 3, 2, 16, 0, tzinfo=BRUSSELS),
    )

    result = invitation_services.invitation_answer(
        invitation=accepted, answer=InvitationStatus.ACCEPTED
    )

    waitlisted.refresh_from_db()
    assert (result.waitlisted, result.invitation.status) == (False, InvitationStatus.ACCEPTED)
    assert waitlisted.status == InvitationStatus.WAITLISTED


def test_change_of_place_keeps_the_answers():
    meeting, accepted, _waitlisted = _accepted_meeting()

    scheduling.meeting_update(meeting=meeting, by=None, location="Rue Royale 138, 1000 Bruxelles")

    accepted.refresh_from_db()
    message = OutboundMessage.objects.get(invitation=accepted, kind=OutboxKind.UPDATE)
    assert accepted.status == InvitationStatus.ACCEPTED
    assert vobject.readOne(message.ical).vevent.attendee.params["PARTSTAT"] == ["ACCEPTED"]
    assert message.subject == "Changed: Steering group"
