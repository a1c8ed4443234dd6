"""Reads of calendar feeds: the meetings of a user's and of a group's feed."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from meetings.enums import InvitationStatus, MeetingStatus
from meetings.models import Invitation, Meeting

FEED_CANCELLED_DAYS = 30


def feed_meetings_for_user(*, user, now: dt.datetime | None = None) -> tuple[list, dict]:
    """A user's personal feed: meetings they accepted or tentatively accepted, and those
    cancelled in the last 30 days (as CANCELLED). Returns (meetings, invitation by meeting)."""
    now = now or timezone.now()
    invitations = (
        Invitation.objects.filter(contact__user=user, meeting__recurrence_parent__isnull=True)
        .filter(
            Q(
                status__in=[InvitationStatus.ACCEPTED, InvitationStatus.TENTATIVE],
                meeting__status__in=[
                    MeetingStatus.PLANNED,
                    MeetingStatus.CONFIRMED,
                    MeetingStatus.HELD,
                ],
            )
            | Q(
                meeting__status=MeetingStatus.CANCELLED,
                meeting__updated_at__gte=now - dt.timedelta(days=FEED_CANCELLED_DAYS),
                status__in=[
                    InvitationStatus.ACCEPTED,
                    InvitationStatus.TENTATIVE,
                    InvitationStatus.SENT,
                ],
            )
        )
        .select_related("meeting__facilitator", "contact")
        .prefetch_related("meeting__agenda_items", "meeting__overrides__agenda_items")
        .order_by("meeting__starts_at")
    )
    by_meeting = {invitation.meeting_id: invitation for invitation in invitations}
    return [invitation.meeting for invitation in by_meeting.values()], by_meeting


def feed_meetings_for_group(*, group) -> list[Meeting]:
    return list(
        Meeting.objects.filter(working_group=group, recurrence_parent__isnull=True)
        .select_related("facilitator")
        .prefetch_related("agenda_items", "overrides__agenda_items")
        .order_by("starts_at")
    )


def feed_last_modified(meetings, invitations=()) -> dt.datetime | None:
    stamps = [m.updated_at for m in meetings] + [i.updated_at for i in invitations]
    stamps += [o.updated_at for m in meetings for o in m.overrides.all()]
    return max(stamps) if stamps else None
