"""Reads of scheduling: the meetings a user may see or manage, conflicts with holidays and
other meetings, and the dates of a series."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from coordination import dates
from coordination.models import ConsultationRound, Contact, Membership
from coordination.rules import GROUP_LEADING_ROLES, is_team
from meetings import enums
from meetings.enums import InvitationStatus, MeetingStatus
from meetings.models import Invitation, Meeting, TimeProposal
from meetings.recurrence import SeriesDate, occurrences, series_originals
from meetings.recurrence import series_dates as series_dates_after
from meetings.rules import VISIBLE_INVITATION_STATUSES
from meetings.selectors.polls import time_poll_open_of_meeting


def meetings_visible_to(*, user) -> QuerySet[Meeting]:
    """Every meeting ``user`` may open: the team all; facilitators those of their groups and
    rounds; participants those they were invited to or whose group they belong to."""
    meetings = Meeting.objects.select_related("working_group", "consultation_round")
    if is_team(user):
        return meetings
    if not user.is_authenticated:
        return meetings.none()
    return meetings.filter(meetings_visible_q(user=user))


def meetings_visible_q(*, user) -> Q:
    """The condition of ``meetings_visible_to`` for a signed-in user who is not in the team:
    three uncorrelated subqueries over indexed columns (each read once by the database),
    never an OR across multi-valued joins (which multiplies the meetings by every membership
    and invitation of their groups)."""
    rounds = ConsultationRound.objects.filter(facilitators=user).values("pk")
    groups = Membership.objects.filter(contact__user=user, until__isnull=True).values("group_id")
    invited = Invitation.objects.filter(
        contact__user=user, status__in=VISIBLE_INVITATION_STATUSES
    ).values("meeting_id")
    return (
        Q(consultation_round_id__in=rounds)
        | Q(working_group_id__in=groups)
        | Q(pk__in=invited)
        | Q(recurrence_parent_id__in=invited)  # the dates of a series one is invited to
    )


def meetings_managed_by(*, user) -> QuerySet[Meeting]:
    meetings = Meeting.objects.select_related("working_group", "consultation_round")
    if is_team(user):
        return meetings
    rounds = ConsultationRound.objects.filter(facilitators=user).values("pk")
    groups = Membership.objects.filter(
        contact__user=user, role__in=GROUP_LEADING_ROLES, until__isnull=True
    ).values("group_id")
    return meetings.filter(Q(consultation_round_id__in=rounds) | Q(working_group_id__in=groups))


def my_upcoming_meetings(*, user, limit: int = 10) -> list[Meeting]:
    """The next meetings and series (a series once, by its first date; the meeting list
    shows each of its dates), with what the home page shows of them: title, start and
    format, and whether its time is still being found by a poll."""
    return list(
        meetings_visible_to(user=user)
        .filter(ends_at__gte=timezone.now(), recurrence_parent__isnull=True)
        .exclude(status=enums.MeetingStatus.CANCELLED)
        .select_related(None)
        .only("title", "starts_at", "format")
        .annotate(time_poll_open=time_poll_open_of_meeting())
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
                    % {"date": dates.medium_date(moment.astimezone(tz).date()),
                       "name": name},
                )
            )  # fmt: skip
    conflicts += _round_sessions_at_the_same_time(meeting, own, duration)
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
        .prefetch_related("occurrences")
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


def _round_sessions_at_the_same_time(
    meeting: Meeting, own: list[dt.datetime], duration: dt.timedelta
) -> list[Conflict]:
    """A round's sessions share its facilitators: another session of the round at the same
    time double-books them, invitees or not (a session being planned has none yet)."""
    if not meeting.consultation_round_id or not own:
        return []
    others = (
        Meeting.objects.filter(
            consultation_round_id=meeting.consultation_round_id,
            starts_at__lt=max(own) + duration,
            ends_at__gt=min(own),
        )
        .exclude(pk=meeting.pk)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at", "pk")
    )
    conflicts = []
    for other in others:
        for mine in own:
            if other.starts_at < mine + duration and mine < other.ends_at:
                conflicts.append(
                    Conflict(
                        kind="double_booked",
                        when=mine,
                        message=_(
                            "The session “%(other)s” of this round takes place at that time: "
                            "its facilitators would be expected at both."
                        )
                        % {"other": other.title},
                    )
                )
                break
    return conflicts


def series_dates(*, meeting: Meeting, limit: int = 8, now=None) -> list[SeriesDate]:
    """The next dates of a series, with cancelled and moved ones marked."""
    return series_dates_after(meeting, after=now or timezone.now(), limit=limit)


def time_proposals_open(*, meeting: Meeting) -> QuerySet[TimeProposal]:
    """The other times invitees proposed from their calendars, not yet answered."""
    return (
        TimeProposal.objects.filter(
            invitation__meeting=meeting, status=enums.TimeProposalStatus.OPEN
        )
        .select_related("invitation__contact__organisation")
        .order_by("starts_at", "proposed_at", "id")
    )


@dataclass
class UpcomingDate:
    """One date in the list of what is coming up: a single meeting, or one date of a series
    (``occurrence`` once that date is a meeting of its own; ``moved`` when it has its own
    time; ``original`` its start in the series' rule)."""

    meeting: Meeting
    starts_at: dt.datetime
    ends_at: dt.datetime
    moved: bool = False
    occurrence: Meeting | None = None
    original: dt.datetime | None = None

    @property
    def title(self) -> str:
        return (self.occurrence or self.meeting).title


# What the coming dates read of each meeting (their rows and a series' dates), and of each
# date of a series that is a meeting of its own.
UPCOMING_FIELDS = (
    "title", "starts_at", "ends_at", "status", "format", "timezone", "recurrence_rule",
    "recurrence_exdates", "working_group__name", "consultation_round__title",
)  # fmt: skip
UPCOMING_OCCURRENCE_FIELDS = (
    "title", "starts_at", "ends_at", "status", "recurrence_parent_id", "recurrence_id",
)  # fmt: skip


@dataclass
class ComingDates:
    """The dates coming up: the first ones (``dates``, by time) and how many there are in
    all (``total``), so that a list can show a few and say how many more there are."""

    dates: list[UpcomingDate]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.dates)


def upcoming_dates(
    *, user, now: dt.datetime | None = None, days: int = 92, limit: int | None = None
) -> ComingDates:
    """Every date of the meetings ``user`` may see in the next ``days`` days, each date of a
    series on its own (cancelled dates left out, moved ones at their new time, each with its
    meeting once it is one), by time: the first ``limit`` of them (all without one) and
    their number.

    Three queries whatever the number of meetings: the candidates' starts (plain tuples),
    the rows of the meetings shown and of the series, and the series' own dates. Only the
    first ``limit`` single meetings are read as rows: a later one cannot be among the first
    dates."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(days=days)
    candidates = (
        meetings_visible_to(user=user)
        .filter(recurrence_parent__isnull=True)
        .exclude(status=MeetingStatus.CANCELLED)
        .exclude(time_poll_open_of_meeting())  # no date yet: a poll is finding it
        .filter(Q(starts_at__gte=now, starts_at__lt=horizon) | ~Q(recurrence_rule=""))
        .filter(starts_at__lt=horizon)
        .select_related(None)
        .order_by("starts_at", "pk")
        .values_list("pk", "recurrence_rule")
    )
    singles, series_ids = [], []
    for pk, rule in candidates:
        (series_ids if rule else singles).append(pk)
    shown = singles if limit is None else singles[:limit]
    if not shown and not series_ids:
        return ComingDates([], 0)
    meetings = (
        Meeting.objects.filter(pk__in=[*shown, *series_ids])
        .select_related("working_group", "consultation_round")
        .only(*UPCOMING_FIELDS)
    )
    # The series' own dates in one query, only when the window holds a series (a prefetch
    # would build a related manager per meeting of the list). A day either side: a date
    # moved into the window from just outside it.
    occurrences: dict[int, dict[dt.datetime, Meeting]] = {pk: {} for pk in series_ids}
    if series_ids:
        dated = Meeting.objects.filter(
            recurrence_parent_id__in=series_ids,
            recurrence_id__gte=now - dt.timedelta(days=1),
            recurrence_id__lt=horizon + dt.timedelta(days=1),
        ).only(*UPCOMING_OCCURRENCE_FIELDS)
        for occurrence in dated:
            occurrences[occurrence.recurrence_parent_id][occurrence.recurrence_id] = occurrence
    dates = []
    for meeting in meetings:
        if not meeting.recurrence_rule:
            dates.append(UpcomingDate(meeting, meeting.starts_at, meeting.ends_at))
        else:
            dates += _series_dates_within(meeting, occurrences[meeting.pk], now, horizon)
    dates.sort(key=lambda date: (date.starts_at, date.meeting.pk))
    total = len(dates) + len(singles) - len(shown)
    return ComingDates(dates if limit is None else dates[:limit], total)


def _series_dates_within(
    series: Meeting,
    by_original: dict[dt.datetime, Meeting],
    now: dt.datetime,
    horizon: dt.datetime,
) -> list[UpcomingDate]:
    """The dates of ``series`` from ``now`` to ``horizon`` (``by_original``: its dates that
    are meetings of their own, by their start in the rule)."""
    length = series.ends_at - series.starts_at
    originals = series_originals(
        series, start=now - dt.timedelta(days=1), end=horizon + dt.timedelta(days=1)
    )
    dates = []
    for original in originals:
        occurrence = by_original.get(original)
        if occurrence is not None and occurrence.status == MeetingStatus.CANCELLED:
            continue
        if occurrence is None:
            starts_at, ends_at = original, original + length
        else:
            starts_at, ends_at = occurrence.starts_at, occurrence.ends_at
        if not now <= starts_at < horizon:
            continue
        dates.append(
            UpcomingDate(
                series,
                starts_at,
                ends_at,
                moved=occurrence is not None and starts_at != original,
                occurrence=occurrence,
                original=original,
            )
        )
    return dates


def occurrence_answer_counts(*, occurrence: Meeting) -> dict[str, int]:
    """How the invitees answered for one date of a series: their answer to that date where
    they gave one, otherwise their answer to the series (two queries)."""
    answers = dict(
        Invitation.objects.filter(meeting_id=occurrence.recurrence_parent_id)
        .exclude(status__in=[InvitationStatus.DRAFTED, InvitationStatus.CANCELLED])
        .values_list("contact_id", "status")
    )
    answers.update(
        Invitation.objects.filter(
            meeting=occurrence, contact_id__in=list(answers), answered_at__isnull=False
        ).values_list("contact_id", "status")
    )
    statuses = list(answers.values())
    return {
        "accepted": statuses.count(InvitationStatus.ACCEPTED),
        "tentative": statuses.count(InvitationStatus.TENTATIVE),
        "declined": statuses.count(InvitationStatus.DECLINED),
        "no_answer": statuses.count(InvitationStatus.SENT),
        "waitlisted": statuses.count(InvitationStatus.WAITLISTED),
    }


def occurrence_invitations_of(*, occurrence: Meeting, user) -> tuple:
    """``user``'s invitation to the series of ``occurrence`` and their own answer to that
    date (``None`` when they did not answer it on its own); ``(None, None)`` when not
    invited."""
    mine = {
        invitation.meeting_id: invitation
        for invitation in Invitation.objects.filter(
            Q(meeting_id=occurrence.recurrence_parent_id)
            | Q(meeting_id=occurrence.pk, answered_at__isnull=False),
            contact__user=user,
            status__in=VISIBLE_INVITATION_STATUSES,
        ).select_related("contact")
    }
    return mine.get(occurrence.recurrence_parent_id), mine.get(occurrence.pk)


@dataclass
class AnsweredDate:
    """One coming date of a series with an invitee's answer for it (``own``: given for that
    date, otherwise their answer to the series)."""

    date: SeriesDate
    status: str
    own: bool

    @property
    def label(self) -> str:
        return str(InvitationStatus(self.status).label)


def series_dates_answered(
    *, invitation: Invitation, limit: int = 8, now=None
) -> list[AnsweredDate]:
    """The next dates of the series ``invitation`` is to, each with the invitee's answer
    for it (two queries); nothing for a single meeting."""
    meeting = invitation.meeting
    if not meeting.recurrence_rule:
        return []
    dates = [
        date
        for date in series_dates_after(meeting, after=now or timezone.now(), limit=limit)
        if date.state != "cancelled"
    ]
    own = dict(
        Invitation.objects.filter(
            meeting__recurrence_parent=meeting,
            contact_id=invitation.contact_id,
            answered_at__isnull=False,
        ).values_list("meeting__recurrence_id", "status")
    )
    return [
        AnsweredDate(date, own.get(date.original, invitation.status), date.original in own)
        for date in dates
    ]
