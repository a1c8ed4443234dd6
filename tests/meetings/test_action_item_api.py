"""The action-item endpoints."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import ActionItem
from meetings.services import actions as action_services
from tests.factories import (
    ContactFactory,
    MeetingFactory,
    UserFactory,
)
from tests.helpers import api
from tests.meetings.builders import leader_of

pytestmark = pytest.mark.django_db


def test_api_action_item_due_before_meeting_is_a_400():
    meeting = MeetingFactory()
    day = timezone.localtime(meeting.starts_at).date()

    response = api(leader_of(meeting)).post(
        "/api/action-items/",
        {"meeting": meeting.pk, "description": "Late", "owner_contact": ContactFactory().pk,
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
                    "detail": f"The due date ({day - dt.timedelta(days=1)}) is before the "
                    f"meeting this action comes from ({day}). Choose the meeting day or later.",
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
