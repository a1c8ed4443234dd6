"""Interpretation, accessibility and dietary needs (possibly health data): asked with an
explicit, separate consent and a short notice, never shown back to whoever holds the RSVP
link, erased with the free comment once the meeting is over."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from meetings.services import invitations as services
from tests.factories import InvitationFactory, RoundSessionFactory

pytestmark = pytest.mark.django_db

NEEDS = {"answer": "accepted", "accessibility_needs": "Wheelchair, no gluten"}


def rsvp(invitation) -> str:
    return reverse("rsvp", args=[services.invitation_token(invitation)])


def test_needs_without_the_explicit_consent_are_refused_and_nothing_is_saved(client):
    invitation = InvitationFactory()

    response = client.post(rsvp(invitation), NEEDS)

    invitation.refresh_from_db()
    assert response.status_code == 400
    assert response.context["form"].errors["needs_consent"] == [
        "Tick the box to let us use your needs, or leave them empty."
    ]
    assert (invitation.status, invitation.accessibility_needs) == ("sent", "")


def test_needs_with_the_consent_are_kept_with_its_time(client):
    invitation = InvitationFactory()

    client.post(rsvp(invitation), {**NEEDS, "needs_consent": "on"})

    invitation.refresh_from_db()
    assert invitation.accessibility_needs == "Wheelchair, no gluten"
    assert invitation.needs_consented_at is not None


def test_the_rsvp_page_asks_with_a_notice_and_never_shows_needs_or_comment(client):
    invitation = InvitationFactory(
        comment="Diabetic, bring snacks", accessibility_needs="Hearing loop"
    )

    page = client.get(rsvp(invitation)).content.decode()
    api = APIClient().get(f"/api/rsvp/{services.invitation_token(invitation)}/").json()

    assert ("Diabetic" in page, "Hearing loop" in page) == (False, False)
    assert "Only the meeting&#x27;s facilitators and the coordination team see them" in page
    assert "Erase the comment and needs I gave earlier" in page
    assert ("comment" in api, "accessibility_needs" in api, api["needs_recorded"]) == (
        False,
        False,
        True,
    )


def test_empty_fields_keep_earlier_needs_and_erase_removes_them(client):
    invitation = InvitationFactory(comment="Late", accessibility_needs="Hearing loop")

    client.post(rsvp(invitation), {"answer": "tentative"})
    invitation.refresh_from_db()
    kept = (invitation.status, invitation.comment, invitation.accessibility_needs)
    client.post(rsvp(invitation), {"answer": "accepted", "forget_earlier": "on"})
    invitation.refresh_from_db()

    assert kept == ("tentative", "Late", "Hearing loop")
    assert (invitation.comment, invitation.accessibility_needs) == ("", "")
    assert invitation.needs_consented_at is None


def test_the_comment_is_erased_with_the_needs_after_the_meeting():
    starts = timezone.now() - dt.timedelta(days=2)
    over = InvitationFactory(
        meeting=RoundSessionFactory(starts_at=starts, ends_at=starts + dt.timedelta(hours=3)),
        comment="I use a wheelchair",
    )
    coming = InvitationFactory(comment="See you")

    changed = services.participation_needs_erase()

    over.refresh_from_db()
    coming.refresh_from_db()
    assert (changed, over.comment, coming.comment) == (1, "", "See you")
