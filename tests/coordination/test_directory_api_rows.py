"""The organisations endpoint, row by row: the exact JSON of its list and detail for the team
and for a facilitator (whose contacts are the ones they may see), the serializers' rows
against DRF's generic field-by-field output, the audit rows each answer records, and the
cost of the visibility filter, which does not grow with the members and invitees of the
facilitator's groups and rounds that the answer does not show."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from coordination import selectors
from coordination.api.serializers import ContactSerializer, OrganisationSerializer
from coordination.models import AccessEvent, Contact
from tests.factories import (
    ConsultationRoundFactory,
    ContactFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    RoundSessionFactory,
    UserFactory,
    round_invitees_elsewhere,
)
from tests.helpers import PostgresRowsRead, analyse

pytestmark = pytest.mark.django_db


def contact_json(contact) -> dict:
    return {
        "id": contact.pk,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "function": contact.function,
        "preferred_language": contact.preferred_language,
    }


@pytest.fixture
def directory():
    """Two organisations: one with a listed contact, a contact without e-mail, an inactive
    one and an erased one; one without contacts."""
    alpha = OrganisationFactory(
        name="Alpha",
        department="Reception service",
        kind="federal",
        working_languages=["fr", "nl"],
        areas=[],
        domains=["social", "health"],
        target_publics=["families"],
        support_role="",
    )
    beta = OrganisationFactory(name="Beta")
    listed = ContactFactory(
        organisation=alpha,
        name="Anna Listed",
        email="anna@example.org",
        phone="+32 2 111 11 11",
        function="Coordinator",
        preferred_language="fr",
    )
    without_email = ContactFactory(
        organisation=alpha, name="Bert No-mail", email=None, phone="", preferred_language="nl"
    )
    ContactFactory(organisation=alpha, name="Carl Inactive", is_active=False)
    ContactFactory(
        organisation=alpha, name="Dora Erased", email=None, phone="", erased_at=timezone.now()
    )
    return alpha, beta, listed, without_email


def test_team_list_is_exactly_this_json(client_for, team_user, directory):
    alpha, beta, listed, without_email = directory

    response = client_for(team_user).get("/api/organisations/")

    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": alpha.pk,
                "name": "Alpha",
                "department": "Reception service",
                "kind": "federal",
                "working_languages": ["fr", "nl"],
                "areas": [],
                "domains": ["social", "health"],
                "target_publics": ["families"],
                "support_role": "",
                "contact_count": 3,
                "contacts": [
                    {
                        "id": listed.pk,
                        "name": "Anna Listed",
                        "email": "anna@example.org",
                        "phone": "+32 2 111 11 11",
                        "function": "Coordinator",
                        "preferred_language": "fr",
                    },
                    {
                        "id": without_email.pk,
                        "name": "Bert No-mail",
                        "email": None,
                        "phone": "",
                        "function": "",
                        "preferred_language": "nl",
                    },
                ],
            },
            {
                "id": beta.pk,
                "name": "Beta",
                "department": "",
                "kind": "ngo",
                "working_languages": ["fr"],
                "areas": ["federal"],
                "domains": ["social"],
                "target_publics": [],
                "support_role": "first_line",
                "contact_count": 0,
                "contacts": [],
            },
        ],
    }


def test_team_list_records_one_audit_row_per_contact_shown(client_for, team_user, directory):
    _alpha, _beta, listed, without_email = directory

    client_for(team_user).get("/api/organisations/")

    assert sorted(
        AccessEvent.objects.values_list(
            "actor__username", "action", "door", "contact_id_ref", "detail", "count"
        )
    ) == sorted(
        [
            ("team-member", "list_exported", "api", contact.pk, "organisation list (api)", 2)
            for contact in (listed, without_email)
        ]
    )


def test_detail_is_the_lists_row(client_for, team_user, directory):
    alpha, *_ = directory
    client = client_for(team_user)
    row = client.get("/api/organisations/").json()["results"][0]

    response = client.get(f"/api/organisations/{alpha.pk}/")

    assert response.json() == row
    assert list(response.json()) == list(OrganisationSerializer.Meta.fields)


@pytest.fixture
def facilitators_view(facilitator):
    """One organisation whose contacts a facilitator has every reason, or none, to see."""
    organisation = OrganisationFactory(name="Gamma")
    own = ContactFactory(organisation=organisation, name="A own record", user=facilitator)
    chaired = MembershipFactory(contact=own, role="chair").group
    member = MembershipFactory(
        group=chaired, contact=ContactFactory(organisation=organisation, name="B member")
    ).contact
    MembershipFactory(
        group=chaired,
        contact=ContactFactory(organisation=organisation, name="C former member"),
        until=dt.date(2026, 2, 1),
    )
    only_member_of = MembershipFactory(contact=own).group
    MembershipFactory(
        group=only_member_of,
        contact=ContactFactory(organisation=organisation, name="D fellow member"),
    )
    round_ = ConsultationRoundFactory()
    round_.facilitators.add(facilitator)
    invitee = InvitationFactory(
        meeting=RoundSessionFactory(consultation_round=round_),
        contact=ContactFactory(organisation=organisation, name="E invitee"),
    ).contact
    InvitationFactory(contact=ContactFactory(organisation=organisation, name="F elsewhere"))
    ContactFactory(organisation=organisation, name="G stranger")
    return organisation, round_, chaired, [own, member, invitee]


def test_facilitator_list_shows_the_contacts_they_may_see(
    client_for, facilitator, facilitators_view
):
    organisation, _round, _group, shown = facilitators_view

    response = client_for(facilitator).get("/api/organisations/")

    assert response.json()["results"] == [
        {
            "id": organisation.pk,
            "name": "Gamma",
            "department": "",
            "kind": "ngo",
            "working_languages": ["fr"],
            "areas": ["federal"],
            "domains": ["social"],
            "target_publics": [],
            "support_role": "first_line",
            "contact_count": 7,
            "contacts": [contact_json(contact) for contact in shown],
        }
    ]
    listed = {c["id"] for c in response.json()["results"][0]["contacts"]}
    assert listed == selectors.contact_ids_with_visible_details(user=facilitator) & {
        c.pk for c in organisation.contacts.all()
    }
    assert sorted(AccessEvent.objects.values_list("contact_id_ref", flat=True)) == sorted(
        c.pk for c in shown
    )


@pytest.mark.parametrize("others", [0, 50, 2500])
def test_visibility_asked_about_some_contacts_answers_for_those_only(
    facilitator, facilitators_view, others
):
    organisation, _round, _group, shown = facilitators_view
    every = [c.pk for c in organisation.contacts.all()]
    strangers = Contact.objects.bulk_create(
        Contact(organisation=organisation, name="Stranger", name_key="stranger")
        for _ in range(others)
    )
    asked = [*every[1:], *(c.pk for c in strangers)]  # the own record left out

    visible = selectors.contact_ids_with_visible_details(user=facilitator, among=asked)

    whole = selectors.contact_ids_with_visible_details(user=facilitator)
    again = selectors.contact_ids_with_visible_details(user=facilitator, among=asked)
    assert visible == again == {c.pk for c in shown[1:]}
    assert whole == {c.pk for c in shown}
    assert selectors.contact_ids_with_visible_details(user=facilitator, among=[]) == set()


def rendered(data) -> tuple[list, dict]:
    """What goes on the wire: the keys in order, and the JSON."""
    return list(data), json.loads(JSONRenderer().render(data))


def test_rows_are_what_drfs_generic_fields_write(team_user, directory, facilitators_view):
    organisations = selectors.with_visible_contacts(
        selectors.organisation_list().order_by("name"), user=team_user
    )
    contacts = [c for o in organisations for c in o.visible_contacts]
    organisation_serializer, contact_serializer = OrganisationSerializer(), ContactSerializer()

    assert len(organisations) == 3
    assert len(contacts) == 9
    for organisation in organisations:
        assert rendered(organisation_serializer.to_representation(organisation)) == rendered(
            serializers.ModelSerializer.to_representation(organisation_serializer, organisation)
        )
    for contact in contacts:
        assert rendered(contact_serializer.to_representation(contact)) == rendered(
            serializers.ModelSerializer.to_representation(contact_serializer, contact)
        )


class SqliteSteps:
    """The virtual-machine instructions SQLite runs meanwhile (its measure of work done)."""

    def __enter__(self):
        self.steps = 0
        connection.ensure_connection()

        def count():
            self.steps += 1
            return 0

        connection.connection.set_progress_handler(count, 1)
        return self

    def __exit__(self, *exc):
        connection.connection.set_progress_handler(None, 1)


def _crowd(round_, group, size: int) -> None:
    """People the facilitator may see, in other organisations: invitees of their round and
    members of the group they chair."""
    session = RoundSessionFactory(consultation_round=round_)
    for _ in range(size):
        InvitationFactory(meeting=session)
        MembershipFactory(group=group)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="counts SQLite's instructions")
def test_visibility_work_does_not_grow_with_people_of_other_organisations(
    client_for, facilitator, facilitators_view
):
    organisation, round_, group, shown = facilitators_view
    client = client_for(facilitator)
    url = f"/api/organisations/{organisation.pk}/"
    client.get(url)

    _crowd(round_, group, 5)
    with SqliteSteps() as few:
        assert [c["id"] for c in client.get(url).json()["contacts"]] == [c.pk for c in shown]
    _crowd(round_, group, 60)
    with SqliteSteps() as many:
        assert [c["id"] for c in client.get(url).json()["contacts"]] == [c.pk for c in shown]

    assert many.steps <= few.steps * 1.05


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's statistics")
def test_visibility_reads_the_invitations_of_the_contacts_shown_only(
    client_for, facilitator, facilitators_view
):
    organisation, round_, _group, shown = facilitators_view
    client = client_for(facilitator)
    url = f"/api/organisations/{organisation.pk}/"
    client.get(url)  # what a first request caches is not the page's own work
    reads = []
    for count in (2000, 8000):
        round_invitees_elsewhere(round_, count)
        analyse()
        with PostgresRowsRead("meetings_invitation") as read:
            contacts = client.get(url).json()["contacts"]
        assert [c["id"] for c in contacts] == [c.pk for c in shown]
        reads.append(read.rows)

    assert reads[1] == reads[0]


def listed_contact_names(client) -> list[str]:
    return [
        c["name"]
        for o in client.get("/api/organisations/").json()["results"]
        for c in o["contacts"]
    ]


def test_each_answer_reads_who_may_be_seen_afresh(client_for, facilitator, facilitators_view):
    organisation, round_, group, _shown = facilitators_view
    other = UserFactory(username="other-facilitator", facilitator=True)
    ContactFactory(organisation=organisation, name="H other's own record", user=other)
    client, other_client = client_for(facilitator), client_for(other)
    before = listed_contact_names(client)

    MembershipFactory(group=group, contact=ContactFactory(organisation=organisation, name="I new"))
    InvitationFactory(
        meeting=RoundSessionFactory(consultation_round=round_),
        contact=ContactFactory(organisation=organisation, name="J new invitee"),
    )
    MembershipFactory(
        group=group,
        contact=ContactFactory(organisation=organisation, name="K ended"),
        until=dt.date(2026, 1, 2),
    )

    assert before == ["A own record", "B member", "E invitee"]
    assert listed_contact_names(other_client) == ["H other's own record"]
    assert listed_contact_names(client) == [
        "A own record",
        "B member",
        "E invitee",
        "I new",
        "J new invitee",
    ]


def test_a_grant_registered_later_counts(client_for, facilitator, facilitators_view):
    organisation, *_ = facilitators_view
    client = client_for(facilitator)
    listed_contact_names(client)
    stranger = organisation.contacts.get(name="G stranger")

    def strangers_granted(user):
        return Contact.objects.filter(pk=stranger.pk, user__isnull=True).values(contact_id=F("pk"))

    selectors.contact_detail_grant_register(strangers_granted)
    try:
        names = listed_contact_names(client)
    finally:
        selectors.CONTACT_DETAIL_GRANTS.remove(strangers_granted)

    assert names == ["A own record", "B member", "E invitee", "G stranger"]
    assert listed_contact_names(client) == ["A own record", "B member", "E invitee"]


def test_filters_narrow_the_list_and_refuse_unknown_choices(client_for, team_user, directory):
    client = client_for(team_user)

    def names(query: str) -> list[str]:
        response = client.get(f"/api/organisations/{query}")
        assert response.status_code == 200, response.json()
        return [row["name"] for row in response.json()["results"]]

    refused = client.get("/api/organisations/?kind=bogus")

    assert names("") == names("?page=1") == names("?kind=") == ["Alpha", "Beta"]
    assert names("?kind=federal") == names("?working_language=nl") == ["Alpha"]
    assert names("?area=federal&page=1") == names("?ordering=-name&name=bet") == ["Beta"]
    assert (refused.status_code, refused.json()["type"]) == (400, "validation_error")
    assert [e["attr"] for e in refused.json()["errors"]] == ["kind"]
