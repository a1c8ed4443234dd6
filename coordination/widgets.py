"""Form widgets shared by every form: the browser's own date and time pickers.

A ``<input type="date">`` (or ``"time"``) reads and sends its value in ISO form, whatever
the page's language; rendered with the locale's input format (``09/02/2027`` in French) the
browser would show the field empty. These widgets always render the ISO form; the fields
accept it next to the locale's formats."""

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")
