"""Forms of agendas, minutes and action items (issue 5). They validate input; services write."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coordination.models import ConsultationRound, Contact, Organisation, Question, WorkingGroup
from meetings import enums
from meetings.files import ATTACHMENT_MAX_BYTES
from meetings.models import AgendaItem

MAX_ID = 2**31 - 1


class AgendaItemForm(forms.ModelForm):
    planned_minutes = forms.IntegerField(
        label=_("Planned minutes"),
        min_value=1,
        max_value=600,
        initial=15,
        widget=forms.NumberInput(attrs={"min": 1, "max": 600}),
    )
    questions = forms.ModelMultipleChoiceField(
        label=_("Survey questions taken up"),
        queryset=Question.objects.order_by("number"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = Contact.objects.filter(
            is_active=True, erased_at__isnull=True
        ).select_related("organisation")
        if self.instance.pk:
            self.fields["questions"].initial = list(self.instance.questions.all())

    def service_kwargs(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["questions"] = list(self.cleaned_data["questions"])
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Attach a file"),
        help_text=_("PDF, DOCX, XLSX, PPTX or an image; at most %(mb)s MB.")
        % {"mb": ATTACHMENT_MAX_BYTES // 1_048_576},
    )


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


class CirculateForm(forms.Form):
    comments_due = forms.DateField(
        label=_("Comments due by"),
        widget=forms.DateInput(attrs={"type": "date"}),
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


class ActionItemForm(forms.Form):
    agenda_item = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )
    description = forms.CharField(
        label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    owner_contact = forms.ModelChoiceField(
        label=_("Owner (person)"), queryset=Contact.objects.none(), required=False
    )
    owner_organisation = forms.ModelChoiceField(
        label=_("Owner (organisation)"), queryset=Organisation.objects.none(), required=False
    )
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, contacts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_contact"].queryset = (
            contacts
            if contacts is not None
            else Contact.objects.filter(is_active=True).select_related("organisation")
        )
        self.fields["owner_organisation"].queryset = Organisation.objects.order_by("name")


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=enums.ActionStatus.choices)
    text = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=2000, widget=forms.TextInput
    )


class ActionCommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class ActionFilterForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Whose"),
        required=False,
        choices=[("", _("All I can see")), ("mine", _("My action items"))],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), ("open", _("Open or in progress")), *enums.ActionStatus.choices],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=Contact.objects.order_by("name"), required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name"), required=False
    )
    due_from = forms.DateField(
        label=_("Due from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_until = forms.DateField(
        label=_("Due until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    working_group = forms.ModelChoiceField(
        label=_("Working group"), queryset=WorkingGroup.objects.none(), required=False
    )
    consultation_round = forms.ModelChoiceField(
        label=pgettext_lazy("consultation", "Consultation round"),
        queryset=ConsultationRound.objects.none(),
        required=False,
    )
    meeting = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            # Offer only owners of action items the user may see (no directory leak).
            from meetings.selectors_minutes import action_items_visible_to

            visible = action_items_visible_to(user=user).values("pk")
            self.fields["owner"].queryset = (
                Contact.objects.filter(action_items__in=visible)
                .select_related("organisation")
                .distinct()
                .order_by("name")
            )
            self.fields["organisation"].queryset = (
                Organisation.objects.filter(action_items__in=visible).distinct().order_by("name")
            )
            from meetings.selectors import meetings_visible_to

            meetings = meetings_visible_to(user=user).values("pk")
            self.fields["working_group"].queryset = (
                WorkingGroup.objects.filter(meetings__in=meetings).distinct().order_by("name")
            )
            self.fields["consultation_round"].queryset = (
                ConsultationRound.objects.filter(sessions__in=meetings).distinct().order_by("title")
            )

    def filters(self):
        from meetings.selectors_minutes import ActionFilters

        data = self.cleaned_data
        return ActionFilters(
            scope=data.get("scope") or "",
            status=data.get("status") or "",
            overdue=bool(data.get("overdue")),
            owner=data["owner"].pk if data.get("owner") else None,
            organisation=data["organisation"].pk if data.get("organisation") else None,
            due_from=data.get("due_from"),
            due_until=data.get("due_until"),
            meeting=data.get("meeting"),
            working_group=data["working_group"].pk if data.get("working_group") else None,
            consultation_round=(
                data["consultation_round"].pk if data.get("consultation_round") else None
            ),
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
