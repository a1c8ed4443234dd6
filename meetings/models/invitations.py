"""Invitations of contacts to meetings: their answer, the waitlist and the seat they hold;
the other times an invitee proposed from their calendar (iTIP COUNTER); the delegations that
wait for a facilitator's approval."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from coordination import dates
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
    answered_at = models.DateTimeField(
        _("answered at"),
        null=True,
        blank=True,
        help_text=_(
            "When the answer in force was given (for a calendar reply, its DTSTAMP): an "
            "older answer arriving later never replaces it."
        ),
    )
    calendar_sequence = models.PositiveIntegerField(
        _("last iCalendar sequence sent"),
        default=0,
        help_text=_(
            "The SEQUENCE of the last calendar entry sent to this invitee: a calendar reply "
            "to an older one is stale."
        ),
    )
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
    status_before_delegation = models.CharField(
        _("status before the delegation"),
        max_length=20,
        choices=enums.InvitationStatus.choices,
        blank=True,
        help_text=_("Given back if the delegation is undone before the delegate answered."),
    )

    # What a removal changed, so that a facilitator can undo it for a short while
    # (``meetings.services.invitations.invitation_restore``); cleared once undone or re-added.
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    status_before_removal = models.CharField(
        _("status before the removal"),
        max_length=20,
        choices=enums.InvitationStatus.choices,
        blank=True,
    )
    waitlist_position_before_removal = models.PositiveSmallIntegerField(
        _("waitlist position before the removal"), null=True, blank=True
    )
    held_seat_before_removal = models.BooleanField(
        _("held a seat before the removal"), default=False
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["meeting", "waitlist_position", "contact__name"]
        # A person's invitations by answer: who sees which meeting, the personal feed.
        indexes = [models.Index(fields=["contact", "status"], name="invitation_by_contact")]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "contact"], name="invitation_one_per_contact_and_meeting"
            ),
            models.CheckConstraint(
                condition=Q(status="waitlisted", waitlist_position__isnull=False)
                | (~Q(status="waitlisted") & Q(waitlist_position__isnull=True)),
                name="invitation_waitlist_position_iff_waitlisted",
            ),
            # A seat given (not taken by an acceptance) is kept only while open or
            # tentative: an invitee who lets it go cannot find it again later.
            models.CheckConstraint(
                condition=Q(holds_seat=False) | Q(status__in=["sent", "tentative"]),
                name="invitation_holds_seat_only_while_open_or_tentative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact.name} → {self.meeting}"


class TimeProposal(TimeStamped):
    """Another time an invitee proposed from their calendar (iTIP COUNTER, Outlook's
    "propose new time"): the facilitator accepts it (the meeting is rescheduled) or declines
    it (the invitee's calendar is told with a DECLINECOUNTER)."""

    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.CASCADE,
        related_name="time_proposals",
        verbose_name=_("invitation"),
    )
    starts_at = models.DateTimeField(_("proposed start"))
    ends_at = models.DateTimeField(_("proposed end"))
    comment = models.TextField(_("comment"), blank=True)
    proposed_at = models.DateTimeField(_("proposed at"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=enums.TimeProposalStatus.choices,
        default=enums.TimeProposalStatus.OPEN,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("time proposal")
        verbose_name_plural = _("time proposals")
        ordering = ["proposed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="time_proposal_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["invitation", "starts_at", "ends_at"],
                condition=Q(status="open"),
                name="time_proposal_one_open_per_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invitation} @ {dates.short_datetime(self.starts_at)}"


class DelegationRequest(TimeStamped):
    """An invitee passes their seat to an address outside their organisation's known e-mail
    domains: a facilitator approves (the delegate is then invited) or refuses. Nothing about
    the delegate is kept in the directory before approval."""

    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.CASCADE,
        related_name="delegation_requests",
        verbose_name=_("invitation"),
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=enums.DelegationRequestStatus.choices,
        default=enums.DelegationRequestStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delegation request")
        verbose_name_plural = _("delegation requests")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["invitation"],
                condition=Q(status="pending"),
                name="delegation_request_one_pending_per_invitation",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="delegation_request_decided_iff_not_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invitation.contact.name} → {self.email}"
