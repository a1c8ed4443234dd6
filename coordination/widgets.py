"""Form widgets shared by every form: the browser's own date and time pickers, and the
remembered widgets of the list pages' filters.

A ``<input type="date">`` (or ``"time"``) reads and sends its value in ISO form, whatever
the page's language; rendered with the locale's input format (``09/02/2027`` in French) the
browser would show the field empty. These widgets always render the ISO form; the fields
accept it next to the locale's formats."""

from django import forms
from django.utils.translation import get_language


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


def _frozen(value):
    """``value`` (a widget's context) as a hashable key; lazy texts in the active language."""
    if isinstance(value, dict):
        return tuple((key, _frozen(item)) for key, item in value.items())
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, str | int | bool | float | None):
        return value
    return (type(value).__name__, str(value))
