"""A withdrawn consent stops every e-mail written to the person for its purpose, whichever job
or button writes it: action-item reminders, meeting reminders, nudges, time-poll reminders,
feedback requests and reminders, circulated minutes, agenda notices and the report back all
ask the one rule (``message_may_be_written``) before writing to the outbox, and a message
still waiting is not handed over."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from coordination.models import Consent
from coordination.services import consent_withdraw
from meetings import emails
from meetings.enums import InvitationStatus, OutboxKind
from meetings.formats import report as render
from meetings.models import FeedbackRequest, OutboundMessage, ReportBackDelivery
from meetings.services import actions, agendas, feedback, invitations, minutes, polls, unanswered
from meetings.services import report_back as report_back_services
from tests.factories import (
    AgendaItemFactory,
    ConsentFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    RoundSessionFactory,
)
from tests.meetings.test_report_back import build_round_with_final_report

pytestmark = pytest.mark.django_db


def withdrawn(purpose: str, **contact):
    """A contact who gave a consent for ``purpose`` and withdrew it."""
    person = ContactFactory(**contact)
    ConsentFactory(contact=person, purpose=purpose)
    assert consent_withdraw(contact=person, purpose=purpose) == 1
    return person


def recipients(kind: str) -> list[str]:
    return sorted(OutboundMessage.objects.filter(kind=kind).values_list("to_email", flat=True))


def test_action_reminder_is_not_written_to_an_owner_who_withdrew():
    meeting = MeetingFactory()
    day = timezone.localtime(meeting.starts_at).date()
    gone = withdrawn("working_group", email="gone@ngo.be")
    kept = ContactFactory(email="kept@ngo.be")
    items = [
        actions.action_item_create(
            meeting=meeting, description="Send the figures", owner_contact=owner, due_date=day
        )
        for owner in (gone, kept)
    ]

    due = actions.action_reminders_due_ids(today=day)
    sent = [actions.action_reminder_send(action_id=item.pk, today=day) for item in items]

    assert due == [items[1].pk]
    assert sent == [False, True]
    assert recipients(OutboxKind.ACTION_REMINDER) == ["kept@ngo.be"]
    items[0].refresh_from_db()
    assert items[0].reminded_on is None


def test_meeting_reminder_is_not_written_to_someone_invited_after_withdrawing():
    now = timezone.now()
    starts = now + dt.timedelta(days=1, minutes=-30)
    meeting = MeetingFactory(
        starts_at=starts, ends_at=starts + dt.timedelta(hours=2), reminder_offsets=[1440]
    )
    gone = withdrawn("working_group", email="gone@ngo.be")
    for contact in (gone, ContactFactory(email="kept@ngo.be")):
        InvitationFactory(
            meeting=meeting,
            contact=contact,
            status=InvitationStatus.ACCEPTED,
            sent_at=now - dt.timedelta(days=9),
        )

    assert invitations.reminders_enqueue(now=now) == 1
    assert recipients(OutboxKind.REMINDER) == ["kept@ngo.be"]


def test_invitation_to_someone_who_withdrew_is_not_written():
    session = RoundSessionFactory()
    gone = withdrawn("consultation_rounds", email="gone@ngo.be")
    for contact in (gone, ContactFactory(email="kept@ngo.be")):
        InvitationFactory(meeting=session, contact=contact, status=InvitationStatus.DRAFTED)

    invitations.invitations_send(meeting=session)

    assert recipients(OutboxKind.INVITATION) == ["kept@ngo.be"]


def test_nudge_by_hand_is_refused_with_the_reason_and_writes_nothing():
    session = RoundSessionFactory()
    gone = withdrawn("consultation_rounds", name="Olga Ivanova")
    invitation = InvitationFactory(
        meeting=session, contact=gone, status=InvitationStatus.SENT, sent_at=timezone.now()
    )

    with pytest.raises(ValidationError) as refused:
        unanswered.invitee_remind(invitation=invitation, kind="invitation", by=None)

    assert refused.value.messages == [
        "Olga Ivanova may not be written to for this meeting (consent withdrawn or no address)."
    ]
    assert refused.value.code == "unreachable"
    assert OutboundMessage.objects.count() == 0


def test_time_poll_reminders_skip_an_invitee_who_withdrew(team_user):
    session = RoundSessionFactory()
    gone = withdrawn("consultation_rounds", email="gone@ngo.be")
    drafted = [
        InvitationFactory(meeting=session, contact=contact, status=InvitationStatus.DRAFTED)
        for contact in (gone, ContactFactory(email="kept@ngo.be"))
    ]
    base = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    poll = polls.time_poll_create(
        meeting=session,
        slots=[(base + dt.timedelta(days=10), base + dt.timedelta(days=10, hours=3))],
        deadline=base + dt.timedelta(days=5),
        by=team_user,
    )

    scheduled = polls.time_poll_reminders_enqueue(now=poll.deadline - dt.timedelta(hours=20))
    with pytest.raises(ValidationError) as refused:
        polls.time_poll_remind(poll=poll, invitation=drafted[0], by=team_user)

    assert scheduled == 1
    assert recipients(OutboxKind.TIME_POLL) == ["kept@ngo.be"]
    assert recipients(OutboxKind.TIME_POLL_REMINDER) == ["kept@ngo.be"]
    assert refused.value.code == "unreachable"


def held_round_session():
    ends = timezone.now() - dt.timedelta(hours=20)
    return RoundSessionFactory(starts_at=ends - dt.timedelta(hours=3), ends_at=ends)


def test_feedback_request_is_not_written_to_an_attendee_who_withdrew():
    session = held_round_session()
    gone = withdrawn("consultation_rounds", email="gone@ngo.be")
    for contact in (gone, ContactFactory(email="kept@ngo.be")):
        InvitationFactory(meeting=session, contact=contact, status=InvitationStatus.ACCEPTED)

    asked = feedback.feedback_requests_enqueue()

    assert asked == 1
    assert recipients(OutboxKind.FEEDBACK) == ["kept@ngo.be"]
    assert list(FeedbackRequest.objects.values_list("invitation__contact__email", flat=True)) == [
        "kept@ngo.be"
    ]


def test_feedback_reminder_by_hand_is_refused_after_the_withdrawal():
    session = held_round_session()
    person = ContactFactory(email="person@ngo.be")
    ConsentFactory(contact=person, purpose="consultation_rounds")
    InvitationFactory(meeting=session, contact=person, status=InvitationStatus.ACCEPTED)
    feedback.feedback_requests_enqueue()
    consent_withdraw(contact=person, purpose="consultation_rounds")

    with pytest.raises(ValidationError) as refused:
        feedback.feedback_remind(request=FeedbackRequest.objects.get())

    assert refused.value.code == "unreachable"
    assert recipients(OutboxKind.FEEDBACK_REMINDER) == []


def test_minutes_circulation_skips_an_attendee_who_withdrew(django_capture_on_commit_callbacks):
    meeting = MeetingFactory()
    gone = withdrawn("working_group", email="gone@ngo.be")
    kept = ContactFactory(email="kept@ngo.be")
    for contact in (gone, kept):
        InvitationFactory(meeting=meeting, contact=contact, status=InvitationStatus.ACCEPTED)
    record = minutes.minutes_start(meeting=meeting)
    minutes.minutes_attendance_set(meeting=meeting, statuses={gone: "present", kept: "present"})

    with django_capture_on_commit_callbacks(execute=True):
        minutes.minutes_circulate(
            minutes=record, comments_due=timezone.now() + dt.timedelta(days=7)
        )

    assert recipients(OutboxKind.MINUTES_CIRCULATED) == ["kept@ngo.be"]
    assert [m.to for m in mail.outbox] == [["kept@ngo.be"]]


def test_agenda_notice_is_not_written_to_someone_invited_after_withdrawing():
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, position=1, title="Welcome", planned_minutes=15)
    gone = withdrawn("working_group", email="gone@ngo.be")
    for contact in (gone, ContactFactory(email="kept@ngo.be")):
        InvitationFactory(
            meeting=meeting,
            contact=contact,
            status=InvitationStatus.ACCEPTED,
            sent_at=timezone.now(),
        )

    agendas.agenda_publish(meeting=meeting)

    assert recipients(OutboxKind.AGENDA) == ["kept@ngo.be"]


def test_report_back_is_not_sent_to_an_organisation_contact_who_withdrew(monkeypatch):
    monkeypatch.setattr(render, "render_pdf", lambda **kw: b"%PDF-1.7 fake")
    monkeypatch.setattr(render, "render_docx", lambda **kw: b"PK fake docx")
    report, facilitator, people = build_round_with_final_report()
    gone = people["atlas"].contact
    ConsentFactory(contact=gone, purpose="consultation_rounds")
    consent_withdraw(contact=gone, purpose="consultation_rounds")
    back = report_back_services.report_back_send(report=report, text="Thank you.", by=facilitator)

    count = report_back_services.report_back_deliver(report_back_id=back.pk)

    assert count == 2
    assert sorted(
        ReportBackDelivery.objects.values_list("contact__organisation__name", flat=True)
    ) == [
        "Beacon Help",
        "Cedar Care",
    ]
    assert gone.email not in recipients(OutboxKind.REPORT_BACK)


def test_a_waiting_message_is_cancelled_instead_of_sent_once_the_consent_is_withdrawn():
    meeting = MeetingFactory()
    person = ContactFactory(email="person@ngo.be")
    ConsentFactory(contact=person, purpose="working_group")
    invitation = InvitationFactory(meeting=meeting, contact=person, status=InvitationStatus.SENT)
    row = invitations.invitation_message_enqueue(
        invitation=invitation, kind=OutboxKind.NUDGE, sequence=1
    )
    # Recorded outside the service (a data correction): only the hand-over can stop it now.
    Consent.objects.filter(contact=person).update(withdrawn_at=timezone.now())

    sent = emails.outbox_deliver(message_id=row.pk)

    row.refresh_from_db()
    assert (sent, row.status, len(mail.outbox)) == (False, "cancelled", 0)


def test_cancellation_still_reaches_the_calendar_of_someone_who_withdrew():
    session = RoundSessionFactory()
    person = ContactFactory(email="person@ngo.be")
    ConsentFactory(contact=person, purpose="consultation_rounds")
    InvitationFactory(meeting=session, contact=person, status=InvitationStatus.DRAFTED)
    invitations.invitations_send(meeting=session)

    consent_withdraw(contact=person, purpose="consultation_rounds")

    assert list(
        OutboundMessage.objects.filter(to_email="person@ngo.be")
        .order_by("kind")
        .values_list("kind", "status")
    ) == [("cancel", "pending"), ("invitation", "cancelled")]


def test_someone_who_never_recorded_a_consent_for_the_purpose_is_still_written_to():
    session = RoundSessionFactory()
    InvitationFactory(
        meeting=session,
        contact=ContactFactory(email="member@ngo.be"),
        status=InvitationStatus.DRAFTED,
    )
    ConsentFactory(contact__email="other@ngo.be", purpose="working_group")

    invitations.invitations_send(meeting=session)

    assert recipients(OutboxKind.INVITATION) == ["member@ngo.be"]
