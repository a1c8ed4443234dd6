"""Form widgets shared by every form: the browser's own date and time pickers, and the
remembered widgets of the list pages' filters.

A ``<input type="date">`` (or ``"time"``) reads and sends its value in ISO form, whatever
the page's language; rendered with the locale's input format (``09/02/2027`` in French) the
browser would show the field empty. These widgets always render the ISO form; the fields
accept it next to the locale's formats."""

from dataclasses import dataclass

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class RememberedRendering:
    """A filter form's widget whose HTML is remembered in the process by everything that
    shapes it (the language, the name, the attributes, the value and, for a select, every
    option and which is chosen): a list page renders the same few fields on every request,
    and Django's template per widget and per option costs more than the page's own queries.
    The context is still built on each request (the options from the database where they
    are rows), so the HTML always shows what is there now. Not for widgets naming people:
    their names would stay in memory."""

    remembered: dict = {}
    REMEMBERED_AT_MOST = 2048

    def _render(self, template_name, context, renderer=None):
        key = (template_name, get_language(), _frozen(context))
        html = self.remembered.get(key)
        if html is None:
            html = super()._render(template_name, context, renderer)
            if len(self.remembered) >= self.REMEMBERED_AT_MOST:
                self.remembered.clear()
            self.remembered[key] = html
        return html


class RememberedSelect(RememberedRendering, forms.Select):
    pass


class RememberedDateInput(RememberedRendering, DateInput):
    pass


class RememberedCheckboxInput(RememberedRendering, forms.CheckboxInput):
    pass


class RememberedHiddenInput(RememberedRendering, forms.HiddenInput):
    pass


@dataclass(frozen=True)
class ContactTyped:
    """What a contact field received: the text typed, and the contact number chosen among
    the matches shown for ``query`` (when the text named several)."""

    text: str = ""
    pick: str = ""
    query: str = ""


def contact_label(contact) -> str:
    """How a contact field shows a contact: the name, the organisation and the number that
    makes it unique (typed or chosen, ``#12`` names that contact)."""
    return f"{contact.name} ({contact.organisation.name}) #{contact.pk}"


class ContactSearchInput(forms.Widget):
    """A text field for a contact: the user types part of a name, the name of the
    organisation or the e-mail address. With JavaScript, the matches are suggested while
    typing (asked from ``lookup_url``); or, for a choice bounded by a meeting, the browser
    suggests them from a ``<datalist>`` the page holds once for all its fields (its id in
    the ``list`` attribute). Without either, a name that matches several contacts comes back with
    those ``matches`` to choose from, as radio buttons. Never a list of the whole directory.
    Only phrasing elements (spans), so that it may stand in a paragraph."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.lookup_url = ""
        self.matches: list = []

    def value_from_datadict(self, data, files, name) -> ContactTyped:
        return ContactTyped(
            text=str(data.get(name, "")),
            pick=str(data.get(f"{name}_pick", "")),
            query=str(data.get(f"{name}_query", "")),
        )

    def value_omitted_from_data(self, data, files, name) -> bool:
        return name not in data and f"{name}_pick" not in data

    def format_value(self, value) -> str:
        if isinstance(value, ContactTyped):
            return value.text
        if hasattr(value, "organisation"):
            return contact_label(value)
        return "" if value is None else str(value)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        field_id = attrs.pop("id", None) or f"id_{name}"
        attrs.pop("required", None)  # a match is chosen after sending: checked by the form
        text = self.format_value(value)
        pick = value.pick if isinstance(value, ContactTyped) else ""
        if not self.lookup_url:
            html = format_html(
                '<span class="contact-search"><input type="search" name="{name}" id="{id}"'
                ' value="{text}" autocomplete="off"{extra}>',
                name=name,
                id=field_id,
                text=text,
                extra=flatatt(attrs),
            )
        else:
            html = format_html(
                '<span class="contact-search" data-lookup-url="{url}" data-none-text="{none}">'
                '<input type="search" name="{name}" id="{id}" value="{text}" autocomplete="off"'
                ' role="combobox" aria-autocomplete="list" aria-expanded="false"'
                ' aria-controls="{id}-suggestions"{extra}>'
                '<span class="contact-suggestions" id="{id}-suggestions" role="listbox" hidden>'
                "</span>",
                url=self.lookup_url,
                none=_("No contact matches."),
                name=name,
                id=field_id,
                text=text,
                extra=flatatt(attrs),
            )
        return html + self._matches(name, field_id, text, pick)

    def _matches(self, name: str, field_id: str, text: str, pick: str) -> str:
        """The contacts the text named, to choose from (none before sending), and the end of
        the field."""
        html = mark_safe("")
        if self.matches:
            choices = format_html_join(
                "",
                '<label><input type="radio" name="{}" value="{}"{}>{} ({})</label>',
                (
                    (
                        f"{name}_pick",
                        contact.pk,
                        " checked" if str(contact.pk) == pick else "",
                        contact.name,
                        contact.organisation.name,
                    )
                    for contact in self.matches
                ),
            )
            html += format_html(
                '<input type="hidden" name="{name}_query" value="{text}">'
                '<span class="contact-matches" role="radiogroup" aria-labelledby="{id}-which">'
                '<span class="legend" id="{id}-which">{legend}</span>{choices}</span>',
                name=name,
                text=text,
                id=field_id,
                legend=_("Which one?"),
                choices=choices,
            )
        return html + mark_safe("</span>")


def organisation_label(organisation) -> str:
    """How an organisation field shows an organisation: the name and the number that makes
    it unique."""
    return f"{organisation.name} #{organisation.pk}"


class OrganisationSearchInput(forms.TextInput):
    """A text field for an organisation, suggested by the browser from a ``<datalist>`` the
    page holds once for all its fields (its id in the ``list`` attribute)."""

    input_type = "search"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if hasattr(value, "name_key"):
            return organisation_label(value)
        return super().format_value(value)


def _frozen(value):
    """``value`` (a widget's context) as a hashable key; lazy texts in the active language."""
    if isinstance(value, dict):
        return tuple((key, _frozen(item)) for key, item in value.items())
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, str | int | bool | float | None):
        return value
    return (type(value).__name__, str(value))
