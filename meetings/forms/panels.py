"""Forms of the ``meetings`` pages."""

from django import forms
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coordination.panels import CRITERIA, ROUND_CRITERIA, Target

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


class RoundTargetForm(forms.Form):
    """One target of a round draw: between ``minimum`` and ``maximum`` seats for the
    organisations with a value, in one session or in the whole round."""

    criterion = forms.ChoiceField(
        label=_("Category"), choices=[(c, CRITERION_LABELS[c]) for c in ROUND_CRITERIA]
    )
    value = forms.CharField(label=_("Value"), max_length=40)
    scope = forms.ChoiceField(label=_("Applies to"), required=False, choices=[])
    minimum = forms.IntegerField(label=_("Minimum"), min_value=0, max_value=500)
    maximum = forms.IntegerField(label=_("Maximum"), min_value=0, max_value=500)

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [("", pgettext_lazy("consultation", "the whole round"))] + [
            (str(s.key), s.title) for s in sessions
        ]

    def clean(self):
        data = super().clean()
        if (
            data.get("minimum") is not None
            and data.get("maximum") is not None
            and data["minimum"] > data["maximum"]
        ):
            raise forms.ValidationError(_("The minimum is above the maximum."), code="min_max")
        return data

    def target(self) -> Target:
        data = self.cleaned_data
        return Target(
            criterion=data["criterion"],
            value=data["value"].strip(),
            minimum=data["minimum"],
            maximum=data["maximum"],
            session=int(data["scope"]) if data.get("scope") else None,
        )


class BaseRoundTargetFormSet(forms.BaseFormSet):
    def __init__(self, *args, sessions=(), **kwargs):
        self.sessions = sessions
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "sessions": self.sessions}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            sessions=self.sessions,
        )
        self.add_fields(form, None)
        return form

    def targets(self) -> list[Target]:
        return [
            form.target()
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


RoundTargetFormSet = forms.formset_factory(
    RoundTargetForm, formset=BaseRoundTargetFormSet, extra=1, can_delete=True, max_num=200
)


def target_initial(targets) -> list[dict]:
    return [
        {
            "criterion": t.criterion,
            "value": t.value,
            "scope": "" if t.session is None else str(t.session),
            "minimum": t.minimum,
            "maximum": t.maximum,
        }
        for t in targets
    ]


class RoundDrawForm(forms.Form):
    seed = forms.IntegerField(
        label=_("Random seed"),
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        help_text=_(
            "Fix it from a value announced in advance (for example a future public lottery "
            "number); leave empty for a new random seed."
        ),
    )
    seed_commitment = forms.CharField(
        label=_("Where the seed was announced"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The public value or commitment hash, and where it was published."),
    )
    exclude_declined_twice = forms.BooleanField(
        label=_("Leave out organisations that declined twice in a row"),
        required=False,
        initial=True,
    )
    must_invite = forms.MultipleChoiceField(
        label=_("Must invite"), required=False, choices=[], widget=forms.SelectMultiple
    )
    reason = forms.CharField(
        label=_("Reason for the redraw"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when a draw is already recorded; it stays in the record."),
    )
    replaces_draw = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, pool_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["must_invite"].choices = list(pool_choices)

    def clean_must_invite(self):
        return [int(v) for v in self.cleaned_data["must_invite"]]


class AnswerDeadlineForm(forms.Form):
    session = forms.IntegerField(widget=forms.HiddenInput, required=False)
    answer_deadline = forms.DateTimeField(
        label=_("Answer by"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("An invitation not answered by then goes to the next alternate."),
    )
