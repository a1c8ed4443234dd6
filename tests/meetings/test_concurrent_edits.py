"""Two people saving the same agenda item or minutes: different fields are merged, the same
field changed twice is refused (page: both values shown; API: 409 with the current revision)
and nothing is overwritten unseen."""

import json
import re
from html import unescape

import pytest
from django.urls import reverse

from meetings.models import AgendaItem, MinutesNote
from meetings.services import agendas
from meetings.services import minutes as minutes_services
from tests.factories import AgendaItemFactory, MeetingFactory
from tests.helpers import api, messages_of
from tests.meetings.builders import leader_of

pytestmark = pytest.mark.django_db


def loaded_form(client, item) -> dict:
    """The item form's fields as the edit page renders them (hidden ones included)."""
    html = client.get(reverse("agenda-item-edit", args=[item.meeting.pk, item.pk]))
    html = html.content.decode()
    data = {
        name: unescape(value)
        for name, value in re.findall(
            r'<input type="[a-z]+" name="(item-[a-z_]+)" value="([^"]*)"', html
        )
    }
    data |= {"item-purpose": item.purpose, "item-kind": item.kind}
    data["item-planned_minutes"] = str(item.planned_minutes)
    data["item-description"] = item.description
    return data


def test_agenda_item_page_merges_changes_to_different_fields(client_for):
    item = AgendaItemFactory(title="Housing", description="Start")
    client = client_for(leader_of(item.meeting))
    first, second = loaded_form(client, item), loaded_form(client, item)
    first["item-title"] = "Housing and shelter"
    second["item-description"] = "Figures of Q12"

    client.post(reverse("agenda-item-edit", args=[item.meeting.pk, item.pk]), first)
    response = client.post(reverse("agenda-item-edit", args=[item.meeting.pk, item.pk]), second)

    item.refresh_from_db()
    assert response.status_code == 302
    assert (item.title, item.description, item.revision) == (
        "Housing and shelter",
        "Figures of Q12",
        3,
    )


def test_agenda_item_page_refuses_the_second_change_of_the_same_field(client_for):
    item = AgendaItemFactory(title="Housing")
    client = client_for(leader_of(item.meeting))
    first, second = loaded_form(client, item), loaded_form(client, item)
    first["item-title"] = "Alice's title"
    second["item-title"] = "Bob's title"

    client.post(reverse("agenda-item-edit", args=[item.meeting.pk, item.pk]), first, follow=True)
    response = client.post(reverse("agenda-item-edit", args=[item.meeting.pk, item.pk]), second)

    assert response.status_code == 409
    assert messages_of(response) == [
        "Someone else saved this agenda item while you were editing it, and changed the same "
        "fields. Nothing was saved: compare, merge and save again."
    ]
    html = response.content.decode()
    assert '<dt>Title</dt><dd class="conflict-text">Alice&#x27;s title</dd>' in html
    assert 'name="item-title" value="Bob&#x27;s title"' in html
    assert 'name="item-revision" value="2"' in html
    assert AgendaItem.objects.get().title == "Alice's title"


def test_api_agenda_item_stale_revision_is_a_409_with_the_current_revision():
    item = AgendaItemFactory(title="Housing")
    client = api(leader_of(item.meeting))
    agendas.agenda_item_update(item=item, title="Changed meanwhile")

    response = client.patch(
        f"/api/agenda-items/{item.pk}/", {"title": "Mine", "revision": 1}, format="json"
    )

    assert response.status_code == 409
    assert response.json() == {
        "type": "client_error",
        "errors": [
            {
                "code": "conflict",
                "detail": "Someone else saved this agenda item while you were editing it, and "
                "changed the same fields. Nothing was saved: compare, merge and save again. "
                "The current revision is 2.",
                "attr": "revision",
            },
            {"code": "conflict", "detail": "Saved meanwhile: Changed meanwhile", "attr": "title"},
        ],
    }
    assert AgendaItem.objects.get().title == "Changed meanwhile"


def test_api_agenda_item_current_revision_saves_and_raises_it():
    item = AgendaItemFactory(title="Housing")
    client = api(leader_of(item.meeting))

    response = client.patch(
        f"/api/agenda-items/{item.pk}/", {"title": "Mine", "revision": 1}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["revision"]) == ("Mine", 2)


def test_api_minutes_save_merges_and_refuses_clashes():
    meeting = MeetingFactory()
    one = AgendaItemFactory(meeting=meeting, position=1)
    two = AgendaItemFactory(meeting=meeting, position=2)
    minutes = minutes_services.minutes_start(meeting=meeting)
    client = api(leader_of(meeting))
    url = f"/api/minutes/{minutes.pk}/save/"

    first = client.post(
        url, {"revision": 1, "notes": [{"agenda_item": one.pk, "text": "A", "base": ""}]},
        format="json",
    )  # fmt: skip
    merged = client.post(
        url, {"revision": 1, "notes": [{"agenda_item": two.pk, "text": "B", "base": ""}]},
        format="json",
    )  # fmt: skip
    clash = client.post(
        url, {"revision": 1, "notes": [{"agenda_item": one.pk, "text": "C", "base": ""}]},
        format="json",
    )  # fmt: skip

    assert (first.status_code, first.json()["revision"]) == (200, 2)
    assert (merged.status_code, merged.json()["revision"]) == (200, 3)
    assert clash.status_code == 409
    assert [(e["code"], e["attr"]) for e in clash.json()["errors"]] == [
        ("conflict", "revision"),
        ("conflict", f"note:{one.pk}"),
    ]
    assert clash.json()["errors"][0]["detail"].endswith("The current revision is 3.")
    assert dict(MinutesNote.objects.values_list("agenda_item", "text")) == {
        one.pk: "A",
        two.pk: "B",
    }


def test_api_minutes_save_with_a_foreign_item_changes_nothing():
    meeting = MeetingFactory()
    foreign = AgendaItemFactory()
    minutes = minutes_services.minutes_start(meeting=meeting)

    response = api(leader_of(meeting)).post(
        f"/api/minutes/{minutes.pk}/save/",
        json.dumps({"revision": 1, "notes": [{"agenda_item": foreign.pk, "text": "x"}]}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"] == (
        "This agenda item belongs to another meeting."
    )
    assert MinutesNote.objects.count() == 0
