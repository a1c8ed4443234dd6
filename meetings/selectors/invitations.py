"""Reads of invitations: a meeting's overview for its facilitators and a user's own
invitations."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from coordination.models import ConsultationRound, Contact
from meetings import enums
from meetings.enums import InvitationStatus
from meetings.models import DelegationRequest, Invitation, Meeting, OutboundMessage


def my_open_invitations(*, user) -> QuerySet[Invitation]:
    """The invitations ``user`` has yet to answer, of meetings still to come, with what the
    home page shows of them: the answer and the meeting's title and start."""
    if not user.is_authenticated:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(
            contact__user=user,
            status__in=[enums.InvitationStatus.SENT, enums.InvitationStatus.TENTATIVE],
            meeting__ends_at__gte=timezone.now(),
        )
        .exclude(meeting__status=enums.MeetingStatus.CANCELLED)
        .select_related("meeting")
        .only("status", "meeting__title", "meeting__starts_at")
        .order_by("meeting__starts_at")
    )


def contacts_invitable(*, meeting: Meeting) -> QuerySet[Contact]:
    """Who may be added to ``meeting`` by hand: active contacts with an e-mail address, not
    erased, not invited already (a removed invitee may be invited again)."""
    invited = Invitation.objects.filter(meeting=meeting).exclude(status=InvitationStatus.CANCELLED)
    return Contact.objects.filter(
        is_active=True, erased_at__isnull=True, email__isnull=False
    ).exclude(pk__in=invited.values("contact_id"))


def removals_undoable(*, meeting: Meeting) -> list[Invitation]:
    """The invitees removed from ``meeting`` whose removal can still be undone (recently, and
    the meeting has not started), the latest first."""
    now = timezone.now()
    if meeting.starts_at <= now:
        return []
    since = now - dt.timedelta(hours=getattr(settings, "INVITEE_REMOVAL_UNDO_HOURS", 24))
    return list(
        meeting.invitations.filter(status=InvitationStatus.CANCELLED, removed_at__gt=since)
        .exclude(status_before_removal="")
        .select_related("contact__organisation")
        .order_by("-removed_at", "-id")
    )


def invitation_counts(*, meeting: Meeting) -> dict[str, int]:
    """How the invitees answered: accepted, tentative, declined, waiting for an answer, on
    the waiting list (one query)."""
    counts = dict(
        meeting.invitations.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return {
        "accepted": counts.get(InvitationStatus.ACCEPTED, 0),
        "tentative": counts.get(InvitationStatus.TENTATIVE, 0),
        "declined": counts.get(InvitationStatus.DECLINED, 0),
        "no_answer": counts.get(InvitationStatus.SENT, 0),
        "waitlisted": counts.get(InvitationStatus.WAITLISTED, 0),
    }


def invitation_overview(*, meeting: Meeting) -> dict:
    """Counts per answer for the facilitator, the invitations, and failed e-mails."""
    counts = dict(
        meeting.invitations.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    invitations = list(
        meeting.invitations.select_related("contact__organisation", "delegated_from__contact")
        .annotate(last_error=Max("outbound_messages__last_error"))
        .order_by("status", "waitlist_position", "contact__name")
    )
    failed = list(
        OutboundMessage.objects.filter(
            invitation__meeting=meeting, status=enums.OutboxStatus.FAILED
        ).select_related("invitation__contact")
    )
    requests = list(
        DelegationRequest.objects.filter(
            invitation__meeting=meeting, status=enums.DelegationRequestStatus.PENDING
        ).select_related("invitation__contact__organisation")
    )
    return {
        "delegation_requests": requests,
        "invited": sum(n for status, n in counts.items() if status not in ("drafted", "cancelled")),
        "accepted": counts.get(InvitationStatus.ACCEPTED, 0),
        "tentative": counts.get(InvitationStatus.TENTATIVE, 0),
        "declined": counts.get(InvitationStatus.DECLINED, 0),
        "no_answer": counts.get(InvitationStatus.SENT, 0),
        "waitlisted": counts.get(InvitationStatus.WAITLISTED, 0),
        "delegated": counts.get(InvitationStatus.DELEGATED, 0),
        "drafted": counts.get(InvitationStatus.DRAFTED, 0),
        "invitations": invitations,
        "failed_messages": failed,
    }


def my_invitations(*, user) -> QuerySet[Invitation]:
    if not user.is_authenticated:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(contact__user=user)
        .exclude(status__in=[InvitationStatus.DRAFTED, InvitationStatus.CANCELLED])
        .select_related("meeting")
        .order_by("-meeting__starts_at", "id")
    )


def invitees_of_rounds_facilitated_by(user) -> QuerySet:
    """The ids of the contacts invited to the rounds ``user`` facilitates (their facilitators
    see their e-mail and phone; see ``coordination.selectors.contact_ids_with_visible_details``)."""
    rounds = ConsultationRound.objects.filter(facilitators=user).values("pk")
    return Invitation.objects.filter(meeting__consultation_round_id__in=rounds).values("contact_id")


def invitation_delegation(*, invitation: Invitation) -> dict:
    """For the invitee's answer page: the colleague who took the seat (and whether the seat
    can still be taken back), or the delegation waiting for a facilitator's approval."""
    delegate = (
        invitation.delegates.exclude(status=InvitationStatus.CANCELLED)
        .select_related("contact")
        .first()
        if invitation.status == InvitationStatus.DELEGATED
        else None
    )
    pending = invitation.delegation_requests.filter(
        status=enums.DelegationRequestStatus.PENDING
    ).first()
    return {
        "delegate": delegate,
        "delegation_undoable": invitation.status == InvitationStatus.DELEGATED
        and (delegate is None or delegate.answered_at is None),
        "delegation_pending": pending,
    }
