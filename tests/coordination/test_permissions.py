"""Role rules: what the team, facilitators and participants may see, through every door."""

import pytest
from django.urls import reverse

from tests.factories import (
    ConsultationRoundFactory,
    ContactFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    RoundSessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def organisation_contacts(client, organisation) -> list[dict]:
    response = client.get(reverse("organisation-detail", args=[organisation.pk]))
    assert response.status_code == 200
    return list(response.context["organisation"].visible_contacts)


def api_contacts(client, organisation) -> list[dict]:
    response = client.get(f"/api/organisations/{organisation.pk}/")
    assert response.status_code == 200
    return response.json()["contacts"]


def test_team_sees_every_contact_detail(client_for, team_user):
    contact = ContactFactory(email="x@example.org", phone="+32 1")

    contacts = api_contacts(client_for(team_user), contact.organisation)

    assert [(c["email"], c["phone"]) for c in contacts] == [("x@example.org", "+32 1")]


def test_facilitator_sees_details_of_members_of_a_group_they_lead(client_for, facilitator):
    lead = ContactFactory(user=facilitator)
    membership = MembershipFactory(contact=lead, role="chair")
    member = MembershipFactory(group=membership.group).contact
    stranger = ContactFactory(organisation=member.organisation)

    contacts = api_contacts(client_for(facilitator), member.organisation)

    assert [c["email"] for c in contacts] == [member.email]
    assert stranger.email not in str(contacts)


def test_facilitator_sees_details_of_invitees_of_their_round(client_for, facilitator):
    round_ = ConsultationRoundFactory()
    round_.facilitators.add(facilitator)
    invitee = InvitationFactory(meeting=RoundSessionFactory(consultation_round=round_)).contact
    other_round_invitee = InvitationFactory().contact

    client = client_for(facilitator)

    assert [c["email"] for c in api_contacts(client, invitee.organisation)] == [invitee.email]
    assert api_contacts(client, other_round_invitee.organisation) == []
    assert organisation_contacts(client, other_round_invitee.organisation) == []


def test_facilitator_page_hides_details_of_contacts_they_have_no_reason_to_see(
    client_for, facilitator
):
    contact = ContactFactory(email="hidden@example.org", phone="+32 9 999")

    response = client_for(facilitator).get(
        reverse("organisation-detail", args=[contact.organisation.pk])
    )

    assert response.status_code == 200
    assert b"hidden@example.org" not in response.content
    assert b"+32 9 999" not in response.content


@pytest.mark.parametrize(
    "url",
    [
        "/api/organisations/",
        "/api/working-groups/",
        "/api/rounds/",
        "/organisations/",
        "/groups/",
        "/rounds/",
    ],
)
def test_participant_cannot_open_the_directory(client_for, participant, url):
    response = client_for(participant).get(url)

    assert response.status_code == 403


def test_participant_cannot_read_another_participants_meeting(client_for, participant):
    mine = InvitationFactory(contact=participant.contact).meeting
    someone_else = InvitationFactory(contact=ContactFactory(user=UserFactory())).meeting
    client = client_for(participant)

    api_ids = [m["id"] for m in client.get("/api/meetings/").json()["results"]]

    assert api_ids == [mine.pk]
    assert client.get(f"/api/meetings/{someone_else.pk}/").status_code == 404
    assert client.get(reverse("meeting-detail", args=[someone_else.pk])).status_code == 404
    assert client.get(reverse("meeting-detail", args=[mine.pk])).status_code == 200


def test_drafted_invitation_does_not_reveal_the_meeting_yet(client_for, participant):
    meeting = InvitationFactory(contact=participant.contact, status="drafted").meeting

    response = client_for(participant).get(reverse("meeting-detail", args=[meeting.pk]))

    assert response.status_code == 404


def test_group_member_sees_the_groups_meetings(client_for, participant):
    from tests.factories import MeetingFactory

    membership = MembershipFactory(contact=participant.contact)
    meeting = MeetingFactory(working_group=membership.group)

    ids = [m["id"] for m in client_for(participant).get("/api/meetings/").json()["results"]]

    assert ids == [meeting.pk]


def test_participant_home_shows_only_their_own_invitations(client_for, participant):
    mine = InvitationFactory(contact=participant.contact, meeting__title="Mine")
    InvitationFactory(meeting__title="Not mine")

    response = client_for(participant).get(reverse("home"))

    assert [i.meeting.title for i in response.context["open_invitations"]] == [mine.meeting.title]


def test_anonymous_visitor_is_sent_to_sign_in(client):
    organisation = OrganisationFactory()

    page = client.get(reverse("organisation-detail", args=[organisation.pk]))
    api = client.get("/api/meetings/")

    assert page.status_code == 302
    assert page.url.startswith(reverse("login"))
    assert api.status_code in (401, 403)
