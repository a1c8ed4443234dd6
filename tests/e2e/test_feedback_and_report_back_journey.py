"""Browser journey after a session: the feedback e-mail arrives the day after, an attendee
answers on a 360-px phone, the totals show in the report's method section; the facilitator
makes the report final and sends it back, and the e-mail's link opens the report for a
participant without an account."""

import datetime as dt
import os
import re

import pytest
from django.utils import timezone

from meetings.enums import InvitationStatus, MeetingStatus, OutboxKind
from meetings.models import OutboundMessage
from meetings.services import feedback
from tests.factories import ContactFactory, InvitationFactory, RoundSessionFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS", "")
PHONE = {"width": 360, "height": 740}
TEXT = "Vos remarques sur le partage des données ont changé le chapitre 2."


def path_in(message: OutboundMessage, pattern: str) -> str:
    return re.search(rf"https?://[^/\s]+({pattern}[^/\s]+/)", message.body_text).group(1)


def test_feedback_after_the_session_reaches_the_report_and_the_report_goes_back(
    page, login, browser, live_server
):
    facilitator = UserFactory(username="fiona", first_name="Fiona", facilitator=True)
    ends = timezone.now() - dt.timedelta(hours=2)
    session = RoundSessionFactory(
        title="Session FR : accueil",
        starts_at=ends - dt.timedelta(hours=3),
        ends_at=ends,
        status=MeetingStatus.HELD,
        facilitator=facilitator,
    )
    round_ = session.consultation_round
    round_.facilitators.add(facilitator)
    anne = InvitationFactory(
        meeting=session,
        status=InvitationStatus.ACCEPTED,
        contact=ContactFactory(name="Anne Dupont", preferred_language="fr"),
    )

    # The hourly schedule, run as it would be the next morning.
    asked = feedback.feedback_requests_enqueue(now=ends + dt.timedelta(hours=20))
    link = path_in(
        OutboundMessage.objects.get(invitation=anne, kind=OutboxKind.FEEDBACK), "/feedback/"
    )

    phone_context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="fr-BE")
    phone = phone_context.new_page()
    phone.goto(link)
    width = phone.evaluate("document.documentElement.scrollWidth")
    for index, choice in enumerate(["yes", "partly", "yes"]):
        phone.locator("fieldset.poll-slot").nth(index).locator(f"input[value={choice}]").check()
    phone.fill("#id_comment", "Plus de pauses.")
    if SCREENSHOTS:
        phone.screenshot(path=f"{SCREENSHOTS}/feedback-360.png", full_page=True)
    with phone.expect_navigation():
        phone.click("#feedback-form button[type=submit]")
    thanks = phone.locator(".message.success").inner_text()

    login(facilitator)
    page.goto(f"/rounds/{round_.pk}/report/preview/")
    method_rows = [
        [cell.inner_text() for cell in row.locator("td").all()]
        for row in page.locator("#feedback ~ table tbody tr").all()
    ]
    rate = page.locator("#feedback + p").inner_text()

    page.goto(f"/rounds/{round_.pk}/report/")
    with page.expect_navigation():
        page.click("text=Generate a new version")
    page.goto(f"/rounds/{round_.pk}/report/")
    with page.expect_navigation():
        page.click("text=Make final")
    page.goto(f"/rounds/{round_.pk}/report/")
    page.fill("#id_text", TEXT)
    with page.expect_navigation():
        page.click("text=Send the report to every organisation consulted")
    sent_message = page.locator(".message.success").inner_text()
    page.goto(f"/rounds/{round_.pk}/report/")
    sent_row = page.locator(".report-back-deliveries tbody tr td").all_inner_texts()

    report_link = path_in(
        OutboundMessage.objects.get(invitation=anne, kind=OutboxKind.REPORT_BACK), "/report/"
    )
    phone.goto(report_link)
    report_width = phone.evaluate("document.documentElement.scrollWidth")
    shown_text = phone.locator(".report-back-text p").first.inner_text()
    with phone.expect_download() as download_info:
        phone.click(".report-back-text a.button")
    with open(download_info.value.path(), "rb") as pdf:
        pdf_start = pdf.read(5)
    if SCREENSHOTS:
        phone.screenshot(path=f"{SCREENSHOTS}/report-back-360.png", full_page=True)
    phone_context.close()

    assert asked == 1
    assert (width, thanks) == (360, "Merci pour votre avis.")
    assert method_rows == [
        ["Was the agenda clear?", "1", "0", "0"],
        ["Was the workload for your organisation acceptable?", "0", "1", "0"],
        ["Would you take part again?", "1", "0", "0"],
    ]
    assert rate.startswith("1 of 1 attendees gave feedback (100 %), anonymously.")
    assert sent_message == "The report is being sent to every organisation consulted."
    assert sent_row[:3] == [anne.contact.organisation.name, "Anne Dupont", "English"]
    assert sent_row[4].startswith("sent ")
    assert (report_width, shown_text) == (360, TEXT)
    assert pdf_start == b"%PDF-"
