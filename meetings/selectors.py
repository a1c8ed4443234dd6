"""Reads of the ``meetings`` app."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from coordination.rules import GROUP_LEADING_ROLES, is_team
from meetings import enums
from meetings.models import ActionItem, Invitation, Meeting
from meetings.rules import VISIBLE_INVITATION_STATUSES


def meetings_visible_to(*, user) -> QuerySet[Meeting]:
    """Every meeting ``user`` may open: the team all; facilitators those of their groups and
    rounds; participants those they were invited to or whose group they belong to."""
    meetings = Meeting.objects.select_related("working_group", "consultation_round")
    if is_team(user):
        return meetings
    if not user.is_authenticated:
        return meetings.none()
    visible_ids = Meeting.objects.filter(
        Q(consultation_round__facilitators=user)
        | Q(
            working_group__memberships__contact__user=user,
            working_group__memberships__until__isnull=True,
        )
        | Q(invitations__contact__user=user, invitations__status__in=VISIBLE_INVITATION_STATUSES)
    ).values("pk")
    return meetings.filter(pk__in=visible_ids)


def meetings_managed_by(*, user) -> QuerySet[Meeting]:
    meetings = Meeting.objects.select_related("working_group", "consultation_round")
    if is_team(user):
        return meetings
    managed_ids = Meeting.objects.filter(
        Q(consultation_round__facilitators=user)
        | Q(
            working_group__memberships__contact__user=user,
            working_group__memberships__role__in=GROUP_LEADING_ROLES,
            working_group__memberships__until__isnull=True,
        )
    ).values("pk")
    return meetings.filter(pk__in=managed_ids)


def my_upcoming_meetings(*, user, limit: int = 10) -> list[Meeting]:
    return list(
        meetings_visible_to(user=user)
        .filter(ends_at__gte=timezone.now())
        .exclude(status=enums.MeetingStatus.CANCELLED)
        .order_by("starts_at")[:limit]
    )


def my_open_invitations(*, user) -> QuerySet[Invitation]:
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
        .order_by("meeting__starts_at")
    )


def my_action_items(*, user) -> QuerySet[ActionItem]:
    if not user.is_authenticated:
        return ActionItem.objects.none()
    contact = getattr(user, "contact", None)
    if contact is None:
        return ActionItem.objects.none()
    return (
        ActionItem.objects.filter(
            Q(owner_contact=contact) | Q(owner_organisation_id=contact.organisation_id),
            status__in=[enums.ActionStatus.OPEN, enums.ActionStatus.IN_PROGRESS],
        )
        .select_related("origin_meeting", "owner_organisation", "owner_contact")
        .order_by("due_date", "id")
    )


def contact_personal_data_with_meetings(*, contact) -> dict:
    """Everything the product holds about one person: the coordination app's part plus
    invitations, attendance and the action items they own."""
    from coordination.selectors import contact_personal_data

    data = contact_personal_data(contact=contact)
    invitations = contact.invitations.select_related("meeting").order_by("meeting__starts_at")
    data["invitations"] = [
        {
            "meeting": i.meeting.title,
            "starts_at": i.meeting.starts_at.isoformat(),
            "status": i.status,
            "answered_at": i.answered_at.isoformat() if i.answered_at else None,
            "comment": i.comment,
            "participation_language": i.participation_language,
            "needs_interpretation": i.needs_interpretation,
            "accessibility_needs": i.accessibility_needs,
        }
        for i in invitations
    ]
    attendances = contact.attendances.select_related("meeting").order_by("meeting__starts_at")
    data["attendance"] = [
        {
            "meeting": a.meeting.title,
            "starts_at": a.meeting.starts_at.isoformat(),
            "status": a.status,
        }
        for a in attendances
    ]
    data["action_items"] = [
        {
            "description": a.description,
            "due_date": a.due_date and a.due_date.isoformat(),
            "status": a.status,
        }
        for a in contact.action_items.order_by("due_date", "id")
    ]
    return data
