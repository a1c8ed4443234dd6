"""The one entry point for e-mail: every message is rendered from three templates
(``<name>_subject.txt``, ``<name>.txt``, ``<name>.html`` under ``templates/emails/``) in the
recipient's language, and messages caused by a change go through the outbox.

Outbox and delivery guarantee
-----------------------------
``email_enqueue()`` renders the message and writes an ``OutboundMessage`` row in the caller's
transaction, so the message exists if and only if the change that caused it was committed.
The unique key (invitation, kind, sequence) — or (action item, …), (minutes, …) for
action-item reminders and circulated minutes — makes enqueueing idempotent: the same message
for the same state of the meeting is never written twice. After commit a django-q2 task
(``meetings.tasks.outbox_deliver``) sends it; ``outbox_sweep()``, run by a django-q2 schedule
every minute, picks up rows left pending (a crash between commit and queueing, a lost task,
a retry that is due) and rows whose sender died (claim expired).

Sending a row: a worker claims it in a short transaction — the row is read with ``SELECT …
FOR UPDATE SKIP LOCKED`` (on PostgreSQL a row another worker is claiming is skipped, not
waited for; SQLite serialises writers instead) and marked ``sending`` until
``OUTBOX_CLAIM_SECONDS`` from now — then hands the message to the SMTP server and records it
(sending → sent, only if still claimed). Two workers therefore never send a row at the same
time, and a sent row is never sent again.

A failed hand-over (server down, refused) puts the row back to pending and tries again later:
``OUTBOX_RETRY_BASE_SECONDS`` × 2^(attempt − 1), at most ``OUTBOX_RETRY_MAX_DELAY_SECONDS``,
spread by ± ``OUTBOX_RETRY_JITTER``; the row is failed for good only when the next attempt
would fall more than ``OUTBOX_RETRY_FOR_HOURS`` (72 by default) after it was queued. The team
sees failed and delayed messages on the outbox page and sends every failed one again with one
button (``outbox_failed_resend_all``); ``/readyz`` reports them too.

What SMTP cannot make absolute: if a worker dies after the server accepted the message but
before the row was marked sent (or the server accepted it but the connection dropped before
its reply), the claim expires after ``OUTBOX_CLAIM_SECONDS`` and the row is sent once more.
Delivery is therefore *at least once*, with a duplicate possible only in that window; every
attempt of a row carries the same ``Message-ID`` (built from the row's idempotency key), so
mail systems and clients that de-duplicate by Message-ID show it once, and the calendar part
has the same UID and SEQUENCE, so calendars never show the event twice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import random
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.mime.base import MIMEBase
from email.utils import formataddr, parseaddr
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEText
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from coordination.models import Contact
from coordination.privacy import addresses_referenced
from coordination.selectors import person_name
from coordination.services import consent_link_token
from meetings.enums import OutboxStatus
from meetings.formats.documents import export_filename
from meetings.models import Meeting, OutboundMessage
from meetings.selectors.agendas import agenda_pdf_cached
from meetings.selectors.outbox import message_may_be_written, outbox_row_may_be_sent

logger = logging.getLogger(__name__)


@dataclass
class Attachment:
    filename: str
    content: bytes | str
    mimetype: str


@dataclass
class CalendarPart:
    """An iTIP message: sent as a ``text/calendar; method=...`` alternative and as an
    ``invite.ics`` attachment (RFC 6047)."""

    method: str
    ical: str


@dataclass
class RenderedEmail:
    subject: str
    text: str
    html: str
    attachments: list[Attachment] = field(default_factory=list)
    calendar: CalendarPart | None = None


def email_render(*, template: str, context: dict, language: str) -> RenderedEmail:
    """Render ``templates/emails/<template>*`` with ``context`` in ``language``."""
    context = {
        "site_url": settings.SITE_URL,
        "privacy_url": settings.SITE_URL + reverse("privacy-notice"),
        **context,
    }
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    # One line; a no-break space (French typography) stays.
    subject = re.sub(r"[ \t\r\n\f\v]+", " ", subject).strip()
    return RenderedEmail(subject=subject, text=text, html=html)


def _calendar_mime(calendar: CalendarPart, *, attachment: bool) -> SafeMIMEText:
    part = SafeMIMEText(calendar.ical, "calendar", "utf-8")
    # Written out exactly: some clients only match the unquoted form of ``method``.
    content_type = f"text/calendar; method={calendar.method}; charset=UTF-8"
    if attachment:
        content_type += '; name="invite.ics"'
        part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    part.replace_header("Content-Type", content_type)
    return part


class _CalendarEmail(EmailMultiAlternatives):
    """Django's message with the calendar part *inside* multipart/alternative (plain text,
    HTML, calendar: Outlook and Evolution ignore a calendar that is only an attachment)."""

    calendar: CalendarPart | None = None

    def _create_alternatives(self, msg):
        msg = super()._create_alternatives(msg)
        if self.calendar is not None:
            msg.attach(_calendar_mime(self.calendar, attachment=False))
        return msg


def calendar_from_email() -> str:
    """``From:`` of a message with an iTIP part: the reply mailbox, the ORGANIZER of its
    calendar (see ``meetings/formats/ical.py``), under the product's display name."""
    name, _address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((name, settings.CALENDAR_REPLY_EMAIL))


def email_message(
    *,
    to: Sequence[str],
    rendered: RenderedEmail,
    headers: dict[str, str] | None = None,
    reply_to: Sequence[str] = (),
) -> EmailMultiAlternatives:
    message = _CalendarEmail(
        subject=rendered.subject,
        body=rendered.text,
        from_email=calendar_from_email() if rendered.calendar else settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=list(reply_to),
        headers=headers or {},
    )
    message.attach_alternative(rendered.html, "text/html")
    for attachment in rendered.attachments:
        message.attach(attachment.filename, attachment.content, attachment.mimetype)
    if rendered.calendar is not None:
        message.calendar = rendered.calendar
        part: MIMEBase = _calendar_mime(rendered.calendar, attachment=True)
        message.attach(part)
    return message


def email_send(*, to: Sequence[str], template: str, context: dict, language: str, **kwargs) -> int:
    """Render and send one message now (call it from a django-q2 task, not a request)."""
    rendered = email_render(template=template, context=context, language=language)
    return email_message(to=to, rendered=rendered, **kwargs).send()


# --- Outbox ---------------------------------------------------------------------------------


def email_enqueue(
    *,
    invitation,
    kind: str,
    sequence: int,
    template: str,
    context: dict,
    language: str,
    calendar: CalendarPart | None = None,
):
    """Render a message to ``invitation``'s contact and write it to the outbox in the current
    transaction; after commit a task sends it. Returns the row, or ``None`` if this message
    (same invitation, kind and sequence) was already written or the contact has no e-mail."""
    return outbox_write(
        about={"invitation": invitation},
        to_email=invitation.contact.email,
        kind=kind,
        sequence=sequence,
        template=template,
        context=context,
        language=language,
        calendar=calendar,
    )


def facilitator_context(meeting: Meeting) -> dict:
    """Who signs an e-mail about ``meeting``: its facilitator's name and address."""
    person = meeting.facilitator
    if person is None:
        return {"facilitator_name": "", "facilitator_email": ""}
    return {"facilitator_name": person_name(user=person), "facilitator_email": person.email}


def outbox_write(
    *,
    about: dict,
    to_email: str | None,
    kind: str,
    sequence: int,
    template: str,
    context: dict,
    language: str,
    calendar: CalendarPart | None = None,
    send_after: dt.datetime | None = None,
):
    """Write one message to the outbox in the caller's transaction (sent after commit, or
    not before ``send_after``: the sweeper sends it then).
    ``about`` names what the message is about — ``{"invitation": ...}``,
    ``{"action_item": ...}`` or ``{"minutes": ...}`` — and with ``kind`` and ``sequence`` forms
    its unique key: the same key is never written twice. Returns the row or ``None``, also
    when the recipient may not be written to for the purpose of what the message is about
    (``message_may_be_written``: erased, or the consent withdrawn)."""

    if not message_may_be_written(about=about, to_email=to_email, kind=kind):
        return None
    key = {**about, "kind": kind, "sequence": sequence}
    if OutboundMessage.objects.filter(**key).exists():
        return None
    context = {"consents_url": consents_url(to_email), **context}
    rendered = email_render(template=template, context=context, language=language)
    with transaction.atomic():
        row, created = OutboundMessage.objects.get_or_create(
            **key,
            defaults={
                "to_email": to_email,
                "language": language,
                "subject": rendered.subject[:300],
                "body_text": rendered.text,
                "body_html": rendered.html,
                "ical": calendar.ical if calendar else "",
                "ical_method": calendar.method if calendar else "",
                "next_attempt_at": max(send_after or timezone.now(), timezone.now()),
            },
        )
    if not created:
        return None
    if send_after is None or send_after <= timezone.now():
        transaction.on_commit(lambda: _queue_delivery(row.pk))
    return row


def outbox_discard_superseded(*, invitation_ids, kind: str, below_sequence: int) -> int:
    """Drop messages of ``kind`` to these invitations that were never attempted and that a
    newer one (``below_sequence`` and up) replaces: a notice of agenda changes waiting to be
    sent is replaced by one covering the later changes too."""
    deleted, _detail = OutboundMessage.objects.filter(
        invitation_id__in=list(invitation_ids),
        kind=kind,
        sequence__lt=below_sequence,
        status=OutboxStatus.PENDING,
        attempts=0,
    ).delete()
    return deleted


def consents_url(email: str) -> str:
    """The link to the consents page of the contact with this address ("" if none): every
    e-mail to a contact carries it."""
    contact = Contact.objects.filter(email=(email or "").lower(), erased_at__isnull=True).first()
    if contact is None:
        return ""
    return settings.SITE_URL + reverse("consents-page", args=[consent_link_token(contact=contact)])


def _queue_delivery(message_id: int) -> None:
    from django_q.tasks import async_task

    try:
        async_task("meetings.tasks.outbox_deliver", message_id)
    except Exception:  # the sweeper sends it; never fail the request for the queue
        logger.exception("Could not queue outbox message %s; the sweeper will send it", message_id)


def _message_id(row) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "coordinator"
    return f"<{row.idempotency_key}@{domain}>"


# Messages about a meeting that is (still) taking place carry its published agenda as a PDF.
AGENDA_ATTACHED_KINDS = ("invitation", "update", "reminder", "nudge", "waitlist", "agenda")


def _agenda_attachments(row) -> list[Attachment]:
    """The meeting's published agenda (the version current when the message is sent), or
    nothing while it is unpublished. A rendering failure never stops the message itself."""
    if row.kind not in AGENDA_ATTACHED_KINDS or row.invitation_id is None:
        return []
    pass

    try:
        attachment = agenda_email_attachment(meeting=row.invitation.meeting)
    except Exception:
        logger.exception("Agenda PDF for outbox message %s could not be rendered", row.pk)
        return []
    return [attachment] if attachment is not None else []


def outbox_message(row) -> EmailMultiAlternatives:
    """The e-mail of an outbox row: the same text, calendar part and Message-ID on every
    attempt; the agenda attached is the one published when the message is handed over."""
    rendered = RenderedEmail(
        subject=row.subject,
        text=row.body_text,
        html=row.body_html,
        calendar=CalendarPart(method=row.ical_method, ical=row.ical) if row.ical else None,
        attachments=_agenda_attachments(row),
    )
    facilitator = row.invitation.meeting.facilitator if row.invitation_id else None
    return email_message(
        to=[row.to_email],
        rendered=rendered,
        headers={"Message-ID": _message_id(row), "Auto-Submitted": "auto-generated"},
        # People who answer in words write to the facilitator; calendars answer ORGANIZER.
        reply_to=[facilitator.email]
        if rendered.calendar and facilitator and facilitator.email
        else [],
    )


def outbox_retry_delay(*, attempt: int, rng: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1, 2, ...): exponential
    (``OUTBOX_RETRY_BASE_SECONDS`` × 2^(attempt − 1)) up to ``OUTBOX_RETRY_MAX_DELAY_SECONDS``,
    spread by ± ``OUTBOX_RETRY_JITTER`` (a fraction) so that the messages held back by one
    outage do not all come back at the same second."""

    base = settings.OUTBOX_RETRY_BASE_SECONDS
    delay = min(base * 2 ** min(attempt - 1, 40), settings.OUTBOX_RETRY_MAX_DELAY_SECONDS)
    jitter = settings.OUTBOX_RETRY_JITTER
    if jitter:
        delay *= (rng or random).uniform(1 - jitter, 1 + jitter)
    return delay


def _claim(queryset, *, now: dt.datetime) -> OutboundMessage | None:
    """Take the first due row of ``queryset`` for this worker: locked with ``SELECT … FOR
    UPDATE SKIP LOCKED`` (PostgreSQL: a row another worker is claiming is passed over, never
    waited for), then marked as being sent until the claim expires. On SQLite, which has no
    row locks, the write transaction itself serialises the workers; the conditional update
    keeps the claim exclusive on both."""

    claimable = Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, claimed_until__lt=now
    )
    with transaction.atomic():
        row = (
            queryset.filter(claimable)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "id")
            .first()
        )
        if row is None:
            return None
        claimed = OutboundMessage.objects.filter(claimable, pk=row.pk).update(
            status=OutboxStatus.SENDING,
            claimed_until=now + dt.timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS),
            attempts=F("attempts") + 1,
        )
    if not claimed:
        return None
    return OutboundMessage.objects.select_related(
        "invitation__meeting",
        "invitation__contact",
        "action_item__origin_meeting",
        "action_item__owner_contact",
        "minutes__meeting",
    ).get(pk=row.pk)


def delivery_error(exc: Exception, *, recipient: str) -> str:
    """What a failed delivery said, for the row (and, its other addresses referenced, for the
    log), with the recipient's address (as written and with its domain in IDNA, as it went
    to the server) replaced by ``<recipient>``: the row names the address already."""
    text = f"{type(exc).__name__}: {exc}"
    if "@" in recipient:
        local, domain = recipient.rsplit("@", 1)
        spellings = {recipient}
        with contextlib.suppress(UnicodeError):  # a domain IDNA cannot write
            spellings.add(f"{local}@{domain.encode('idna').decode('ascii')}")
        for spelling in spellings:
            text = re.sub(re.escape(spelling), "<recipient>", text, flags=re.IGNORECASE)
    return text[:2000]


def _send_claimed(row: OutboundMessage, *, now: dt.datetime) -> bool:
    """Hand a claimed row to the SMTP server and record the outcome; True if sent. A row
    whose recipient may no longer be written to (a consent withdrawn while it waited) is
    cancelled instead."""

    if not outbox_row_may_be_sent(row):
        OutboundMessage.objects.filter(pk=row.pk, status=OutboxStatus.SENDING).update(
            status=OutboxStatus.CANCELLED, claimed_until=None
        )
        logger.info("Outbox message %s cancelled: its recipient may not be written to", row.pk)
        return False
    try:
        outbox_message(row).send(fail_silently=False)
    except Exception as exc:  # SMTP errors, refused connections, time-outs
        error = delivery_error(exc, recipient=row.to_email)
        next_attempt = now + dt.timedelta(seconds=outbox_retry_delay(attempt=row.attempts))
        give_up_at = row.queued_at + dt.timedelta(hours=settings.OUTBOX_RETRY_FOR_HOURS)
        if next_attempt > give_up_at:
            OutboundMessage.objects.filter(pk=row.pk, status=OutboxStatus.SENDING).update(
                status=OutboxStatus.FAILED, claimed_until=None, last_error=error
            )
            logger.error(
                "Outbox message %s failed for good after %s attempts: %s",
                row.pk,
                row.attempts,
                addresses_referenced(error),
            )
        else:
            OutboundMessage.objects.filter(pk=row.pk, status=OutboxStatus.SENDING).update(
                status=OutboxStatus.PENDING,
                claimed_until=None,
                next_attempt_at=next_attempt,
                last_error=error,
            )
            logger.warning(
                "Outbox message %s not delivered (attempt %s), next attempt at %s: %s",
                row.pk,
                row.attempts,
                next_attempt.isoformat(),
                addresses_referenced(error),
            )
        return False
    OutboundMessage.objects.filter(pk=row.pk, status=OutboxStatus.SENDING).update(
        status=OutboxStatus.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    logger.info("Outbox message %s sent (attempt %s)", row.pk, row.attempts)
    return True


def outbox_deliver(*, message_id: int, now: dt.datetime | None = None) -> bool:
    """Send one outbox row if it is due and nobody else holds it; True if sent now."""

    now = now or timezone.now()
    row = _claim(OutboundMessage.objects.filter(pk=message_id), now=now)
    if row is None:
        return False
    return _send_claimed(row, now=now)


def outbox_sweep(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Send every row that is due (pending, or claimed by a worker that died), one claim at
    a time so that several workers share the backlog without ever holding the same row;
    stops after ``limit`` rows or ``OUTBOX_SWEEP_SECONDS``. Returns how many were sent."""

    now = now or timezone.now()
    started = time.monotonic()
    sent = 0
    for _ in range(limit):
        if time.monotonic() - started > settings.OUTBOX_SWEEP_SECONDS:
            break
        row = _claim(OutboundMessage.objects.all(), now=now)
        if row is None:
            break
        sent += _send_claimed(row, now=now)
    return sent


def outbox_retry(*, message_id: int) -> int:
    """A facilitator retries a failed message: it becomes pending and due now, with a new
    retry window."""

    return _outbox_failed_resend(OutboundMessage.objects.filter(pk=message_id))


def outbox_failed_resend_all(*, by=None) -> int:
    """The team sends every failed message again (after an outage is over); returns how
    many rows were put back in the queue."""

    resent = _outbox_failed_resend(OutboundMessage.objects.all())
    if resent:
        logger.info(
            "%s failed outbox messages queued again by user %s", resent, getattr(by, "pk", None)
        )
    return resent


def _outbox_failed_resend(queryset) -> int:
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            queryset.filter(status=OutboxStatus.FAILED)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        # A new retry window starts now.
        OutboundMessage.objects.filter(pk__in=ids, status=OutboxStatus.FAILED).update(
            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, queued_at=now
        )
        for message_id in ids:
            transaction.on_commit(partial(_queue_delivery, message_id))
    return len(ids)


def agenda_email_attachment(*, meeting: Meeting):
    """The published agenda as an e-mail attachment, or None while it is unpublished:
    invitation and reminder e-mails attach it."""
    if meeting.agenda_published_at is None:
        return None
    with translation.override(meeting.language):
        return Attachment(
            filename=export_filename(meeting, "agenda", "pdf", meeting.agenda_version),
            content=agenda_pdf_cached(meeting=meeting),
            mimetype="application/pdf",
        )
