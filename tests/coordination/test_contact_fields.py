"""Contact fields: a contact is chosen by typing part of a name (suggestions asked from the
page's lookup), never from a list of the whole directory; a name that matches several
contacts comes back with them to choose from; what an outsider sends is checked again."""

import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from coordination.models import Membership
from coordination.services import contact_erase
from meetings.enums import InvitationStatus
from meetings.models import AgendaItem, Invitation
from tests.factories import (
    AgendaItemFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    TeamUserFactory,
    UserFactory,
    WorkingGroupFactory,
)
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db


def _errors(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [li.get_text(" ", strip=True) for li in soup.select(".errorlist li")]


def _matches(response) -> list[tuple[str, str]]:
    """(value, label) of the radio buttons offered to choose among several matches."""
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        (radio["value"], radio.parent.get_text(" ", strip=True))
        for radio in soup.select(".contact-matches input[type=radio]")
    ]


def _lookup(client, url: str, text: str) -> list[str]:
    response = client.get(url, {"q": text})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    return [row["value"] for row in response.json()["contacts"]]


@pytest.fixture
def meeting():
    return MeetingFactory(title="Housing working session")


@pytest.fixture
def team_client(client_for):
    return client_for(TeamUserFactory())


def test_the_invitations_page_does_not_list_the_directory(team_client, meeting):
    for i in range(40):
        ContactFactory(name=f"Directory Person {i}")

    response = team_client.get(reverse("meeting-invitations", args=[meeting.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Directory Person" not in html
    field = BeautifulSoup(html, "html.parser").select_one(".contact-search")
    assert field["data-lookup-url"] == reverse("meeting-invitee-lookup", args=[meeting.pk])
    assert field.select_one("input")["type"] == "search"


def test_a_name_that_names_one_contact_invites_them(team_client, meeting):
    marie = ContactFactory(name="Marie Dupont", organisation__name="Fedasil")
    ContactFactory(name="Jan Peeters")

    response = team_client.post(
        reverse("meeting-invitation-add", args=[meeting.pk]), {"contact": "  dupont "}, follow=True
    )

    assert messages_of(response) == ["The invitee was added."]
    assert list(Invitation.objects.values_list("contact_id", flat=True)) == [marie.pk]


def test_words_may_name_the_person_and_the_organisation(team_client, meeting):
    ContactFactory(name="Marie Dupont", organisation__name="Red Cross Flanders")
    at_fedasil = ContactFactory(name="Marie Dupont", organisation__name="Fedasil")

    team_client.post(
        reverse("meeting-invitation-add", args=[meeting.pk]), {"contact": "marie fedasil"}
    )

    assert list(Invitation.objects.values_list("contact_id", flat=True)) == [at_fedasil.pk]


def test_a_name_of_several_contacts_comes_back_with_them_to_choose_from(team_client, meeting):
    red_cross = ContactFactory(name="Marie Dupont", organisation__name="Red Cross Flanders")
    fedasil = ContactFactory(name="Marie Dupuis", organisation__name="Fedasil")
    ContactFactory(name="Jan Peeters")
    url = reverse("meeting-invitation-add", args=[meeting.pk])

    asked = team_client.post(url, {"contact": "Marie Dup"})

    assert asked.status_code == 400
    assert _errors(asked) == ["2 contacts match “Marie Dup”: choose one of them."]
    assert _matches(asked) == [
        (str(red_cross.pk), "Marie Dupont (Red Cross Flanders)"),
        (str(fedasil.pk), "Marie Dupuis (Fedasil)"),
    ]
    assert Invitation.objects.count() == 0

    chosen = team_client.post(
        url,
        {"contact": "Marie Dup", "contact_query": "Marie Dup", "contact_pick": str(fedasil.pk)},
        follow=True,
    )

    assert messages_of(chosen) == ["The invitee was added."]
    assert list(Invitation.objects.values_list("contact_id", flat=True)) == [fedasil.pk]


def test_a_choice_made_for_another_text_gives_way_to_the_text_typed_since(team_client, meeting):
    dupont = ContactFactory(name="Marie Dupont")
    peeters = ContactFactory(name="Jan Peeters")

    team_client.post(
        reverse("meeting-invitation-add", args=[meeting.pk]),
        {"contact": "Peeters", "contact_query": "Marie Dup", "contact_pick": str(dupont.pk)},
    )

    assert list(Invitation.objects.values_list("contact_id", flat=True)) == [peeters.pk]


def test_more_matches_than_shown_asks_for_more_of_the_name(team_client, meeting):
    organisation = OrganisationFactory(name="Caritas")
    for i in range(12):
        ContactFactory(name=f"Anna Smith {i:02}", organisation=organisation)

    response = team_client.post(
        reverse("meeting-invitation-add", args=[meeting.pk]), {"contact": "anna"}
    )

    assert response.status_code == 400
    assert _errors(response) == [
        "More than 8 contacts match “anna”: choose one of these, or type more of the name."
    ]
    assert [label for _, label in _matches(response)] == [
        f"Anna Smith {i:02} (Caritas)" for i in range(8)
    ]
    assert Invitation.objects.count() == 0


def test_a_name_of_nobody_is_refused_and_kept_as_typed(team_client, meeting):
    ContactFactory(name="Marie Dupont")

    response = team_client.post(
        reverse("meeting-invitation-add", args=[meeting.pk]), {"contact": "Zelda"}
    )

    assert response.status_code == 400
    assert _errors(response) == [
        "No contact matches “Zelda”. Check the spelling, or type less of it."
    ]
    field = BeautifulSoup(response.content, "html.parser").select_one("#id_contact")
    assert field["value"] == "Zelda"
    assert Invitation.objects.count() == 0


def test_an_email_address_names_its_contact_only_as_a_whole(team_client, meeting):
    marie = ContactFactory(name="Marie Dupont", email="m.dupont@fedasil.be")
    url = reverse("meeting-invitation-add", args=[meeting.pk])
    lookup = reverse("meeting-invitee-lookup", args=[meeting.pk])

    assert _lookup(team_client, lookup, "dupont@fedasil") == []
    assert _lookup(team_client, lookup, "M.Dupont@Fedasil.be") == [
        f"Marie Dupont ({marie.organisation.name}) #{marie.pk}"
    ]
    team_client.post(url, {"contact": "M.Dupont@fedasil.be"})
    assert list(Invitation.objects.values_list("contact_id", flat=True)) == [marie.pk]


def test_the_label_a_suggestion_puts_in_the_field_names_that_contact(team_client, meeting):
    first = ContactFactory(name="Marie Dupont")
    second = ContactFactory(name="Marie Dupont")
    lookup = reverse("meeting-invitee-lookup", args=[meeting.pk])

    labels = _lookup(team_client, lookup, "marie dupont")
    team_client.post(reverse("meeting-invitation-add", args=[meeting.pk]), {"contact": labels[1]})

    assert labels == [
        f"Marie Dupont ({first.organisation.name}) #{first.pk}",
        f"Marie Dupont ({second.organisation.name}) #{second.pk}",
    ]
    assert list(Invitation.objects.values_list("contact_id", flat=True)) == [second.pk]


@pytest.mark.parametrize("kind", ["erased", "inactive", "no e-mail", "invited", "unknown"])
def test_a_number_outside_the_field_choice_is_refused(team_client, meeting, kind):
    contact = ContactFactory(name="Outside Person")
    if kind == "erased":
        contact_erase(contact=contact)
    elif kind == "inactive":
        contact.is_active = False
        contact.save(update_fields=["is_active"])
    elif kind == "no e-mail":
        contact.email = None
        contact.save(update_fields=["email"])
    elif kind == "invited":
        InvitationFactory(meeting=meeting, contact=contact, status=InvitationStatus.SENT)
    number = contact.pk if kind != "unknown" else contact.pk + 1000
    before = Invitation.objects.count()

    typed = team_client.post(
        reverse("meeting-invitation-add", args=[meeting.pk]),
        {"contact": f"Someone (Org) #{number}"},
    )
    picked = team_client.post(
        reverse("meeting-invitation-add", args=[meeting.pk]),
        {"contact": "x", "contact_query": "x", "contact_pick": str(number)},
    )

    assert (typed.status_code, picked.status_code) == (400, 400)
    assert _errors(typed) == [f"Contact #{number} cannot be chosen here."]
    assert _errors(picked) == [f"Contact #{number} cannot be chosen here."]
    assert Invitation.objects.count() == before
    if kind != "unknown":
        lookup = reverse("meeting-invitee-lookup", args=[meeting.pk])
        assert _lookup(team_client, lookup, "Outside Person") == []


@pytest.mark.parametrize(
    "sent",
    [
        {"contact": ""},
        {"contact": "#"},
        {"contact": "#99999999999999999999"},
        {"contact": "x" * 5000},
        {"contact": "\x00dupont"},
        {"contact_pick": "1e3", "contact_query": "", "contact": ""},
        {},
    ],
)
def test_hostile_input_is_refused_with_a_message(team_client, meeting, sent):
    ContactFactory(name="Marie Dupont")

    response = team_client.post(reverse("meeting-invitation-add", args=[meeting.pk]), sent)

    assert response.status_code == 400
    assert len(_errors(response)) == 1
    assert Invitation.objects.count() == 0


def test_a_removed_invitee_may_be_found_and_invited_again(team_client, meeting):
    removed = InvitationFactory(
        meeting=meeting, status=InvitationStatus.CANCELLED, contact__name="Rita Removed"
    )
    lookup = reverse("meeting-invitee-lookup", args=[meeting.pk])

    assert _lookup(team_client, lookup, "rita") == [
        f"Rita Removed ({removed.contact.organisation.name}) #{removed.contact_id}"
    ]


def test_the_lookup_shows_ten_and_says_there_are_more(team_client, meeting):
    for i in range(11):
        ContactFactory(name=f"Luc Janssens {i:02}")

    response = team_client.get(
        reverse("meeting-invitee-lookup", args=[meeting.pk]), {"q": "janssens"}
    )

    body = response.json()
    assert [re.sub(r" \(.*", "", row["value"]) for row in body["contacts"]] == [
        f"Luc Janssens {i:02}" for i in range(10)
    ]
    assert body["more"] is True


def test_the_lookup_needs_two_characters_and_ignores_what_is_not_a_name(team_client, meeting):
    ContactFactory(name="Al")
    url = reverse("meeting-invitee-lookup", args=[meeting.pk])

    assert _lookup(team_client, url, "a") == []
    assert _lookup(team_client, url, "\x00al") == []
    assert _lookup(team_client, url, "%") == []
    assert _lookup(team_client, url, "_l") == []
    assert _lookup(team_client, url, "al" * 500) == []


def test_the_lookup_is_only_for_those_who_manage_the_meeting(client_for, meeting):
    ContactFactory(name="Marie Dupont")
    url = reverse("meeting-invitee-lookup", args=[meeting.pk])
    invitee = InvitationFactory(meeting=meeting).contact
    invitee.user = UserFactory()
    invitee.save(update_fields=["user"])

    anonymous = Client().get(url, {"q": "dupont"})
    as_invitee = client_for(invitee.user).get(url, {"q": "dupont"})
    as_stranger = client_for(UserFactory()).get(url, {"q": "dupont"})

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert as_invitee.status_code == 403
    assert as_stranger.status_code == 404
    assert b"Dupont" not in as_invitee.content + as_stranger.content


def test_the_lookup_reads_a_fixed_number_of_rows(team_client, meeting, django_assert_num_queries):
    url = reverse("meeting-invitee-lookup", args=[meeting.pk])
    ContactFactory(name="Marie Dupont")
    team_client.get(url, {"q": "dupont"})
    for _ in range(30):
        ContactFactory(name="Marie Dupont")

    with django_assert_num_queries(4):
        response = team_client.get(url, {"q": "dupont"})

    assert len(response.json()["contacts"]) == 10


def test_a_group_member_is_added_by_name_and_members_are_not_offered(client_for):
    group = WorkingGroupFactory()
    chair = UserFactory()
    MembershipFactory(group=group, contact=ContactFactory(user=chair), role="chair")
    member = MembershipFactory(group=group, contact__name="Piet Member").contact
    newcomer = ContactFactory(name="Nadia Newcomer", organisation__name="Agentschap Integratie")
    client = client_for(chair)
    lookup = reverse("working-group-contacts", args=[group.pk])

    page = client.get(reverse("working-group-detail", args=[group.pk]))
    added = client.post(
        reverse("working-group-detail", args=[group.pk]),
        {"contact": "nadia integratie", "role": "member"},
        follow=True,
    )

    field = BeautifulSoup(page.content, "html.parser").select_one(".contact-search")
    assert field["data-lookup-url"] == lookup
    assert messages_of(added) == ["Nadia Newcomer is now a member of the group."]
    assert Membership.objects.filter(group=group, contact=newcomer).count() == 1
    assert _lookup(client, lookup, "Piet") == []
    assert _lookup(client, lookup, "Nadia") == []
    assert member.name == "Piet Member"


def test_the_group_lookup_is_refused_to_those_who_do_not_lead_it(client_for, facilitator):
    group = WorkingGroupFactory()
    ContactFactory(name="Marie Dupont")

    response = client_for(facilitator).get(
        reverse("working-group-contacts", args=[group.pk]), {"q": "dupont"}
    )

    assert response.status_code == 403


def test_a_presenter_is_chosen_by_name_and_shown_again_when_the_item_is_edited(team_client):
    meeting = MeetingFactory()
    speaker = ContactFactory(name="Olena Speaker", organisation__name="UNHCR Belgium")
    other = ContactFactory(name="Olga Other", organisation__name="Caritas")

    created = team_client.post(
        reverse("agenda-edit", args=[meeting.pk]),
        {
            "new-title": "Housing",
            "new-purpose": "discussion",
            "new-kind": "topic",
            "new-planned_minutes": "20",
            "new-presenter": "speaker unhcr",
        },
        follow=True,
    )
    item = AgendaItem.objects.get(meeting=meeting)
    edit = team_client.get(reverse("agenda-item-edit", args=[meeting.pk, item.pk]))

    assert messages_of(created) == ["The item was added."]
    assert item.presenter_id == speaker.pk
    field = BeautifulSoup(edit.content, "html.parser").select_one("#id_item-presenter")
    assert field["value"] == f"Olena Speaker (UNHCR Belgium) #{speaker.pk}"
    lookup = reverse("agenda-presenter-lookup", args=[meeting.pk])
    assert _lookup(team_client, lookup, "ol") == [
        f"Olena Speaker (UNHCR Belgium) #{speaker.pk}",
        f"Olga Other (Caritas) #{other.pk}",
    ]


def test_an_item_keeps_a_presenter_who_has_left_and_may_drop_them(team_client):
    meeting = MeetingFactory()
    gone = ContactFactory(name="Gone Presenter", is_active=False)
    item = AgendaItemFactory(meeting=meeting, title="Budget", presenter=gone)
    url = reverse("agenda-item-edit", args=[meeting.pk, item.pk])
    edit = team_client.get(url)
    soup = BeautifulSoup(edit.content, "html.parser")
    posted = {
        field["name"]: field.get("value", "")
        for field in soup.select("form.form input")
        if field.get("name") and field.get("type") not in ("checkbox", "file", "radio")
    }
    posted.update({"item-kind": item.kind, "item-purpose": item.purpose, "item-description": ""})

    kept = team_client.post(url, {**posted, "item-title": "Budget 2027"}, follow=True)
    item.refresh_from_db()
    presenter_kept = item.presenter_id
    dropped = team_client.post(url, {**posted, "item-presenter": ""}, follow=True)
    item.refresh_from_db()

    assert messages_of(kept) == ["The item was saved."]
    assert presenter_kept == gone.pk
    assert messages_of(dropped) == ["The item was saved."]
    assert item.presenter_id is None
    lookup = reverse("agenda-presenter-lookup", args=[meeting.pk])
    assert _lookup(team_client, lookup, "Gone") == []


def test_the_presenter_lookup_is_for_those_who_manage_the_meeting(client_for):
    meeting = MeetingFactory()
    ContactFactory(name="Marie Dupont")

    response = client_for(UserFactory()).get(
        reverse("agenda-presenter-lookup", args=[meeting.pk]), {"q": "dupont"}
    )

    assert response.status_code in (403, 404)
    assert b"Dupont" not in response.content


def test_names_with_organisations_of_any_size(team_client, meeting):
    organisation = OrganisationFactory(name="Fedasil")
    for i in range(3):
        ContactFactory(name=f"Staff {i}", organisation=organisation)

    response = team_client.post(
        reverse("meeting-invitation-add", args=[meeting.pk]), {"contact": "fedasil"}
    )

    assert _errors(response) == ["3 contacts match “fedasil”: choose one of them."]
    assert [label for _, label in _matches(response)] == [
        "Staff 0 (Fedasil)",
        "Staff 1 (Fedasil)",
        "Staff 2 (Fedasil)",
    ]


def test_case_accents_and_punctuation_are_ignored(team_client, meeting):
    helene = ContactFactory(name="Hélène Lefèvre-Dubois", organisation__name="Fédération CPAS")
    lookup = reverse("meeting-invitee-lookup", args=[meeting.pk])
    label = f"Hélène Lefèvre-Dubois (Fédération CPAS) #{helene.pk}"

    assert _lookup(team_client, lookup, "helene") == [label]
    assert _lookup(team_client, lookup, "HÉLÈNE lefevre") == [label]
    assert _lookup(team_client, lookup, "lefevre dubois") == [label]
    assert _lookup(team_client, lookup, "federation cpas") == [label]
    assert _lookup(team_client, lookup, "Lefèvre–Dubois") == [label]


def test_a_renamed_contact_is_found_by_the_new_name_only(team_client, meeting):
    contact = ContactFactory(name="Olha Kovalenko")
    contact.name = "Olha Shevchenko"
    contact.save(update_fields=["name"])
    lookup = reverse("meeting-invitee-lookup", args=[meeting.pk])

    assert _lookup(team_client, lookup, "kovalenko") == []
    assert _lookup(team_client, lookup, "shevchenko") == [
        f"Olha Shevchenko ({contact.organisation.name}) #{contact.pk}"
    ]


def test_an_erased_contact_is_not_found_by_the_name_it_had(team_client, meeting):
    contact = ContactFactory(name="Dmytro Bondarenko")
    contact_erase(contact=contact)
    contact.refresh_from_db()

    lookup = reverse("agenda-presenter-lookup", args=[meeting.pk])
    assert _lookup(team_client, lookup, "bondarenko") == []
    assert "bondarenko" not in contact.name_key
