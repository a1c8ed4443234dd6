"""Dates, times and numbers as the active language writes them, from its format module
(``coordination/formats/<language>/formats.py``), never from a pattern in a template or in
code. The same helpers serve pages (the filters of ``coordination_tags``), e-mails, PDF,
DOCX, CSV and XLSX.

A named format may have a ``<NAME>_FIRST_OF_MONTH`` variant used on the first day of a
month (French "mardi 1er décembre 2026"). An aware datetime is shown in the current time
zone unless a ``tz`` is given."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats, timezone
from django.utils.dateformat import format as date_pattern
from django.utils.translation import get_language

FIRST_OF_MONTH = "_FIRST_OF_MONTH"


def _format(name: str, day_one: bool) -> str:
    if day_one:
        variant = formats.get_format(name + FIRST_OF_MONTH)
        if variant != name + FIRST_OF_MONTH:
            return variant
    pattern = formats.get_format(name)
    if pattern == name:  # a language without our own names: the English module's
        pattern = formats.get_format(name, lang=settings.LANGUAGE_CODE)
    return pattern


def _moment(value, tz):
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        zone = ZoneInfo(tz) if isinstance(tz, str) else tz
        return timezone.localtime(value, zone) if zone else timezone.localtime(value)
    return value


# What ``named`` wrote, by language, format name, moment and zone: list pages show the same dates on
# every request, and Django's ``dateformat`` (a method and often a translation per letter)
# costs more per date than the page's queries. Cleared when full.
_WRITTEN: dict[tuple, str] = {}
_WRITTEN_AT_MOST = 8192


def named(value, name: str, *, tz=None) -> str:
    """``value`` (a date or datetime) in the active language's format ``name``
    (``DATE_FORMAT``, ``LONG_DATETIME_FORMAT``…); empty for ``None``."""
    if value in (None, ""):
        return ""
    aware = isinstance(value, dt.datetime) and timezone.is_aware(value)
    # An aware datetime keys by its instant and the zone it is shown in.
    zone = (str(tz) if tz else timezone.get_current_timezone_name()) if aware else None
    key = (get_language(), name, type(value), value, zone)
    written = _WRITTEN.get(key)
    if written is None:
        moment = _moment(value, tz)
        written = date_pattern(moment, _format(name, getattr(moment, "day", 0) == 1))
        if len(_WRITTEN) >= _WRITTEN_AT_MOST:
            _WRITTEN.clear()
        _WRITTEN[key] = written
    return written


def short_date(value, *, tz=None) -> str:
    """ "06/05/2027", "06.05.2027"."""
    return named(value, "SHORT_DATE_FORMAT", tz=tz)


def short_datetime(value, *, tz=None) -> str:
    return named(value, "SHORT_DATETIME_FORMAT", tz=tz)


def medium_date(value, *, tz=None) -> str:
    """ "6 May 2027", "6. Mai 2027", "1er décembre 2026"."""
    return named(value, "DATE_FORMAT", tz=tz)


def medium_datetime(value, *, tz=None) -> str:
    """ "6 May 2027, 14:30", "6 mai 2027 à 14:30"."""
    return named(value, "DATETIME_FORMAT", tz=tz)


def long_date(value, *, tz=None) -> str:
    """With the weekday: "Thursday 6 May 2027", "Donnerstag, 6. Mai 2027"."""
    return named(value, "LONG_DATE_FORMAT", tz=tz)


def long_datetime(value, *, tz=None) -> str:
    """ "Thursday 6 May 2027, 14:30", "jeudi 6 mai 2027 à 14:30"."""
    return named(value, "LONG_DATETIME_FORMAT", tz=tz)


def time_of_day(value, *, tz=None) -> str:
    return named(value, "TIME_FORMAT", tz=tz)


def time_range(start, end, *, tz=None) -> str:
    """ "14:30–16:00" (en dash, no spaces)."""
    if start is None:
        return ""
    if end is None:
        return time_of_day(start, tz=tz)
    return f"{time_of_day(start, tz=tz)}–{time_of_day(end, tz=tz)}"


def number(value, decimals: int | None = None) -> str:
    """A number with the language's decimal separator ("57,9"); ``decimals`` fixes how many
    decimals are shown."""
    if value is None:
        return ""
    return formats.number_format(value, decimal_pos=decimals)


def percent(share, decimals: int = 1) -> str:
    """A share (0..1) as a percentage number without the sign: 0.579 → "57.9" / "57,9"."""
    try:
        value = float(share) * 100
    except (TypeError, ValueError):
        value = 0.0
    return number(round(value, decimals), decimals)
