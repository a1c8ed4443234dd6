"""Delegation stays inside the organisation: a known e-mail domain is invited at once, any
other address waits for a facilitator's approval; undo until the delegate answers."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from coordination.models import Contact
from meetings.enums import DelegationRequestStatus, InvitationStatus
from meetings.models import DelegationRequest, Invitation, OutboundMessage
from meetings.services import invitations as services
from tests.factories import (
    ContactFactory,
    InvitationFactory,
    OrganisationFactory,
    RoundSessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return OrganisationFactory(name="Federal Reception Agency")


@pytest.fixture
def invitation(agency):
    meeting = RoundSessionFactory(title="Housing consultation")
    contact = ContactFactory(organisation=agency, name="Ana Peeters", email="ana@agency.example")
    return InvitationFactory(meeting=meeting, contact=contact, status=InvitationStatus.ACCEPTED)


def rsvp_path(invitation) -> str:
    return reverse("rsvp", args=[services.invitation_token(invitation)])


def test_colleague_at_a_known_domain_is_invited_at_once(invitation, agency):
    outcome = services.invitation_delegation_request(
        invitation=invitation, name="Bram Claes", email="Bram@Agency.example"
    )

    invitation.refresh_from_db()
    assert outcome.request is None
    assert (outcome.delegate.contact.email, outcome.delegate.contact.organisation) == (
        "bram@agency.example",
        agency,
    )
    assert (invitation.status, invitation.status_before_delegation) == ("delegated", "accepted")
    assert outcome.delegate.holds_seat is True


def test_delegate_first_email_says_who_passed_the_address_and_why(invitation):
    outcome = services.invitation_delegation_request(
        invitation=invitation, name="Bram Claes", email="bram@agency.example"
    )

    row = OutboundMessage.objects.get(invitation=outcome.delegate, kind="invitation")
    assert (
        "Why you receive this e-mail: Ana Peeters (Federal Reception Agency) cannot take part "
        "and passed the invitation, and your e-mail address, on to you."
    ) in row.body_text
    assert "Ana Peeters (Federal Reception Agency) cannot take part" in row.body_html


def test_address_outside_the_organisation_waits_for_approval_and_changes_nothing(invitation):
    contacts_before = Contact.objects.count()

    outcome = services.invitation_delegation_request(
        invitation=invitation, name="Private Person", email="someone@gmail.com"
    )

    invitation.refresh_from_db()
    assert outcome.delegate is None
    assert (outcome.request.status, outcome.request.email) == ("pending", "someone@gmail.com")
    assert invitation.status == InvitationStatus.ACCEPTED
    assert Contact.objects.count() == contacts_before
    assert Invitation.objects.count() == 1
    assert OutboundMessage.objects.count() == 0


def test_facilitator_sees_who_asked_and_approves(invitation, agency):
    facilitator = UserFactory(facilitator=True)
    invitation.meeting.consultation_round.facilitators.add(facilitator)
    request = services.invitation_delegation_request(
        invitation=invitation, name="Private Person", email="someone@gmail.com"
    ).request
    client = Client()
    client.force_login(facilitator)

    overview = client.get(reverse("meeting-invitations", args=[invitation.meeting_id]))
    decided = client.post(
        reverse("delegation-request-decide", args=[request.pk]), {"decision": "approve"}
    )

    body = overview.content.decode()
    assert (
        "Ana Peeters (Federal Reception Agency) asked on" in body
        and "to pass the seat to Private Person &lt;someone@gmail.com&gt;" in body
    )
    assert decided.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decided_by) == ("approved", facilitator)
    delegate = Invitation.objects.get(contact__email="someone@gmail.com")
    assert (delegate.status, delegate.contact.organisation, delegate.delegated_from) == (
        "sent",
        agency,
        invitation,
    )


def test_facilitator_refuses_and_nothing_is_created(invitation):
    request = services.invitation_delegation_request(
        invitation=invitation, name="Private Person", email="someone@gmail.com"
    ).request

    services.delegation_request_decide(request=request, approve=False, by=None)

    request.refresh_from_db()
    invitation.refresh_from_db()
    assert request.status == DelegationRequestStatus.REFUSED
    assert invitation.status == InvitationStatus.ACCEPTED
    assert not Contact.objects.filter(email="someone@gmail.com").exists()


def test_only_the_meeting_facilitators_decide(invitation):
    request = services.invitation_delegation_request(
        invitation=invitation, name="Private Person", email="someone@gmail.com"
    ).request
    client = Client()
    client.force_login(UserFactory(facilitator=True))

    response = client.post(
        reverse("delegation-request-decide", args=[request.pk]), {"decision": "approve"}
    )

    request.refresh_from_db()
    assert response.status_code == 404
    assert request.status == DelegationRequestStatus.PENDING


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("ana@agency.example", "Name someone else than yourself."),
        ("lea@ministry.example", "The colleague must work for Federal Reception Agency."),
        ("someone@ministry.example", "The colleague must work for Federal Reception Agency."),
        ("carl@agency.example", "Carl Invited is already invited to this meeting."),
    ],
)
def test_refused_delegations_change_nothing(invitation, agency, email, message):
    ContactFactory(organisation=OrganisationFactory(), name="Lea", email="lea@ministry.example")
    ContactFactory(organisation=agency, name="Carl Invited", email="carl@agency.example")
    InvitationFactory(meeting=invitation.meeting, contact=Contact.objects.get(name="Carl Invited"))
    before = (
        Contact.objects.count(),
        Invitation.objects.count(),
        DelegationRequest.objects.count(),
    )

    with pytest.raises(ValidationError) as excinfo:
        services.invitation_delegation_request(invitation=invitation, name="X Y", email=email)

    invitation.refresh_from_db()
    assert excinfo.value.messages == [message]
    assert invitation.status == InvitationStatus.ACCEPTED
    assert (
        Contact.objects.count(),
        Invitation.objects.count(),
        DelegationRequest.objects.count(),
    ) == before


def test_rsvp_page_refuses_another_organisation_with_a_clear_message(invitation):
    ContactFactory(organisation=OrganisationFactory(), email="lea@ministry.example")

    response = Client().post(
        rsvp_path(invitation), {"delegate": "1", "name": "Lea", "email": "lea@ministry.example"}
    )

    assert response.status_code == 400
    assert "The colleague must work for Federal Reception Agency." in response.content.decode()


def test_invitee_undoes_the_delegation_until_the_delegate_answers(invitation):
    delegate = services.invitation_delegation_request(
        invitation=invitation, name="Bram Claes", email="bram@agency.example"
    ).delegate
    client = Client()

    page = client.get(rsvp_path(invitation))
    undone = client.post(rsvp_path(invitation), {"undo_delegation": "1"})

    invitation.refresh_from_db()
    delegate.refresh_from_db()
    assert "You passed this invitation on to Bram Claes." in page.content.decode()
    assert undone.status_code == 302
    assert (invitation.status, invitation.status_before_delegation) == ("accepted", "")
    assert (delegate.status, delegate.holds_seat) == ("cancelled", False)
    assert OutboundMessage.objects.filter(invitation=delegate, kind="cancel").count() == 1


def test_no_undo_once_the_delegate_answered(invitation):
    delegate = services.invitation_delegation_request(
        invitation=invitation, name="Bram Claes", email="bram@agency.example"
    ).delegate
    services.invitation_answer(invitation=delegate, answer="accepted")

    with pytest.raises(ValidationError) as excinfo:
        services.invitation_delegation_undo(invitation=invitation)

    invitation.refresh_from_db()
    assert excinfo.value.messages == [
        "Bram Claes has answered already: the delegation can no longer be undone."
    ]
    assert invitation.status == InvitationStatus.DELEGATED
    assert "Undo: I take the seat back" not in Client().get(rsvp_path(invitation)).content.decode()


def test_facilitator_undoes_a_delegation(invitation):
    facilitator = UserFactory(facilitator=True)
    invitation.meeting.consultation_round.facilitators.add(facilitator)
    delegate = services.invitation_delegation_request(
        invitation=invitation, name="Bram Claes", email="bram@agency.example"
    ).delegate
    client = Client()
    client.force_login(facilitator)

    client.post(reverse("invitation-delegation-undo", args=[invitation.pk]))

    invitation.refresh_from_db()
    delegate.refresh_from_db()
    assert (invitation.status, delegate.status) == ("accepted", "cancelled")


def test_invitee_withdraws_a_request_waiting_for_approval(invitation):
    services.invitation_delegation_request(
        invitation=invitation, name="Private Person", email="someone@gmail.com"
    )
    client = Client()

    page = client.get(rsvp_path(invitation))
    client.post(rsvp_path(invitation), {"undo_delegation": "1"})

    assert 'id="delegation-pending"' in page.content.decode()
    assert DelegationRequest.objects.get().status == DelegationRequestStatus.WITHDRAWN


def test_one_pending_request_per_invitation_is_enforced_by_the_database(invitation):
    from django.db import IntegrityError, transaction

    DelegationRequest.objects.create(invitation=invitation, name="A", email="a@gmail.com")

    with pytest.raises(IntegrityError), transaction.atomic():
        DelegationRequest.objects.create(invitation=invitation, name="B", email="b@gmail.com")


def test_a_decided_request_needs_its_decision_time_in_the_database(invitation):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        DelegationRequest.objects.create(
            invitation=invitation, name="A", email="a@gmail.com", status="approved"
        )


def test_second_request_while_one_waits_gets_a_clear_message(invitation):
    services.invitation_delegation_request(
        invitation=invitation, name="Private Person", email="someone@gmail.com"
    )

    with pytest.raises(ValidationError) as excinfo:
        services.invitation_delegation_request(
            invitation=invitation, name="Other Person", email="other@gmail.com"
        )

    assert excinfo.value.messages == [
        "A colleague you named is already waiting for a facilitator's approval."
    ]
