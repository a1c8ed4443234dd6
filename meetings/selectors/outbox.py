"""Reads of the e-mail outbox: what the team must see (failed and delayed messages) and the
figures ``/readyz`` reports."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from coordination.enums import ConsentPurpose
from coordination.models import Contact
from coordination.selectors import contact_may_be_written_to
from meetings.enums import OutboxKind, OutboxStatus
from meetings.models import Meeting, OutboundMessage


def outbox_attention_list(*, limit: int = 500) -> dict[str, list[OutboundMessage]]:
    """Failed messages (retries given up) and delayed ones (at least one failed attempt,
    still being retried), newest first."""
    rows = (
        OutboundMessage.objects.filter(
            Q(status=OutboxStatus.FAILED)
            | Q(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING], attempts__gte=1)
        )
        .select_related(
            "invitation__meeting", "invitation__contact", "action_item", "minutes__meeting"
        )
        .order_by("-queued_at", "-id")[:limit]
    )
    grouped: dict[str, list[OutboundMessage]] = {"failed": [], "delayed": []}
    for row in rows:
        grouped["failed" if row.status == OutboxStatus.FAILED else "delayed"].append(row)
    return grouped


def outbox_contact_ids(rows) -> list[int]:
    """The contacts whose e-mail addresses these messages are to (one query): those the
    access record of a page listing them names. Addresses that are no contact's (a
    facilitator's, a delegate not yet a contact) name nobody."""
    addresses = {row.to_email.lower() for row in rows}
    if not addresses:
        return []
    return sorted(Contact.objects.filter(email__in=addresses).values_list("pk", flat=True))


def outbox_figures(*, now: dt.datetime | None = None, late_after_seconds: int = 600) -> dict:
    """Counts for monitoring: failed messages, messages waiting, and messages due for longer
    than ``late_after_seconds`` (the backlog a working worker would have cleared)."""
    now = now or timezone.now()
    waiting = Q(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING])
    return OutboundMessage.objects.aggregate(
        failed=Count("id", filter=Q(status=OutboxStatus.FAILED)),
        waiting=Count("id", filter=waiting),
        late=Count(
            "id",
            filter=waiting & Q(next_attempt_at__lt=now - dt.timedelta(seconds=late_after_seconds)),
        ),
    )


def outbox_readiness() -> dict:
    """The outbox as ``/readyz`` reports it: fine while nothing failed and nothing due has
    waited for more than ten minutes (a worker sends within a minute)."""
    figures = outbox_figures()
    return {"ok": figures["failed"] == 0 and figures["late"] == 0, **figures}


# --- May this message be written? ------------------------------------------------------------

# Messages that end what was offered (a CANCEL for the person's calendar) still go out when
# processing stops: the withdrawal itself sends them.
KINDS_SENT_WHEN_PROCESSING_STOPS = (OutboxKind.CANCEL,)


def message_meeting(*, about: dict) -> Meeting | None:
    """The meeting an outbox message is about (through its invitation, action item or
    minutes), or None."""
    if about.get("invitation") is not None:
        return about["invitation"].meeting
    if about.get("action_item") is not None:
        return about["action_item"].origin_meeting
    if about.get("minutes") is not None:
        return about["minutes"].meeting
    return None


def message_purpose(*, about: dict) -> str | None:
    """The consent purpose a message serves: that of its meeting's round or group."""
    meeting = message_meeting(about=about)
    if meeting is None:
        return None
    if meeting.consultation_round_id:
        return ConsentPurpose.CONSULTATION_ROUNDS
    if meeting.working_group_id:
        return ConsentPurpose.WORKING_GROUP
    return None


def message_recipient(*, about: dict, to_email: str | None) -> Contact | None:
    """The contact a message goes to: the invitation's or the action item's owner, else the
    contact with this address."""
    for candidate in (
        getattr(about.get("invitation"), "contact", None),
        getattr(about.get("action_item"), "owner_contact", None),
    ):
        if candidate is not None and (candidate.email or "").lower() == (to_email or "").lower():
            return candidate
    if not to_email:
        return None
    return Contact.objects.filter(email__iexact=to_email, erased_at__isnull=True).first()


def message_may_be_written(*, about: dict, to_email: str | None, kind: str) -> bool:
    """Whether this message may be written (and, still pending, sent) to its recipient: the
    one rule ``contact_may_be_written_to`` for the purpose of what it is about."""
    if not to_email:
        return False
    if kind in KINDS_SENT_WHEN_PROCESSING_STOPS:
        return True
    contact = message_recipient(about=about, to_email=to_email)
    if contact is None:
        # An address that is no contact's (a facilitator's log-in): no consent applies.
        return True
    return contact_may_be_written_to(contact=contact, purpose=message_purpose(about=about))


def outbox_row_may_be_sent(row: OutboundMessage) -> bool:
    """The same rule for a row written earlier, when it is handed over."""
    about = {
        "invitation": row.invitation,
        "action_item": row.action_item,
        "minutes": row.minutes,
    }
    return message_may_be_written(about=about, to_email=row.to_email, kind=row.kind)
