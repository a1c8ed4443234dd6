"""One-press answers: the e-mail's Accept / Tentative / Decline lead to a page where one press
records the answer; the page then shows it as recorded, in the invitee's language."""

import pytest
from django.test import Client
from django.urls import reverse

from meetings.enums import InvitationStatus
from meetings.services import invitations as services
from tests.factories import ContactFactory, InvitationFactory, RoundSessionFactory

pytestmark = pytest.mark.django_db


def rsvp_path(invitation) -> str:
    return reverse("rsvp", args=[services.invitation_token(invitation)])


def test_answer_link_proposes_the_answer_and_records_nothing():
    invitation = InvitationFactory(status=InvitationStatus.SENT)

    page = Client().get(rsvp_path(invitation) + "?answer=accepted")

    invitation.refresh_from_db()
    assert page.status_code == 200
    assert page.context["proposed"] == "accepted"
    body = page.content.decode()
    assert 'id="confirm-form"' in body
    assert "Yes, I will take part" in body
    assert "You have not answered yet." in body
    assert (invitation.status, invitation.answered_at) == (InvitationStatus.SENT, None)


@pytest.mark.parametrize(
    ("answer", "status"),
    [("accepted", "Accepted"), ("tentative", "Tentative"), ("declined", "Declined")],
)
def test_one_press_records_the_answer_and_shows_it(answer, status):
    invitation = InvitationFactory(status=InvitationStatus.SENT)
    client = Client()

    pressed = client.post(rsvp_path(invitation), {"answer": answer, "one_press": "1"})
    page = client.get(pressed["Location"])

    invitation.refresh_from_db()
    assert pressed.status_code == 302
    assert invitation.status == answer
    assert page.context["answered"] is True
    body = page.content.decode()
    assert f'<span class="badge status-{answer}" id="current-status">{status}</span>' in body
    assert "Change my answer" in body
    assert 'id="confirm-form"' not in body


def test_one_press_keeps_the_details_given_before():
    invitation = InvitationFactory(
        status=InvitationStatus.ACCEPTED,
        participation_language="nl",
        needs_interpretation=True,
        comment="Arriving at 10",
    )

    Client().post(rsvp_path(invitation), {"answer": "tentative", "one_press": "1"})

    invitation.refresh_from_db()
    assert (
        invitation.status,
        invitation.participation_language,
        invitation.needs_interpretation,
        invitation.comment,
    ) == ("tentative", "nl", True, "Arriving at 10")


def test_page_speaks_the_invitee_language():
    invitation = InvitationFactory(contact=ContactFactory(preferred_language="fr"))

    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(rsvp_path(invitation) + "?answer=declined")

    assert page["Content-Language"] == "fr"
    assert '<html lang="fr">' in page.content.decode()


def test_full_meeting_puts_a_one_press_acceptance_on_the_waitlist_and_says_so():
    meeting = RoundSessionFactory(capacity=1)
    InvitationFactory(meeting=meeting, status=InvitationStatus.ACCEPTED)
    invitation = InvitationFactory(meeting=meeting, status=InvitationStatus.SENT)
    client = Client()

    client.post(rsvp_path(invitation), {"answer": "accepted", "one_press": "1"})
    page = client.get(rsvp_path(invitation))

    invitation.refresh_from_db()
    assert (invitation.status, invitation.waitlist_position) == ("waitlisted", 1)
    body = page.content.decode()
    assert 'id="waitlist-notice"' in body
    assert "you are number 1 on the waitlist. You do not have a seat yet." in body


def test_answer_page_offers_the_ics_download():
    invitation = InvitationFactory(status=InvitationStatus.SENT)
    token = services.invitation_token(invitation)

    page = Client().get(reverse("rsvp", args=[token]))
    ics = Client().get(reverse("rsvp-ics", args=[token]))
    refused = Client().get(reverse("rsvp-ics", args=[token + "x"]))

    assert f'href="{reverse("rsvp-ics", args=[token])}"' in page.content.decode()
    assert ics.status_code == 200
    assert ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content
    assert refused.status_code == 404


def test_unknown_proposed_answer_is_ignored():
    invitation = InvitationFactory(status=InvitationStatus.SENT)

    page = Client().get(rsvp_path(invitation) + "?answer=<script>")
    pressed = Client().post(rsvp_path(invitation), {"answer": "maybe", "one_press": "1"})

    invitation.refresh_from_db()
    assert page.context["proposed"] == ""
    assert pressed.status_code == 400
    assert invitation.status == InvitationStatus.SENT
