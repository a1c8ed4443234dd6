"""Invitations of contacts to meetings: their answer, the waitlist and the seat they hold."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coordination import enums as coordination_enums
from coordination.models import Contact, TimeStamped
from meetings import enums
from meetings.models.meetings import Meeting
from meetings.models.panels import PanelDraw


def new_token_nonce() -> str:
    return secrets.token_hex(8)


class InvitationQuerySet(models.QuerySet):
    def went_out(self) -> "InvitationQuerySet":
        """Invitations that were sent to their invitee and not withdrawn since: a draft, a
        place on a draw's reserve list that was never sent, and a removed invitee are not.
        "A meeting's invitations went out" means this is not empty."""
        return self.filter(sent_at__isnull=False).exclude(status=enums.InvitationStatus.CANCELLED)


class Invitation(TimeStamped):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("meeting")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("contact")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=enums.InvitationStatus.choices,
        default=enums.InvitationStatus.DRAFTED,
    )
    token_nonce = models.CharField(
        _("RSVP token nonce"),
        max_length=32,
        default=new_token_nonce,
        help_text=_("Part of the signed RSVP link; a new value revokes old links."),
    )
    waitlist_position = models.PositiveSmallIntegerField(
        _("waitlist position"), null=True, blank=True
    )
    panel_draw = models.ForeignKey(
        PanelDraw,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("panel draw"),
    )
    delegated_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delegates",
        verbose_name=_("delegated by"),
    )
    holds_seat = models.BooleanField(
        _("holds the organisation's seat"),
        default=False,
        help_text=_(
            "A colleague named by an invitee who had accepted, or the first on the waitlist "
            "when a seat freed: the seat stays reserved for them until they answer."
        ),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    participation_language = models.CharField(
        _("language of participation"),
        max_length=5,
        choices=coordination_enums.WorkingLanguage.choices,
        blank=True,
    )
    needs_interpretation = models.BooleanField(_("needs interpretation"), default=False)
    accessibility_needs = models.TextField(
        _("accessibility needs"), blank=True, help_text=_("Erased once the meeting is over.")
    )
    needs_consented_at = models.DateTimeField(
        _("explicit consent to the needs given at"),
        null=True,
        blank=True,
        help_text=_("Needs (health data) are kept only with the invitee's explicit consent."),
    )
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["meeting", "waitlist_position", "contact__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "contact"], name="invitation_one_per_contact_and_meeting"
            ),
            models.CheckConstraint(
                condition=Q(status="waitlisted", waitlist_position__isnull=False)
                | (~Q(status="waitlisted") & Q(waitlist_position__isnull=True)),
                name="invitation_waitlist_position_iff_waitlisted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact.name} → {self.meeting}"
