"""Browser journeys: a facilitator sends a session's invitations; an invitee
answers through the link in the e-mail, without signing in."""

import os
import re

import pytest

from meetings.enums import InvitationStatus
from meetings.models import Invitation, OutboundMessage
from tests.factories import AgendaItemFactory, InvitationFactory, RoundSessionFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS", "")


def test_facilitator_sends_invitations_and_invitee_answers_by_link(page, login):
    facilitator = UserFactory(username="fiona", first_name="Fiona", facilitator=True)
    session = RoundSessionFactory(title="Session FR: data sharing", capacity=2)
    session.consultation_round.facilitators.add(facilitator)
    AgendaItemFactory(meeting=session, position=1, title="Welcome")
    invitation = InvitationFactory(
        meeting=session, status=InvitationStatus.DRAFTED, contact__name="Anna Example"
    )

    login(facilitator)
    page.goto(f"/meetings/{session.pk}/invitations/")
    with page.expect_navigation():
        page.click("text=Send the drafted invitations")
    assert page.locator(".message.success").inner_text() == "1 invitation is being sent."
    assert page.locator("[data-count=no_answer]").inner_text() == "1"
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/overview.png", full_page=True)

    body = OutboundMessage.objects.get(invitation=invitation).body_text
    link = re.search(r"Accept: (\S+)", body).group(1)
    page.context.clear_cookies()
    page.goto(link.replace("http://127.0.0.1:8000", ""))
    assert page.locator("h1").inner_text() == "Session FR: data sharing"
    assert page.locator("#current-status").inner_text() == "You have not answered yet."
    with page.expect_navigation():
        page.click("#confirm-form button")
    assert page.locator(".message.success").inner_text() == "Thank you: your answer was saved."
    assert page.locator("#current-status").inner_text() == "Accepted"
    invitation.refresh_from_db()
    assert invitation.status == "accepted"

    page.click("#change-answer summary")
    assert page.locator("input[name=answer][value=accepted]").is_checked()
    page.fill("#id_comment", "Looking forward to it")
    page.select_option("#id_participation_language", "nl")
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/rsvp.png", full_page=True)
    with page.expect_navigation():
        page.click("#answer-form button[type=submit]")

    assert page.locator(".message.success").inner_text() == "Thank you: your answer was saved."
    assert page.locator("#current-status").inner_text() == "Accepted"
    invitation.refresh_from_db()
    assert (invitation.status, invitation.comment, invitation.participation_language) == (
        "accepted",
        "Looking forward to it",
        "nl",
    )
    assert Invitation.objects.count() == 1
