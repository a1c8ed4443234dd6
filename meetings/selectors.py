"""Reads of the ``meetings`` app."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
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


# --- Agendas (issue 5) ------------------------------------------------------------------------


def meeting_series_filter(meeting: Meeting) -> Q:
    """Meetings of the same working group or the same consultation round as ``meeting``."""
    if meeting.working_group_id:
        return Q(working_group_id=meeting.working_group_id)
    return Q(consultation_round_id=meeting.consultation_round_id)


def previous_meeting(*, meeting: Meeting) -> Meeting | None:
    """The latest meeting of the same group or round that started before ``meeting``."""
    return (
        Meeting.objects.filter(meeting_series_filter(meeting), starts_at__lt=meeting.starts_at)
        .exclude(pk=meeting.pk)
        .exclude(status=enums.MeetingStatus.CANCELLED)
        .order_by("-starts_at", "-pk")
        .first()
    )


def agenda_items(*, meeting: Meeting):
    """The agenda of ``meeting`` with everything a page or export shows, in a fixed number of
    queries whatever its length."""
    from django.db.models import Prefetch

    from coordination.models import Question
    from meetings.models import AgendaAttachment, AgendaItem

    return (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("presenter__organisation")
        .prefetch_related(
            Prefetch(
                "attachments",
                queryset=AgendaAttachment.objects.order_by("uploaded_at", "id"),
            ),
            Prefetch("questions", queryset=Question.objects.order_by("number")),
        )
        .order_by("position")
    )


@dataclass
class TimePlanRow:
    item: object
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass
class TimePlan:
    rows: list[TimePlanRow]
    total_minutes: int
    slot_minutes: int
    limit_minutes: int | None
    overruns_slot: bool
    overruns_limit: bool

    @property
    def overrun_minutes(self) -> int:
        return max(0, self.total_minutes - self.slot_minutes)


def agenda_time_plan(*, meeting: Meeting, items) -> TimePlan:
    """Start and end of each item from the meeting's start and the planned minutes, with
    the overruns of the meeting slot and (round sessions) of the half-day limit."""
    rows = []
    cursor = meeting.starts_at
    for item in items:
        end = cursor + dt.timedelta(minutes=item.planned_minutes)
        rows.append(TimePlanRow(item=item, starts_at=cursor, ends_at=end))
        cursor = end
    total = sum(item.planned_minutes for item in items)
    limit = settings.ROUND_SESSION_MAX_MINUTES if meeting.is_round_session else None
    return TimePlan(
        rows=rows,
        total_minutes=total,
        slot_minutes=meeting.duration_minutes,
        limit_minutes=limit,
        overruns_slot=total > meeting.duration_minutes,
        overruns_limit=limit is not None and total > limit,
    )


def open_action_items_for_meeting(*, meeting: Meeting) -> QuerySet[ActionItem]:
    """Open action items of the same group or round that came from earlier meetings: they are
    carried over to ``meeting`` until they are closed."""
    series = Meeting.objects.filter(meeting_series_filter(meeting)).values("pk")
    return (
        ActionItem.objects.filter(
            origin_meeting__in=series,
            origin_meeting__starts_at__lt=meeting.starts_at,
            status__in=[enums.ActionStatus.OPEN, enums.ActionStatus.IN_PROGRESS],
        )
        .select_related("owner_contact", "owner_organisation", "origin_meeting")
        .order_by("due_date", "id")
    )
