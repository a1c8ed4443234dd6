"""Conventions shared by every API endpoint of both apps: each list declares what it can be
ordered by and honours ``?ordering=`` in both directions."""

import datetime as dt

import pytest
from django.utils import timezone

from coordination.api.urls import router as coordination_router
from coordination.models import SurveyResponse
from coordination.selectors import needs_assessment_survey
from meetings.api.urls import router as meetings_router
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    ConsultationRoundFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    MinutesFactory,
    OrganisationFactory,
    WorkingGroupFactory,
    make_volunteers,
)
from tests.helpers import api

pytestmark = pytest.mark.django_db


def _starts(days):
    return timezone.now().replace(microsecond=0) + dt.timedelta(days=days)


def _meetings():
    for days in (10, 20):
        MeetingFactory(starts_at=_starts(days), ends_at=_starts(days) + dt.timedelta(hours=1))


def _invitations(user):
    contact = ContactFactory(user=user)
    for days in (10, 20):
        InvitationFactory(
            contact=contact,
            meeting__starts_at=_starts(days),
            meeting__ends_at=_starts(days) + dt.timedelta(hours=2),
        )


def _agenda_items():
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, position=1)
    AgendaItemFactory(meeting=meeting, position=2)


def _minutes():
    meeting = MeetingFactory()
    MinutesFactory(meeting=meeting, version=1)
    MinutesFactory(meeting=meeting, version=2, correction_reason="A figure was wrong.")


def _action_items():
    for days in (5, 9):
        ActionItemFactory(due_date=timezone.localdate() + dt.timedelta(days=days))


def _volunteers_without_contact():
    for name in ("Anonymous A", "Anonymous B"):
        SurveyResponse.objects.create(
            survey=needs_assessment_survey(),
            organisation=OrganisationFactory(name=name),
            form_language="fr",
            answers={"q56": "yes"},
        )


# Each list endpoint, a field it declares in ordering_fields, and two rows that differ in it.
LISTS = [
    ("/api/organisations/", "name", lambda user: OrganisationFactory.create_batch(2)),
    ("/api/working-groups/", "name", lambda user: WorkingGroupFactory.create_batch(2)),
    ("/api/rounds/", "title", lambda user: ConsultationRoundFactory.create_batch(2)),
    ("/api/meetings/", "starts_at", lambda user: _meetings()),
    ("/api/invitations/", "meeting__starts_at", _invitations),
    ("/api/agenda-items/", "position", lambda user: _agenda_items()),
    ("/api/minutes/", "version", lambda user: _minutes()),
    ("/api/action-items/", "due_date", lambda user: _action_items()),
    ("/api/volunteer-pool/", "name", lambda user: make_volunteers(2)),
    ("/api/volunteer-pool/without-contact/", "name", lambda user: _volunteers_without_contact()),
]


def test_every_list_endpoint_declares_its_ordering_fields():
    lists = {
        f"/api/{prefix}/": viewset
        for prefix, viewset, _basename in coordination_router.registry + meetings_router.registry
        if hasattr(viewset, "list")
    }

    assert sorted(lists) == sorted(url for url, _field, _make in LISTS)
    for url, field, _make in LISTS:
        assert field in lists[url].ordering_fields, url


@pytest.mark.parametrize(("url", "field", "make"), LISTS, ids=[url for url, _f, _m in LISTS])
def test_every_list_endpoint_orders_both_ways(team_user, url, field, make):
    make(team_user)
    client = api(team_user)

    ascending = client.get(url, {"ordering": field}).json()["results"]
    descending = client.get(url, {"ordering": f"-{field}"}).json()["results"]

    ids = [row["id"] for row in ascending]
    assert len(ids) == 2
    assert [row["id"] for row in descending] == ids[::-1]


def test_a_page_past_the_last_is_a_404_with_the_standard_body(team_user):
    WorkingGroupFactory()

    response = api(team_user).get("/api/working-groups/", {"page": 2})

    assert (response.status_code, response.json()) == (
        404,
        {
            "type": "client_error",
            "errors": [{"code": "not_found", "detail": "Invalid page.", "attr": None}],
        },
    )


def test_an_unreadable_json_body_is_a_400_parse_error(team_user):
    response = api(team_user).generic(
        "POST", "/api/meetings/", "{not json", content_type="application/json"
    )

    assert (
        response.status_code,
        response.json()["type"],
        response.json()["errors"][0]["code"],
    ) == (
        400,
        "client_error",
        "parse_error",
    )


@pytest.mark.parametrize(
    "query",
    [
        "starts_at_after=9384-05-16T06:03:05-16:46",
        "starts_at_before=9999-12-31T23:59:59-10:00",
        "starts_at_after=0001-01-01T00:00:00%2B05:00",
    ],
)
def test_meeting_date_filter_out_of_range_is_a_400(team_user, query):
    response = api(team_user).get(f"/api/meetings/?{query}")

    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    # The range filter's name: both of its parameters are checked together.
    assert [e["attr"] for e in response.json()["errors"]] == ["starts_at"]
