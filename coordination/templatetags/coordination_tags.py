import re

from django import template

from coordination import enums
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
