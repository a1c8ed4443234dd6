"""Every VTIMEZONE the app can write gives zoneinfo's offset at every hour of 2020–2040, for
every zone a meeting can be set in (any IANA zone the server knows), read back by an
independent reader: the sub-components are parsed by icalendar and their onsets expanded by
dateutil's RRULE engine, as RFC 5545 defines them."""

import datetime as dt
import zoneinfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar

from meetings.formats import ical

START = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
END = dt.datetime(2041, 1, 1, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
HOURS = int((END - START) / HOUR)  # 184,080 hours


def _hour_index(instant: dt.datetime) -> int:
    """The first hour of the grid at or after ``instant``."""
    return -int(-((instant - START) / HOUR) // 1)


def _steps(initial, changes) -> tuple:
    """A step function on the hour grid: the offset at the first hour, then (hour, offset)
    wherever it changes. Two functions with equal steps agree at every one of the hours."""
    steps, current = [], initial
    for hour, offset in changes:
        if hour >= HOURS:
            break
        if steps and steps[-1][0] == hour:
            steps.pop()
            current = steps[-1][1] if steps else initial
        if offset != current:
            steps.append((hour, offset))
            current = offset
    return initial, tuple(steps)


def zoneinfo_steps(tzid: str) -> tuple:
    """zoneinfo's offsets at every hour: sampled daily, every hour of a day in which the
    offset is not the same at both ends (no zone changes twice within a day)."""
    tz = zoneinfo.ZoneInfo(tzid)
    day = dt.timedelta(days=1)
    changes = []
    moment, offset = START, START.astimezone(tz).utcoffset()
    initial = offset
    while moment < END:
        following = moment + day
        next_offset = following.astimezone(tz).utcoffset()
        if next_offset != offset:
            for hour in range(1, 25):
                instant = moment + hour * HOUR
                value = instant.astimezone(tz).utcoffset()
                if value != offset:
                    changes.append((_hour_index(instant), value))
                    offset = value
        moment = following
    return _steps(initial, changes)


def vtimezone_steps(text: str) -> tuple:
    """The offsets the VTIMEZONE in ``text`` gives at every hour: the onsets of all its
    STANDARD and DAYLIGHT sub-components (DTSTART, RRULE, RDATE), in UTC, each starting its
    TZOFFSETTO."""
    timezone = next(iter(Calendar.from_ical(text).walk("VTIMEZONE")))
    onsets = []
    for sub in timezone.subcomponents:
        start = sub["DTSTART"].dt
        before, after = sub["TZOFFSETFROM"].td, sub["TZOFFSETTO"].td
        locals_ = [start]
        if "RRULE" in sub:
            rule = rrulestr(sub["RRULE"].to_ical().decode(), dtstart=start)
            locals_ = rule.between(start, dt.datetime(2041, 1, 2), inc=True)
        for rdate in sub.get("RDATE", []) if isinstance(sub.get("RDATE"), list) else []:
            locals_.extend(period.dt for period in rdate.dts)
        onsets.extend(((local - before).replace(tzinfo=dt.UTC), after) for local in locals_)
    onsets.sort(key=lambda onset: onset[0])
    before_start = [offset for instant, offset in onsets if instant <= START]
    assert before_start, "no onset before the range: the offset at its start is undefined"
    changes = [(_hour_index(instant), offset) for instant, offset in onsets if instant > START]
    return _steps(before_start[-1], changes)


def _vtimezone_text(tzid: str) -> str:
    cal = ical._calendar()
    cal.add_component(ical.vtimezone(tzid))
    return cal.to_ical().decode()


def test_every_selectable_zone_matches_zoneinfo_at_every_hour_2020_to_2040():
    zones = sorted(zoneinfo.available_timezones())
    mismatches = [
        tzid for tzid in zones if vtimezone_steps(_vtimezone_text(tzid)) != zoneinfo_steps(tzid)
    ]

    assert len(zones) > 400
    assert mismatches == []


@pytest.mark.parametrize(
    ("tzid", "yearly_rules", "explicit"),
    [
        ("Europe/Brussels", 2, 0),
        ("Europe/Kyiv", 2, 0),
        ("America/New_York", 2, 0),
        # Daylight saving time dropped in 2022: the offset of 2020, then six changes.
        ("America/Mexico_City", 0, 7),
        ("Asia/Tokyo", 0, 1),
    ],
)
def test_zones_whose_rules_changed_get_explicit_transitions(tzid, yearly_rules, explicit):
    text = _vtimezone_text(tzid)
    timezone = next(iter(Calendar.from_ical(text).walk("VTIMEZONE")))

    with_rule = [sub for sub in timezone.subcomponents if "RRULE" in sub]
    assert (len(with_rule), len(timezone.subcomponents) - len(with_rule)) == (
        yearly_rules,
        explicit,
    )
    assert vtimezone_steps(text) == zoneinfo_steps(tzid)


def test_ramadan_breaks_of_casablanca_are_explicit_until_the_last_exact_year():
    text = _vtimezone_text("Africa/Casablanca")
    timezone = next(iter(Calendar.from_ical(text).walk("VTIMEZONE")))

    explicit = [sub for sub in timezone.subcomponents if "RRULE" not in sub]
    # The offset of 2020, then at least two changes a year before the last exact year.
    assert len(explicit) >= 1 + 2 * 20
    assert vtimezone_steps(text) == zoneinfo_steps("Africa/Casablanca")


def test_reader_sees_a_wrong_rule():
    """The check can fail: a VTIMEZONE with the US rule for Brussels differs in March."""
    text = _vtimezone_text("Europe/Brussels").replace("BYDAY=-1SU;BYMONTH=3", "BYDAY=2SU;BYMONTH=3")

    initial, steps = vtimezone_steps(text)
    expected_initial, expected_steps = zoneinfo_steps("Europe/Brussels")
    assert initial == expected_initial
    assert len(steps) == len(expected_steps) == 42
    assert steps != expected_steps
