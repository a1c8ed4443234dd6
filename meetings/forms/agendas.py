"""Forms of agendas: items, attachments, templates and order. They validate input; services
write."""

import json

from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coordination.forms import ContactChoiceField, QuestionChoiceField
from coordination.models import Question
from meetings import enums
from meetings.models import AgendaItem
from meetings.selectors.agendas import presenter_choices
from meetings.validators import ATTACHMENT_MAX_BYTES


class AgendaItemForm(forms.ModelForm):
    planned_minutes = forms.IntegerField(
        label=pgettext_lazy("duration", "Planned minutes"),
        min_value=1,
        max_value=600,
        initial=15,
        widget=forms.NumberInput(attrs={"min": 1, "max": 600}),
    )
    questions = QuestionChoiceField(
        label=_("Survey questions taken up"),
        queryset=Question.objects.order_by("number"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-list"}),
    )
    # What the editor loaded: the revision and the values, so a save made meanwhile by
    # someone else is merged rather than overwritten.
    revision = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )
    loaded = forms.CharField(required=False, max_length=100_000, widget=forms.HiddenInput)
    presenter = ContactChoiceField(label=_("Presenter"), required=False)

    class Meta:
        model = AgendaItem
        fields = [
            "title",
            "purpose",
            "planned_minutes",
            "presenter",
            "description",
            "title_alt",
            "description_alt",
            "kind",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_alt": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"description": _("Markdown: **bold**, *italic*, lists with “-”.")}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        presenter = self.fields["presenter"]
        presenter.queryset = presenter_choices(item=self.instance if self.instance.pk else None)
        presenter.lookup_url = reverse("agenda-presenter-lookup", args=[meeting.pk])
        if self.instance.pk:
            self.fields["questions"].initial = list(self.instance.questions.all())

    def load(self, *, revision: int, values: dict) -> None:
        """Record what the editor is shown (a new form, or one shown again after a clash)."""
        self.fields["revision"].initial = revision
        self.fields["loaded"].initial = json.dumps(values, cls=DjangoJSONEncoder)

    def loaded_values(self) -> dict:
        try:
            values = json.loads(self.cleaned_data.get("loaded") or "{}")
        except ValueError:
            return {}
        return values if isinstance(values, dict) else {}

    def service_kwargs(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["questions"] = list(self.cleaned_data["questions"])
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Attach a file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Filled in the reader's language (a lazy string formatted at import is English).
        self.fields["file"].help_text = _(
            "PDF, DOCX, XLSX, PPTX or an image; at most %(mb)s MB."
        ) % {"mb": ATTACHMENT_MAX_BYTES // 1_048_576}


class TemplateForm(forms.Form):
    template = forms.ChoiceField(choices=enums.AgendaTemplate.choices)


class ReorderForm(forms.Form):
    order = forms.CharField(help_text="Comma-separated agenda item ids")

    def clean_order(self):
        raw = self.cleaned_data["order"]
        try:
            return [int(part) for part in raw.split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(_("The order must be a list of item numbers.")) from None
