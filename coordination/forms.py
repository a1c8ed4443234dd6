"""Forms of the ``coordination`` pages."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coordination import enums
from coordination.imports.columns import KEEP_APART
from coordination.imports.readers import ExportFileError, ImportLimits
from coordination.models import Contact, Organisation
from coordination.selectors import (
    POOL_FILTERS,
    contact_search,
    contacts_joinable,
    organisation_search,
)
from coordination.validators import id_or_none
from coordination.widgets import (
    ContactSearchInput,
    ContactTyped,
    DateInput,
    OrganisationSearchInput,
    RememberedSelect,
)

FORM_LANGUAGES = [("", _("Tell from the headers")), ("fr", _("French")), ("nl", _("Dutch"))]
FORM_LANGUAGES.append(("en", _("English")))


class SurveyImportForm(forms.Form):
    file = forms.FileField(
        label=_("Survey export"), help_text=_("XLSX or CSV, one row per response.")
    )
    language = forms.ChoiceField(label=_("Form language"), choices=FORM_LANGUAGES, required=False)
    mapping = forms.FileField(
        label=_("Mapping file"),
        required=False,
        help_text=_("TOML or YAML: column header → question number, for unnumbered headers."),
    )
    partial = forms.BooleanField(
        label=_("Keep the good rows when some are rejected"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            ImportLimits.from_settings().file_size_check(upload.size)
        except ExportFileError as exc:
            raise forms.ValidationError(str(exc), code="too_large") from exc
        return upload

    def clean_mapping(self):
        upload = self.cleaned_data.get("mapping")
        if upload and upload.size > 1024 * 1024:
            raise forms.ValidationError(_("The mapping file is larger than 1 MB."))
        return upload


def organisation_choices_posted(data, hints: list[dict]) -> dict[str, str]:
    """The team's answer to each hint of the checked file: ``KEEP_APART`` or one of the hint's
    own candidates (anything else posted is ignored: the default, keep apart, stands)."""
    choices = {}
    for index, hint in enumerate(hints):
        value = data.get(f"choice-{index}", KEEP_APART)
        choices[hint["organisation"]] = value if value in hint["candidates"] else KEEP_APART
    return choices


class PoolFilterForm(forms.Form):
    """Filters of the volunteer pool (page and API share the names)."""

    working_language = forms.ChoiceField(
        widget=RememberedSelect,
        label=_("Working language (Q3)"),
        required=False,
        choices=[("", _("Any")), *enums.WorkingLanguage.choices],
    )
    area = forms.ChoiceField(
        widget=RememberedSelect,
        label=_("Area (Q4)"),
        required=False,
        choices=[("", _("Any")), *enums.Area.choices],
    )
    domain = forms.ChoiceField(
        widget=RememberedSelect,
        label=_("Domain (Q5)"),
        required=False,
        choices=[("", _("Any")), *enums.Domain.choices],
    )
    target_public = forms.CharField(label=_("Target public (Q7)"), required=False, max_length=40)
    support_role = forms.ChoiceField(
        widget=RememberedSelect,
        label=_("Support role (Q10)"),
        required=False,
        choices=[("", _("Any")), *enums.SupportRole.choices],
    )
    shares_data = forms.ChoiceField(
        widget=RememberedSelect,
        label=_("Willing to share data (Q39)"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Yes")), ("no", _("No"))],
    )
    active_engagement = forms.ChoiceField(
        widget=RememberedSelect,
        label=_("Active engagement (Q44)"),
        required=False,
        choices=[
            ("", _("Any")),
            ("definitely_yes", _("Definitely, yes")),
            ("yes", _("Yes")),
            ("no", _("No")),
            ("definitely_no", _("Definitely, no")),
        ],
    )
    meeting_interest = forms.ChoiceField(
        widget=RememberedSelect,
        label=_("Interest in joint meetings (Q50)"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Yes")), ("no", _("No"))],
    )

    def __init__(self, *args, target_publics: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if target_publics:
            self.fields["target_public"] = forms.ChoiceField(
                widget=RememberedSelect,
                label=_("Target public (Q7)"),
                required=False,
                choices=[("", _("Any")), *target_publics],
            )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v and k in POOL_FILTERS}


class ResultsFilterForm(forms.Form):
    form_language = forms.ChoiceField(
        widget=RememberedSelect,
        label=_("Form language"),
        required=False,
        choices=[("", _("All")), ("fr", _("French")), ("nl", _("Dutch")), ("en", _("English"))],
    )
    area = forms.ChoiceField(
        widget=RememberedSelect,
        label=_("Area (Q4)"),
        required=False,
        choices=[("", _("All")), *enums.Area.choices],
    )


class QuestionChoiceField(forms.ModelMultipleChoiceField):
    """Survey questions as checkboxes, labelled in the page's language."""

    def label_from_instance(self, obj):
        from django.utils.translation import get_language

        return f"Q{obj.number}. {obj.label((get_language() or 'en')[:2])}"


class ChosenByTypingField(forms.Field):
    """One row of ``queryset`` chosen by typing its name or its number (alone, or after
    ``#`` at the end, as the suggestions show it); the value is the row, as a
    ``ModelChoiceField``'s. Subclasses read the text (``to_python``)."""

    model = None
    not_offered = ""  # the message for a number that names no row of the choice
    NUMBER = re.compile(r"^#?(\d+)$|#(\d+)$")

    def __init__(self, *, queryset=None, **kwargs):
        super().__init__(**kwargs)
        self.queryset = queryset if queryset is not None else self.model.objects.none()

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.queryset = self.queryset.all()
        return result

    @staticmethod
    def checked_text(text: str) -> str:
        """``text`` if it may be a name: the database is never asked about anything else."""
        if "\x00" in text or len(text) > 300:
            raise ValidationError(
                _("Type at most 300 characters of a name, without control characters."),
                code="invalid",
            )
        return text

    def number_in(self, text: str) -> str | None:
        """The number ``text`` gives, if it gives one."""
        number = self.NUMBER.search(text)
        return (number.group(1) or number.group(2)) if number else None

    def _offered(self, pk: int | None):
        """The row ``pk`` if the field offers it."""
        return None if pk is None else self.queryset.filter(pk=pk).first()

    def _numbered(self, number: str):
        """The row ``number`` names, or the field's ``not_offered`` error."""
        found = self._offered(id_or_none(number.strip()))
        if found is None:
            raise ValidationError(
                self.not_offered, code="not_offered", params={"number": number.strip()[:12]}
            )
        return found

    def has_changed(self, initial, data) -> bool:
        try:
            chosen = self.to_python(data)
        except ValidationError:
            return True
        before = getattr(initial, "pk", initial)
        return str(getattr(chosen, "pk", "") or "") != str(before or "")


class ContactChoiceField(ChosenByTypingField):
    """One contact of ``queryset``, chosen by typing (``ContactSearchInput``): a text that
    names exactly one of them, a contact number, or one of the matches shown when the text
    named several."""

    model = Contact
    widget = ContactSearchInput
    not_offered = _("Contact #%(number)s cannot be chosen here.")
    MATCHES_SHOWN = 8

    def __init__(self, *, queryset=None, lookup_url: str = "", **kwargs):
        kwargs.setdefault(
            "help_text", _("Type part of the name, the organisation or the e-mail address.")
        )
        super().__init__(queryset=queryset, **kwargs)
        self.widget.lookup_url = lookup_url

    @property
    def lookup_url(self) -> str:
        return self.widget.lookup_url

    @lookup_url.setter
    def lookup_url(self, url: str) -> None:
        self.widget.lookup_url = url

    def prepare_value(self, value):
        """An initial value given as a number is shown as the contact it names."""
        if isinstance(value, int | str) and not isinstance(value, bool):
            return self._offered(id_or_none(str(value)))
        return value

    def _offered(self, pk: int | None) -> Contact | None:
        """The contact ``pk`` if the field offers it, with its organisation (its label)."""
        if pk is None:
            return None
        return self.queryset.select_related("organisation").filter(pk=pk).first()

    def to_python(self, value):
        typed = value if isinstance(value, ContactTyped) else ContactTyped(text=str(value or ""))
        self.widget.matches = []
        if typed.pick and typed.query == typed.text:
            return self._numbered(typed.pick)
        text = typed.text.strip()
        if not text:
            return None
        number = self.number_in(self.checked_text(text))
        if number:
            return self._numbered(number)
        matches = contact_search(self.queryset, text, limit=self.MATCHES_SHOWN + 1)
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ValidationError(
                _("No contact matches “%(text)s”. Check the spelling, or type less of it."),
                code="no_match",
                params={"text": text},
            )
        self.widget.matches = matches[: self.MATCHES_SHOWN]
        if len(matches) > self.MATCHES_SHOWN:
            message = _(
                "More than %(n)s contacts match “%(text)s”: choose one of these, or type "
                "more of the name."
            )
        else:
            message = ngettext(
                "%(n)s contact matches “%(text)s”: choose one of them.",
                "%(n)s contacts match “%(text)s”: choose one of them.",
                len(matches),
            )
        raise ValidationError(
            message, code="several", params={"n": len(self.widget.matches), "text": text}
        )

    def has_changed(self, initial, data) -> bool:
        matches = self.widget.matches
        try:
            return super().has_changed(initial, data)
        finally:
            self.widget.matches = matches


class OrganisationChoiceField(ChosenByTypingField):
    """One organisation of ``queryset``, chosen by typing (``OrganisationSearchInput``, whose
    suggestions come from a ``<datalist>`` of the page): its name, part of it that names only
    it, or its number."""

    model = Organisation
    widget = OrganisationSearchInput
    not_offered = _("Organisation #%(number)s cannot be chosen here.")
    MATCHES_NAMED = 3

    def prepare_value(self, value):
        """An initial value given as a number is shown as the organisation it names (text
        sent is shown as it was typed)."""
        if isinstance(value, int) and not isinstance(value, bool):
            return self._offered(value)
        return value

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        number = self.number_in(self.checked_text(text))
        if number:
            return self._numbered(number)
        matches = organisation_search(self.queryset, text, limit=self.MATCHES_NAMED + 1)
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ValidationError(
                _("No organisation matches “%(text)s”. Check the spelling, or type less of it."),
                code="no_match",
                params={"text": text},
            )
        names = ", ".join(o.name for o in matches[: self.MATCHES_NAMED])
        raise ValidationError(
            _(
                "Several organisations match “%(text)s”: %(names)s. Type more of the name, or "
                "choose one from the suggestions."
            ),
            code="several",
            params={
                "text": text,
                "names": names + ("…" if len(matches) > self.MATCHES_NAMED else ""),
            },
        )


class FacilitatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    themes = forms.CharField(
        label=_("Themes"),
        required=False,
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One theme per line."),
    )
    questions = QuestionChoiceField(
        label=_("Survey questions taken up"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    facilitators = FacilitatorChoiceField(
        label=_("Facilitators"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    capacity_per_session = forms.IntegerField(
        label=_("Capacity per session"), min_value=1, max_value=500, initial=15
    )

    def __init__(self, *args, capacity_locked: str = "", **kwargs):
        from django.contrib.auth import get_user_model
        from django.db.models import Q

        from coordination.models import Question
        from coordination.rules import FACILITATORS_GROUP

        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = Question.objects.order_by("survey", "number")
        self.fields["facilitators"].queryset = (
            get_user_model()
            .objects.filter(Q(groups__name=FACILITATORS_GROUP) | Q(is_staff=True), is_active=True)
            .distinct()
            .order_by("username")
        )
        if capacity_locked:
            field = self.fields["capacity_per_session"]
            field.disabled = True
            field.help_text = capacity_locked

    def clean_themes(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["themes"].splitlines() if line.strip()]

    @staticmethod
    def initial_from(consultation_round) -> dict:
        return {
            "title": consultation_round.title,
            "purpose": consultation_round.purpose,
            "themes": "\n".join(consultation_round.themes or []),
            "questions": list(consultation_round.questions.all()),
            "facilitators": list(consultation_round.facilitators.all()),
            "capacity_per_session": consultation_round.capacity_per_session,
        }


class MembershipAddForm(forms.Form):
    contact = ContactChoiceField(label=_("Contact"))
    role = forms.ChoiceField(label=_("Role"), choices=enums.MembershipRole.choices)
    since = forms.DateField(label=_("Since"), required=False, widget=DateInput())

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts_joinable(group=group)
        self.fields["contact"].lookup_url = reverse("working-group-contacts", args=[group.pk])


class MembershipChangeForm(forms.Form):
    action = forms.ChoiceField(choices=[("role", "role"), ("end", "end")])
    role = forms.ChoiceField(label=_("Role"), choices=enums.MembershipRole.choices, required=False)


class AccessEventFilterForm(forms.Form):
    """Filters of the audit trail page; every field optional."""

    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", "—"), *enums.AccessAction.choices]
    )
    door = forms.ChoiceField(
        label=_("Door"), required=False, choices=[("", "—"), *enums.Door.choices]
    )
    contact = forms.IntegerField(label=_("Contact number"), required=False, min_value=1)
    since = forms.DateField(label=_("From"), required=False)
    until = forms.DateField(label=_("To"), required=False)

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "action": data.get("action") or "",
            "door": data.get("door") or "",
            "contact_id": data.get("contact"),
            "since": data.get("since"),
            "until": data.get("until"),
        }
