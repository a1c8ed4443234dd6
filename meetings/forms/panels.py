"""Forms of the ``meetings`` pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.panels import CRITERIA

CRITERION_LABELS = {
    "working_language": _("Working language"),
    "area": _("Area"),
    "domain": _("Domain"),
    "support_role": _("Support role"),
    "kind": _("Organisation kind"),
}


class PanelDrawForm(forms.Form):
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=500)
    criteria = forms.MultipleChoiceField(
        label=_("Balance by"),
        required=False,
        choices=[(c, CRITERION_LABELS[c]) for c in CRITERIA],
        widget=forms.CheckboxSelectMultiple,
    )
    exclude_other_sessions = forms.BooleanField(
        label=_("Leave out organisations already in another session of the round"),
        required=False,
        initial=True,
    )
    exclude_declined_twice = forms.BooleanField(
        label=_("Leave out organisations that declined twice in a row"),
        required=False,
        initial=True,
    )
    max_load = forms.IntegerField(
        label=_("Consultation-load cap"),
        required=False,
        min_value=0,
        max_value=1000,
        help_text=_("Leave out organisations invited to more meetings than this in 12 months."),
    )
    must_invite = forms.MultipleChoiceField(
        label=_("Must invite"), required=False, choices=[], widget=forms.SelectMultiple
    )
    seed = forms.IntegerField(
        label=_("Random seed"),
        required=False,
        min_value=0,
        max_value=2**62,
        help_text=_("Leave empty for a new random draw; repeat a seed to reproduce a draw."),
    )
    replaces_draw = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, pool_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["must_invite"].choices = list(pool_choices)

    def clean_must_invite(self):
        return [int(v) for v in self.cleaned_data["must_invite"]]


class PanelSwapForm(forms.Form):
    draw = forms.IntegerField(widget=forms.HiddenInput)
    organisation = forms.IntegerField(widget=forms.HiddenInput)
