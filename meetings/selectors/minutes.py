"""Reads of minutes: the versions a user may read, attendance, and the document every page
and export shows, in a fixed number of queries whatever the length of the lists."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q

from coordination.models import Contact
from meetings import enums
from meetings.formats.documents import MinutesDocument, MinutesRow
from meetings.models import (
    ActionItem,
    Attendance,
    Decision,
    Meeting,
    Minutes,
    MinutesComment,
    MinutesNote,
)
from meetings.rules import VISIBLE_MINUTES_STATUSES, can_manage_meeting
from meetings.selectors.agendas import agenda_items, agenda_time_plan

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
    versions = Minutes.objects.filter(meeting=meeting).select_related(
        "approved_by__contact", "created_by__contact"
    )
    if not can_manage_meeting(user, meeting):
        versions = versions.filter(status__in=VISIBLE_MINUTES_STATUSES)
    return list(versions.order_by("-version"))


def minutes_for(*, meeting: Meeting, user, version: int | None = None) -> Minutes | None:
    versions = minutes_versions(meeting=meeting, user=user)
    if version is None:
        return versions[0] if versions else None
    return next((m for m in versions if m.version == version), None)


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
        for comment in MinutesComment.objects.filter(minutes=minutes).select_related(
            "author__contact"
        ):
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
