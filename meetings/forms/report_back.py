from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.services.report_back import TEXT_MAX


class ReportBackForm(forms.Form):
    text = forms.CharField(
        label=_("What we did with your input"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "A few sentences for the organisations consulted: sent with the report, in the "
            "language you write it in."
        ),
    )
