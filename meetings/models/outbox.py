"""The e-mail outbox: one row per message a change causes, written in the same transaction
as the change (see ``meetings.emails`` for the delivery guarantee). A row is about exactly one
thing: an invitation (invitations, updates, cancellations, reminders), an action item
(reminders) or a version of minutes (circulated for comments)."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meetings.enums import OutboxKind, OutboxStatus
from meetings.models.actions import ActionItem
from meetings.models.invitations import Invitation
from meetings.models.minutes import Minutes


class OutboundMessage(models.Model):
    """One e-mail to one person, rendered when the change happened (so a retry sends
    exactly the same message, with the same ``Message-ID``)."""

    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbound_messages",
        verbose_name=_("invitation"),
    )
    action_item = models.ForeignKey(
        ActionItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbound_messages",
        verbose_name=_("action item"),
    )
    minutes = models.ForeignKey(
        Minutes,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbound_messages",
        verbose_name=pgettext_lazy("meeting record", "minutes"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OutboxKind.choices)
    sequence = models.PositiveIntegerField(
        _("sequence"),
        help_text=_(
            "The meeting's iCalendar sequence; for reminders the reminder's moment in "
            "minutes since 1970; for reminders to answer 0; for action-item reminders the "
            "day (ordinal); for circulated minutes the recipient contact's id."
        ),
    )
    idempotency_key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    to_email = models.EmailField(_("to"), max_length=254)
    language = models.CharField(_("language"), max_length=5)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("plain text"))
    body_html = models.TextField(_("HTML"))
    ical = models.TextField(_("iCalendar"), blank=True)
    ical_method = models.CharField(_("iCalendar method"), max_length=20, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    queued_at = models.DateTimeField(
        _("queued at"),
        default=timezone.now,
        help_text=_("Start of the retry window: when the message was written or last resent."),
    )

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "kind", "sequence"], name="outbound_message_once"
            ),
            models.UniqueConstraint(
                fields=["action_item", "kind", "sequence"], name="outbound_action_message_once"
            ),
            models.UniqueConstraint(
                fields=["minutes", "kind", "sequence"], name="outbound_minutes_message_once"
            ),
            models.CheckConstraint(
                condition=(
                    Q(invitation__isnull=False, action_item__isnull=True, minutes__isnull=True)
                    | Q(invitation__isnull=True, action_item__isnull=False, minutes__isnull=True)
                    | Q(invitation__isnull=True, action_item__isnull=True, minutes__isnull=False)
                ),
                name="outbound_message_about_one_thing",
            ),
            models.CheckConstraint(
                condition=(Q(status="sent") & Q(sent_at__isnull=False))
                | (~Q(status="sent") & Q(sent_at__isnull=True)),
                name="outbound_message_sent_iff_sent_at",
            ),
            models.CheckConstraint(
                condition=Q(ical_method__in=["", "REQUEST", "CANCEL", "DECLINECOUNTER"]),
                name="outbound_message_ical_method_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to_email} ({self.get_status_display()})"
