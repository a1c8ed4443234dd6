"""Undoing the removal of an invitee: the invitation comes back as it was, the seat if one is
still free (else the waitlist), a new calendar REQUEST; only for a short while and only for
whoever manages the meeting."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.enums import InvitationStatus, OutboxKind
from meetings.models import Invitation, OutboundMessage
from meetings.services import invitations as services
from tests.factories import (
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    RoundSessionFactory,
    UserFactory,
)
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db


def _state(invitation: Invitation) -> tuple:
    invitation.refresh_from_db()
    return (
        invitation.status,
        invitation.waitlist_position,
        invitation.holds_seat,
        invitation.removed_at,
        invitation.status_before_removal,
    )


def _kinds():
    return sorted(
        OutboundMessage.objects.values_list("invitation__contact__name", "kind", "sequence")
    )


def test_restore_gives_back_the_answer_and_the_seat_and_sends_a_new_request(
    django_capture_on_commit_callbacks, mailoutbox
):
    meeting = MeetingFactory(capacity=2)
    answered_at = timezone.now() - dt.timedelta(days=1)
    invitation = InvitationFactory(
        meeting=meeting,
        status=InvitationStatus.ACCEPTED,
        answered_at=answered_at,
        comment="I will bring the figures.",
        contact__name="Ana Member",
    )
    services.invitation_remove(invitation=invitation)
    token_after_removal = Invitation.objects.get().token_nonce

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_restore(invitation=invitation)

    assert _state(invitation) == (InvitationStatus.ACCEPTED, None, False, None, "")
    assert invitation.answered_at == answered_at
    assert invitation.comment == "I will bring the figures."
    assert invitation.token_nonce == token_after_removal  # links sent before the removal stay dead
    meeting.refresh_from_db()
    assert meeting.sequence == 2
    assert _kinds() == [
        ("Ana Member", OutboxKind.CANCEL, 1),
        ("Ana Member", OutboxKind.INVITATION, 2),
    ]
    request = next(m for m in mailoutbox if "METHOD:REQUEST" in m.calendar.ical.splitlines())
    assert "SEQUENCE:2" in request.calendar.ical.splitlines()


def test_restore_of_a_seat_taken_meanwhile_puts_the_invitee_on_the_waitlist():
    meeting = MeetingFactory(capacity=1)
    seated = InvitationFactory(meeting=meeting, status=InvitationStatus.ACCEPTED)
    waiting = InvitationFactory(
        meeting=meeting, status=InvitationStatus.WAITLISTED, waitlist_position=1
    )
    services.invitation_remove(invitation=seated)  # the first of the waitlist gets the seat

    services.invitation_restore(invitation=seated)

    assert _state(seated) == (InvitationStatus.WAITLISTED, 1, False, None, "")
    waiting.refresh_from_db()
    assert (waiting.status, waiting.holds_seat) == (InvitationStatus.SENT, True)
    assert OutboundMessage.objects.filter(invitation=seated).order_by("id").last().kind == (
        OutboxKind.WAITLISTED
    )


def test_restore_of_a_seat_given_from_the_waitlist_keeps_it_while_it_is_free():
    meeting = MeetingFactory(capacity=1)
    given = InvitationFactory(meeting=meeting, status=InvitationStatus.SENT, holds_seat=True)
    services.invitation_remove(invitation=given)

    services.invitation_restore(invitation=given)

    assert _state(given) == (InvitationStatus.SENT, None, True, None, "")


def test_restore_of_a_waitlisted_invitee_gives_back_the_place_if_nobody_took_it():
    meeting = MeetingFactory(capacity=1)
    InvitationFactory(meeting=meeting, status=InvitationStatus.ACCEPTED)
    first = InvitationFactory(
        meeting=meeting, status=InvitationStatus.WAITLISTED, waitlist_position=1
    )
    InvitationFactory(meeting=meeting, status=InvitationStatus.WAITLISTED, waitlist_position=2)
    services.invitation_remove(invitation=first)

    services.invitation_restore(invitation=first)

    assert _state(first) == (InvitationStatus.WAITLISTED, 1, False, None, "")


def test_restore_of_a_declined_invitee_sends_nothing():
    invitation = InvitationFactory(meeting=MeetingFactory(), status=InvitationStatus.DECLINED)
    services.invitation_remove(invitation=invitation)

    services.invitation_restore(invitation=invitation)

    assert _state(invitation) == (InvitationStatus.DECLINED, None, False, None, "")
    assert _kinds() == []


def test_restore_is_refused_after_the_undo_window(settings):
    settings.INVITEE_REMOVAL_UNDO_HOURS = 24
    invitation = InvitationFactory(meeting=MeetingFactory(), status=InvitationStatus.ACCEPTED)
    services.invitation_remove(invitation=invitation)
    Invitation.objects.filter(pk=invitation.pk).update(
        removed_at=timezone.now() - dt.timedelta(hours=25)
    )

    with pytest.raises(ValidationError) as excinfo:
        services.invitation_restore(invitation=invitation)

    assert excinfo.value.messages == [
        "This removal can no longer be undone: invite them again instead."
    ]
    assert Invitation.objects.get().status == InvitationStatus.CANCELLED


def test_restore_is_refused_once_the_meeting_has_started():
    start = timezone.now() - dt.timedelta(minutes=30)
    invitation = InvitationFactory(
        meeting=MeetingFactory(starts_at=start, ends_at=start + dt.timedelta(hours=2)),
        status=InvitationStatus.SENT,
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        status=InvitationStatus.CANCELLED,
        removed_at=start - dt.timedelta(hours=1),
        status_before_removal=InvitationStatus.SENT,
    )

    with pytest.raises(ValidationError, match="no longer be undone"):
        services.invitation_restore(invitation=invitation)


def test_restore_of_an_invitation_that_was_not_removed_is_refused():
    invitation = InvitationFactory(meeting=MeetingFactory())

    with pytest.raises(ValidationError) as excinfo:
        services.invitation_restore(invitation=invitation)

    assert excinfo.value.messages == ["This invitee was not removed."]


def test_invitee_added_again_by_hand_can_no_longer_be_restored():
    meeting = MeetingFactory()
    InvitationFactory(meeting=meeting, status=InvitationStatus.SENT)
    invitation = InvitationFactory(meeting=meeting, status=InvitationStatus.ACCEPTED)
    services.invitation_remove(invitation=invitation)

    services.invitation_add(meeting=meeting, contact=invitation.contact)

    assert _state(invitation) == (InvitationStatus.SENT, None, False, None, "")
    with pytest.raises(ValidationError, match="not removed"):
        services.invitation_restore(invitation=invitation)


def _facilitated_session():
    session = RoundSessionFactory(capacity=3)
    facilitator = UserFactory()
    session.consultation_round.facilitators.add(facilitator)
    return session, facilitator


def test_meeting_page_offers_undo_after_a_removal_and_the_form_restores(client_for):
    session, facilitator = _facilitated_session()
    invitation = InvitationFactory(
        meeting=session,
        status=InvitationStatus.ACCEPTED,
        contact=ContactFactory(name="Ana Member", organisation__name="Stad Gent"),
    )
    client = client_for(facilitator)
    client.post(reverse("invitation-remove", args=[invitation.pk]))

    page = client.get(reverse("meeting-detail", args=[session.pk]))
    undone = client.post(
        reverse("invitation-restore", args=[invitation.pk]), {"next": "meeting"}, follow=True
    )

    assert [r.pk for r in page.context["removals_undoable"]] == [invitation.pk]
    html = page.content.decode()
    assert reverse("invitation-restore", args=[invitation.pk]) in html
    assert "Ana Member (Stad Gent), removed on " in html
    assert undone.redirect_chain == [(reverse("meeting-detail", args=[session.pk]), 302)]
    assert messages_of(undone) == ["Ana Member is invited again, as before the removal."]
    assert undone.context["removals_undoable"] == []
    assert Invitation.objects.get().status == InvitationStatus.ACCEPTED


def test_invitations_page_offers_undo_after_a_removal(client_for):
    session, facilitator = _facilitated_session()
    invitation = InvitationFactory(meeting=session, status=InvitationStatus.SENT)
    client = client_for(facilitator)

    removed = client.post(reverse("invitation-remove", args=[invitation.pk]), follow=True)

    assert [r.pk for r in removed.context["removals_undoable"]] == [invitation.pk]


def test_undo_by_someone_who_does_not_manage_the_meeting_is_not_found(client_for):
    session, _facilitator = _facilitated_session()
    invitation = InvitationFactory(meeting=session, status=InvitationStatus.ACCEPTED)
    services.invitation_remove(invitation=invitation)

    response = client_for(UserFactory()).post(reverse("invitation-restore", args=[invitation.pk]))

    assert response.status_code == 404
    assert Invitation.objects.get().status == InvitationStatus.CANCELLED


def test_undo_answers_the_reason_when_too_late(client_for, settings):
    session, facilitator = _facilitated_session()
    invitation = InvitationFactory(meeting=session, status=InvitationStatus.ACCEPTED)
    services.invitation_remove(invitation=invitation)
    Invitation.objects.filter(pk=invitation.pk).update(
        removed_at=timezone.now() - dt.timedelta(hours=settings.INVITEE_REMOVAL_UNDO_HOURS + 1)
    )

    response = client_for(facilitator).post(
        reverse("invitation-restore", args=[invitation.pk]), follow=True
    )

    assert messages_of(response) == [
        "This removal can no longer be undone: invite them again instead."
    ]
    assert response.context["removals_undoable"] == []


def _queries_of_the_meeting_page_with(removed: int, client_for) -> int:
    session, facilitator = _facilitated_session()
    for invitation in InvitationFactory.create_batch(removed, meeting=session):
        services.invitation_remove(invitation=invitation)
    client = client_for(facilitator)
    url = reverse("meeting-detail", args=[session.pk])
    client.get(url)  # warm caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert len(response.context["removals_undoable"]) == removed
    return len(queries)


def test_meeting_page_with_removed_invitees_runs_the_same_queries_for_1_and_5(client_for):
    assert _queries_of_the_meeting_page_with(1, client_for) == _queries_of_the_meeting_page_with(
        5, client_for
    )
