"""Transparency: the privacy notice (configurable per installation and language) linked from
every page and e-mail, the record of processing activities, survey question 56 recorded as an
organisation's agreement, and a delegate told who gave their address."""

import pytest
from django.urls import reverse
from django.utils import translation

from coordination.imports.importer import survey_import
from coordination.models import Consent, Contact
from meetings.models import OutboundMessage
from meetings.services import invitations as invitation_services
from tests.factories import ContactFactory, InvitationFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_privacy_notice_is_public_and_names_controller_officer_and_authority(client, settings):
    settings.PRIVACY_CONTROLLER = "Federal Coordination Unit"
    settings.PRIVACY_DPO_CONTACT = "privacy@coordination.be"

    page = client.get(reverse("privacy-notice")).content.decode()

    assert (
        "Controller: Federal Coordination Unit. Data protection officer: privacy@coordination.be."
        in page
    )
    assert "Belgian Data Protection Authority" in page
    assert "Legitimate interest (GDPR art. 6.1.f)" in page


def test_privacy_notice_is_replaced_per_language_by_the_installation(client, settings, tmp_path):
    (tmp_path / "notice.fr.md").write_text("# Notre politique\n\n<script>x</script>Texte.", "utf-8")
    settings.PRIVACY_NOTICE_DIR = str(tmp_path)

    french = client.get(reverse("privacy-notice"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = client.get(reverse("privacy-notice"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "<h1>Notre politique</h1>" in french
    assert "<script>" not in french
    assert "Notre politique" not in english


def test_every_page_footer_and_email_link_the_privacy_notice(client):
    invitation = InvitationFactory(status="drafted")
    invitation_services.invitations_send(meeting=invitation.meeting)
    message = OutboundMessage.objects.get()
    url = "http://127.0.0.1:8000" + reverse("privacy-notice")

    rsvp = client.get(reverse("rsvp", args=[invitation_services.invitation_token(invitation)]))
    login = client.get(reverse("login"))

    assert f'href="{reverse("privacy-notice")}"' in rsvp.content.decode()
    assert f'href="{reverse("privacy-notice")}"' in login.content.decode()
    assert (url in message.body_text, url in message.body_html) == (True, True)


def test_record_of_processing_is_generated_for_the_team(client_for, team_user, participant):
    response = client_for(team_user).get(reverse("record-of-processing"))

    text = response.content.decode()
    assert response["Content-Disposition"] == 'attachment; filename="record-of-processing.md"'
    assert text.splitlines()[0] == "# Record of processing activities (GDPR art. 30)"
    assert "| Participation needs | Arranging a person's participation | Explicit consent" in text
    assert client_for(participant).get(reverse("record-of-processing")).status_code == 403


def test_survey_question_56_is_recorded_as_the_organisations_agreement(settings):
    settings.SURVEY_Q56_LAWFUL_BASIS = "public_task"
    header = "ID,Completion time,Email,Name,1. Name of your organization,56. Co-creation?\r\n"
    data = (header + "1,2022-11-03 10:00,a@org-a.be,Ann,Org A,Yes\r\n").encode()

    survey_import(data=data, filename="survey.csv", language="en")

    consent = Consent.objects.get()
    assert (consent.source, consent.lawful_basis) == ("survey_q56", "public_task")


def test_a_delegates_first_email_names_who_gave_their_address():
    organisation = OrganisationFactory(name="Centre Horizon")
    invitation = InvitationFactory(
        contact=ContactFactory(name="Ann Peeters", organisation=organisation)
    )
    colleague = ContactFactory(organisation=organisation, preferred_language="en")

    with translation.override("en"):
        delegate = invitation_services.invitation_delegate(
            invitation=invitation, colleague=colleague
        )

    first = OutboundMessage.objects.get(invitation=delegate, kind="invitation")
    assert (
        "Why you receive this e-mail: Ann Peeters (Centre Horizon) cannot take part and passed "
        "the invitation, and your e-mail address, on to you."
    ) in " ".join(first.body_text.split())


def test_every_contact_has_a_source_and_a_lawful_basis():
    import importlib

    from django.apps import apps

    header = "ID,Completion time,Email,Name,1. Name of your organization,56. Co-creation?\r\n"
    survey_import(
        data=(header + "1,2022-11-03 10:00,b@org-b.be,Bob,Org B,Yes\r\n").encode(),
        filename="s.csv",
        language="en",
    )
    invitation = InvitationFactory()
    delegate = invitation_services.invitation_delegate(
        invitation=invitation, name="Eva Colleague", email="eva@example.org"
    )
    typed_by_the_team = ContactFactory()
    earlier_respondent = Contact.objects.get(email="b@org-b.be")
    Contact.objects.filter(pk=earlier_respondent.pk).update(source="staff", lawful_basis="consent")
    migration = importlib.import_module(
        "coordination.migrations.0013_contact_source_and_lawful_basis"
    )

    migration.record_sources(apps, None)

    assert sorted(
        Contact.objects.filter(
            pk__in=[earlier_respondent.pk, delegate.contact_id, typed_by_the_team.pk]
        ).values_list("email", "source", "lawful_basis")
    ) == sorted(
        [
            ("b@org-b.be", "survey", "legitimate_interest"),
            ("eva@example.org", "delegation", "legitimate_interest"),
            (typed_by_the_team.email, "staff", "legitimate_interest"),
        ]
    )


def test_notice_and_record_of_processing_state_the_sign_in_records_retention(
    client, client_for, team_user, settings
):
    settings.RETENTION_LOGIN_ATTEMPTS_DAYS = 45

    notice = client.get(reverse("privacy-notice")).content.decode()
    record = client_for(team_user).get(reverse("record-of-processing")).content.decode()

    assert (
        "Records of sign-in attempts (user name, IP address), kept to protect the log-ins "
        "against password guessing: 45 days." in notice
    )
    assert (
        "| Sign-in protection | Protecting the log-ins against password guessing | "
        "Legitimate interest (GDPR art. 6.1.f) | user name, IP address and browser of sign-in "
        "attempts and sign-ins | coordination team | 45 days |" in record.splitlines()
    )
