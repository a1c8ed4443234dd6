"""Reads of scheduling: the meetings a user may see or manage, conflicts with holidays and
other meetings, and the dates of a series."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from coordination.models import Contact
from coordination.rules import GROUP_LEADING_ROLES, is_team
from meetings import enums
from meetings.enums import InvitationStatus, MeetingStatus
from meetings.models import Invitation, Meeting
from meetings.recurrence import SeriesDate, occurrences
from meetings.recurrence import series_dates as series_dates_after
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


# The languages in which the ``holidays`` package names Belgian holidays.
HOLIDAY_LANGUAGES = {"fr": "fr", "nl": "nl", "de": "de", "en": "en_US"}


def holiday_language() -> str:
    """The holiday names' language for the active language (English otherwise)."""
    return HOLIDAY_LANGUAGES.get((get_language() or "en")[:2], "en_US")


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
    calendar = (
        holidays.country_holidays("BE", years=sorted(years), language=holiday_language())
        if years
        else {}
    )
    for moment in own:
        name = calendar.get(moment.astimezone(tz).date())
        if name:
            conflicts.append(
                Conflict(
                    kind="holiday",
                    when=moment,
                    message=_("%(date)s is a public holiday in Belgium (%(name)s).")
                    % {"date": date_format(moment.astimezone(tz).date(), "DATE_FORMAT"),
                       "name": name},
                )
            )  # fmt: skip
    contacts = Contact.objects.filter(
        (
            Q(invitations__meeting=meeting, invitations__status__in=BUSY_STATUSES)
            if meeting.pk
            else Q(pk__in=[])  # a meeting being planned has no invitees yet
        )
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


def series_dates(*, meeting: Meeting, limit: int = 8, now=None) -> list[SeriesDate]:
    """The next dates of a series, with cancelled and moved ones marked."""
    return series_dates_after(meeting, after=now or timezone.now(), limit=limit)
