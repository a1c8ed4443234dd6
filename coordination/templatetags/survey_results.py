"""Filters of the survey-results pages."""

from django import template

from coordination import dates

register = template.Library()


@register.filter
def pct(share) -> int:
    """A share (0..1) as a whole percentage 0..100, for the ``pct-N`` width classes."""
    try:
        value = round(float(share) * 100)
    except (TypeError, ValueError):
        return 0
    return max(0, min(100, value))


@register.filter
def pct1(share) -> str:
    """A share as a percentage with one decimal, in the language's notation ("57,9")."""
    return dates.percent(share, 1)
