"""RSVP links stop working when the invitee no longer should use them (removed, passed on,
meeting cancelled, contact erased) and some days after the meeting ends."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coordination.services import contact_erase
from meetings.enums import InvitationStatus, MeetingFormat
from meetings.models import Invitation
from meetings.services import invitations as services
from meetings.services import scheduling
from tests.factories import (
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    TeamUserFactory,
)

pytestmark = pytest.mark.django_db

ONLINE_URL = "https://meet.example.be/secret-room-4711"


def hybrid_invitation(**meeting):
    return InvitationFactory(
        meeting__format=MeetingFormat.HYBRID, meeting__online_url=ONLINE_URL, **meeting
    )


def rsvp_page(token: str):
    return Client().get(reverse("rsvp", args=[token]))


def rsvp_api(token: str):
    return Client().get(reverse("api-rsvp", args=[token]))


def assert_link_refused(token: str, detail: str, code: str):
    page = rsvp_page(token)
    api = rsvp_api(token)
    assert (page.status_code, page.context["error"]) == (404, detail)
    assert ONLINE_URL not in page.content.decode()
    assert api.status_code == 404
    assert api.json() == {
        "type": "client_error",
        "errors": [{"code": "not_found", "detail": detail, "attr": None}],
    }
    with pytest.raises(services.RsvpTokenError) as excinfo:
        services.invitation_from_token(token)
    assert excinfo.value.code == code


def test_rsvp_link_shows_the_meeting_before_anything_happens():
    invitation = hybrid_invitation()
    token = services.invitation_token(invitation)

    page = rsvp_page(token)

    assert page.status_code == 200
    assert page.context["invitation"] == invitation
    assert rsvp_api(token).json()["id"] == invitation.pk


def test_removed_invitee_link_is_withdrawn():
    invitation = hybrid_invitation()
    token = services.invitation_token(invitation)

    services.invitation_remove(invitation=invitation, by=TeamUserFactory())

    assert_link_refused(token, "This answer link was withdrawn.", "revoked")


def test_re_invited_contact_gets_a_new_link_and_the_old_one_stays_withdrawn():
    invitation = hybrid_invitation()
    old_token = services.invitation_token(invitation)
    services.invitation_remove(invitation=invitation, by=TeamUserFactory())

    again = services.invitation_add(meeting=invitation.meeting, contact=invitation.contact)

    assert again.pk == invitation.pk

    assert rsvp_page(services.invitation_token(again)).status_code == 200
    assert_link_refused(old_token, "This answer link was withdrawn.", "revoked")


def test_delegated_invitation_link_is_withdrawn_and_the_colleague_link_works():
    invitation = hybrid_invitation()
    token = services.invitation_token(invitation)
    colleague = ContactFactory(organisation=invitation.contact.organisation)

    delegate = services.invitation_delegate(invitation=invitation, colleague=colleague)

    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.DELEGATED
    assert_link_refused(token, "This answer link was withdrawn.", "revoked")
    assert rsvp_page(services.invitation_token(delegate)).status_code == 200


def test_cancelled_meeting_links_are_all_withdrawn():
    first = hybrid_invitation()
    second = InvitationFactory(meeting=first.meeting, status=InvitationStatus.ACCEPTED)
    tokens = [services.invitation_token(first), services.invitation_token(second)]

    scheduling.meeting_cancel(meeting=first.meeting, by=TeamUserFactory())

    for token in tokens:
        assert_link_refused(token, "This answer link was withdrawn.", "revoked")


def test_erased_contact_link_is_withdrawn():
    invitation = hybrid_invitation()
    token = services.invitation_token(invitation)

    contact_erase(contact=invitation.contact)

    assert_link_refused(token, "This answer link was withdrawn.", "revoked")


def _ended(days_ago: float):
    ends_at = timezone.now() - dt.timedelta(days=days_ago)
    return hybrid_invitation(
        meeting__starts_at=ends_at - dt.timedelta(hours=2), meeting__ends_at=ends_at
    )


def test_link_works_until_the_configured_days_after_the_meeting():
    invitation = _ended(days_ago=13.9)

    assert services.invitation_from_token(services.invitation_token(invitation)) == invitation


def test_link_expires_the_configured_days_after_the_meeting():
    invitation = _ended(days_ago=14.1)

    assert_link_refused(
        services.invitation_token(invitation), "This answer link has expired.", "expired"
    )


def test_link_life_after_the_meeting_is_a_setting(settings):
    settings.RSVP_LINK_DAYS_AFTER_MEETING = 1
    invitation = _ended(days_ago=1.5)

    assert_link_refused(
        services.invitation_token(invitation), "This answer link has expired.", "expired"
    )


def test_link_of_a_series_lives_until_after_its_last_meeting():
    start = timezone.now() - dt.timedelta(days=30)
    series = MeetingFactory(
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        recurrence_rule="FREQ=WEEKLY;COUNT=6",
        format=MeetingFormat.HYBRID,
        online_url=ONLINE_URL,
    )
    ended = MeetingFactory(
        starts_at=start - dt.timedelta(days=60),
        ends_at=start - dt.timedelta(days=60) + dt.timedelta(hours=1),
        recurrence_rule="FREQ=WEEKLY;COUNT=3",
    )
    live = InvitationFactory(meeting=series)
    over = InvitationFactory(meeting=ended)

    assert services.invitation_from_token(services.invitation_token(live)) == live
    with pytest.raises(services.RsvpTokenError) as excinfo:
        services.invitation_from_token(services.invitation_token(over))
    assert excinfo.value.code == "expired"
