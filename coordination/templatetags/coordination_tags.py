from django import template

from coordination import enums

register = template.Library()


@register.filter
def labels(codes, enum_name: str) -> str:
    """``{{ organisation.areas|labels:"Area" }}``: the translated labels of a list of codes."""
    choices = getattr(enums, enum_name)
    known = dict(choices.choices)
    return ", ".join(str(known.get(code, code)) for code in codes or [])
