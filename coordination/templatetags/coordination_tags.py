import re

from django import template

from coordination import dates, enums
from coordination.selectors import person_name

register = template.Library()


@register.filter
def labels(codes, enum_name: str) -> str:
    """``{{ organisation.areas|labels:"Area" }}``: the translated labels of a list of codes."""
    choices = getattr(enums, enum_name)
    known = dict(choices.choices)
    return ", ".join(str(known.get(code, code)) for code in codes or [])


@register.filter
def person(user) -> str:
    """``{{ comment.author|person }}``: a person's name (contact name, else full name), never
    their username."""
    return person_name(user=user) if user is not None else ""


@register.filter
def webcal(url: str) -> str:
    """``{{ feed_url|webcal }}``: the subscription address that calendar programs open."""
    return re.sub(r"^https?://", "webcal://", url or "")


# Dates and numbers as the active language writes them (coordination.dates): never a pattern
# in a template.


@register.filter(expects_localtime=True)
def short_date(value) -> str:
    return dates.short_date(value)


@register.filter(expects_localtime=True)
def short_datetime(value) -> str:
    return dates.short_datetime(value)


@register.filter(expects_localtime=True)
def medium_date(value) -> str:
    """``{{ day|medium_date }}``: "6 May 2027", "6. Mai 2027", "1er décembre 2026"."""
    return dates.medium_date(value)


@register.filter(expects_localtime=True)
def medium_datetime(value) -> str:
    return dates.medium_datetime(value)


@register.filter(expects_localtime=True)
def long_date(value) -> str:
    """``{{ meeting.starts_at|long_date }}``: "Thursday 6 May 2027", "Donnerstag, 6. Mai
    2027", "mardi 1er décembre 2026"."""
    return dates.long_date(value)


@register.filter(expects_localtime=True)
def long_datetime(value) -> str:
    return dates.long_datetime(value)


@register.filter(expects_localtime=True)
def time_range(start, end) -> str:
    """``{{ meeting.starts_at|time_range:meeting.ends_at }}``: "14:30–16:00"."""
    return dates.time_range(start, end)
