"""Forms of time polls: the facilitator's slots and an invitee's answer per slot."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coordination.widgets import DateInput, TimeInput
from meetings import recurrence
from meetings.enums import PollChoice

SLOT_ROWS = 5


class TimePollForm(forms.Form):
    """Up to five slots (a date, a start and an end in the meeting's time zone) and the
    deadline for answers. Rows left empty are ignored."""

    deadline_date = forms.DateField(label=_("Answers due by (date)"), widget=DateInput())
    deadline_time = forms.TimeField(
        label=_("Answers due by (time)"),
        initial=dt.time(17, 0),
        widget=TimeInput(),
    )
    confirm_long = forms.BooleanField(
        label=_("I confirm that slots may last longer than half a day"), required=False
    )

    def __init__(self, *args, timezone_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone_name = timezone_name
        for index in range(SLOT_ROWS):
            self.fields[f"slot_{index}_date"] = forms.DateField(
                label=_("Slot %(n)s: date") % {"n": index + 1},
                required=False,
                # named by the slot's legend, which shows this label
                widget=DateInput(attrs={"aria-labelledby": f"id_slot_{index}_date_legend"}),
            )
            self.fields[f"slot_{index}_start"] = forms.TimeField(
                label=_("starts at"),
                required=False,
                widget=TimeInput(),
            )
            self.fields[f"slot_{index}_end"] = forms.TimeField(
                label=_("ends at"),
                required=False,
                widget=TimeInput(),
            )

    def slot_rows(self):
        return [
            (
                self[f"slot_{i}_date"],
                self[f"slot_{i}_start"],
                self[f"slot_{i}_end"],
            )
            for i in range(SLOT_ROWS)
        ]

    def _aware(self, day, moment, field_name):
        try:
            return recurrence.aware_from_local(dt.datetime.combine(day, moment), self.timezone_name)
        except ValidationError as exc:
            self.add_error(field_name, exc)
            return None

    def clean(self):
        data = super().clean()
        slots = []
        for index in range(SLOT_ROWS):
            day = data.get(f"slot_{index}_date")
            start = data.get(f"slot_{index}_start")
            end = data.get(f"slot_{index}_end")
            if not (day or start or end):
                continue
            if not (day and start and end):
                self.add_error(
                    f"slot_{index}_date", _("Give the slot's date, start and end, or none.")
                )
                continue
            starts_at = self._aware(day, start, f"slot_{index}_start")
            ends_at = self._aware(day, end, f"slot_{index}_end")
            if starts_at and ends_at:
                slots.append((starts_at, ends_at))
        data["slots"] = slots
        if data.get("deadline_date") and data.get("deadline_time"):
            data["deadline"] = self._aware(
                data["deadline_date"], data["deadline_time"], "deadline_time"
            )
        return data


class TimePollAnswerForm(forms.Form):
    """One yes / if need be / no per slot."""

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = list(slots)
        for slot in self.slots:
            self.fields[f"slot_{slot.pk}"] = forms.ChoiceField(
                label=str(slot), choices=PollChoice.choices, widget=forms.RadioSelect
            )

    def slot_fields(self):
        return [(slot, self[f"slot_{slot.pk}"]) for slot in self.slots]

    def choices(self) -> dict[int, str]:
        return {slot.pk: self.cleaned_data[f"slot_{slot.pk}"] for slot in self.slots}
