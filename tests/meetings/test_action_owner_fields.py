"""An action item's owners are typed, as a person or an organisation of the meeting: the
browser suggests the meeting's people and their organisations from two lists the page holds
once, however many agenda items the minutes editor shows; what is sent is checked again."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import ActionItem, MinutesNote
from meetings.services import minutes as minutes_services
from tests.factories import (
    AgendaItemFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
)
from tests.helpers import messages_of
from tests.meetings.builders import leader_of

pytestmark = pytest.mark.django_db


def _meeting_with_items(count: int):
    meeting = MeetingFactory()
    items = [AgendaItemFactory(meeting=meeting, position=n) for n in range(1, count + 1)]
    minutes = minutes_services.minutes_start(meeting=meeting)
    return meeting, minutes, items


def _editor_post(minutes, items, item, **fields):
    """What the editor sends with the action item of ``item`` filled in with ``fields``."""
    data = {"revision": str(minutes.revision)}
    for each in items:
        data |= {f"note-{each.pk}": "", f"base-note-{each.pk}": "", f"decision-{each.pk}": ""}
    data |= {f"note-{items[0].pk}": "Typed notes"}
    data |= {f"action-{item.pk}-{name}": value for name, value in fields.items()}
    return data


def _field(html: str, name: str):
    return BeautifulSoup(html, "html.parser").find("input", attrs={"name": name})


def _errors(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [li.get_text(" ", strip=True) for li in soup.select("details .errorlist li")]


@pytest.mark.parametrize("items", [2, 12])
def test_the_editor_suggests_each_owner_once_however_many_items(client_for, items):
    meeting, _minutes, agenda = _meeting_with_items(items)
    members = [
        MembershipFactory(group=meeting.working_group, contact__name=f"Member {n}").contact
        for n in range(6)
    ]
    leader = leader_of(meeting)

    html = client_for(leader).get(reverse("minutes-edit", args=[meeting.pk])).content.decode()

    soup = BeautifulSoup(html, "html.parser")
    people = soup.find("datalist", id="action-owner-contacts")
    organisations = soup.find("datalist", id="action-owner-organisations")
    everyone = sorted([*members, leader.contact], key=lambda c: (c.name, c.pk))
    assert [o["value"] for o in people.find_all("option")] == [
        f"{c.name} ({c.organisation.name}) #{c.pk}" for c in everyone
    ]
    assert len(organisations.find_all("option")) == len({c.organisation_id for c in everyone})
    for item in agenda:
        assert _field(html, f"action-{item.pk}-owner_contact")["list"] == "action-owner-contacts"
        assert _field(html, f"action-{item.pk}-owner_organisation")["list"] == (
            "action-owner-organisations"
        )
    assert all(html.count(f"{c.name} ({c.organisation.name}) #{c.pk}") == 1 for c in members)
    assert '<select name="action-' not in html


def test_owners_typed_by_part_of_their_names_are_recorded(client_for):
    meeting, minutes, items = _meeting_with_items(2)
    red_cross = OrganisationFactory(name="Croix-Rouge de Belgique")
    owner = InvitationFactory(
        meeting=meeting, status="accepted", contact__name="Hélène Dupont"
    ).contact
    MembershipFactory(group=meeting.working_group, contact__organisation=red_cross)
    data = _editor_post(
        minutes, items, items[1],
        description="Send the figures", owner_contact="helene", owner_organisation="rouge belg",
    )  # fmt: skip

    response = client_for(leader_of(meeting)).post(
        reverse("minutes-edit", args=[meeting.pk]), data, follow=True
    )

    assert messages_of(response) == ["The minutes were saved."]
    action = ActionItem.objects.get()
    assert (action.description, action.owner_contact, action.owner_organisation) == (
        "Send the figures",
        owner,
        red_cross,
    )
    assert action.origin_agenda_item == items[1]


def test_an_organisation_named_in_full_is_chosen_over_longer_names(client_for):
    meeting, minutes, items = _meeting_with_items(1)
    short = OrganisationFactory(name="Croix-Rouge")
    OrganisationFactory(name="Croix-Rouge de Belgique")
    for organisation in OrganisationFactory._meta.model.objects.all():
        MembershipFactory(group=meeting.working_group, contact__organisation=organisation)
    data = _editor_post(
        minutes, items, items[0], description="Call back", owner_organisation="croix rouge"
    )

    client_for(leader_of(meeting)).post(reverse("minutes-edit", args=[meeting.pk]), data)

    assert ActionItem.objects.get().owner_organisation == short


def test_a_name_of_several_organisations_is_refused_naming_them_and_nothing_is_saved(
    client_for,
):
    meeting, minutes, items = _meeting_with_items(1)
    for name in ("Caritas Liège", "Caritas Bruxelles"):
        MembershipFactory(
            group=meeting.working_group, contact__organisation=OrganisationFactory(name=name)
        )
    data = _editor_post(
        minutes, items, items[0], description="Call back", owner_organisation="caritas"
    )

    response = client_for(leader_of(meeting)).post(reverse("minutes-edit", args=[meeting.pk]), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert _errors(html) == [
        "Owner (organisation): Several organisations match “caritas”: Caritas Bruxelles, "
        "Caritas Liège. Type more of the name, or choose one from the suggestions."
    ]
    assert _field(html, f"action-{items[0].pk}-owner_organisation")["value"] == "caritas"
    assert ActionItem.objects.count() == MinutesNote.objects.count() == 0


@pytest.mark.parametrize("by", ["name", "number"])
def test_owners_from_outside_the_meeting_are_refused(client_for, by):
    meeting, minutes, items = _meeting_with_items(1)
    MembershipFactory(group=meeting.working_group)
    outsider = ContactFactory(name="Outsider", organisation__name="Elsewhere")
    sent = {
        "name": ("Outsider", "Elsewhere"),
        "number": (str(outsider.pk), f"Elsewhere #{outsider.organisation_id}"),
    }[by]
    data = _editor_post(
        minutes, items, items[0],
        description="Hand over", owner_contact=sent[0], owner_organisation=sent[1],
    )  # fmt: skip

    response = client_for(leader_of(meeting)).post(reverse("minutes-edit", args=[meeting.pk]), data)

    assert response.status_code == 400
    unknown = "Check the spelling, or type less of it."
    assert (
        _errors(response.content.decode())
        == {
            "name": [
                f"Owner (person): No contact matches “Outsider”. {unknown}",
                f"Owner (organisation): No organisation matches “Elsewhere”. {unknown}",
            ],
            "number": [
                f"Owner (person): Contact #{outsider.pk} cannot be chosen here.",
                f"Owner (organisation): Organisation #{outsider.organisation_id} cannot be chosen "
                "here.",
            ],
        }[by]
    )
    assert ActionItem.objects.count() == 0


@pytest.mark.parametrize("sent", ["Fed\x00asil", "F" * 301])
def test_hostile_organisation_names_are_refused_with_a_message(client_for, sent):
    meeting, minutes, items = _meeting_with_items(1)
    data = _editor_post(minutes, items, items[0], description="Hand over", owner_organisation=sent)

    response = client_for(leader_of(meeting)).post(reverse("minutes-edit", args=[meeting.pk]), data)

    assert response.status_code == 400
    assert _errors(response.content.decode()) == [
        "Owner (organisation): Type at most 300 characters of a name, without control characters."
    ]
    assert ActionItem.objects.count() == 0


def test_the_action_page_shows_the_owners_as_typed_back(client_for):
    meeting, minutes, items = _meeting_with_items(1)
    owner = MembershipFactory(
        group=meeting.working_group, contact__name="Ana", contact__organisation__name="Fedasil"
    ).contact
    leader = leader_of(meeting)
    client = client_for(leader)
    add = _editor_post(minutes, items, items[0], description="Draft", owner_contact="ana")
    client.post(reverse("minutes-edit", args=[meeting.pk]), add)
    action = ActionItem.objects.get()
    url = reverse("action-edit", args=[action.pk])

    page = client.get(url).content.decode()
    moved = client.post(url, {"description": "Draft", "owner_organisation": "fedasil"})

    assert _field(page, "owner_contact")["value"] == f"Ana (Fedasil) #{owner.pk}"
    assert moved.status_code == 302
    action.refresh_from_db()
    assert (action.owner_contact, action.owner_organisation) == (None, owner.organisation)


def test_the_editor_runs_as_many_queries_for_twelve_items_as_for_two(client_for):
    counts = []
    for items in (2, 12):
        meeting, _minutes, _agenda = _meeting_with_items(items)
        for _n in range(4):
            MembershipFactory(group=meeting.working_group)
        client = client_for(leader_of(meeting))
        url = reverse("minutes-edit", args=[meeting.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_the_editor_says_what_was_wrong_in_the_readers_language(client_for):
    meeting, minutes, items = _meeting_with_items(1)
    leader = leader_of(meeting)
    leader.preferred_language = "fr"
    leader.save(update_fields=["preferred_language"])
    data = _editor_post(
        minutes, items, items[0], description="Rappeler", owner_organisation="Nulle part"
    )

    response = client_for(leader).post(reverse("minutes-edit", args=[meeting.pk]), data)

    assert _errors(response.content.decode()) == [
        "Responsable (organisation)\u00a0: Aucune organisation ne correspond à «\u00a0Nulle "
        "part\u00a0». Vérifiez l’orthographe ou saisissez-en moins."
    ]
