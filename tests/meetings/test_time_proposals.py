"""Other times proposed from a calendar (iTIP COUNTER, Outlook's "propose new time"): the
facilitators see them on the meeting page and accept (the meeting is rescheduled for
everyone) or decline (a DECLINECOUNTER goes back to the invitee's calendar)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from meetings.enums import InvitationStatus, OutboxKind, TimeProposalStatus
from meetings.models import OutboundMessage, TimeProposal
from meetings.services import calendars as calendar_replies
from meetings.services import scheduling
from tests.factories import InvitationFactory, RoundSessionFactory
from tests.meetings.test_calendar_replies import reply, with_headers

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
PROPOSED_START = dt.datetime(2027, 6, 1, 14, 0, tzinfo=BRUSSELS)
PROPOSED_END = dt.datetime(2027, 6, 1, 17, 30, tzinfo=BRUSSELS)


def _invitation():
    session = RoundSessionFactory(
        title="Session: reception data",
        starts_at=dt.datetime(2027, 6, 1, 9, 0, tzinfo=BRUSSELS),
        ends_at=dt.datetime(2027, 6, 1, 12, 30, tzinfo=BRUSSELS),
    )
    return InvitationFactory(
        meeting=session, contact__email="anna@example.org", contact__name="Anna Example"
    )


def _counter(invitation, **headers):
    raw = reply("outlook_counter", uid=invitation.meeting.ical_uid)
    return with_headers(raw, **headers) if headers else raw


def test_outlook_counter_is_recorded_as_a_time_proposal():
    invitation = _invitation()

    outcomes = calendar_replies.calendar_reply_apply(raw=_counter(invitation))

    proposal = TimeProposal.objects.get()
    assert [(o.outcome, o.detail) for o in outcomes] == [("proposed", "2027-06-01T12:00:00+00:00")]
    assert (proposal.invitation, proposal.starts_at, proposal.ends_at, proposal.status) == (
        invitation,
        PROPOSED_START,
        PROPOSED_END,
        TimeProposalStatus.OPEN,
    )
    assert proposal.comment == (
        "I have another meeting that morning; could we meet in the afternoon?"
    )
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT  # a proposal is not an answer


def test_same_counter_twice_is_recorded_once():
    invitation = _invitation()

    calendar_replies.calendar_reply_apply(raw=_counter(invitation))
    calendar_replies.calendar_reply_apply(raw=_counter(invitation))

    assert TimeProposal.objects.count() == 1


def test_forged_counter_is_refused():
    invitation = _invitation()

    outcomes = calendar_replies.calendar_reply_apply(
        raw=_counter(invitation, From="mallory@example.net")
    )

    assert [o.outcome for o in outcomes] == ["refused"]
    assert TimeProposal.objects.count() == 0


def test_facilitator_sees_the_proposal_on_the_meeting_page(client_for, team_user):
    invitation = _invitation()
    calendar_replies.calendar_reply_apply(raw=_counter(invitation))

    page = client_for(team_user).get(reverse("meeting-detail", args=[invitation.meeting.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Other times proposed by invitees" in html
    assert "could we meet in the afternoon?" in html
    assert html.count('name="decision" value="accept"') == 1


def test_participant_does_not_see_the_proposals(client_for, participant):
    invitation = _invitation()
    InvitationFactory(meeting=invitation.meeting, contact=participant.contact)
    calendar_replies.calendar_reply_apply(raw=_counter(invitation))

    page = client_for(participant).get(reverse("meeting-detail", args=[invitation.meeting.pk]))

    assert page.status_code == 200
    assert "Other times proposed by invitees" not in page.content.decode()


def test_accepting_a_proposal_reschedules_the_meeting_for_everyone(client_for, team_user):
    invitation = _invitation()
    other = InvitationFactory(meeting=invitation.meeting, status=InvitationStatus.ACCEPTED)
    calendar_replies.calendar_reply_apply(raw=_counter(invitation))
    proposal = TimeProposal.objects.get()

    response = client_for(team_user).post(
        reverse("meeting-time-proposal", args=[invitation.meeting.pk, proposal.pk]),
        {"decision": "accept"},
    )

    meeting = invitation.meeting
    meeting.refresh_from_db()
    proposal.refresh_from_db()
    assert response.status_code == 302
    assert (meeting.starts_at, meeting.ends_at, meeting.sequence) == (
        PROPOSED_START,
        PROPOSED_END,
        1,
    )
    assert (proposal.status, proposal.decided_by) == (TimeProposalStatus.ACCEPTED, team_user)
    assert sorted(
        OutboundMessage.objects.filter(kind=OutboxKind.UPDATE).values_list(
            "invitation_id", flat=True
        )
    ) == sorted([invitation.pk, other.pk])


def test_declining_a_proposal_sends_a_declinecounter_and_keeps_the_time(client_for, team_user):
    invitation = _invitation()
    calendar_replies.calendar_reply_apply(raw=_counter(invitation))
    proposal = TimeProposal.objects.get()

    client_for(team_user).post(
        reverse("meeting-time-proposal", args=[invitation.meeting.pk, proposal.pk]),
        {"decision": "decline"},
    )

    from icalendar import Calendar

    meeting = invitation.meeting
    meeting.refresh_from_db()
    proposal.refresh_from_db()
    message = OutboundMessage.objects.get(kind=OutboxKind.DECLINECOUNTER)
    calendar = Calendar.from_ical(message.ical)
    event = next(iter(calendar.walk("VEVENT")))
    assert (proposal.status, meeting.sequence) == (TimeProposalStatus.DECLINED, 0)
    assert str(calendar["METHOD"]) == "DECLINECOUNTER"
    assert (str(event["UID"]), event["DTSTART"].dt) == (meeting.ical_uid, meeting.starts_at)
    assert message.subject == "Proposed time not taken: Session: reception data"
    assert "Thank you for proposing another time (Tuesday 1 June 2027, 14:00–17:30)." in (
        message.body_text
    )


def test_a_decided_proposal_cannot_be_decided_again():
    invitation = _invitation()
    calendar_replies.calendar_reply_apply(raw=_counter(invitation))
    proposal = TimeProposal.objects.get()
    scheduling.time_proposal_decline(proposal=proposal, by=None)

    with pytest.raises(Exception, match="already answered"):
        scheduling.time_proposal_accept(proposal=proposal, by=None)


def test_counter_for_a_past_time_is_ignored():
    invitation = _invitation()
    raw = reply(
        "outlook_counter",
        uid=invitation.meeting.ical_uid,
        edit=lambda ics: ics.replace("20270601T140000", "20200601T140000"),
    )

    outcomes = calendar_replies.calendar_reply_apply(raw=raw)

    assert TimeProposal.objects.count() == 0
    assert [(o.outcome, o.detail) for o in outcomes] == [
        ("ignored", "The proposed time is in the past.")
    ]


def test_database_refuses_a_proposal_that_ends_before_it_starts():
    from django.db import IntegrityError, transaction

    invitation = _invitation()

    with pytest.raises(IntegrityError), transaction.atomic():
        TimeProposal.objects.create(
            invitation=invitation,
            starts_at=PROPOSED_END,
            ends_at=PROPOSED_START,
            proposed_at=PROPOSED_START,
        )


def test_database_refuses_the_same_open_proposal_twice_but_keeps_decided_ones():
    from django.db import IntegrityError, transaction

    invitation = _invitation()
    fields = {
        "invitation": invitation,
        "starts_at": PROPOSED_START,
        "ends_at": PROPOSED_END,
        "proposed_at": PROPOSED_START,
    }
    TimeProposal.objects.create(**fields, status=TimeProposalStatus.DECLINED)
    TimeProposal.objects.create(**fields)

    with pytest.raises(IntegrityError), transaction.atomic():
        TimeProposal.objects.create(**fields)
    assert TimeProposal.objects.count() == 2
