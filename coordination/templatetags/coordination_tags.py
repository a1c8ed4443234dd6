import re

from django import template
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

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


# Fragments of the layout that depend only on the language, the site's URLs and a few role
# flags (the navigation's links, the language menu's choices), rendered once per process
# for each combination: reversing and translating them on every page cost a tenth of the
# shorter pages.
_FRAGMENTS: dict[tuple, str] = {}


class FragmentPerRoleNode(template.Node):
    def __init__(self, nodelist, name: str, flags: list):
        self.nodelist, self.name, self.flags = nodelist, name, flags

    def render(self, context) -> str:
        key = (
            self.name,
            get_language(),
            get_script_prefix(),
            get_urlconf(),
            *(bool(flag.resolve(context)) for flag in self.flags),
        )
        html = _FRAGMENTS.get(key)
        if html is None:
            html = _FRAGMENTS[key] = self.nodelist.render(context)
        return html


@register.tag
def fragment_per_role(parser, token):
    """``{% fragment_per_role "main-links" is_facilitator %}…{% endfragment_per_role %}``:
    a fragment whose content depends only on the active language, the URLs and the flags
    named (true or false), rendered once per process for each combination. Nothing else of
    the page (no user's name, no CSRF token, no path) may be in it."""
    name, *flags = token.split_contents()[1:]
    nodelist = parser.parse(("endfragment_per_role",))
    parser.delete_first_token()
    return FragmentPerRoleNode(
        nodelist, name.strip("\"'"), [parser.compile_filter(f) for f in flags]
    )
