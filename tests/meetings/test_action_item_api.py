"""The action-item endpoints."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.models import ActionItem
from meetings.services import actions as action_services
from tests.factories import (
    AgendaItemFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    UserFactory,
)
from tests.helpers import api
from tests.meetings.builders import leader_of

pytestmark = pytest.mark.django_db


def _british(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"  # "15 December 2026"


def test_api_action_item_owner_from_outside_the_meeting_is_a_400_and_writes_nothing():
    meeting = MeetingFactory()
    outsider = ContactFactory()

    response = api(leader_of(meeting)).post(
        "/api/action-items/",
        {"meeting": meeting.pk, "description": "Someone else's", "owner_contact": outsider.pk,
         "owner_organisation": outsider.organisation.pk},
        format="json",
    )  # fmt: skip

    assert response.status_code == 400
    assert sorted((e["attr"], e["detail"]) for e in response.json()["errors"]) == [
        (
            "owner_contact",
            "The owner is one of this meeting's people: an invitee, a member of its group, "
            "someone who attended or a facilitator of its round.",
        ),
        (
            "owner_organisation",
            "The owning organisation is the organisation of one of this meeting's people.",
        ),
    ]
    assert ActionItem.objects.count() == 0


def test_api_action_item_due_before_meeting_is_a_400():
    meeting = MeetingFactory()
    day = timezone.localtime(meeting.starts_at).date()

    response = api(leader_of(meeting)).post(
        "/api/action-items/",
        {"meeting": meeting.pk, "description": "Late",
         "owner_contact": InvitationFactory(meeting=meeting).contact.pk,
         "due_date": (day - dt.timedelta(days=1)).isoformat()},
        format="json",
    )  # fmt: skip

    assert (response.status_code, response.json()) == (
        400,
        {
            "type": "validation_error",
            "errors": [
                {
                    "code": "invalid",
                    "detail": f"The due date ({_british(day - dt.timedelta(days=1))}) is before"
                    f" the meeting this action comes from ({_british(day)}). Choose the meeting"
                    " day or later.",
                    "attr": "due_date",
                }
            ],
        },
    )
    assert ActionItem.objects.count() == 0


def test_api_action_item_status_by_owner_and_history():
    meeting = MeetingFactory()
    owner_user = UserFactory()
    owner = ContactFactory(user=owner_user)
    action = action_services.action_item_create(
        meeting=meeting, description="Do it", owner_contact=owner
    )
    client = api(owner_user)

    changed = client.post(f"/api/action-items/{action.pk}/set-status/", {"status": "done"})
    again = client.post(f"/api/action-items/{action.pk}/set-status/", {"status": "done"})
    history = client.get(f"/api/action-items/{action.pk}/history/")

    assert (changed.status_code, changed.data["status"]) == (200, "done")
    assert (again.status_code, again.json()) == (
        400,
        {
            "type": "validation_error",
            "errors": [
                {
                    "code": "invalid",
                    "detail": "The action item is already “Done”.",
                    "attr": "status",
                }
            ],
        },
    )
    assert [e["kind"] for e in history.data] == ["created", "status"]


def test_api_action_items_of_other_meetings_are_invisible():
    action = action_services.action_item_create(
        meeting=MeetingFactory(), description="Secret", owner_contact=ContactFactory()
    )

    response = api(UserFactory()).get(f"/api/action-items/{action.pk}/")

    assert (response.status_code, response.json()) == (
        404,
        {
            "type": "client_error",
            "errors": [{"code": "not_found", "detail": "Not found.", "attr": None}],
        },
    )


def test_api_action_item_list_query_count_is_constant(team_user):
    client = api(team_user)

    def add(count):
        for _n in range(count):
            action_services.action_item_create(
                meeting=MeetingFactory(), description="x", owner_contact=ContactFactory()
            )

    add(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/action-items/").data["count"] == 1
    add(4)
    with CaptureQueriesContext(connection) as five:
        assert client.get("/api/action-items/").data["count"] == 5

    assert len(one) == len(five)


def test_api_action_items_of_a_meeting_include_those_carried_over_as_on_the_page(team_user):
    first = MeetingFactory()
    carried = action_services.action_item_create(
        meeting=first, description="Carried", owner_contact=ContactFactory()
    )
    later = MeetingFactory(
        working_group=first.working_group,
        starts_at=first.starts_at + dt.timedelta(days=14),
        ends_at=first.ends_at + dt.timedelta(days=14),
    )
    own = action_services.action_item_create(
        meeting=later, description="Own", owner_contact=ContactFactory()
    )
    action_services.action_item_create(
        meeting=MeetingFactory(), description="Other group", owner_contact=ContactFactory()
    )

    response = api(team_user).get("/api/action-items/", {"meeting": later.pk})
    page = Client()
    page.force_login(team_user)
    listed = page.get(reverse("action-list"), {"meeting": later.pk})

    assert [r["id"] for r in response.json()["results"]] == [carried.pk, own.pk]
    assert [a["pk"] for a in listed.context["rows"]] == [carried.pk, own.pk]


def test_api_action_items_due_date_range_and_the_old_names_are_ignored(team_user):
    today = timezone.localdate()
    meeting = MeetingFactory(starts_at=timezone.now() - dt.timedelta(days=1))
    soon, later = (
        action_services.action_item_create(
            meeting=meeting,
            description=name,
            owner_contact=ContactFactory(),
            due_date=today + dt.timedelta(days=days),
        )
        for name, days in (("Soon", 3), ("Later", 30))
    )
    client = api(team_user)
    limit = (today + dt.timedelta(days=10)).isoformat()

    before = client.get("/api/action-items/", {"due_date_before": limit})
    after = client.get("/api/action-items/", {"due_date_after": limit})
    old = client.get("/api/action-items/", {"due_until": limit})

    assert [r["id"] for r in before.json()["results"]] == [soon.pk]
    assert [r["id"] for r in after.json()["results"]] == [later.pk]
    assert [r["id"] for r in old.json()["results"]] == [soon.pk, later.pk]


def test_api_action_items_overdue_and_mine():
    meeting = MeetingFactory(starts_at=timezone.now() - dt.timedelta(days=10))
    owner_user = UserFactory()
    mine = action_services.action_item_create(
        meeting=meeting,
        description="Mine, overdue",
        owner_contact=ContactFactory(user=owner_user),
        due_date=timezone.localdate() - dt.timedelta(days=1),
    )
    action_services.action_item_create(
        meeting=meeting,
        description="Someone else's",
        owner_contact=ContactFactory(),
        due_date=timezone.localdate() + dt.timedelta(days=5),
    )
    client = api(leader_of(meeting))

    overdue = client.get("/api/action-items/", {"overdue": "true"})
    everything = client.get("/api/action-items/", {"overdue": "false"})
    own = api(owner_user).get("/api/action-items/", {"mine": "true"})

    assert [r["id"] for r in overdue.json()["results"]] == [mine.pk]
    assert everything.json()["count"] == 2
    assert [r["id"] for r in own.json()["results"]] == [mine.pk]


def test_api_action_item_for_a_meeting_not_visible_is_a_400_in_the_requests_language():
    hidden = MeetingFactory()

    response = api(leader_of(MeetingFactory())).post(
        "/api/action-items/",
        {"meeting": hidden.pk, "description": "x", "owner_contact": ContactFactory().pk},
        format="json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    assert (response.status_code, response.json()) == (
        400,
        {
            "type": "validation_error",
            "errors": [
                {"code": "does_not_exist", "detail": "Réunion inconnue.", "attr": "meeting"}
            ],
        },
    )
    assert ActionItem.objects.count() == 0


def test_api_action_item_with_an_agenda_item_of_a_hidden_meeting_is_unknown():
    meeting = MeetingFactory()
    hidden_item = AgendaItemFactory(meeting=MeetingFactory(title="Hidden meeting"))
    client = api(leader_of(meeting))

    hidden = client.post(
        "/api/action-items/",
        {"meeting": meeting.pk, "description": "x", "agenda_item": hidden_item.pk},
        format="json",
    )
    missing = client.post(
        "/api/action-items/",
        {"meeting": meeting.pk, "description": "x", "agenda_item": hidden_item.pk + 1000},
        format="json",
    )

    unknown = {
        "type": "validation_error",
        "errors": [
            {"code": "does_not_exist", "detail": "Unknown agenda item.", "attr": "agenda_item"}
        ],
    }
    assert (hidden.status_code, hidden.json()) == (400, unknown)
    assert (missing.status_code, missing.json()) == (400, unknown)
    assert ActionItem.objects.count() == 0
