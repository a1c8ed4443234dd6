"""Withdrawing a consent stops processing for its purpose at once, from the consents page
that every e-mail links to (no account needed)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from coordination.models import Consent, Membership
from coordination.services import consent_link_token, consent_withdraw, contact_erase
from meetings.models import Invitation, OutboundMessage
from meetings.selectors.reports import report_data
from meetings.services import invitations as invitation_services
from tests.factories import (
    AttendanceFactory,
    ConsentFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    RoundSessionFactory,
)

pytestmark = pytest.mark.django_db


def consents_url_in(body: str) -> str:
    return re.search(r"https?://\S+/consents/[^/\s]+/", body).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def coming_round_session_with_a_waitlist():
    session = RoundSessionFactory(consultation_round__capacity_per_session=1)
    person = ContactFactory(preferred_language="fr", email="person@ngo.be")
    ConsentFactory(contact=person, purpose="consultation_rounds")
    invitation = InvitationFactory(meeting=session, contact=person, status="drafted")
    invitation_services.invitations_send(meeting=session)
    invitation_services.invitation_answer(invitation=invitation, answer="accepted")
    waiting = InvitationFactory(
        meeting=session, contact=ContactFactory(), status="waitlisted", waitlist_position=1
    )
    return person, invitation, waiting


def test_every_email_to_a_contact_links_to_their_consents_page_in_their_language(client):
    person, invitation, _waiting = coming_round_session_with_a_waitlist()
    message = OutboundMessage.objects.get(invitation=invitation, kind="invitation")

    url = consents_url_in(message.body_text)
    response = client.get(path_of(url))

    assert url in message.body_html
    assert response.status_code == 200
    assert response.context["contact"] == person
    assert '<html lang="fr">' in response.content.decode()
    assert [(p["code"], bool(p["active"])) for p in response.context["purposes"]] == [
        ("consultation_rounds", True),
        ("working_group", False),
        ("named_in_reports", False),
    ]


def test_withdrawing_rounds_cancels_coming_invitations_mail_and_frees_the_seat(client):
    person, invitation, waiting = coming_round_session_with_a_waitlist()
    pending = OutboundMessage.objects.get(invitation=invitation, kind="invitation")
    past = InvitationFactory(
        meeting=RoundSessionFactory(
            starts_at=timezone.now() - dt.timedelta(days=9),
            ends_at=timezone.now() - dt.timedelta(days=9, hours=-3),
        ),
        contact=person,
        status="accepted",
    )
    url = reverse("consents-page", args=[consent_link_token(contact=person)])

    response = client.post(url, {"action": "withdraw", "purpose": "consultation_rounds"})

    invitation.refresh_from_db()
    waiting.refresh_from_db()
    past.refresh_from_db()
    pending.refresh_from_db()
    assert response.status_code == 302
    assert Consent.objects.get().withdrawn_at is not None
    assert invitation.status == "cancelled"
    assert pending.status == "cancelled"
    cancel = OutboundMessage.objects.get(invitation=invitation, kind="cancel")
    assert (cancel.status, cancel.ical_method) == ("pending", "CANCEL")
    assert (waiting.status, waiting.holds_seat) == ("sent", True)
    assert past.status == "accepted"


def test_withdrawing_working_groups_ends_memberships_and_invitations():
    membership = MembershipFactory(contact=ContactFactory(email="member@ngo.be"))
    ConsentFactory(contact=membership.contact, purpose="working_group")
    coming = MeetingFactory(working_group=membership.group)
    invitation_services.invitations_send(meeting=coming)
    invitation = Invitation.objects.get(meeting=coming)

    consent_withdraw(contact=membership.contact, purpose="working_group")

    membership.refresh_from_db()
    invitation.refresh_from_db()
    assert membership.until == timezone.localdate()
    assert invitation.status == "cancelled"
    later = MeetingFactory(working_group=membership.group)
    ContactFactory()  # someone else, not a member
    MembershipFactory(group=membership.group)
    invitation_services.invitations_send(meeting=later)
    assert list(Invitation.objects.filter(meeting=later).values_list("contact", flat=True)) == [
        Membership.objects.get(group=membership.group, until__isnull=True).contact_id
    ]


def test_withdrawing_being_named_drops_the_organisation_from_the_next_report():
    session = RoundSessionFactory(
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=2, hours=-3),
    )
    person = ContactFactory(organisation__name="Centre Horizon")
    ConsentFactory(contact=person, purpose="named_in_reports")
    AttendanceFactory(meeting=session, contact=person)
    before = report_data(consultation_round=session.consultation_round, language="en")

    consent_withdraw(contact=person, purpose="named_in_reports")

    after = report_data(consultation_round=session.consultation_round, language="en")
    assert before["participants"]["named"] == ["Centre Horizon"]
    assert after["participants"]["named"] == []


def test_consents_page_gives_a_consent_again(client):
    person = ContactFactory()
    url = reverse("consents-page", args=[consent_link_token(contact=person)])

    client.post(url, {"action": "give", "purpose": "working_group"})

    consent = Consent.objects.get()
    assert (consent.purpose, consent.source, consent.lawful_basis, consent.withdrawn_at) == (
        "working_group",
        "web_form",
        "consent",
        None,
    )


def test_consents_page_refuses_a_forged_or_erased_link_and_bad_input(client):
    person = ContactFactory()
    ConsentFactory(contact=person)
    url = reverse("consents-page", args=[consent_link_token(contact=person)])

    forged = client.get(url.replace("/consents/", "/consents/x"))
    unknown = client.post(url, {"action": "withdraw", "purpose": "everything"}, follow=True)
    assert [str(m) for m in unknown.context["messages"]] == [
        "Choose a consent to withdraw or to give."
    ]
    assert Consent.objects.filter(withdrawn_at__isnull=True).count() == 1
    contact_erase(contact=person)
    erased = client.get(url)

    assert (forged.status_code, erased.status_code) == (404, 404)
    assert erased.context["error"] == "This link is not valid (any more)."
