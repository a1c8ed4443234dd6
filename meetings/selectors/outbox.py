"""Reads of the e-mail outbox: what the team must see (failed and delayed messages) and the
figures ``/readyz`` reports."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from meetings.enums import OutboxStatus
from meetings.models import OutboundMessage


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
