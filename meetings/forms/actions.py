"""Forms of action items: create, edit, status, comment, and the list's filters."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coordination.forms import ContactChoiceField, OrganisationChoiceField
from coordination.models import ConsultationRound, Contact, Organisation, WorkingGroup
from coordination.validators import MAX_ID
from coordination.widgets import (
    ContactSearchInput,
    DateInput,
    OrganisationSearchInput,
    RememberedCheckboxInput,
    RememberedDateInput,
    RememberedHiddenInput,
    RememberedRendering,
    RememberedSelect,
    contact_label,
    organisation_label,
)
from meetings import enums
from meetings.selectors.actions import ActionFilters, action_items_visible_to
from meetings.selectors.scheduling import meetings_visible_to

# The ids of the datalists that suggest an action item's owners (``owner_suggestions``).
OWNER_CONTACTS_LIST = "action-owner-contacts"
OWNER_ORGANISATIONS_LIST = "action-owner-organisations"


class ActionItemForm(forms.Form):
    agenda_item = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=RememberedHiddenInput
    )
    description = forms.CharField(
        label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    owner_contact = ContactChoiceField(
        label=_("Owner (person)"),
        required=False,
        help_text=_("Type part of the name: the meeting's people are suggested."),
        widget=ContactSearchInput(attrs={"list": OWNER_CONTACTS_LIST}),
    )
    owner_organisation = OrganisationChoiceField(
        label=_("Owner (organisation)"),
        required=False,
        help_text=_("Type part of the name: their organisations are suggested."),
        widget=OrganisationSearchInput(attrs={"list": OWNER_ORGANISATIONS_LIST}),
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())

    def __init__(self, *args, owners: tuple[QuerySet, QuerySet], **kwargs):
        """``owners``: the contacts and the organisations that may be chosen as owners
        (``action_owner_choices``: the meeting's people, never the whole directory). The
        page suggests them once for all its forms (``owner_suggestions``)."""
        super().__init__(*args, **kwargs)
        contacts, organisations = owners
        self.fields["owner_contact"].queryset = contacts
        self.fields["owner_organisation"].queryset = organisations


def owner_suggestions(owners: tuple[QuerySet, QuerySet]) -> dict:
    """What the page's two ``<datalist>`` of owners hold for every ``ActionItemForm`` on it
    (``meetings/actions/_owner_suggestions.html``): the labels the fields accept back."""
    contacts, organisations = owners
    return {
        "contacts_list": OWNER_CONTACTS_LIST,
        "contacts": [contact_label(contact) for contact in contacts],
        "organisations_list": OWNER_ORGANISATIONS_LIST,
        "organisations": [organisation_label(o) for o in organisations],
    }


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=enums.ActionStatus.choices)
    text = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=2000, widget=forms.TextInput
    )


class ActionCommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class SelectedOnly(forms.Select):
    """A select that offers "any" and the value chosen, never the whole list (which grows
    with the directory): the value is chosen by following a link on the list (an owner's
    name), and cleared here."""

    def optgroups(self, name, value, attrs=None):
        chosen = [v for v in value if v not in ("", None)]
        options = [self.create_option(name, "", self.choices.field.empty_label, not chosen, 0)]
        if chosen:
            queryset = self.choices.queryset
            found = queryset.filter(pk=chosen[0]).first() if str(chosen[0]).isdigit() else None
            if found is not None:
                label = self.choices.field.label_from_instance(found)
                options.append(self.create_option(name, str(found.pk), label, True, 1))
        return [(None, options, 0)]


class RememberedSelectedOnly(RememberedRendering, SelectedOnly):
    """``SelectedOnly`` remembered (for organisations: never for people, whose names would
    stay in memory)."""


class ActionFilterForm(forms.Form):
    scope = forms.ChoiceField(
        widget=RememberedSelect,
        label=_("Whose"),
        required=False,
        choices=[("", _("All I can see")), ("mine", _("My action items"))],
    )
    status = forms.ChoiceField(
        widget=RememberedSelect,
        label=_("Status"),
        required=False,
        choices=[("", _("Any")), ("open", _("Open or in progress")), *enums.ActionStatus.choices],
    )
    overdue = forms.BooleanField(
        label=_("Overdue only"), required=False, widget=RememberedCheckboxInput
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=Contact.objects.order_by("name"),
        required=False,
        empty_label=_("Anyone"),
        widget=SelectedOnly,
        help_text=_("Follow an owner's name in the list to see only their action items."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("Any"),
        widget=RememberedSelectedOnly,
        help_text=_("Follow an organisation's name in the list to see only its action items."),
    )
    due_from = forms.DateField(label=_("Due from"), required=False, widget=RememberedDateInput())
    due_until = forms.DateField(label=_("Due until"), required=False, widget=RememberedDateInput())
    working_group = forms.ModelChoiceField(
        label=_("Working group"),
        queryset=WorkingGroup.objects.none(),
        required=False,
        widget=RememberedSelect,
    )
    consultation_round = forms.ModelChoiceField(
        label=pgettext_lazy("consultation", "Consultation round"),
        queryset=ConsultationRound.objects.none(),
        required=False,
        widget=RememberedSelect,
    )
    meeting = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=RememberedHiddenInput
    )

    def __init__(self, *args, user=None, visible=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            # Owners are offered one at a time (the value chosen is checked against the
            # owners of action items the user may see): no directory leak, and no list of
            # every owner. ``visible``: those action items, when the caller has them already.
            if visible is None:
                visible = action_items_visible_to(user=user)
            self.fields["owner"].queryset = Contact.objects.filter(
                pk__in=visible.values("owner_contact_id")
            ).select_related("organisation")
            self.fields["organisation"].queryset = Organisation.objects.filter(
                pk__in=visible.values("owner_organisation_id")
            )

            meetings = meetings_visible_to(user=user).values("pk")
            self.fields["working_group"].queryset = (
                WorkingGroup.objects.filter(meetings__in=meetings).distinct().order_by("name")
            )
            self.fields["consultation_round"].queryset = (
                ConsultationRound.objects.filter(sessions__in=meetings).distinct().order_by("title")
            )

    def filters(self):

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
