"""Invitations: sending, RSVP tokens and answers, waitlist, delegation, reminders, erasure."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from meetings import enums, recurrence
from meetings.enums import InvitationStatus, OutboxKind
from meetings.models import Invitation, OutboundMessage
from meetings.services import invitations as services
from meetings.services import scheduling
from tests.factories import (
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    RoundSessionFactory,
    TeamUserFactory,
    UserFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db


def _kinds():
    return sorted(
        OutboundMessage.objects.values_list("invitation__contact__name", "kind", "sequence")
    )


def test_send_moves_drafted_to_sent_and_writes_one_message_each(
    django_capture_on_commit_callbacks, mailoutbox
):
    session = RoundSessionFactory()
    drafted = InvitationFactory.create_batch(
        2, meeting=session, status=InvitationStatus.DRAFTED, contact__preferred_language="fr"
    )
    waitlisted = InvitationFactory(
        meeting=session, status=InvitationStatus.WAITLISTED, waitlist_position=1
    )

    with django_capture_on_commit_callbacks(execute=True):
        count = services.invitations_send(meeting=session)

    assert count == 2
    assert sorted(Invitation.objects.values_list("pk", "status")) == sorted(
        [(d.pk, "sent") for d in drafted] + [(waitlisted.pk, "waitlisted")]
    )
    assert sorted(m.to[0] for m in mailoutbox) == sorted(d.contact.email for d in drafted)
    assert mailoutbox[0].subject == f"Invitation : {session.title}" or mailoutbox[
        0
    ].subject.endswith(session.title)
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_send_twice_refuses_the_second_time_and_writes_nothing_more():
    session = RoundSessionFactory()
    InvitationFactory(meeting=session, status=InvitationStatus.DRAFTED)
    services.invitations_send(meeting=session)

    with pytest.raises(ValidationError) as excinfo:
        services.invitations_send(meeting=session)

    assert excinfo.value.messages == ["There are no drafted invitations to send."]
    assert OutboundMessage.objects.count() == 1


def test_working_group_meeting_invites_the_current_members_only():
    group = WorkingGroupFactory()
    current = MembershipFactory(group=group, contact__name="Current")
    MembershipFactory(
        group=group, contact__name="Former", since=dt.date(2025, 1, 1), until=dt.date(2025, 12, 1)
    )
    meeting = MeetingFactory(working_group=group)

    services.invitations_send(meeting=meeting)

    assert list(meeting.invitations.values_list("contact__name", "status")) == [("Current", "sent")]
    assert _kinds() == [(current.contact.name, OutboxKind.INVITATION, 0)]


def test_cancelled_meeting_cannot_send_invitations():
    session = RoundSessionFactory(status=enums.MeetingStatus.CANCELLED)
    InvitationFactory(meeting=session, status=InvitationStatus.DRAFTED)

    with pytest.raises(ValidationError, match="cancelled"):
        services.invitations_send(meeting=session)
    assert OutboundMessage.objects.count() == 0


# --- Tokens ---------------------------------------------------------------------------------


def test_token_round_trip_finds_the_invitation():
    invitation = InvitationFactory()

    assert services.invitation_from_token(services.invitation_token(invitation)) == invitation


def test_tampered_token_is_refused():
    token = services.invitation_token(InvitationFactory())

    with pytest.raises(services.RsvpTokenError) as excinfo:
        services.invitation_from_token(token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))

    assert excinfo.value.messages == ["This answer link is not valid."]


def test_token_life_follows_the_meeting_not_the_age_of_the_link():
    invitation = InvitationFactory(meeting__starts_at=timezone.now() + dt.timedelta(days=500))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("time.time", lambda: timezone.now().timestamp() - 450 * 24 * 3600)
        token = services.invitation_token(invitation)

    assert services.invitation_from_token(token) == invitation


def test_revoked_token_is_refused():
    invitation = InvitationFactory()
    token = services.invitation_token(invitation)

    services.invitation_token_revoke(invitation=invitation)

    with pytest.raises(services.RsvpTokenError) as excinfo:
        services.invitation_from_token(token)
    assert excinfo.value.messages == ["This answer link was withdrawn."]


# --- Answers --------------------------------------------------------------------------------


def test_answering_twice_keeps_the_last_answer_and_its_time():
    invitation = InvitationFactory()
    services.invitation_answer(invitation=invitation, answer="accepted", comment="Yes")
    first = Invitation.objects.get(pk=invitation.pk).answered_at

    services.invitation_answer(invitation=invitation, answer="tentative", comment="Maybe")

    invitation.refresh_from_db()
    assert (invitation.status, invitation.comment) == ("tentative", "Maybe")
    assert invitation.answered_at >= first


def test_accepting_a_full_session_puts_the_invitee_on_the_waitlist():
    session = RoundSessionFactory(capacity=1)
    InvitationFactory(meeting=session, status=InvitationStatus.ACCEPTED)
    late = InvitationFactory(meeting=session)

    result = services.invitation_answer(invitation=late, answer="accepted")

    late.refresh_from_db()
    assert result.waitlisted is True
    assert (late.status, late.waitlist_position) == ("waitlisted", 1)


def test_decline_frees_the_seat_and_promotes_the_first_waitlisted(
    django_capture_on_commit_callbacks, mailoutbox
):
    session = RoundSessionFactory(capacity=1)
    seated = InvitationFactory(meeting=session, status=InvitationStatus.ACCEPTED)
    second = InvitationFactory(
        meeting=session, status=InvitationStatus.WAITLISTED, waitlist_position=2
    )
    first = InvitationFactory(
        meeting=session, status=InvitationStatus.WAITLISTED, waitlist_position=1
    )

    with django_capture_on_commit_callbacks(execute=True):
        result = services.invitation_answer(invitation=seated, answer="declined")

    assert result.promoted == first
    assert dict(Invitation.objects.values_list("pk", "status")) == {
        seated.pk: "declined",
        first.pk: "sent",
        second.pk: "waitlisted",
    }
    assert [(m.to, m.subject) for m in mailoutbox] == [
        ([first.contact.email], f"A seat is free for you: {session.title}")
    ]


def test_rsvp_on_a_cancelled_meeting_is_refused_and_changes_nothing():
    invitation = InvitationFactory(meeting__status=enums.MeetingStatus.CANCELLED)

    with pytest.raises(ValidationError) as excinfo:
        services.invitation_answer(invitation=invitation, answer="accepted")

    assert excinfo.value.messages == ["This meeting was cancelled."]
    invitation.refresh_from_db()
    assert invitation.status == "sent"


def test_rsvp_after_the_meeting_is_refused():
    start = timezone.now() - dt.timedelta(days=2)
    invitation = InvitationFactory(meeting__starts_at=start)

    with pytest.raises(ValidationError, match="over"):
        services.invitation_answer(invitation=invitation, answer="accepted")


def test_duplicate_invitation_is_refused():
    invitation = InvitationFactory()

    with pytest.raises(ValidationError) as excinfo:
        services.invitation_add(meeting=invitation.meeting, contact=invitation.contact)

    assert excinfo.value.messages == [
        f"{invitation.contact.name} is already invited to this meeting."
    ]
    assert Invitation.objects.count() == 1


def test_added_invitee_after_sending_gets_an_invitation_at_once():
    invitation = InvitationFactory()
    newcomer = ContactFactory()

    added = services.invitation_add(meeting=invitation.meeting, contact=newcomer)

    assert added.status == "sent"
    assert _kinds() == [(newcomer.name, OutboxKind.INVITATION, 0)]


def test_removed_invitee_gets_a_cancel_with_a_higher_sequence_and_frees_the_seat(
    django_capture_on_commit_callbacks, mailoutbox
):
    session = RoundSessionFactory(capacity=1)
    seated = InvitationFactory(meeting=session, status=InvitationStatus.ACCEPTED)
    waiting = InvitationFactory(
        meeting=session, status=InvitationStatus.WAITLISTED, waitlist_position=1
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_remove(invitation=seated)

    session.refresh_from_db()
    assert session.sequence == 1
    assert _kinds() == sorted(
        [
            (seated.contact.name, OutboxKind.CANCEL, 1),
            (waiting.contact.name, OutboxKind.WAITLIST, 1),
        ]
    )
    cancel = next(m for m in mailoutbox if m.to == [seated.contact.email])
    assert "METHOD:CANCEL" in cancel.calendar.ical.splitlines()
    assert "SEQUENCE:1" in cancel.calendar.ical.splitlines()


def test_partstat_of_an_answer_is_in_later_updates(mailoutbox, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(meeting=MeetingFactory())
    services.invitation_answer(invitation=invitation, answer="tentative")

    with django_capture_on_commit_callbacks(execute=True):
        scheduling.meeting_update(
            meeting=invitation.meeting, by=None, location="Boulevard du Roi Albert II 37, Bruxelles"
        )

    attendee = [line for line in mailoutbox[0].calendar.ical.splitlines() if "PARTSTAT" in line]
    assert len(attendee) == 1
    assert "PARTSTAT=TENTATIVE" in attendee[0]


# --- Delegation -----------------------------------------------------------------------------


def test_delegate_to_a_colleague_of_the_same_organisation():
    invitation = InvitationFactory()
    colleague = ContactFactory(organisation=invitation.contact.organisation)

    delegate = services.invitation_delegate(invitation=invitation, colleague=colleague)

    invitation.refresh_from_db()
    assert invitation.status == "delegated"
    assert (delegate.contact, delegate.status, delegate.delegated_from) == (
        colleague,
        "sent",
        invitation,
    )
    assert _kinds() == [(colleague.name, OutboxKind.INVITATION, 0)]


def test_delegate_of_an_accepted_invitee_keeps_the_organisations_seat():
    session = RoundSessionFactory(capacity=1)
    accepted = InvitationFactory(meeting=session, status=InvitationStatus.ACCEPTED)
    other = InvitationFactory(meeting=session, status=InvitationStatus.SENT)
    colleague = ContactFactory(organisation=accepted.contact.organisation)

    delegate = services.invitation_delegate(invitation=accepted, colleague=colleague)
    other_answer = services.invitation_answer(invitation=other, answer=InvitationStatus.ACCEPTED)
    delegate_answer = services.invitation_answer(
        invitation=delegate, answer=InvitationStatus.ACCEPTED
    )

    assert delegate.holds_seat is True
    assert other_answer.invitation.status == "waitlisted"
    assert delegate_answer.invitation.status == "accepted"
    assert services.seats_taken(meeting=session) == 1


def test_a_delegate_who_declines_frees_the_seat_for_the_waitlist():
    session = RoundSessionFactory(capacity=1)
    accepted = InvitationFactory(meeting=session, status=InvitationStatus.ACCEPTED)
    waiting = InvitationFactory(
        meeting=session, status=InvitationStatus.WAITLISTED, waitlist_position=1
    )
    colleague = ContactFactory(organisation=accepted.contact.organisation)
    delegate = services.invitation_delegate(invitation=accepted, colleague=colleague)

    result = services.invitation_answer(invitation=delegate, answer=InvitationStatus.DECLINED)

    waiting.refresh_from_db()
    assert result.promoted == waiting
    assert waiting.status == "sent"


def test_delegate_by_name_and_email_creates_the_colleague_in_the_organisation():
    invitation = InvitationFactory()

    delegate = services.invitation_delegate(
        invitation=invitation, name="New Colleague", email="New@Example.org"
    )

    assert (delegate.contact.name, delegate.contact.email, delegate.contact.organisation) == (
        "New Colleague",
        "new@example.org",
        invitation.contact.organisation,
    )


def test_delegate_from_another_organisation_is_refused():
    invitation = InvitationFactory()

    with pytest.raises(ValidationError) as excinfo:
        services.invitation_delegate(invitation=invitation, colleague=ContactFactory())

    assert excinfo.value.messages == [
        f"The colleague must work for {invitation.contact.organisation.name}."
    ]
    invitation.refresh_from_db()
    assert invitation.status == "sent"
    assert Invitation.objects.count() == 1


# --- Reminders and erasure ------------------------------------------------------------------


def test_one_reminder_to_those_who_did_not_answer():
    session = RoundSessionFactory()
    silent = InvitationFactory(meeting=session, contact__name="Silent")
    InvitationFactory(meeting=session, status=InvitationStatus.ACCEPTED)

    assert services.invitations_nudge(meeting=session) == 1
    with pytest.raises(ValidationError, match="already reminded"):
        services.invitations_nudge(meeting=session)

    assert _kinds() == [("Silent", OutboxKind.NUDGE, 0)]
    silent.refresh_from_db()
    assert silent.reminded_at is not None


def test_scheduled_reminders_skip_declined_and_cancelled_and_run_once():
    now = timezone.now()
    starts = now + dt.timedelta(days=1, minutes=-30)
    meeting = RoundSessionFactory(starts_at=starts, ends_at=starts + dt.timedelta(hours=2))
    accepted = InvitationFactory(
        meeting=meeting, status=InvitationStatus.ACCEPTED, sent_at=now - dt.timedelta(days=9)
    )
    InvitationFactory(
        meeting=meeting, status=InvitationStatus.DECLINED, sent_at=now - dt.timedelta(days=9)
    )
    cancelled = RoundSessionFactory(
        starts_at=starts, ends_at=starts + dt.timedelta(hours=1), status="cancelled"
    )
    InvitationFactory(
        meeting=cancelled, status=InvitationStatus.ACCEPTED, sent_at=now - dt.timedelta(days=9)
    )

    assert services.reminders_enqueue(now=now) == 1
    assert services.reminders_enqueue(now=now + dt.timedelta(minutes=15)) == 0
    moment = starts - dt.timedelta(days=1)
    assert _kinds() == [(accepted.contact.name, OutboxKind.REMINDER, int(moment.timestamp() // 60))]


def test_moved_meeting_gets_a_reminder_for_its_new_time():
    now = timezone.now()
    starts = now + dt.timedelta(days=1, minutes=-30)
    meeting = RoundSessionFactory(starts_at=starts, ends_at=starts + dt.timedelta(hours=2))
    InvitationFactory(meeting=meeting, sent_at=now - dt.timedelta(days=9))
    services.reminders_enqueue(now=now)
    later = starts + dt.timedelta(hours=3)
    scheduling.meeting_update(
        meeting=meeting, by=None, starts_at=later, ends_at=later + dt.timedelta(hours=2)
    )

    assert services.reminders_enqueue(now=now + dt.timedelta(hours=3)) == 1
    assert sorted(OutboundMessage.objects.values_list("kind", flat=True)) == [
        "reminder",
        "reminder",
        "update",
    ]


def test_each_occurrence_of_a_series_gets_its_reminder():
    now = timezone.now()
    first = now + dt.timedelta(days=1, minutes=-30) - dt.timedelta(days=7)
    meeting = MeetingFactory(
        starts_at=first,
        ends_at=first + dt.timedelta(hours=1),
        recurrence_rule="FREQ=WEEKLY;COUNT=3",
        reminder_offsets=[1440],
    )
    InvitationFactory(meeting=meeting, sent_at=now - dt.timedelta(days=30))

    assert services.reminders_enqueue(now=now) == 1
    row = OutboundMessage.objects.get()
    occurrence = recurrence.occurrences(meeting, start=now, end=now + dt.timedelta(days=2))[0]
    assert row.sequence == int((occurrence - dt.timedelta(days=1)).timestamp() // 60)
    local = occurrence.astimezone(ZoneInfo("Europe/Brussels"))
    assert f"When: {local:%A} {local.day} {local:%B %Y}, {local:%H:%M}–" in row.body_text


def test_participation_needs_are_erased_after_the_meeting():
    past = timezone.now() - dt.timedelta(days=1)
    over = InvitationFactory(
        meeting__starts_at=past,
        participation_language="nl",
        needs_interpretation=True,
        accessibility_needs="Wheelchair access",
    )
    upcoming = InvitationFactory(accessibility_needs="Hearing loop")

    assert services.participation_needs_erase() == 1

    over.refresh_from_db()
    upcoming.refresh_from_db()
    assert (over.participation_language, over.needs_interpretation, over.accessibility_needs) == (
        "",
        False,
        "",
    )
    assert upcoming.accessibility_needs == "Hearing loop"


# --- Pages ----------------------------------------------------------------------------------


def test_rsvp_page_needs_no_login_and_saves_the_answer(client):
    invitation = InvitationFactory()
    url = reverse("rsvp", args=[services.invitation_token(invitation)])

    shown = client.get(url + "?answer=accepted")
    response = client.post(
        url,
        {
            "answer": "accepted",
            "comment": "See you",
            "participation_language": "nl",
            "needs_interpretation": "on",
            "accessibility_needs": "Step-free access",
            "needs_consent": "on",
        },
    )

    invitation.refresh_from_db()
    assert shown.status_code == 200
    assert shown.context["form"].initial["answer"] == "accepted"
    assert response.status_code == 302
    assert (
        invitation.status,
        invitation.comment,
        invitation.participation_language,
        invitation.needs_interpretation,
        invitation.accessibility_needs,
    ) == ("accepted", "See you", "nl", True, "Step-free access")


def test_rsvp_page_with_a_tampered_token_says_so(client):
    response = client.get(reverse("rsvp", args=["not-a-token"]))

    assert response.status_code == 404
    assert response.context["error"] == "This answer link is not valid."


def test_rsvp_page_on_a_cancelled_meeting_refuses_the_answer(client):
    invitation = InvitationFactory(meeting__status=enums.MeetingStatus.CANCELLED)

    response = client.post(
        reverse("rsvp", args=[services.invitation_token(invitation)]), {"answer": "accepted"}
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["This meeting was cancelled."]
    invitation.refresh_from_db()
    assert invitation.status == "sent"


def test_rsvp_page_delegates_to_a_colleague(client):
    invitation = InvitationFactory()
    colleague = ContactFactory(organisation=invitation.contact.organisation)

    url = reverse("rsvp", args=[services.invitation_token(invitation)])

    response = client.post(url, {"delegate": "1", "colleague": colleague.pk}, follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        f"{colleague.name} received an invitation in your place."
    ]
    content = response.content.decode()
    assert f"You passed this invitation on to {colleague.name}." in content
    assert 'name="answer"' not in content
    assert Invitation.objects.get(contact=colleague).delegated_from == invitation


def _overview_session(n: int):
    session = RoundSessionFactory()
    for i in range(n):
        InvitationFactory(meeting=session, status=["sent", "accepted", "declined"][i % 3])
    return session


@pytest.mark.parametrize("rows", [1, 5])
def test_invitation_overview_page_query_count_is_constant(
    rows, client_for, django_assert_num_queries
):
    team = TeamUserFactory()
    session = _overview_session(rows)
    client = client_for(team)
    client.get(reverse("meeting-invitations", args=[session.pk]))  # warm caches

    with django_assert_num_queries(12):
        response = client.get(reverse("meeting-invitations", args=[session.pk]))

    assert response.status_code == 200


def test_invitation_overview_counts(client_for):
    session = RoundSessionFactory()
    for status in ["sent", "sent", "accepted", "tentative", "declined", "drafted"]:
        InvitationFactory(meeting=session, status=status)
    InvitationFactory(meeting=session, status="waitlisted", waitlist_position=1)

    response = client_for(TeamUserFactory()).get(reverse("meeting-invitations", args=[session.pk]))

    overview = response.context["overview"]
    assert {
        k: overview[k]
        for k in (
            "invited",
            "accepted",
            "tentative",
            "declined",
            "no_answer",
            "waitlisted",
            "drafted",
        )
    } == {
        "invited": 6,
        "accepted": 1,
        "tentative": 1,
        "declined": 1,
        "no_answer": 2,
        "waitlisted": 1,
        "drafted": 1,
    }


def test_invitation_overview_is_forbidden_to_invitees_and_hidden_from_others(
    client_for, participant
):
    session = RoundSessionFactory()
    invitee = UserFactory()
    InvitationFactory(meeting=session, contact=ContactFactory(user=invitee), status="accepted")
    url = reverse("meeting-invitations", args=[session.pk])

    assert client_for(invitee).get(url).status_code == 403
    assert client_for(participant).get(url).status_code == 404


def test_add_invitee_page_refuses_a_duplicate(client_for):
    invitation = InvitationFactory()

    response = client_for(TeamUserFactory()).post(
        reverse("meeting-invitation-add", args=[invitation.meeting_id]),
        {"contact": invitation.contact_id},
    )

    assert response.status_code == 400
    assert Invitation.objects.count() == 1


def test_facilitator_of_the_round_may_send_from_the_page(client_for):
    facilitator = UserFactory(facilitator=True)
    session = RoundSessionFactory()
    session.consultation_round.facilitators.add(facilitator)
    InvitationFactory(meeting=session, status=InvitationStatus.DRAFTED)

    response = client_for(facilitator).post(
        reverse("meeting-invitations-send", args=[session.pk]), {"without_agenda": "1"}
    )

    assert response.status_code == 302
    assert session.invitations.get().status == "sent"


def test_waitlisted_invitee_who_had_the_invitation_gets_updates():
    session = RoundSessionFactory(capacity=1)
    InvitationFactory(meeting=session, status=InvitationStatus.ACCEPTED)
    waiting = InvitationFactory(
        meeting=session,
        status=InvitationStatus.WAITLISTED,
        waitlist_position=1,
        sent_at=timezone.now(),
    )
    InvitationFactory(meeting=session, status=InvitationStatus.WAITLISTED, waitlist_position=2)

    scheduling.meeting_update(
        meeting=session, by=None, location="Boulevard du Roi Albert II 37, Bruxelles"
    )

    assert sorted(OutboundMessage.objects.values_list("invitation_id", flat=True)) == sorted(
        [session.invitations.get(status="accepted").pk, waiting.pk]
    )


def test_meeting_page_links_an_invitee_to_their_answer_page(client_for, participant):
    invitation = InvitationFactory(contact=participant.contact)

    response = client_for(participant).get(reverse("meeting-detail", args=[invitation.meeting_id]))

    url = response.context["my_rsvp_url"]
    assert services.invitation_from_token(url.split("/")[-2]) == invitation


def _pdf_attachments(message) -> list[tuple[str, bytes]]:
    return [
        (a[0], a[1])
        for a in message.attachments
        if isinstance(a, tuple) and a[2] == "application/pdf"
    ]


def test_invitation_emails_carry_the_published_agenda_as_pdf(
    django_capture_on_commit_callbacks, mailoutbox
):
    from meetings.services.agendas import agenda_item_create, agenda_publish

    session = RoundSessionFactory(title="Session NL")
    InvitationFactory(meeting=session, status=InvitationStatus.DRAFTED)
    agenda_item_create(meeting=session, title="Welcome and purpose", planned_minutes=20)
    agenda_publish(meeting=session)

    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(meeting=session)

    [(filename, content)] = _pdf_attachments(mailoutbox[0])
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert filename.endswith(".pdf")
    assert "Welcome and purpose" in text


def test_invitation_emails_carry_no_agenda_before_it_is_published(
    django_capture_on_commit_callbacks, mailoutbox
):
    from meetings.services.agendas import agenda_item_create

    session = RoundSessionFactory()
    InvitationFactory(meeting=session, status=InvitationStatus.DRAFTED)
    agenda_item_create(meeting=session, title="Draft item", planned_minutes=20)

    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(meeting=session)

    assert _pdf_attachments(mailoutbox[0]) == []


def test_the_seat_freed_by_a_decline_is_kept_for_the_promoted_invitee():
    session = RoundSessionFactory(capacity=1)
    seated = InvitationFactory(meeting=session, status=InvitationStatus.ACCEPTED)
    waiting = InvitationFactory(
        meeting=session, status=InvitationStatus.WAITLISTED, waitlist_position=1
    )
    latecomer = InvitationFactory(meeting=session, status=InvitationStatus.SENT)

    services.invitation_answer(invitation=seated, answer=InvitationStatus.DECLINED)
    late = services.invitation_answer(invitation=latecomer, answer=InvitationStatus.ACCEPTED)
    promoted = services.invitation_answer(invitation=waiting, answer=InvitationStatus.ACCEPTED)

    assert late.invitation.status == "waitlisted"
    assert promoted.invitation.status == "accepted"
    assert services.seats_taken(meeting=session) == 1


@pytest.mark.parametrize(
    ("language", "when"),
    [
        ("de", "Donnerstag, 6. Mai 2027, 10:00–12:00"),
        ("fr", "jeudi 6 mai 2027, 10:00–12:00"),
        ("nl", "donderdag 6 mei 2027, 10:00–12:00"),
        ("en", "Thursday 6 May 2027, 10:00–12:00"),
    ],
)
def test_invitation_email_and_answer_page_write_the_date_in_the_invitees_language(
    client, language, when
):
    start = dt.datetime(2027, 5, 6, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    session = RoundSessionFactory(starts_at=start, ends_at=start + dt.timedelta(hours=2))
    invitation = InvitationFactory(
        meeting=session, status=InvitationStatus.DRAFTED, contact__preferred_language=language
    )

    services.invitations_send(meeting=session)
    page = client.get(services.rsvp_url(invitation), HTTP_ACCEPT_LANGUAGE=language)

    body = OutboundMessage.objects.get().body_text
    assert f"{when} (" in body
    assert "2027-05-06" not in body
    assert f"<dd>{when} (Europe/Brussels, CEST)</dd>" in page.content.decode()
