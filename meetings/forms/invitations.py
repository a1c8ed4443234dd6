"""Forms of invitations: the RSVP answer, the delegation to a colleague, an added invitee."""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coordination.enums import WorkingLanguage
from coordination.forms import ContactChoiceField
from coordination.models import Contact
from meetings import enums
from meetings.selectors.invitations import contacts_invitable


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (enums.InvitationStatus.ACCEPTED, _("I will take part")),
            (enums.InvitationStatus.TENTATIVE, _("Maybe (tentative)")),
            (enums.InvitationStatus.DECLINED, _("I cannot take part")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    participation_language = forms.ChoiceField(
        label=_("Language in which you will take part"),
        choices=[("", "—"), *WorkingLanguage.choices],
        required=False,
    )
    needs_interpretation = forms.BooleanField(label=_("I need interpretation"), required=False)
    accessibility_needs = forms.CharField(
        label=_("Accessibility or dietary needs (erased after the meeting)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    needs_consent = forms.BooleanField(
        label=_(
            "I agree that my interpretation, accessibility or dietary needs are used only to "
            "arrange my participation in this meeting."
        ),
        help_text=_(
            "These needs may say something about your health. Only the meeting's facilitators "
            "and the coordination team see them; they are erased after the meeting, and you "
            "may withdraw this consent at any time by emptying them."
        ),
        required=False,
    )
    forget_earlier = forms.BooleanField(
        label=_("Erase the comment and needs I gave earlier"),
        help_text=_("They are not shown here; left empty, the fields keep them."),
        required=False,
    )


class DelegateForm(forms.Form):
    colleague = forms.ModelChoiceField(
        label=_("A colleague we know"), queryset=Contact.objects.none(), required=False
    )
    name = forms.CharField(label=_("Or: name"), max_length=200, required=False)
    email = forms.EmailField(label=_("and e-mail"), required=False)

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        # Each option names the colleague's organisation: one query for all of them.
        self.fields["colleague"].queryset = (
            Contact.objects.filter(
                organisation_id=invitation.contact.organisation_id, is_active=True
            )
            .exclude(pk=invitation.contact_id)
            .select_related("organisation")
        )

    def clean(self):
        data = super().clean()
        if not data.get("colleague") and not (data.get("name") and data.get("email")):
            raise ValidationError(_("Choose a colleague, or give a name and an e-mail address."))
        return data


class AddInviteeForm(forms.Form):
    contact = ContactChoiceField(label=_("Contact"))

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts_invitable(meeting=meeting)
        self.fields["contact"].lookup_url = reverse("meeting-invitee-lookup", args=[meeting.pk])
