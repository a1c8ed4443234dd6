"""Browser journey: a facilitator opens a time poll with three slots, two invitees answer
from their e-mail links on a phone, the facilitator picks the best slot and the invitations
go out with calendar entries at that time."""

import datetime as dt
import os
import re

import icalendar
import pytest
from django.utils import timezone

from meetings.enums import InvitationStatus, OutboxKind
from meetings.models import OutboundMessage
from tests.factories import ContactFactory, InvitationFactory, RoundSessionFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS", "")
PHONE = {"width": 360, "height": 740}


def answer_on_a_phone(browser, base_url, link, answers):
    context = browser.new_context(base_url=base_url, viewport=PHONE, locale="fr-BE")
    phone = context.new_page()
    phone.goto(link)
    width = phone.evaluate("document.documentElement.scrollWidth")
    for index, choice in enumerate(answers):
        phone.locator("fieldset.poll-slot").nth(index).locator(f"input[value={choice}]").check()
    if SCREENSHOTS:
        phone.screenshot(path=f"{SCREENSHOTS}/poll-answer-360.png", full_page=True)
    with phone.expect_navigation():
        phone.click("#poll-form button[type=submit]")
    message = phone.locator(".message.success").inner_text()
    context.close()
    return width, message


def test_facilitator_polls_two_invitees_on_phones_and_schedules_the_best_slot(
    page, login, browser, live_server
):
    facilitator = UserFactory(username="fiona", first_name="Fiona", facilitator=True)
    session = RoundSessionFactory(title="Session FR : accueil")
    session.consultation_round.facilitators.add(facilitator)
    french = InvitationFactory(
        meeting=session,
        status=InvitationStatus.DRAFTED,
        contact=ContactFactory(name="Anne Dupont", preferred_language="fr"),
    )
    dutch = InvitationFactory(
        meeting=session,
        status=InvitationStatus.DRAFTED,
        contact=ContactFactory(name="Jan Peeters", preferred_language="nl"),
    )
    day = timezone.localdate() + dt.timedelta(days=20)

    login(facilitator)
    page.goto(f"/meetings/{session.pk}/")
    with page.expect_navigation():
        page.click("text=Find a time with a poll")
    for index, (start, end) in enumerate((("09:00", "12:00"), ("13:30", "16:30"))):
        page.fill(f"#id_slot_{index}_date", day.isoformat())
        page.fill(f"#id_slot_{index}_start", start)
        page.fill(f"#id_slot_{index}_end", end)
    page.fill("#id_slot_2_date", (day + dt.timedelta(days=1)).isoformat())
    page.fill("#id_slot_2_start", "09:00")
    page.fill("#id_slot_2_end", "12:00")
    page.fill("#id_deadline_date", (day - dt.timedelta(days=7)).isoformat())
    page.fill("#id_deadline_time", "17:00")
    with page.expect_navigation():
        page.click("text=Open the poll")
    assert page.locator(".message.success").inner_text() == (
        "The poll is open; each invitee received a link."
    )

    widths, confirmations = [], []
    for invitation, answers in (
        (french, ["no", "yes", "if_need_be"]),
        (dutch, ["yes", "yes", "no"]),
    ):
        body = OutboundMessage.objects.get(invitation=invitation, kind=OutboxKind.TIME_POLL)
        link = re.search(r"http\S+/poll/\S+/", body.body_text).group(0)
        width, message = answer_on_a_phone(
            browser, live_server.url, re.sub(r"^https?://[^/]+", "", link), answers
        )
        widths.append(width)
        confirmations.append(message)

    page.goto(f"/meetings/{session.pk}/poll/")
    totals = page.locator("tfoot .total-yes").all_inner_texts()
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/poll-grid.png", full_page=True)
    with page.expect_navigation():
        page.locator("button[name=choose]").nth(1).click()

    session.refresh_from_db()
    sent = OutboundMessage.objects.filter(kind=OutboxKind.INVITATION).order_by("invitation_id")
    starts = [
        icalendar.Calendar.from_ical(m.ical).walk("VEVENT")[0].decoded("DTSTART") for m in sent
    ]
    assert widths == [360, 360]
    assert confirmations == [
        "Merci\xa0: votre réponse a été enregistrée.",
        "Bedankt: uw antwoord werd opgeslagen.",
    ]
    assert totals == ["1", "2", "0"]
    assert timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M") == (
        f"{day.isoformat()} 13:30"
    )
    assert starts == [session.starts_at, session.starts_at]
    assert page.locator(".message.success").inner_text() == (
        "The meeting is scheduled at the chosen slot; invitations are sent."
    )
