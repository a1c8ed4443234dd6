"""The consents page every e-mail links to lets its person choose the language of the e-mails
sent to them, without an account: the next e-mails are written in it, their log-in (if any)
follows, and the change is in the contact's history."""

import pytest
from auditlog.models import LogEntry as ChangeEntry
from django.test import Client
from django.urls import reverse

from coordination.services import consent_link_token
from meetings.models import OutboundMessage
from meetings.services import invitations as invitation_services
from tests.factories import ContactFactory, InvitationFactory, RoundSessionFactory, UserFactory
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db


def consents_url(contact) -> str:
    return reverse("consents-page", args=[consent_link_token(contact=contact)])


def choose(client: Client, url: str, language: str):
    return client.post(url, {"action": "language", "language": language}, follow=True)


def test_a_contact_chooses_the_language_of_the_e_mails_they_are_sent():
    contact = ContactFactory(preferred_language="fr", email="olena@ngo.be")
    url = consents_url(contact)
    browser = Client()
    before = browser.get(url)

    after = choose(browser, url, "nl")
    session = RoundSessionFactory()
    invitation = InvitationFactory(meeting=session, contact=contact, status="drafted")
    invitation_services.invitations_send(meeting=session)

    contact.refresh_from_db()
    message = OutboundMessage.objects.get(invitation=invitation, kind="invitation")
    changes = ChangeEntry.objects.get_for_object(contact).filter(action=ChangeEntry.Action.UPDATE)
    assert '<option value="fr" lang="fr" selected>Français</option>' in before.text
    assert after.status_code == 200
    assert messages_of(after) == ["Uw taal is opgeslagen: Nederlands."]
    assert after["Content-Language"] == "nl"
    assert '<option value="nl" lang="nl" selected>Nederlands</option>' in after.text
    assert contact.preferred_language == "nl"
    assert [c.changes_dict for c in changes.order_by("timestamp", "pk")] == [
        {"preferred_language": ["fr", "nl"]},
        {"user": [None, contact.user_id]},  # the log-in its invitation link opens
    ]
    assert message.language == "nl"
    assert '<html lang="nl">' in message.body_html
    assert "Uw toestemmingen en de taal van onze e-mails (geen account nodig):\n" in (
        message.body_text
    )


def test_the_log_in_of_a_contact_follows_the_language_they_choose(client):
    contact = ContactFactory(user=UserFactory(preferred_language="fr"), preferred_language="fr")

    choose(client, consents_url(contact), "de")

    contact.user.refresh_from_db()
    assert contact.user.preferred_language == "de"


def test_a_language_the_site_does_not_speak_is_refused_and_changes_nothing(client):
    contact = ContactFactory(preferred_language="fr")

    response = choose(client, consents_url(contact), "uk")

    contact.refresh_from_db()
    assert messages_of(response) == [
        "«\u00a0uk\u00a0» n’est pas une langue de ce site (choisissez parmi en, fr, nl, de)."
    ]
    assert response["Content-Language"] == "fr"
    assert contact.preferred_language == "fr"
    assert (
        not ChangeEntry.objects.get_for_object(contact)
        .filter(action=ChangeEntry.Action.UPDATE)
        .exists()
    )


def test_a_forged_link_changes_no_ones_language(client):
    contact = ContactFactory(preferred_language="fr")
    forged = consents_url(contact).replace("/consents/", "/consents/x")

    response = client.post(forged, {"action": "language", "language": "nl"})

    contact.refresh_from_db()
    assert response.status_code == 404
    assert contact.preferred_language == "fr"
