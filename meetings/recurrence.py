"""Wall-clock times and recurrence rules of meetings: the one place where a series is
expanded into dates (services, selectors and the calendar builders all ask here).

Times are local wall-clock times of the meeting's time zone (Europe/Brussels by default),
stored aware. A series repeats in local time, so 09:00 stays 09:00 across daylight-saving
changes; its cancelled dates are ``Meeting.recurrence_exdates`` (ISO strings of the
original start). Its dates are meetings of their own once created (``Meeting.occurrences``,
each with the ``recurrence_id`` of its original start); those that set a time, title, place
or link themselves (``overridden_fields``) are its exceptions, the others follow the rule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from coordination import dates
from meetings import enums

FREQUENCIES = ("weekly", "monthly")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def aware_from_local(local: dt.datetime, tzid: str) -> dt.datetime:
    """``local`` (naive wall-clock time) in ``tzid``, aware. A time that does not exist
    (skipped when clocks go forward) is refused; an ambiguous one (clocks go back) is the
    first of the two."""
    try:
        tz = ZoneInfo(tzid)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            {"timezone": _("Unknown time zone “%(tz)s”.") % {"tz": tzid}}
        ) from exc
    if local.tzinfo is not None:
        return local
    aware = local.replace(tzinfo=tz, fold=0)
    round_trip = aware.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None)
    if round_trip != local:
        raise ValidationError(
            _(
                "%(time)s does not exist in %(tz)s: the clocks go forward that night. "
                "Choose another time."
            )
            % {"time": dates.medium_datetime(local), "tz": tzid}
        )
    return aware


def recurrence_rule_build(
    *,
    frequency: str,
    interval: int = 1,
    weekday_ordinal: int | None = None,
    weekday: str | None = None,
    count: int | None = None,
    until: dt.date | None = None,
) -> str:
    """An RRULE: weekly / every N weeks (``interval``), or monthly on the Nth weekday
    (``weekday_ordinal`` 1–4 or -1 for the last, ``weekday`` MO…SU)."""
    if frequency not in FREQUENCIES:
        raise ValidationError(_("Choose a weekly or monthly repetition."))
    if not 1 <= interval <= 52:
        raise ValidationError(_("The interval must be between 1 and 52."))
    parts = [f"FREQ={frequency.upper()}"]
    if interval > 1:
        parts.append(f"INTERVAL={interval}")
    if frequency == "monthly":
        if weekday not in WEEKDAYS or weekday_ordinal not in (1, 2, 3, 4, -1):
            raise ValidationError(_("A monthly repetition needs a weekday and its rank."))
        parts.append(f"BYDAY={weekday_ordinal}{weekday}")
    if count and until:
        raise ValidationError(_("Give either a number of meetings or an end date, not both."))
    if count:
        if not 1 <= count <= 200:
            raise ValidationError(_("The number of meetings must be between 1 and 200."))
        parts.append(f"COUNT={count}")
    if until:
        parts.append(f"UNTIL={until:%Y%m%d}T235959Z")
    return ";".join(parts)


def recurrence_rule_validate(rule: str) -> str:
    """Parse ``rule`` (without the ``RRULE:`` prefix) or raise a ValidationError."""
    rule = (rule or "").strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:]
    if not rule:
        return ""
    try:
        rrulestr(rule, dtstart=dt.datetime(2026, 1, 5, 9, 0))
    except (ValueError, TypeError) as exc:
        raise ValidationError(
            {"recurrence_rule": _("This is not a valid recurrence rule: %(e)s") % {"e": exc}}
        ) from exc
    if "FREQ=" not in rule.upper():
        raise ValidationError({"recurrence_rule": _("A recurrence rule needs a FREQ.")})
    return rule


@dataclass
class SeriesDate:
    """One date of a series: its original start, when it takes place, and its state
    ("planned", "moved" or "cancelled")."""

    original: dt.datetime
    starts_at: dt.datetime
    state: str


def _rule(meeting):
    tz = ZoneInfo(meeting.timezone)
    local_start = meeting.starts_at.astimezone(tz).replace(tzinfo=None)
    return tz, rrulestr(meeting.recurrence_rule, dtstart=local_start, ignoretz=True)


def series_exceptions(meeting) -> list:
    """The dates of a series that differ from its rule (moved, or with a title, place or
    link of their own), by original start (``meeting.occurrences`` is read once: prefetch
    it for lists)."""
    return sorted(
        (o for o in meeting.occurrences.all() if o.differs_from_series),
        key=lambda o: o.recurrence_id,
    )


def _dated(meeting, tz: ZoneInfo, locals_) -> list[SeriesDate]:
    """The series dates of the local start times ``locals_``."""
    cancelled = {dt.datetime.fromisoformat(v) for v in meeting.recurrence_exdates}
    moved = {o.recurrence_id: o for o in series_exceptions(meeting)}
    dates = []
    for local in locals_:
        original = local.replace(tzinfo=tz)
        override = moved.get(original)
        if original in cancelled or (
            override is not None and override.status == enums.MeetingStatus.CANCELLED
        ):
            dates.append(SeriesDate(original, original, "cancelled"))
        elif override is not None:
            dates.append(SeriesDate(original, override.starts_at, "moved"))
        else:
            dates.append(SeriesDate(original, original, "planned"))
    return dates


def occurrences(meeting, *, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Start times of ``meeting``'s occurrences that begin in [start, end): one for a single
    meeting; the series' dates (minus cancelled ones, with moved ones at their new time) for
    a recurring meeting."""
    if not meeting.recurrence_rule:
        return [meeting.starts_at] if start <= meeting.starts_at < end else []
    tz, rule = _rule(meeting)
    # A day either side: a date moved into the window from just outside it.
    window_start = start.astimezone(tz).replace(tzinfo=None) - dt.timedelta(days=1)
    window_end = end.astimezone(tz).replace(tzinfo=None) + dt.timedelta(days=1)
    dates = _dated(meeting, tz, rule.between(window_start, window_end, inc=True))
    return [
        date.starts_at
        for date in dates
        if date.state != "cancelled" and start <= date.starts_at < end
    ]


def series_originals(meeting, *, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The original starts of a series' dates in [start, end), cancelled ones left out
    (where its dates are, whether or not one was moved)."""
    if not meeting.recurrence_rule:
        return []
    tz, rule = _rule(meeting)
    local_start = start.astimezone(tz).replace(tzinfo=None)
    local_end = end.astimezone(tz).replace(tzinfo=None)
    cancelled = {dt.datetime.fromisoformat(value) for value in meeting.recurrence_exdates}
    moments = [local.replace(tzinfo=tz) for local in rule.between(local_start, local_end, inc=True)]
    return [moment for moment in moments if start <= moment < end and moment not in cancelled]


def series_dates(meeting, *, after: dt.datetime, limit: int = 8) -> list[SeriesDate]:
    """The next ``limit`` dates of a series from ``after`` on (or from its first date), with
    cancelled and moved ones marked; nothing for a single meeting."""
    if not meeting.recurrence_rule:
        return []
    tz, rule = _rule(meeting)
    cursor = max(after, meeting.starts_at).astimezone(tz).replace(tzinfo=None)
    locals_ = []
    local = rule.after(cursor - dt.timedelta(seconds=1), inc=True)
    while local is not None and len(locals_) < limit:
        locals_.append(local)
        local = rule.after(local)
    return _dated(meeting, tz, locals_)


def series_last_end(meeting) -> dt.datetime | None:
    """When a meeting (or series) is over; ``None`` for an endless series."""
    if not meeting.recurrence_rule:
        return meeting.ends_at
    tz, rule = _rule(meeting)
    if rule._count is None and rule._until is None:
        return None
    last = None
    for last in rule:  # noqa: B007 — walk to the end of a bounded series
        pass
    ends = [last.replace(tzinfo=tz) + (meeting.ends_at - meeting.starts_at)] if last else []
    ends += [o.ends_at for o in series_exceptions(meeting)]
    return max(ends) if ends else meeting.ends_at


def series_date_check(meeting, moment: dt.datetime) -> dt.datetime:
    """``moment`` as the original start of one of the series' dates (in the meeting's time
    zone), or a ValidationError."""
    if not meeting.recurrence_rule:
        raise ValidationError(_("This meeting does not repeat."))
    tz, rule = _rule(meeting)
    local = moment.astimezone(tz).replace(tzinfo=None)
    if local not in rule.between(local - dt.timedelta(minutes=1), local + dt.timedelta(minutes=1)):
        raise ValidationError(_("The series has no meeting at that time."))
    return local.replace(tzinfo=tz)


def series_exceptions_follow(
    *,
    values: list[dt.datetime],
    old_start: dt.datetime,
    old_tzid: str,
    new_start: dt.datetime,
    new_tzid: str,
    new_rule: str,
) -> list[dt.datetime | None]:
    """Where the cancelled and moved dates of a series (their original starts, ``values``)
    go when the series changes its first start, time zone or rule: each moves by the same
    wall-clock shift as the first start (10:00 → 11:00 moves every date's 10:00 to 11:00,
    on both sides of a daylight-saving change). ``None`` for one that is no date of the new
    series (the rule itself changed): it no longer exists."""
    old_tz, new_tz = ZoneInfo(old_tzid), ZoneInfo(new_tzid)
    shift = new_start.astimezone(new_tz).replace(tzinfo=None) - old_start.astimezone(
        old_tz
    ).replace(tzinfo=None)
    rule = rrulestr(
        new_rule, dtstart=new_start.astimezone(new_tz).replace(tzinfo=None), ignoretz=True
    )
    followed: list[dt.datetime | None] = []
    for value in values:
        local = value.astimezone(old_tz).replace(tzinfo=None) + shift
        window = rule.between(local - dt.timedelta(minutes=1), local + dt.timedelta(minutes=1))
        followed.append(local.replace(tzinfo=new_tz) if local in window else None)
    return followed


def _rule_parts(rule: str) -> dict[str, str]:
    parts = {}
    for part in rule.split(";"):
        key, _sep, value = part.partition("=")
        if key:
            parts[key.strip().upper()] = value.strip()
    return parts


def _rule_text(parts: dict[str, str]) -> str:
    return ";".join(f"{key}={value}" for key, value in parts.items())


def series_split_rules(meeting, split_local: dt.datetime) -> tuple[str, str]:
    """The rules of a series cut at one of its dates (``split_local``, naive wall-clock
    time): the first part keeps the dates before it (as a COUNT, which every reader
    expands alike), the second starts at it and keeps the original end (COUNT of the rest,
    or UNTIL)."""
    _tz, rule = _rule(meeting)
    before = len([d for d in rule.between(rule._dtstart, split_local, inc=True) if d < split_local])
    parts = _rule_parts(meeting.recurrence_rule)
    first, rest = dict(parts), dict(parts)
    first.pop("UNTIL", None)
    first["COUNT"] = str(before)
    if "COUNT" in parts:
        rest["COUNT"] = str(int(parts["COUNT"]) - before)
    return _rule_text(first), _rule_text(rest)
