"""Reads of minutes and action items (issue 5): what a user may see, in a fixed number of
queries whatever the length of the lists."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from coordination.models import Contact
from coordination.rules import is_team
from meetings import enums
from meetings.models import (
    ActionItem,
    ActionItemEvent,
    Attendance,
    Decision,
    Meeting,
    Minutes,
    MinutesComment,
    MinutesNote,
)
from meetings.rules import VISIBLE_MINUTES_STATUSES, can_manage_meeting
from meetings.selectors import agenda_items, meetings_visible_to

OPEN_STATUSES = (enums.ActionStatus.OPEN, enums.ActionStatus.IN_PROGRESS)
ATTENDEE_INVITATION_STATUSES = (
    enums.InvitationStatus.SENT,
    enums.InvitationStatus.ACCEPTED,
    enums.InvitationStatus.TENTATIVE,
    enums.InvitationStatus.DECLINED,
    enums.InvitationStatus.WAITLISTED,
    enums.InvitationStatus.DELEGATED,
)


def minutes_versions(*, meeting: Meeting, user) -> list[Minutes]:
    """The versions of the minutes ``user`` may read, newest first."""
    versions = Minutes.objects.filter(meeting=meeting).select_related("approved_by", "created_by")
    if not can_manage_meeting(user, meeting):
        versions = versions.filter(status__in=VISIBLE_MINUTES_STATUSES)
    return list(versions.order_by("-version"))


def minutes_for(*, meeting: Meeting, user, version: int | None = None) -> Minutes | None:
    versions = minutes_versions(meeting=meeting, user=user)
    if version is None:
        return versions[0] if versions else None
    return next((m for m in versions if m.version == version), None)


@dataclass
class MinutesRow:
    item: object
    start: dt.datetime | None
    note: str = ""
    decisions: list = field(default_factory=list)
    actions: list = field(default_factory=list)
    comments: list = field(default_factory=list)


@dataclass
class MinutesDocument:
    """Everything the minutes page and every export show."""

    meeting: Meeting
    minutes: Minutes
    attendance: list
    rows: list[MinutesRow]
    general_decisions: list
    general_comments: list
    actions: list
    versions: list = field(default_factory=list)


def meeting_attendance(*, meeting: Meeting) -> list[tuple[Contact, str]]:
    """Every invitee (sent invitations and current group members) with their recorded
    attendance ("" when not recorded yet), by name; contacts with a recorded attendance who
    are no longer invitees are kept."""
    recorded = {
        a.contact_id: a.status
        for a in Attendance.objects.filter(meeting=meeting).only("contact_id", "status")
    }
    condition = Q(pk__in=recorded.keys()) | Q(
        invitations__meeting=meeting, invitations__status__in=ATTENDEE_INVITATION_STATUSES
    )
    if meeting.working_group_id:
        condition |= Q(
            memberships__group_id=meeting.working_group_id, memberships__until__isnull=True
        )
    contacts = (
        Contact.objects.filter(condition)
        .select_related("organisation")
        .distinct()
        .order_by("name", "pk")
    )
    return [(contact, recorded.get(contact.pk, "")) for contact in contacts]


def minutes_document(*, minutes: Minutes, with_comments: bool = False) -> MinutesDocument:
    from meetings.selectors import agenda_time_plan

    meeting = minutes.meeting
    items = list(agenda_items(meeting=meeting))
    plan = agenda_time_plan(meeting=meeting, items=items)
    notes = {
        n.agenda_item_id: n.text
        for n in MinutesNote.objects.filter(minutes=minutes).only("agenda_item_id", "text")
    }
    decisions = defaultdict(list)
    for decision in Decision.objects.filter(minutes=minutes).order_by("id"):
        decisions[decision.agenda_item_id].append(decision)
    actions = list(
        ActionItem.objects.filter(origin_meeting=meeting)
        .select_related("owner_contact", "owner_organisation")
        .order_by("id")
    )
    actions_by_item = defaultdict(list)
    for action in actions:
        actions_by_item[action.origin_agenda_item_id].append(action)
    comments = defaultdict(list)
    if with_comments:
        for comment in MinutesComment.objects.filter(minutes=minutes).select_related("author"):
            comments[comment.agenda_item_id].append(comment)
    rows = [
        MinutesRow(
            item=row.item,
            start=row.starts_at,
            note=notes.get(row.item.pk, ""),
            decisions=decisions.get(row.item.pk, []),
            actions=actions_by_item.get(row.item.pk, []),
            comments=comments.get(row.item.pk, []),
        )
        for row in plan.rows
    ]
    return MinutesDocument(
        meeting=meeting,
        minutes=minutes,
        attendance=meeting_attendance(meeting=meeting),
        rows=rows,
        general_decisions=decisions.get(None, []),
        general_comments=comments.get(None, []),
        actions=actions,
    )


# --- Action items -------------------------------------------------------------------------------


def action_items_visible_to(*, user) -> QuerySet[ActionItem]:
    """The team sees every action item; others those of meetings they may open and their own."""
    actions = ActionItem.objects.select_related(
        "owner_contact", "owner_organisation", "origin_meeting__working_group",
        "origin_meeting__consultation_round", "origin_agenda_item",
    )  # fmt: skip
    if is_team(user):
        return actions
    if not user.is_authenticated:
        return actions.none()
    visible_meetings = meetings_visible_to(user=user).values("pk")
    condition = Q(origin_meeting__in=visible_meetings)
    contact = getattr(user, "contact", None)
    if contact is not None:
        condition |= Q(owner_contact=contact) | Q(owner_organisation_id=contact.organisation_id)
    return actions.filter(condition)


@dataclass
class ActionFilters:
    scope: str = ""  # "mine" or ""
    status: str = ""  # an ActionStatus, "open" (open or in progress) or ""
    overdue: bool = False
    owner: int | None = None  # contact id
    organisation: int | None = None
    due_from: dt.date | None = None
    due_until: dt.date | None = None
    meeting: int | None = None
    working_group: int | None = None
    consultation_round: int | None = None


def action_item_list(*, user, filters: ActionFilters) -> QuerySet[ActionItem]:
    actions = action_items_visible_to(user=user)
    if filters.scope == "mine":
        contact = getattr(user, "contact", None) if user.is_authenticated else None
        actions = actions.filter(owner_contact=contact) if contact else actions.none()
    if filters.status == "open":
        actions = actions.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        actions = actions.filter(status=filters.status)
    if filters.overdue:
        actions = actions.filter(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())
    if filters.owner:
        actions = actions.filter(owner_contact_id=filters.owner)
    if filters.organisation:
        actions = actions.filter(owner_organisation_id=filters.organisation)
    if filters.due_from:
        actions = actions.filter(due_date__gte=filters.due_from)
    if filters.due_until:
        actions = actions.filter(due_date__lte=filters.due_until)
    if filters.meeting:
        meeting = Meeting.objects.filter(pk=filters.meeting).first()
        if meeting is None:
            return actions.none()
        # The meeting's own action items and those carried over to it.
        from meetings.selectors import open_action_items_for_meeting

        carried = open_action_items_for_meeting(meeting=meeting).values("pk")
        actions = actions.filter(Q(origin_meeting=meeting) | Q(pk__in=carried))
    if filters.working_group:
        actions = actions.filter(origin_meeting__working_group_id=filters.working_group)
    if filters.consultation_round:
        actions = actions.filter(origin_meeting__consultation_round_id=filters.consultation_round)
    return actions.order_by("due_date", "id")


def action_item_history(*, action: ActionItem) -> list[ActionItemEvent]:
    return list(
        ActionItemEvent.objects.filter(action_item=action)
        .select_related("author", "meeting")
        .order_by("at", "id")
    )


def action_items_with_meetings(queryset: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    """Prefetch the meetings that reviewed each action (for lists showing carry-over)."""
    reviews = ActionItemEvent.objects.filter(kind=enums.ActionEventKind.REVIEWED).select_related(
        "meeting"
    )
    return queryset.prefetch_related(Prefetch("events", queryset=reviews, to_attr="reviews"))
