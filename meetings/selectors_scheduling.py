"""Reads for scheduling, invitations and calendars: conflicts, the facilitator's session
overview, a user's invitations and the meetings of calendar feeds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination.models import Contact
from meetings import enums
from meetings.enums import InvitationStatus, MeetingStatus
from meetings.models import Invitation, Meeting, OutboundMessage
from meetings.services.scheduling import occurrences

CONFLICT_HORIZON = dt.timedelta(days=366)
BUSY_STATUSES = (
    InvitationStatus.DRAFTED,
    InvitationStatus.SENT,
    InvitationStatus.ACCEPTED,
    InvitationStatus.TENTATIVE,
)


@dataclass
class Conflict:
    kind: str  # "holiday" or "double_booked"
    when: dt.datetime
    message: str


def _window(meeting: Meeting) -> tuple[dt.datetime, dt.datetime]:
    start = meeting.starts_at
    return start, start + (CONFLICT_HORIZON if meeting.recurrence_rule else dt.timedelta(days=1))


def meeting_conflicts(*, meeting: Meeting) -> list[Conflict]:
    """Belgian public holidays on which the meeting (or an occurrence) falls, and
    participants invited to another meeting at the same time."""
    import holidays

    tz = ZoneInfo(meeting.timezone)
    start, end = _window(meeting)
    duration = meeting.ends_at - meeting.starts_at
    own = occurrences(meeting, start=start, end=end)
    conflicts: list[Conflict] = []
    years = {moment.astimezone(tz).year for moment in own}
    calendar = holidays.country_holidays("BE", years=sorted(years)) if years else {}
    for moment in own:
        name = calendar.get(moment.astimezone(tz).date())
        if name:
            conflicts.append(
                Conflict(
                    kind="holiday",
                    when=moment,
                    message=_("%(date)s is a public holiday in Belgium (%(name)s).")
                    % {"date": moment.astimezone(tz).date().isoformat(), "name": name},
                )
            )
    contacts = Contact.objects.filter(
        Q(invitations__meeting=meeting, invitations__status__in=BUSY_STATUSES)
        | (
            Q(memberships__group_id=meeting.working_group_id, memberships__until__isnull=True)
            if meeting.working_group_id
            else Q(pk__in=[])
        )
    ).distinct()
    contact_names = dict(contacts.values_list("pk", "name"))
    if not contact_names or not own:
        return conflicts
    others = (
        Meeting.objects.filter(
            invitations__contact_id__in=contact_names,
            invitations__status__in=BUSY_STATUSES,
            recurrence_parent__isnull=True,
            starts_at__lt=end,
        )
        .exclude(pk=meeting.pk)
        .exclude(status=MeetingStatus.CANCELLED)
        .distinct()
        .prefetch_related("overrides")
    )
    others = list(others)
    busy_by_meeting: dict[int, set[int]] = {}
    for meeting_id, contact_id in Invitation.objects.filter(
        meeting__in=others, contact_id__in=contact_names, status__in=BUSY_STATUSES
    ).values_list("meeting_id", "contact_id"):
        busy_by_meeting.setdefault(meeting_id, set()).add(contact_id)
    for other in others:
        busy = busy_by_meeting.get(other.pk, set())
        other_duration = other.ends_at - other.starts_at
        for theirs in occurrences(other, start=start - other_duration, end=end):
            for mine in own:
                if theirs < mine + duration and mine < theirs + other_duration:
                    for contact_id in sorted(busy):
                        conflicts.append(
                            Conflict(
                                kind="double_booked",
                                when=mine,
                                message=_("%(name)s is also invited to “%(other)s” at that time.")
                                % {"name": contact_names[contact_id], "other": other.title},
                            )
                        )
    return conflicts


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
    return {
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


@dataclass
class SeriesDate:
    original: dt.datetime
    starts_at: dt.datetime
    state: str  # "planned", "moved", "cancelled"


def series_dates(*, meeting: Meeting, limit: int = 8, now=None) -> list[SeriesDate]:
    """The next dates of a series, with cancelled and moved ones marked."""
    if not meeting.recurrence_rule:
        return []
    from dateutil.rrule import rrulestr

    now = now or timezone.now()
    tz = ZoneInfo(meeting.timezone)
    local_start = meeting.starts_at.astimezone(tz).replace(tzinfo=None)
    rule = rrulestr(meeting.recurrence_rule, dtstart=local_start, ignoretz=True)
    cancelled = {dt.datetime.fromisoformat(v) for v in meeting.recurrence_exdates}
    moved = {o.recurrence_id: o for o in meeting.overrides.all()}
    found = []
    after = max(now, meeting.starts_at).astimezone(tz).replace(tzinfo=None)
    local = rule.after(after - dt.timedelta(seconds=1), inc=True)
    while local is not None and len(found) < limit:
        original = local.replace(tzinfo=tz)
        if original in cancelled:
            found.append(SeriesDate(original, original, "cancelled"))
        elif original in moved:
            found.append(SeriesDate(original, moved[original].starts_at, "moved"))
        else:
            found.append(SeriesDate(original, original, "planned"))
        local = rule.after(local)
    return found
