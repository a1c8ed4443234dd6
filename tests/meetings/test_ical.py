"""What ``meetings/ical.py`` produces, read back by independent parsers (vobject,
recurring-ical-events)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
import vobject
from django.utils import timezone

from meetings import enums
from meetings.formats import ical
from meetings.services import scheduling
from tests.factories import (
    AgendaItemFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.UTC)


def _text(cal) -> str:
    return cal.to_ical().decode("utf-8")


def _half_hours_to_check():
    """Every half hour of 2020–2040 (368,208 moments)."""
    moment = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(2041, 1, 1, tzinfo=dt.UTC)
    step = dt.timedelta(minutes=30)
    while moment < end:
        yield moment
        moment += step


def test_vtimezone_read_by_vobject_gives_zoneinfo_offsets_2020_to_2040():
    cal = ical._calendar()
    cal.add_component(ical.vtimezone("Europe/Brussels"))
    tzinfo = vobject.readOne(_text(cal)).vtimezone.gettzinfo()
    checked, mismatches = 0, []

    for moment in _half_hours_to_check():
        local = moment.astimezone(BRUSSELS)
        checked += 1
        # The wall time with its fold, read back through vobject's tzinfo.
        if local.replace(tzinfo=tzinfo).utcoffset() != local.utcoffset():
            mismatches.append(moment)

    assert mismatches == []
    assert checked == 368_208


def test_vtimezone_is_one_standard_and_one_daylight_with_yearly_rules():
    cal = ical._calendar()
    cal.add_component(ical.vtimezone("Europe/Brussels"))

    lines = _text(cal).splitlines()

    start = lines.index("BEGIN:VTIMEZONE")
    assert lines[start : lines.index("END:VTIMEZONE") + 1] == [
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Brussels",
        "BEGIN:DAYLIGHT",
        "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
        "TZNAME:CEST",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
        "TZNAME:CET",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
    assert "RDATE" not in _text(cal)


def _series():
    facilitator = UserFactory(first_name="Fiona", last_name="Facilitator")
    start = dt.datetime(2027, 3, 15, 9, 0, tzinfo=BRUSSELS)  # a Monday, before the March change
    return MeetingFactory(
        title="Weekly data group",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        recurrence_rule="FREQ=WEEKLY;COUNT=34",
        facilitator=facilitator,
    )


def test_recurring_meeting_keeps_local_time_across_march_and_october_changes():
    meeting = _series()
    cal = ical.calendar_download(meeting=meeting, now=NOW)

    parsed = recurring_ical_events.of(vobject_free(_text(cal))).between(
        dt.date(2027, 3, 1), dt.date(2027, 11, 30)
    )

    starts = [event["DTSTART"].dt for event in parsed]
    assert len(starts) == 34
    assert {(s.hour, s.minute) for s in starts} == {(9, 0)}
    utc_hours = sorted({s.astimezone(dt.UTC).hour for s in starts})
    assert utc_hours == [7, 8]  # 09:00 CEST is 07:00 UTC, 09:00 CET is 08:00 UTC
    by_date = {s.date(): s.astimezone(dt.UTC) for s in starts}
    assert by_date[dt.date(2027, 3, 22)] == dt.datetime(2027, 3, 22, 8, 0, tzinfo=dt.UTC)
    assert by_date[dt.date(2027, 3, 29)] == dt.datetime(2027, 3, 29, 7, 0, tzinfo=dt.UTC)
    assert by_date[dt.date(2027, 10, 25)] == dt.datetime(2027, 10, 25, 7, 0, tzinfo=dt.UTC)
    assert by_date[dt.date(2027, 11, 1)] == dt.datetime(2027, 11, 1, 8, 0, tzinfo=dt.UTC)


def vobject_free(text: str):
    """recurring-ical-events reads with icalendar; the text is the only thing shared."""
    import icalendar

    return icalendar.Calendar.from_ical(text)


def test_recurring_meeting_exceptions_read_back_by_recurring_ical_events():
    meeting = _series()
    cancelled = dt.datetime(2027, 3, 29, 9, 0, tzinfo=BRUSSELS)
    moved = dt.datetime(2027, 4, 5, 9, 0, tzinfo=BRUSSELS)
    with timezone.override(BRUSSELS):
        scheduling.occurrence_cancel(meeting=meeting, occurrence_start=cancelled, by=None)
        scheduling.occurrence_move(
            meeting=meeting,
            occurrence_start=moved,
            starts_at=dt.datetime(2027, 4, 6, 14, 0, tzinfo=BRUSSELS),
            ends_at=dt.datetime(2027, 4, 6, 16, 0, tzinfo=BRUSSELS),
            by=None,
        )
    meeting.refresh_from_db()

    cal = ical.calendar_download(meeting=meeting, now=NOW)
    parsed = recurring_ical_events.of(vobject_free(_text(cal))).between(
        dt.date(2027, 3, 20), dt.date(2027, 4, 15)
    )

    assert [event["DTSTART"].dt for event in parsed] == [
        dt.datetime(2027, 3, 22, 9, 0, tzinfo=BRUSSELS),
        dt.datetime(2027, 4, 6, 14, 0, tzinfo=BRUSSELS),
        dt.datetime(2027, 4, 12, 9, 0, tzinfo=BRUSSELS),
    ]
    parsed_v = vobject.readOne(_text(cal))
    assert [str(e.uid.value) for e in parsed_v.vevent_list] == [meeting.ical_uid] * 2
    assert parsed_v.vevent_list[1].recurrence_id.value == moved


def test_request_message_read_by_vobject_has_attendee_organizer_and_no_alarm(settings):
    settings.CALENDAR_REPLY_EMAIL = "rsvp@coordinator.example"
    facilitator = UserFactory(first_name="Fiona", last_name="Facilitator")
    meeting = MeetingFactory(
        title="Session\x07 one; with, commas",
        facilitator=facilitator,
        agenda_published_at=NOW,
        starts_at=dt.datetime(2027, 10, 31, 10, 0, tzinfo=BRUSSELS),
        ends_at=dt.datetime(2027, 10, 31, 12, 0, tzinfo=BRUSSELS),
    )
    AgendaItemFactory(meeting=meeting, position=2, title="Second")
    AgendaItemFactory(meeting=meeting, position=1, title="First")
    invitation = InvitationFactory(
        meeting=meeting,
        contact=ContactFactory(name="Anna Example", email="anna@example.org"),
        status=enums.InvitationStatus.ACCEPTED,
    )

    cal = ical.calendar_message(
        meeting=meeting, invitation=invitation, method="REQUEST", now=NOW, rsvp_url="https://x/r"
    )
    parsed = vobject.readOne(_text(cal))

    event = parsed.vevent
    assert parsed.method.value == "REQUEST"
    assert parsed.prodid.value == ical.PRODID
    assert event.summary.value == "Session one; with, commas"
    assert event.dtstart.value == dt.datetime(2027, 10, 31, 10, 0, tzinfo=BRUSSELS)
    assert event.dtstart.value.utcoffset() == dt.timedelta(hours=1)
    assert "DTSTART;TZID=Europe/Brussels:20271031T100000" in _text(cal).splitlines()
    assert event.organizer.value == "mailto:rsvp@coordinator.example"
    assert event.organizer.params["CN"] == ["Fiona Facilitator"]
    assert event.attendee.value == "mailto:anna@example.org"
    assert event.attendee.params["PARTSTAT"] == ["ACCEPTED"]
    assert event.attendee.params["RSVP"] == ["TRUE"]
    assert event.attendee.params["ROLE"] == ["REQ-PARTICIPANT"]
    assert event.sequence.value == "0"
    assert event.status.value == "TENTATIVE"
    assert event.description.value.splitlines() == [
        "Agenda:",
        "1. First",
        "2. Second",
        "",
        f"Meeting page: http://127.0.0.1:8000/meetings/{meeting.pk}/",
        "Your answer: https://x/r",
    ]
    assert "valarm" not in event.contents
    assert event.location.value == "Rue de la Loi 1, 1000 Bruxelles"


def test_download_and_feed_have_no_method_and_feed_has_alarm():
    meeting = MeetingFactory(reminder_offsets=[1440, 60])

    download = vobject.readOne(_text(ical.calendar_download(meeting=meeting, now=NOW)))
    feed = vobject.readOne(_text(ical.calendar_feed(meetings=[meeting], name="Mine", now=NOW)))

    assert "method" not in download.contents
    assert "method" not in feed.contents
    assert "valarm" not in download.vevent.contents
    assert feed.vevent.valarm.trigger.value == dt.timedelta(minutes=-60)


def test_online_meeting_has_url_and_no_address():
    meeting = MeetingFactory(
        format=enums.MeetingFormat.ONLINE, location="", online_url="https://meet.example/abc"
    )

    event = vobject.readOne(_text(ical.calendar_download(meeting=meeting, now=NOW))).vevent

    assert event.url.value == "https://meet.example/abc"
    assert event.location.value == "https://meet.example/abc"
