"""Pure iCalendar builders: domain objects in, ``icalendar`` objects out (the views and the
e-mail code only serialise them).

- METHOD appears only in messages (REQUEST, CANCEL), never in feeds or downloads.
- Every TZID used gets a VTIMEZONE written here in the form Outlook reads correctly: one
  STANDARD and one DAYLIGHT sub-component with yearly RRULEs, derived from ``zoneinfo``
  (``icalendar``'s ``add_missing_timezones`` writes RDATE lists, which Outlook ignores and
  which stop at their date window).
- ORGANIZER is the product's reply mailbox (``settings.CALENDAR_REPLY_EMAIL``) with the
  facilitator's name as CN, so that iTIP replies reach the product.
- An invitation message names only its recipient as ATTENDEE (e-mail addresses of the other
  invitees are personal data); VALARM only in feeds.

``icalendar`` is imported inside the functions (it is heavy; start-up stays fast).
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import functools
import re
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from meetings import enums

PRODID = "-//Coordinator//Meetings and consultation rounds//EN"
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A reference year whose transitions define the yearly rules (Europe/Brussels has followed
# the EU rule, last Sunday of March and of October, since 1996).
RULE_REFERENCE_YEAR = 2026

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
    """Text for a property: control characters removed (escaping and folding are the
    library's job)."""
    return CONTROL_CHARACTERS.sub("", str(value or ""))


# --- VTIMEZONE ------------------------------------------------------------------------------


def _transitions(tz: ZoneInfo, year: int) -> list[tuple[dt.datetime, dt.timedelta, dt.timedelta]]:
    """The UTC instants in ``year`` where ``tz`` changes offset: (instant, before, after)."""
    found = []
    start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    hour = dt.timedelta(hours=1)
    previous = start.astimezone(tz).utcoffset()
    moment = start
    while moment.year == year:
        moment_next = moment + hour
        offset = moment_next.astimezone(tz).utcoffset()
        if offset != previous:
            # Transitions happen on a quarter hour at most; refine to the minute.
            probe = moment
            while probe.astimezone(tz).utcoffset() == previous:
                probe += dt.timedelta(minutes=1)
            found.append((probe, previous, offset))
            previous = offset
        moment = moment_next
    return found


def _nth_weekday_rule(local: dt.datetime) -> tuple[int, str]:
    """(ordinal, weekday code) of ``local``'s date in its month: -1 for the last one."""
    weekday = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][local.weekday()]
    days_in_month = pycalendar.monthrange(local.year, local.month)[1]
    if local.day + 7 > days_in_month:
        return -1, weekday
    return (local.day - 1) // 7 + 1, weekday


def _first_occurrence(year: int, month: int, ordinal: int, weekday: str) -> dt.date:
    index = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"].index(weekday)
    days = [
        dt.date(year, month, day)
        for day in range(1, pycalendar.monthrange(year, month)[1] + 1)
        if dt.date(year, month, day).weekday() == index
    ]
    return days[ordinal - 1] if ordinal > 0 else days[ordinal]


def vtimezone(tzid: str):
    """A VTIMEZONE for ``tzid`` with one STANDARD and one DAYLIGHT rule (yearly RRULEs)."""
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

    tz = ZoneInfo(tzid)
    component = Timezone()
    component.add("tzid", tzid)
    transitions = _transitions(tz, RULE_REFERENCE_YEAR)
    if not transitions:
        standard = TimezoneStandard()
        offset = dt.datetime(RULE_REFERENCE_YEAR, 1, 1, tzinfo=tz).utcoffset()
        standard.add("dtstart", dt.datetime(1970, 1, 1))
        standard.add("tzoffsetfrom", offset)
        standard.add("tzoffsetto", offset)
        standard.add("tzname", dt.datetime(RULE_REFERENCE_YEAR, 1, 1, tzinfo=tz).tzname())
        component.add_component(standard)
        return component
    for instant, before, after in transitions:
        local_before = (instant + before).replace(tzinfo=None)
        ordinal, weekday = _nth_weekday_rule(local_before)
        sub = TimezoneDaylight() if after > before else TimezoneStandard()
        first = _first_occurrence(1970, local_before.month, ordinal, weekday)
        sub.add("dtstart", dt.datetime.combine(first, local_before.time()))
        sub.add("tzoffsetfrom", before)
        sub.add("tzoffsetto", after)
        sub.add("tzname", instant.astimezone(tz).tzname())
        sub.add(
            "rrule",
            vRecur(freq="YEARLY", bymonth=local_before.month, byday=f"{ordinal}{weekday}"),
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
    """Agenda as it stands, the online link, the meeting page and the RSVP link (in the
    active language: callers override it with the recipient's)."""

    lines = []
    items = sorted(meeting.agenda_items.all(), key=lambda item: item.position)
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
    return clean_text("\n".join(lines))


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
) -> list:
    """The VEVENTs of one meeting: one, or for a series the master (RRULE, EXDATE) and one
    per moved occurrence (RECURRENCE-ID), all with the series' UID."""
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
        exdates = [
            _local(dt.datetime.fromisoformat(value), tz) for value in meeting.recurrence_exdates
        ]
        if exdates:
            master.add("exdate", exdates)
        for override in sorted(meeting.overrides.all(), key=lambda m: m.recurrence_id):
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
    """An iTIP message (RFC 5546) for one invitee: METHOD REQUEST (new or changed) or CANCEL
    (meeting cancelled or invitee removed). CANCEL carries STATUS:CANCELLED."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"Unsupported iTIP method {method!r}")
    cal = _calendar(method=method)
    cal.add_component(vtimezone(meeting.timezone))
    for event in _series_events(
        meeting,
        now=now,
        attendee=_attendee(invitation),
        rsvp_url=rsvp_url if method == "REQUEST" else "",
        force_status="CANCELLED" if method == "CANCEL" else None,
        sequence=sequence,
    ):
        cal.add_component(event)
    return cal


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


def feed_events(meeting, *, invitation=None, revised_at: dt.datetime) -> bytes:
    """The serialised VEVENTs of one meeting in a subscription feed (with its moved
    occurrences), as ``calendar_feed`` writes them. DTSTAMP is ``revised_at``, the last
    revision of what the events say (RFC 5545 3.8.7.2 for a calendar without METHOD), so
    the bytes stay the same until the meeting or the subscriber's answer changes."""
    offsets = [int(m) for m in (meeting.reminder_offsets or []) if int(m) > 0]
    events = _series_events(
        meeting,
        now=revised_at,
        attendee=_attendee(invitation) if invitation is not None else None,
        alarm_minutes=min(offsets) if offsets and meeting.status != "cancelled" else None,
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
