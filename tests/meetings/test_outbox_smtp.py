"""The outbox against a real SMTP server on loopback (aiosmtpd): the MIME tree as received,
the server down, retries with back-off, failures shown to facilitators, the sweeper."""

import datetime as dt
import email
import email.policy
import socket
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import timezone

from meetings import emails
from meetings.enums import InvitationStatus, OutboxStatus
from meetings.models import OutboundMessage
from meetings.services import invitations as services
from tests.factories import (
    AgendaItemFactory,
    InvitationFactory,
    RoundSessionFactory,
    TeamUserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


class RefusingInbox(Inbox):
    """A server that knows no such user, and says so quoting the address."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"


def _serving(settings, inbox: Inbox):
    """An SMTP server on loopback handing what it receives to ``inbox``, and the outbox
    pointed at it."""
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_server(settings):
    yield from _serving(settings, Inbox())


@pytest.fixture
def smtp_refusing(settings):
    yield from _serving(settings, RefusingInbox())


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _free_port()  # nothing listens there
    settings.EMAIL_TIMEOUT = 2


def _tree(part, depth=0):
    rows = [(depth, part.get_content_type(), part.get_content_disposition())]
    if part.is_multipart():
        for child in part.get_payload():
            rows += _tree(child, depth + 1)
    return rows


def _session_with_invitation(**contact):
    facilitator = UserFactory(first_name="Fiona", last_name="Facilitator", email="fiona@x.be")
    session = RoundSessionFactory(title="Session: reception data", facilitator=facilitator)
    AgendaItemFactory(meeting=session, position=1, title="Welcome and aims")
    invitation = InvitationFactory(
        meeting=session,
        status=InvitationStatus.DRAFTED,
        **{"contact__name": "Anna Example", "contact__email": "anna@example.org", **contact},
    )
    return session, invitation


def test_invitation_as_received_by_smtp_has_calendar_inside_alternative_and_attached(
    smtp_server, django_capture_on_commit_callbacks, settings
):
    settings.CALENDAR_REPLY_EMAIL = "rsvp@coordinator.example"
    session, _invitation = _session_with_invitation()

    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(meeting=session)

    assert len(smtp_server.received) == 1
    _mail_from, rcpt_tos, raw = smtp_server.received[0]
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert rcpt_tos == ["anna@example.org"]
    assert _tree(message) == [
        (0, "multipart/mixed", None),
        (1, "multipart/alternative", None),
        (2, "text/plain", None),
        (2, "text/html", None),
        (2, "text/calendar", None),
        (1, "text/calendar", "attachment"),
    ]
    alternative = message.get_payload()[0]
    inline_calendar = alternative.get_payload()[2]
    attached = message.get_payload()[1]
    assert inline_calendar.get_param("method") == "REQUEST"
    assert inline_calendar.get_content_charset() == "utf-8"
    assert raw.count(b"Content-Type: text/calendar; method=REQUEST; charset=UTF-8\r\n") == 1
    assert attached.get_filename() == "invite.ics"
    assert attached.get_param("method") == "REQUEST"
    ics = inline_calendar.get_content()
    assert ics == attached.get_content()
    lines = ics.replace("\r\n ", "").splitlines()
    assert "METHOD:REQUEST" in lines
    assert [line for line in lines if line.startswith("ORGANIZER")] == [
        'ORGANIZER;CN="Fiona Facilitator":mailto:rsvp@coordinator.example'
    ]
    attendee = [line for line in lines if line.startswith("ATTENDEE")]
    assert len(attendee) == 1
    assert "RSVP=TRUE" in attendee[0] and attendee[0].endswith(":mailto:anna@example.org")
    text = alternative.get_payload()[0].get_content()
    html = alternative.get_payload()[1].get_content()
    assert "time zone Europe/Brussels" in text
    assert "time zone Europe/Brussels" in html
    # From: is the ORGANIZER (the reply mailbox); words go to the facilitator.
    assert (message["From"], message["Reply-To"]) == (
        "Coordinator <rsvp@coordinator.example>",
        "fiona@x.be",
    )
    # The agenda is not published yet: its items stay on the facilitators' pages.
    assert "The agenda has not been set yet." in text
    assert [part for part in (text, html, ics) if "Welcome and aims" in part] == []
    assert "Questions? Contact Fiona Facilitator (fiona@x.be)." in text
    row = OutboundMessage.objects.get()
    assert message["Message-ID"] == f"<{row.idempotency_key}@example.be>"
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)


def test_invitation_is_written_in_the_invitees_language(
    smtp_server, django_capture_on_commit_callbacks
):
    session, _invitation = _session_with_invitation(contact__preferred_language="fr")

    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(meeting=session)

    row = OutboundMessage.objects.get()
    assert row.language == "fr"
    assert '<html lang="fr">' in row.body_html
    local = session.starts_at.astimezone(ZoneInfo("Europe/Brussels"))
    weekday = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    assert f"{weekday[local.weekday()]} {local.day} " in row.body_text


def test_server_down_keeps_the_message_pending_with_back_off(
    smtp_down, django_capture_on_commit_callbacks, settings
):
    settings.OUTBOX_RETRY_JITTER = 0
    session, _invitation = _session_with_invitation()
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(meeting=session)

    row = OutboundMessage.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert row.last_error.startswith("ConnectionRefusedError")
    assert before + dt.timedelta(seconds=59) < row.next_attempt_at
    assert row.next_attempt_at < timezone.now() + dt.timedelta(seconds=61)
    assert emails.outbox_sweep() == 0  # not due yet: nothing is attempted
    row.refresh_from_db()
    assert row.attempts == 1


# The second goes to the server, and comes back quoted, as anna@xn--exmple-cua.be.
@pytest.mark.parametrize("address", ["anna@example.org", "anna@exämple.be"])
def test_a_refused_address_is_kept_out_of_the_error_and_the_log(
    smtp_refusing, django_capture_on_commit_callbacks, caplog, address
):
    session, _invitation = _session_with_invitation(contact__email=address)

    with (
        caplog.at_level("INFO", logger="meetings.emails"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.invitations_send(meeting=session)

    row = OutboundMessage.objects.get()
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "meetings.emails")
    assert (row.status, row.to_email) == (OutboxStatus.PENDING, address)
    assert row.last_error == (
        "SMTPRecipientsRefused: {'<recipient>': (550, b'5.1.1 <<recipient>>: Recipient address "
        "rejected: User unknown')}"
    )
    assert "not delivered (attempt 1)" in logged
    assert "<recipient>" in logged
    assert "anna@" not in logged.lower() and "anna@" not in row.last_error


def test_failed_for_good_only_after_the_retry_window_and_shown_to_facilitators(
    smtp_down, client_for, settings
):
    settings.OUTBOX_RETRY_JITTER = 0
    session, _invitation = _session_with_invitation()
    services.invitations_send(meeting=session)  # on_commit not run: the sweeper sends
    row = OutboundMessage.objects.get()
    queued = row.queued_at
    moment = timezone.now()
    delays = []
    while row.status != OutboxStatus.FAILED:
        emails.outbox_sweep(now=moment)
        row.refresh_from_db()
        delays.append(round((row.next_attempt_at - moment).total_seconds()))
        last_attempt, moment = moment, row.next_attempt_at + dt.timedelta(seconds=1)

    assert delays[:8] == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert last_attempt - queued > dt.timedelta(hours=71)
    assert last_attempt - queued < dt.timedelta(hours=72)
    assert row.attempts == len(delays)
    page = client_for(TeamUserFactory()).get(reverse("meeting-invitations", args=[session.pk]))
    assert [m.pk for m in page.context["overview"]["failed_messages"]] == [row.pk]
    assert "E-mails that could not be delivered" in page.content.decode()


def test_retry_of_a_failed_message_sends_it_once_the_server_is_back(smtp_server, client_for):
    session, _invitation = _session_with_invitation()
    services.invitations_send(meeting=session)
    OutboundMessage.objects.update(status=OutboxStatus.FAILED, attempts=5, last_error="down")
    row = OutboundMessage.objects.get()

    response = client_for(TeamUserFactory()).post(
        reverse("meeting-outbox-retry", args=[session.pk, row.pk])
    )
    emails.outbox_sweep()

    row.refresh_from_db()
    assert response.status_code == 302
    assert (row.status, len(smtp_server.received)) == (OutboxStatus.SENT, 1)


def test_sweeper_sends_a_message_whose_queueing_was_lost(smtp_server):
    session, _invitation = _session_with_invitation()
    services.invitations_send(meeting=session)  # commit happened, the task was never queued

    assert emails.outbox_sweep() == 1
    assert emails.outbox_sweep() == 0

    assert len(smtp_server.received) == 1
    assert OutboundMessage.objects.get().status == OutboxStatus.SENT


def test_a_sent_message_is_never_sent_again(smtp_server):
    session, _invitation = _session_with_invitation()
    services.invitations_send(meeting=session)
    row = OutboundMessage.objects.get()

    assert emails.outbox_deliver(message_id=row.pk) is True
    assert emails.outbox_deliver(message_id=row.pk) is False
    assert emails.outbox_sweep() == 0

    assert len(smtp_server.received) == 1


def test_a_message_claimed_by_a_live_worker_is_left_alone_and_a_dead_ones_is_resent(
    smtp_server,
):
    session, _invitation = _session_with_invitation()
    services.invitations_send(meeting=session)
    row = OutboundMessage.objects.get()
    now = timezone.now()
    OutboundMessage.objects.update(
        status=OutboxStatus.SENDING, attempts=1, claimed_until=now + dt.timedelta(minutes=5)
    )

    assert emails.outbox_sweep(now=now) == 0
    assert emails.outbox_sweep(now=now + dt.timedelta(minutes=6)) == 1

    _from, _to, raw = smtp_server.received[0]
    resent = email.message_from_bytes(raw, policy=email.policy.default)
    assert resent["Message-ID"] == f"<{row.idempotency_key}@example.be>"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)


def test_same_message_is_written_once_per_invitation_kind_and_sequence():
    session, invitation = _session_with_invitation()
    services.invitations_send(meeting=session)
    invitation.refresh_from_db()

    again = services.invitation_message_enqueue(invitation=invitation, kind="invitation")

    assert again is None
    assert OutboundMessage.objects.count() == 1


def test_outbox_unique_key_is_enforced_by_the_database():
    from django.db import IntegrityError, transaction

    session, _invitation = _session_with_invitation()
    services.invitations_send(meeting=session)
    row = OutboundMessage.objects.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        OutboundMessage.objects.create(
            invitation=row.invitation,
            kind=row.kind,
            sequence=row.sequence,
            to_email="x@example.org",
            language="en",
            subject="s",
            body_text="t",
            body_html="h",
            next_attempt_at=timezone.now(),
        )


def test_outbox_sent_rows_need_a_sent_time():
    from django.db import IntegrityError, transaction

    session, _invitation = _session_with_invitation()
    services.invitations_send(meeting=session)

    with pytest.raises(IntegrityError), transaction.atomic():
        OutboundMessage.objects.update(status=OutboxStatus.SENT)


def test_invitation_update_and_cancel_share_the_uid_with_growing_sequence(
    smtp_server, django_capture_on_commit_callbacks
):
    import vobject

    from meetings.services import scheduling

    session, _invitation = _session_with_invitation()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(meeting=session)
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.meeting_update(
            meeting=session, by=None, location="Boulevard du Roi Albert II 37, 1030 Bruxelles"
        )
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.meeting_cancel(meeting=session, by=None)

    seen = []
    for _from, _to, raw in smtp_server.received:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        calendar = vobject.readOne(part.get_content())
        seen.append(
            (
                part.get_param("method"),
                calendar.method.value,
                calendar.vevent.uid.value,
                int(calendar.vevent.sequence.value),
            )
        )
    assert seen == [
        ("REQUEST", "REQUEST", session.ical_uid, 0),
        ("REQUEST", "REQUEST", session.ical_uid, 1),
        ("CANCEL", "CANCEL", session.ical_uid, 2),
    ]


def test_outbox_ical_method_is_request_cancel_or_none():
    from django.db import IntegrityError, transaction

    session, _invitation = _session_with_invitation()
    services.invitations_send(meeting=session)

    with pytest.raises(IntegrityError), transaction.atomic():
        OutboundMessage.objects.update(ical_method="PUBLISH")
