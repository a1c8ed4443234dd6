"""Mail is never lost to an outage: the retry schedule (exponential, capped, with jitter)
keeps trying for days, a real SMTP server down for more than two days and then back gets
every message exactly once, and the team sees and resends what failed."""

import datetime as dt
import random
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import emails
from meetings.enums import InvitationStatus, OutboxStatus
from meetings.models import OutboundMessage
from meetings.services import invitations as services
from tests.factories import InvitationFactory, RoundSessionFactory, TeamUserFactory, UserFactory
from tests.helpers import messages_of
from tests.mailserver import MailServer, free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_server_port(settings):
    """The SMTP settings point at a port where nothing listens yet."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    return port


@pytest.fixture
def mail_server(mail_server_port):
    server = MailServer(mail_server_port).start()
    yield server
    server.stop()


def _session_with_invitees(count: int):
    session = RoundSessionFactory(title="Session: housing")
    for number in range(count):
        InvitationFactory(
            meeting=session,
            status=InvitationStatus.DRAFTED,
            contact__email=f"invitee{number}@example.org",
        )
    services.invitations_send(meeting=session)  # committed; the queued tasks are never run
    return session


def test_retry_delay_doubles_up_to_the_cap(settings):
    settings.OUTBOX_RETRY_JITTER = 0
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_RETRY_MAX_DELAY_SECONDS = 3600

    delays = [emails.outbox_retry_delay(attempt=attempt) for attempt in range(1, 10)]

    assert delays == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]


def test_retry_delay_is_spread_by_the_jitter_within_its_bounds(settings):
    settings.OUTBOX_RETRY_JITTER = 0.2
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    rng = random.Random(7)

    delays = [emails.outbox_retry_delay(attempt=3, rng=rng) for _ in range(200)]

    assert min(delays) >= 240 * 0.8
    assert max(delays) <= 240 * 1.2
    assert len({round(delay) for delay in delays}) > 50


def test_default_schedule_retries_for_three_days():
    from django.conf import settings

    assert settings.OUTBOX_RETRY_FOR_HOURS == 72
    assert settings.OUTBOX_RETRY_MAX_DELAY_SECONDS == 3600
    assert settings.OUTBOX_RETRY_JITTER == 0.2


def test_server_down_for_two_days_then_back_delivers_every_message_exactly_once(
    mail_server_port,
):
    _session_with_invitees(3)
    moment = timezone.now()
    end_of_outage = moment + dt.timedelta(hours=50)

    while moment < end_of_outage:  # the worker's sweeper, every five minutes
        assert emails.outbox_sweep(now=moment) == 0
        moment += dt.timedelta(minutes=5)
    during = list(OutboundMessage.objects.values_list("status", "attempts"))
    server = MailServer(mail_server_port).start()
    try:
        sent = 0
        for _ in range(24):  # the next two hours
            sent += emails.outbox_sweep(now=moment)
            moment += dt.timedelta(minutes=5)
    finally:
        server.stop()

    assert [status for status, _attempts in during] == [OutboxStatus.PENDING] * 3
    assert all(attempts > 50 for _status, attempts in during)
    assert sent == 3
    rows = OutboundMessage.objects.order_by("id")
    assert [row.status for row in rows] == [OutboxStatus.SENT] * 3
    assert Counter(server.inbox.message_ids()) == {
        f"<{row.idempotency_key}@example.be>": 1 for row in rows
    }
    assert sorted(to for _from, (to,), _raw in server.inbox.received) == [
        "invitee0@example.org",
        "invitee1@example.org",
        "invitee2@example.org",
    ]


def test_outbox_page_lists_failed_and_delayed_messages_to_the_team(client_for):
    _session_with_invitees(3)
    first, second, third = OutboundMessage.objects.order_by("id")
    OutboundMessage.objects.filter(pk=first.pk).update(
        status=OutboxStatus.FAILED, attempts=70, last_error="ConnectionRefusedError"
    )
    OutboundMessage.objects.filter(pk=second.pk).update(attempts=4, last_error="SMTP 421")

    response = client_for(TeamUserFactory()).get(reverse("outbox"))

    assert response.status_code == 200
    assert [row.pk for row in response.context["failed"]] == [first.pk]
    assert [row.pk for row in response.context["delayed"]] == [second.pk]
    html = response.content.decode()
    assert f'data-message="{third.pk}"' not in html
    assert "Send all failed e-mails again" in html


@pytest.mark.parametrize("who", ["facilitator", "participant"])
def test_outbox_page_is_refused_to_anyone_but_the_team(client_for, who):
    user = UserFactory(facilitator=(who == "facilitator"))

    page = client_for(user).get(reverse("outbox"))
    resend = client_for(user).post(reverse("outbox-resend-failed"))

    assert (page.status_code, resend.status_code) == (403, 403)


def test_resend_all_failed_sends_them_once_the_server_is_back(
    client_for, mail_server, django_capture_on_commit_callbacks
):
    _session_with_invitees(2)
    OutboundMessage.objects.update(status=OutboxStatus.FAILED, attempts=70, last_error="down")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(TeamUserFactory()).post(reverse("outbox-resend-failed"), follow=True)

    assert messages_of(response) == ["2 e-mails will be sent again."]
    assert list(OutboundMessage.objects.values_list("status", "attempts")) == [
        (OutboxStatus.SENT, 1),
        (OutboxStatus.SENT, 1),
    ]
    assert len(mail_server.inbox.received) == 2
    assert emails.outbox_sweep() == 0


def test_resend_all_failed_starts_a_new_retry_window():
    _session_with_invitees(1)
    long_ago = timezone.now() - dt.timedelta(days=5)
    OutboundMessage.objects.update(status=OutboxStatus.FAILED, queued_at=long_ago)

    assert emails.outbox_failed_resend_all(by=None) == 1
    assert emails.outbox_failed_resend_all(by=None) == 0

    row = OutboundMessage.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)
    assert row.queued_at > timezone.now() - dt.timedelta(minutes=1)


@pytest.mark.parametrize("rows", [1, 5])
def test_outbox_page_runs_a_constant_number_of_queries(client_for, django_assert_num_queries, rows):
    _session_with_invitees(rows)
    OutboundMessage.objects.update(status=OutboxStatus.FAILED, attempts=70)
    client = client_for(TeamUserFactory())

    with django_assert_num_queries(5):  # with the contacts it names and its access record
        response = client.get(reverse("outbox"))

    assert len(response.context["failed"]) == rows
