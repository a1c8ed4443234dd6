"""Browser journeys of contacts without a password, on a phone-sized screen: they follow the
links of the e-mails they received (through a real SMTP server), land signed in, comment,
answer with one press; every page they reach fits 360 px."""

import datetime as dt
import email
import os
import re
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from meetings.enums import InvitationStatus
from meetings.models import MinutesComment
from meetings.services import agendas, invitations
from meetings.services import minutes as minutes_services
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    RoundSessionFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS", "")
PHONE = {"width": 360, "height": 740}
SIGN_IN_LINK = re.compile(r"https?://\S+/sign-in/link/\?\S+")


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def text_to(self, address: str) -> str:
        for message in self.messages:
            if address in message["To"]:
                return message.get_body(preferencelist=("plain",)).get_content()
        raise AssertionError(f"No message to {address}")


@pytest.fixture
def inbox(settings):
    received = Inbox()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield received
    controller.stop()


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def local(url: str) -> str:
    """A link of an e-mail (made for SITE_URL) on the live server."""
    return re.sub(r"^https?://[^/]+", "", url)


def link_to(text: str, path: str) -> str:
    for url in SIGN_IN_LINK.findall(text):
        if f"next={path}" in url:
            return local(url)
    raise AssertionError(f"No sign-in link to {path} in:\n{text}")


def fits_the_screen(page, name: str) -> int:
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/phone-{name}.png", full_page=True)
    return page.evaluate("document.documentElement.scrollWidth")


def past_meeting_with_circulated_minutes(contact):
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    meeting = MeetingFactory(
        title="Housing group, March",
        starts_at=start - dt.timedelta(days=1),
        ends_at=start - dt.timedelta(days=1) + dt.timedelta(hours=2),
    )
    item = AgendaItemFactory(meeting=meeting, position=1, title="Data sharing")
    InvitationFactory(meeting=meeting, contact=contact, status=InvitationStatus.ACCEPTED)
    minutes = minutes_services.minutes_start(meeting=meeting)
    minutes_services.minutes_attendance_set(meeting=meeting, statuses={contact: "present"})
    minutes_services.minutes_note_set(minutes=minutes, agenda_item=item, text="Agreed.")
    minutes_services.minutes_circulate(
        minutes=minutes, comments_due=timezone.now() + dt.timedelta(days=3)
    )
    minutes_services.minutes_circulation_send(minutes_id=minutes.pk)
    return meeting, minutes, item


def test_contact_without_account_comments_on_minutes_from_the_email(phone, inbox):
    contact = ContactFactory(name="Ana Peeters", email="ana@agency.example")
    meeting, minutes, item = past_meeting_with_circulated_minutes(contact)

    phone.goto(link_to(inbox.text_to("ana@agency.example"), f"/meetings/{meeting.pk}/minutes/"))

    assert phone.url.endswith(f"/meetings/{meeting.pk}/minutes/")
    assert fits_the_screen(phone, "minutes") <= 360
    phone.locator(f"#comment-{item.pk} textarea, form[action$='/comment/'] textarea").first.fill(
        "Please add the date of the next meeting."
    )
    with phone.expect_navigation():
        phone.locator("form[action$='/comment/'] button[type=submit]").first.click()
    comment = MinutesComment.objects.get(minutes=minutes)
    contact.refresh_from_db()
    assert comment.author_id == contact.user_id
    assert "Ana Peeters" in phone.locator(".comments, .list").first.inner_text()
    assert fits_the_screen(phone, "minutes-commented") <= 360


def test_invitation_email_opens_the_agenda_signed_in_and_answers_with_one_press(phone, inbox):
    session = RoundSessionFactory(title="Consultation on housing needs", capacity=10)
    AgendaItemFactory(meeting=session, position=1, title="Housing needs of families")
    agendas.agenda_publish(meeting=session)
    contact = ContactFactory(name="Lea Martin", email="lea@agency.example")
    InvitationFactory(meeting=session, contact=contact, status=InvitationStatus.DRAFTED)
    invitations.invitations_send(meeting=session)
    text = inbox.text_to("lea@agency.example")

    phone.goto(link_to(text, f"/meetings/{session.pk}/agenda/"))
    assert phone.url.endswith(f"/meetings/{session.pk}/agenda/")
    assert "Housing needs of families" in phone.locator("main").inner_text()
    assert fits_the_screen(phone, "agenda") <= 360

    phone.context.clear_cookies()
    phone.goto(local(re.search(r"Accept: (\S+)", text).group(1)))
    assert phone.locator("#current-status").inner_text() == "You have not answered yet."
    assert fits_the_screen(phone, "rsvp-proposed") <= 360
    with phone.expect_navigation():
        phone.locator("#confirm-form button").click()
    assert phone.locator("#current-status").inner_text() == "Accepted"
    assert phone.locator("#add-to-calendar a").get_attribute("href").endswith("/invite.ics")
    assert fits_the_screen(phone, "rsvp-recorded") <= 360
    assert session.invitations.get(contact=contact).status == InvitationStatus.ACCEPTED


def test_every_participant_page_fits_a_360_px_screen(phone, inbox):
    contact = ContactFactory(name="Jan Vermeulen-Van den Broeck", email="jan@agency.example")
    meeting, _minutes, _item = past_meeting_with_circulated_minutes(contact)
    action = ActionItemFactory(
        origin_meeting=meeting,
        owner_contact=contact,
        owner_organisation=contact.organisation,
        description="Send the figures on housing for the whole province of Antwerp",
    )
    session = RoundSessionFactory(
        title="Consultation on the reception of displaced persons: a rather long title",
        online_url="https://meet.example.org/a-very-long-online-meeting-address-0123456789",
        format="hybrid",
    )
    AgendaItemFactory(meeting=session, position=1, title="Welcome")
    agendas.agenda_publish(meeting=session)
    invitation = InvitationFactory(meeting=session, contact=contact, status=InvitationStatus.SENT)
    rsvp = local(invitations.rsvp_url(invitation))

    for path, name in (
        ("/accounts/login/", "login"),
        ("/sign-in/email/", "sign-in-email"),
        ("/sign-in/link/?c=1&u=2&sesame=xxxx", "sign-in-invalid"),
        (rsvp + "?answer=accepted", "rsvp"),
    ):
        phone.goto(path)
        assert (name, fits_the_screen(phone, name)) == (name, 360)

    phone.goto(link_to(inbox.text_to("jan@agency.example"), f"/meetings/{meeting.pk}/minutes/"))
    for path, name in (
        ("/", "home"),
        (f"/meetings/{session.pk}/", "meeting"),
        (f"/meetings/{session.pk}/agenda/", "agenda-session"),
        (f"/meetings/{meeting.pk}/minutes/", "minutes-page"),
        ("/actions/", "actions"),
        (f"/actions/{action.pk}/", "action"),
        ("/calendar/", "calendar"),
        ("/my-data/", "my-data"),
        ("/meetings/", "meetings"),
    ):
        response = phone.goto(path)
        assert response.status == 200, path
        assert (name, fits_the_screen(phone, name)) == (name, 360)
