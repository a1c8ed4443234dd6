"""The meetings endpoint, row by row: the exact JSON of its list (in the reader's time zone),
the detail and the answer to a change being the same row, and the serializer's row against
DRF's generic field-by-field output."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from meetings.api.serializers.scheduling import MeetingSerializer
from meetings.models import Meeting
from tests.factories import (
    ConsultationRoundFactory,
    MeetingFactory,
    RoundSessionFactory,
    TeamUserFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def meetings():
    group = WorkingGroupFactory()
    round_ = ConsultationRoundFactory()
    winter = MeetingFactory(
        working_group=group,
        title="Winter meeting",
        starts_at=dt.datetime(2027, 1, 12, 9, 30, tzinfo=BRUSSELS),
        ends_at=dt.datetime(2027, 1, 12, 11, 0, tzinfo=BRUSSELS),
        ical_uid="winter@coordinator",
        recurrence_rule="FREQ=WEEKLY;COUNT=3",
    )
    summer = RoundSessionFactory(
        consultation_round=round_,
        title="Summer session",
        starts_at=dt.datetime(2027, 6, 1, 14, 0, tzinfo=BRUSSELS),
        ends_at=dt.datetime(2027, 6, 1, 17, 0, tzinfo=BRUSSELS),
        format="online",
        location="",
        online_url="https://meet.example.org/summer",
        language="fr",
        capacity=12,
        ical_uid="summer@coordinator",
        sequence=3,
        status="confirmed",
    )
    return group, round_, winter, summer


def winter_row(group, winter, starts_at, ends_at) -> dict:
    return {
        "id": winter.pk,
        "title": "Winter meeting",
        "working_group": group.pk,
        "consultation_round": None,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "timezone": "Europe/Brussels",
        "format": "in_person",
        "location": "Rue de la Loi 1, 1000 Bruxelles",
        "online_url": "",
        "status": "planned",
        "language": "en",
        "capacity": None,
        "ical_uid": "winter@coordinator",
        "sequence": 0,
        "recurrence_rule": "FREQ=WEEKLY;COUNT=3",
    }


def summer_row(round_, summer, starts_at, ends_at) -> dict:
    return {
        "id": summer.pk,
        "title": "Summer session",
        "working_group": None,
        "consultation_round": round_.pk,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "timezone": "Europe/Brussels",
        "format": "online",
        "location": "",
        "online_url": "https://meet.example.org/summer",
        "status": "confirmed",
        "language": "fr",
        "capacity": 12,
        "ical_uid": "summer@coordinator",
        "sequence": 3,
        "recurrence_rule": "",
    }


def test_list_is_exactly_this_json(client_for, team_user, meetings):
    group, round_, winter, summer = meetings

    response = client_for(team_user).get("/api/meetings/")

    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [
            winter_row(group, winter, "2027-01-12T09:30:00+01:00", "2027-01-12T11:00:00+01:00"),
            summer_row(round_, summer, "2027-06-01T14:00:00+02:00", "2027-06-01T17:00:00+02:00"),
        ],
    }


def test_list_writes_times_in_the_readers_time_zone(client_for, meetings):
    group, round_, winter, summer = meetings
    reader = TeamUserFactory(time_zone="UTC")

    results = client_for(reader).get("/api/meetings/").json()["results"]

    assert results == [
        winter_row(group, winter, "2027-01-12T08:30:00Z", "2027-01-12T10:00:00Z"),
        summer_row(round_, summer, "2027-06-01T12:00:00Z", "2027-06-01T15:00:00Z"),
    ]


def test_detail_and_a_change_answer_the_lists_row(client_for, team_user, meetings):
    _group, _round, winter, _summer = meetings
    client = client_for(team_user)
    row = client.get("/api/meetings/").json()["results"][0]

    detail = client.get(f"/api/meetings/{winter.pk}/").json()
    changed = client.patch(
        f"/api/meetings/{winter.pk}/", {"title": "Winter meeting"}, content_type="application/json"
    ).json()

    assert detail == row
    assert {**changed, "sequence": 0} == row
    assert list(detail) == list(MeetingSerializer.Meta.fields)


def test_filtered_and_ordered_lists_keep_the_rows(client_for, team_user, meetings):
    _group, round_, winter, summer = meetings
    client = client_for(team_user)
    rows = {row["id"]: row for row in client.get("/api/meetings/").json()["results"]}

    by_round = client.get(f"/api/meetings/?consultation_round={round_.pk}").json()
    by_title = client.get("/api/meetings/?ordering=-title").json()

    assert by_round["results"] == [rows[summer.pk]]
    assert [row["id"] for row in by_title["results"]] == [winter.pk, summer.pk]
    assert by_title["results"] == [rows[winter.pk], rows[summer.pk]]


def rendered(data) -> tuple[list, dict]:
    """What goes on the wire: the keys in order, and the JSON."""
    return list(data), json.loads(JSONRenderer().render(data))


@pytest.mark.parametrize("time_zone", ["Europe/Brussels", "UTC", "America/Sao_Paulo"])
def test_rows_are_what_drfs_generic_fields_write(meetings, time_zone):
    serializer = MeetingSerializer()
    fresh = MeetingFactory(working_group=None, consultation_round=ConsultationRoundFactory())
    instances = [*Meeting.objects.order_by("pk"), fresh]

    with timezone.override(time_zone):
        for meeting in instances:
            assert rendered(serializer.to_representation(meeting)) == rendered(
                serializers.ModelSerializer.to_representation(serializer, meeting)
            )
