"""Forms of the ``meetings`` pages."""

from django import forms
from django.db.models.functions import Lower
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
    # Named, not picked from a list: the pool has thousands of organisations.
    must_invite = forms.CharField(
        label=_("Must invite"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One organisation per line, named as in the volunteer pool."),
    )
    seed = forms.IntegerField(
        label=_("Random seed"),
        required=False,
        min_value=0,
        max_value=2**62,
        help_text=_("Leave empty for a new random draw; repeat a seed to reproduce a draw."),
    )
    replaces_draw = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, pool=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.pool = pool  # the volunteer pool (a queryset of organisations)

    def clean_must_invite(self):
        """The organisations named, by id, in the order given (one query)."""
        names = list(
            dict.fromkeys(
                " ".join(line.split()) for line in self.cleaned_data["must_invite"].splitlines()
            )
        )
        names = [name for name in names if name]
        if not names:
            return []
        if len(names) > 500:
            raise forms.ValidationError(_("Name at most 500 organisations."))
        found = {
            name.casefold(): pk
            for pk, name in self.pool.annotate(lowered=Lower("name"))
            .filter(lowered__in=[n.lower() for n in names])
            .values_list("pk", "name")
        }
        unknown = [name for name in names if name.casefold() not in found]
        if unknown:
            raise forms.ValidationError(
                _("Not in the volunteer pool: %(names)s") % {"names": "; ".join(unknown)}
            )
        return [found[name.casefold()] for name in names]


class PanelSwapForm(forms.Form):
    draw = forms.IntegerField(widget=forms.HiddenInput)
    organisation = forms.IntegerField(widget=forms.HiddenInput)
