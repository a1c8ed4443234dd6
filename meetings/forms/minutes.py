"""Forms of minutes: circulation, correction, comments, decisions and exports."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordination.validators import MAX_ID
from coordination.widgets import DateInput
from meetings import enums


class CirculateForm(forms.Form):
    comments_due = forms.DateField(
        label=_("Comments due by"),
        widget=DateInput(),
        help_text=_("Attendees can comment on each item until the end of this day."),
    )

    def clean_comments_due(self):
        day = self.cleaned_data["comments_due"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("The deadline for comments must be in the future."))
        return day

    def deadline(self) -> dt.datetime:
        day = self.cleaned_data["comments_due"]
        return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


class CorrectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are the approved minutes corrected?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class CommentForm(forms.Form):
    agenda_item = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )
    text = forms.CharField(
        label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class DecisionForm(forms.Form):
    agenda_item = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )
    text = forms.CharField(
        label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class MinutesExportForm(forms.Form):
    scope = forms.ChoiceField(label=_("Meetings of"), choices=())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    format = forms.ChoiceField(label=_("Format"), choices=enums.ExportFormat.choices)

    def __init__(self, *args, groups=(), rounds=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(f"group:{g.pk}", str(g)) for g in groups]
        choices += [(f"round:{r.pk}", str(r)) for r in rounds]
        self.fields["scope"].choices = choices
