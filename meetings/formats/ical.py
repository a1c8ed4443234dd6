"""Pure iCalendar builders: domain objects in, ``icalendar`` objects out (the views and the
e-mail code only serialise them).

- METHOD appears only in messages (REQUEST, CANCEL), never in feeds or downloads.
- Every TZID used gets a VTIMEZONE written here in the form Outlook reads correctly: one
  STANDARD and one DAYLIGHT sub-component with yearly RRULEs, derived from ``zoneinfo``
  (``icalendar``'s ``add_missing_timezones`` writes RDATE lists, which Outlook ignores and
  which stop at their date window); where a zone's rules changed within 2020–2040, explicit
  transitions for the years before its current rules (see ``vtimezone``).
- ORGANIZER is the product's reply mailbox (``settings.CALENDAR_REPLY_EMAIL``) with the
  facilitator's name as CN, and the ``From:`` of every message that carries a calendar is
  that same mailbox (``meetings.emails.calendar_from_email``), with ``Reply-To:`` the
  facilitator for answers in words. Why not ORGANIZER = the facilitator with SENT-BY = the
  mechanism: calendar clients send their iTIP REPLY to the ORGANIZER's address, not to
  SENT-BY, so answers would land in a facilitator's personal mailbox and never be applied;
  and a ``From:`` in the product's own domain keeps DMARC aligned. With From: = ORGANIZER,
  Outlook and Gmail show no "sent on behalf of" and no SENT-BY or Sender header is needed.
- An invitation message names only its recipient as ATTENDEE (e-mail addresses of the other
  invitees are personal data); VALARM only in feeds.

``icalendar`` is imported inside the functions (it is heavy; start-up stays fast).
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from meetings import enums
from meetings.recurrence import series_exceptions
from meetings.validators import multi_line, single_line

PRODID = "-//Coordinator//Meetings and consultation rounds//EN"

PARTSTAT = {
    enums.InvitationStatus.DRAFTED: "NEEDS-ACTION",
    enums.InvitationStatus.SENT: "NEEDS-ACTION",
    enums.InvitationStatus.WAITLISTED: "NEEDS-ACTION",
    enums.InvitationStatus.ACCEPTED: "ACCEPTED",
    enums.InvitationStatus.TENTATIVE: "TENTATIVE",
    enums.InvitationStatus.DECLINED: "DECLINED",
    enums.InvitationStatus.DELEGATED: "DELEGATED",
    enums.InvitationStatus.CANCELLED: "DECLINED",
}
STATUS = {
    enums.MeetingStatus.PLANNED: "TENTATIVE",
    enums.MeetingStatus.CONFIRMED: "CONFIRMED",
    enums.MeetingStatus.HELD: "CONFIRMED",
    enums.MeetingStatus.CANCELLED: "CANCELLED",
}


def clean_text(value: str) -> str:
    """Text for a one-line property or parameter (SUMMARY, LOCATION, CN): every control
    character removed, CR and LF included (escaping and folding are the library's job). The
    services already store such texts clean; this holds for whatever reaches the builder."""
    return single_line(value)


def clean_description(value: str) -> str:
    """Text for DESCRIPTION: line breaks kept as LF (the library writes them as ``\\n``), a
    bare CR made one, other control characters removed."""
    return multi_line(value)


# --- VTIMEZONE ------------------------------------------------------------------------------

# The years in which every VTIMEZONE written here gives exactly zoneinfo's offsets (checked
# hour by hour for every zone in the tests).
EXACT_FROM_YEAR = 2020
EXACT_UNTIL_YEAR = 2040
_WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
# Offsets are sampled this often to find the transitions; no zone changes twice within a
# week (Morocco's Ramadan break, the shortest, lasts about a month).
_SAMPLE_STEP = dt.timedelta(days=7)


@dataclass(frozen=True)
class _Transition:
    instant: dt.datetime  # UTC
    before: dt.timedelta
    after: dt.timedelta
    name: str


def _zone_transitions(tz: ZoneInfo, start: dt.datetime, end: dt.datetime) -> list[_Transition]:
    """The instants in [start, end) where ``tz`` changes offset, to the minute."""
    found = []
    moment = start
    previous = moment.astimezone(tz).utcoffset()
    while moment < end:
        following = min(moment + _SAMPLE_STEP, end)
        offset = following.astimezone(tz).utcoffset()
        if offset != previous:
            low, high = moment, following  # offset(low) == previous != offset(high)
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                middle = middle.replace(second=0, microsecond=0)
                if middle <= low:
                    middle = low + dt.timedelta(minutes=1)
                if middle.astimezone(tz).utcoffset() == previous:
                    low = middle
                else:
                    high = middle
            found.append(_Transition(high, previous, offset, high.astimezone(tz).tzname() or ""))
            previous = offset
        moment = following
    return found


def _year_start(year: int) -> dt.datetime:
    return dt.datetime(year, 1, 1, tzinfo=dt.UTC)


def _nth_weekday_rule(local: dt.datetime) -> tuple[int, str]:
    """(ordinal, weekday code) of ``local``'s date in its month: -1 for the last one."""
    weekday = _WEEKDAYS[local.weekday()]
    days_in_month = pycalendar.monthrange(local.year, local.month)[1]
    if local.day + 7 > days_in_month:
        return -1, weekday
    return (local.day - 1) // 7 + 1, weekday


def _first_occurrence(year: int, month: int, ordinal: int, weekday: str) -> dt.date:
    index = _WEEKDAYS.index(weekday)
    days = [
        dt.date(year, month, day)
        for day in range(1, pycalendar.monthrange(year, month)[1] + 1)
        if dt.date(year, month, day).weekday() == index
    ]
    return days[ordinal - 1] if ordinal > 0 else days[ordinal]


@dataclass(frozen=True)
class _YearlyRule:
    """A transition on the n-th (or last) weekday of a month, at a wall-clock time."""

    month: int
    ordinal: int
    weekday: str
    local_time: dt.time
    before: dt.timedelta
    after: dt.timedelta
    name: str

    def local_onset(self, year: int) -> dt.datetime:
        day = _first_occurrence(year, self.month, self.ordinal, self.weekday)
        return dt.datetime.combine(day, self.local_time)

    def instant(self, year: int) -> dt.datetime:
        return (self.local_onset(year) - self.before).replace(tzinfo=dt.UTC)


def _rules_of(transitions: list[_Transition]) -> list[_YearlyRule]:
    rules = []
    for transition in transitions:
        local = (transition.instant + transition.before).replace(tzinfo=None)
        ordinal, weekday = _nth_weekday_rule(local)
        rules.append(
            _YearlyRule(
                local.month,
                ordinal,
                weekday,
                local.time(),
                transition.before,
                transition.after,
                transition.name,
            )
        )
    return rules


def _rules_hold(rules: list[_YearlyRule], transitions: list[_Transition], year: int) -> bool:
    expected = sorted((rule.instant(year), rule.before, rule.after) for rule in rules)
    actual = [(t.instant, t.before, t.after) for t in transitions]
    return expected == actual


@functools.lru_cache(maxsize=64)
def _zone_plan(tzid: str):
    """(offset at the start, explicit transitions, yearly rules from year, yearly rules):
    the yearly rules are those of the last exact year, kept from the first year from which
    they hold until the end of the exact range; the years before are written as explicit
    transitions."""
    tz = ZoneInfo(tzid)
    by_year = {
        year: _zone_transitions(tz, _year_start(year), _year_start(year + 1))
        for year in range(EXACT_FROM_YEAR, EXACT_UNTIL_YEAR + 1)
    }
    rules = _rules_of(by_year[EXACT_UNTIL_YEAR])
    rules_from = EXACT_UNTIL_YEAR
    while rules_from > EXACT_FROM_YEAR and _rules_hold(
        rules, by_year[rules_from - 1], rules_from - 1
    ):
        rules_from -= 1
    explicit = [t for year in range(EXACT_FROM_YEAR, rules_from) for t in by_year[year]]
    initial = _year_start(EXACT_FROM_YEAR).astimezone(tz)
    return initial.utcoffset(), initial.tzname() or "", tuple(explicit), rules_from, tuple(rules)


def vtimezone(tzid: str):
    """A VTIMEZONE for ``tzid`` that gives zoneinfo's offsets for every moment of
    EXACT_FROM_YEAR–EXACT_UNTIL_YEAR. Where one rule per change holds for the whole range
    (the EU, the US, most zones): one STANDARD and one DAYLIGHT sub-component with yearly
    RRULEs, the form Outlook reads. Where the rules changed in the range (a zone that
    dropped daylight saving time, moved its dates or follows Ramadan): the changes before the
    current rules as explicit sub-components, one per transition (no RDATE lists, which
    Outlook ignores), then the current rules."""
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

    initial_offset, initial_name, explicit, rules_from, rules = _zone_plan(tzid)
    component = Timezone()
    component.add("tzid", tzid)
    if explicit or not rules or rules_from > EXACT_FROM_YEAR:
        standard = TimezoneStandard()
        standard.add("dtstart", dt.datetime(1970, 1, 1))
        standard.add("tzoffsetfrom", initial_offset)
        standard.add("tzoffsetto", initial_offset)
        standard.add("tzname", initial_name)
        component.add_component(standard)
    for transition in explicit:
        sub = TimezoneDaylight() if transition.after > transition.before else TimezoneStandard()
        sub.add("dtstart", (transition.instant + transition.before).replace(tzinfo=None))
        sub.add("tzoffsetfrom", transition.before)
        sub.add("tzoffsetto", transition.after)
        sub.add("tzname", transition.name)
        component.add_component(sub)
    first_year = 1970 if rules_from == EXACT_FROM_YEAR else rules_from
    for rule in rules:
        sub = TimezoneDaylight() if rule.after > rule.before else TimezoneStandard()
        sub.add("dtstart", rule.local_onset(first_year))
        sub.add("tzoffsetfrom", rule.before)
        sub.add("tzoffsetto", rule.after)
        sub.add("tzname", rule.name)
        sub.add(
            "rrule",
            vRecur(freq="YEARLY", bymonth=rule.month, byday=f"{rule.ordinal}{rule.weekday}"),
        )
        component.add_component(sub)
    return component


# --- Events ---------------------------------------------------------------------------------


def _calendar(*, method: str | None = None):
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    return cal


def _organizer(meeting):
    from icalendar import vCalAddress

    organizer = vCalAddress(f"mailto:{settings.CALENDAR_REPLY_EMAIL}")
    facilitator = meeting.facilitator
    name = (facilitator.get_full_name() or facilitator.get_username()) if facilitator else ""
    organizer.params["CN"] = clean_text(name or "Coordinator")
    return organizer


def _attendee(invitation):
    from icalendar import vCalAddress

    attendee = vCalAddress(f"mailto:{invitation.contact.email}")
    attendee.params["CN"] = clean_text(invitation.contact.name)
    attendee.params["CUTYPE"] = "INDIVIDUAL"
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = PARTSTAT.get(invitation.status, "NEEDS-ACTION")
    attendee.params["RSVP"] = "TRUE"
    return attendee


def meeting_description(meeting, *, rsvp_url: str = "") -> str:
    """The published agenda as it stands (none while unpublished), the online link, the
    meeting page and the RSVP link (in the active language: callers override it with the
    recipient's)."""

    lines = []
    # A draft agenda is the facilitators' own: only a published one leaves their pages.
    items = (
        sorted(meeting.agenda_items.all(), key=lambda item: item.position)
        if meeting.agenda_published_at
        else []
    )
    if items:
        lines.append(_("Agenda:"))
        lines.extend(f"{item.position}. {item.title}" for item in items)
        lines.append("")
    if meeting.online_url:
        lines.append(_("Online: %(url)s") % {"url": meeting.online_url})
    page = f"{settings.SITE_URL}{reverse('meeting-detail', args=[meeting.pk])}"
    lines.append(_("Meeting page: %(url)s") % {"url": page})
    if rsvp_url:
        lines.append(_("Your answer: %(url)s") % {"url": rsvp_url})
    return clean_description("\n".join(lines))


def _local(moment: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    return moment.astimezone(tz)


def _event(
    meeting,
    *,
    tz: ZoneInfo,
    uid: str,
    sequence: int,
    now: dt.datetime,
    status: str,
    attendee=None,
    rsvp_url: str = "",
    alarm_minutes: int | None = None,
):
    from icalendar import Alarm, Event

    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("dtstart", _local(meeting.starts_at, tz))
    event.add("dtend", _local(meeting.ends_at, tz))
    event.add("summary", clean_text(meeting.title))
    event.add("description", meeting_description(meeting, rsvp_url=rsvp_url))
    if meeting.location and meeting.format != enums.MeetingFormat.ONLINE:
        event.add("location", clean_text(meeting.location))
    if meeting.online_url and meeting.format != enums.MeetingFormat.IN_PERSON:
        event.add("url", meeting.online_url)
        if meeting.format == enums.MeetingFormat.ONLINE:
            event.add("location", clean_text(meeting.online_url))
    event.add("status", status)
    event.add("organizer", _organizer(meeting))
    if attendee is not None:
        event.add("attendee", attendee)
    if meeting.updated_at:
        event.add("last-modified", meeting.updated_at.astimezone(dt.UTC))
    if alarm_minutes:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", clean_text(meeting.title))
        alarm.add("trigger", dt.timedelta(minutes=-alarm_minutes))
        event.add_component(alarm)
    return event


def _series_events(
    meeting,
    *,
    now: dt.datetime,
    attendee=None,
    rsvp_url: str = "",
    alarm_minutes: int | None = None,
    force_status: str | None = None,
    sequence: int | None = None,
    left_out=(),
) -> list:
    """The VEVENTs of one meeting: one, or for a series the master (RRULE, EXDATE) and one
    per date that differs from the rule (RECURRENCE-ID), all with the series' UID. A date
    that is a meeting of its own but changed nothing of the series is no event of its own.
    ``left_out``: original starts of further dates to leave out (EXDATE, no event)."""
    from icalendar import vRecur

    tz = ZoneInfo(meeting.timezone)
    sequence = meeting.sequence if sequence is None else sequence
    status = force_status or STATUS[meeting.status]
    master = _event(
        meeting,
        tz=tz,
        uid=meeting.ical_uid,
        sequence=sequence,
        now=now,
        status=status,
        attendee=attendee,
        rsvp_url=rsvp_url,
        alarm_minutes=alarm_minutes,
    )
    events = [master]
    if meeting.recurrence_rule:
        master.add("rrule", vRecur.from_ical(meeting.recurrence_rule))
        cancelled = {dt.datetime.fromisoformat(value) for value in meeting.recurrence_exdates}
        left_out = set(left_out)
        exdates = [_local(moment, tz) for moment in sorted(cancelled | left_out)]
        if exdates:
            master.add("exdate", exdates)
        for override in series_exceptions(meeting):
            if override.recurrence_id in left_out:
                continue
            event = _event(
                override,
                tz=tz,
                uid=meeting.ical_uid,
                sequence=sequence,
                now=now,
                status=force_status or STATUS[override.status],
                attendee=attendee,
                rsvp_url=rsvp_url,
                alarm_minutes=alarm_minutes,
            )
            event.add("recurrence-id", _local(override.recurrence_id, tz))
            events.append(event)
    return events


def calendar_message(
    *, meeting, invitation, method: str, now: dt.datetime, rsvp_url: str = "", sequence=None
):
    """An iTIP message (RFC 5546) for one invitee: METHOD REQUEST (new or changed), CANCEL
    (meeting cancelled or invitee removed; it carries STATUS:CANCELLED) or DECLINECOUNTER
    (the time the invitee proposed was declined; the event as it stands)."""
    if method not in ("REQUEST", "CANCEL", "DECLINECOUNTER"):
        raise ValueError(f"Unsupported iTIP method {method!r}")
    cal = _calendar(method=method)
    cal.add_component(vtimezone(meeting.timezone))
    waitlisted = method == "REQUEST" and invitation.status == enums.InvitationStatus.WAITLISTED
    for event in _series_events(
        meeting,
        now=now,
        attendee=_attendee(invitation),
        rsvp_url=rsvp_url if method == "REQUEST" else "",
        force_status="CANCELLED" if method == "CANCEL" else None,
        sequence=sequence,
    ):
        if waitlisted:
            _mark_waitlisted(event)
        cal.add_component(event)
    return cal


def _mark_waitlisted(event) -> None:
    """An entry for someone on the waitlist: the title and the first line of the
    description say so, and the time is not shown as busy."""
    title = str(event["SUMMARY"])
    description = str(event.get("DESCRIPTION", ""))
    del event["SUMMARY"]
    del event["DESCRIPTION"]
    event.add("summary", clean_text(_("On the waitlist: %(title)s") % {"title": title}))
    notice = _(
        "The meeting is full: you are on the waitlist. You will receive a message if a seat "
        "becomes free."
    )
    event.add("description", clean_description(f"{notice}\n\n{description}"))
    event.add("transp", "TRANSPARENT")


def calendar_download(*, meeting, now: dt.datetime, invitation=None):
    """One meeting as a file to import (no METHOD)."""
    cal = _calendar()
    cal.add_component(vtimezone(meeting.timezone))
    attendee = _attendee(invitation) if invitation is not None else None
    for event in _series_events(meeting, now=now, attendee=attendee):
        cal.add_component(event)
    return cal


def calendar_feed(*, meetings: Iterable, name: str, now: dt.datetime, invitations_by_meeting=None):
    """A subscription feed (no METHOD; a VALARM per event from the meeting's shortest
    reminder). ``invitations_by_meeting`` maps meeting id → the subscriber's invitation."""
    invitations_by_meeting = invitations_by_meeting or {}
    cal = _calendar()
    cal.add("x-wr-calname", clean_text(name))
    meetings = list(meetings)
    for tzid in sorted({meeting.timezone for meeting in meetings}):
        cal.add_component(vtimezone(tzid))
    for meeting in meetings:
        invitation = invitations_by_meeting.get(meeting.pk)
        offsets = [int(m) for m in (meeting.reminder_offsets or []) if int(m) > 0]
        for event in _series_events(
            meeting,
            now=now,
            attendee=_attendee(invitation) if invitation is not None else None,
            alarm_minutes=min(offsets) if offsets and meeting.status != "cancelled" else None,
        ):
            cal.add_component(event)
    return cal


# --- Feeds assembled from cached events -----------------------------------------------------


@functools.lru_cache(maxsize=64)
def _vtimezone_bytes(tzid: str) -> bytes:
    return vtimezone(tzid).to_ical()


def feed_events(meeting, *, invitation=None, revised_at: dt.datetime, left_out=()) -> bytes:
    """The serialised VEVENTs of one meeting in a subscription feed (with its moved
    occurrences), as ``calendar_feed`` writes them. DTSTAMP is ``revised_at``, the last
    revision of what the events say (RFC 5545 3.8.7.2 for a calendar without METHOD), so
    the bytes stay the same until the meeting or the subscriber's answer changes.
    ``left_out``: original starts of dates of a series this feed leaves out (EXDATE), such
    as the dates a subscriber declined on their own."""
    offsets = [int(m) for m in (meeting.reminder_offsets or []) if int(m) > 0]
    events = _series_events(
        meeting,
        now=revised_at,
        attendee=_attendee(invitation) if invitation is not None else None,
        alarm_minutes=min(offsets) if offsets and meeting.status != "cancelled" else None,
        left_out=left_out,
    )
    return b"".join(event.to_ical() for event in events)


def feed_document(*, name: str, tzids: Iterable[str], events: Iterable[bytes]) -> bytes:
    """A subscription feed from serialised VEVENTs (``feed_events``): the calendar's
    properties, one VTIMEZONE per zone used, the events."""
    cal = _calendar()
    cal.add("x-wr-calname", clean_text(name))
    head = cal.to_ical()
    end = b"END:VCALENDAR\r\n"
    if not head.endswith(end):
        raise ValueError("Unexpected serialisation of a calendar")
    parts = [head[: -len(end)]]
    parts += [_vtimezone_bytes(tzid) for tzid in tzids]
    parts += list(events)
    parts.append(end)
    return b"".join(parts)
