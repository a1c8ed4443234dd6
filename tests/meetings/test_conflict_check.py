"""Conflicts of a date being chosen, before saving: the small JSON endpoint the meeting form's
script asks, in the user's language."""

import pytest
from django.urls import reverse

from tests.factories import MeetingFactory, TeamUserFactory, WorkingGroupFactory

pytestmark = pytest.mark.django_db

ASCENSION = {"date": "2027-05-06", "start_time": "10:00", "end_time": "12:00",
             "timezone_name": "Europe/Brussels"}  # fmt: skip


def test_conflict_check_for_a_new_group_meeting_names_the_holiday_in_french(client_for):
    group = WorkingGroupFactory()
    client = client_for(TeamUserFactory(preferred_language="fr"))

    response = client.get(reverse("meeting-conflicts"), ASCENSION | {"group": group.pk})

    body = response.json()
    assert response.status_code == 200
    assert [c["kind"] for c in body["conflicts"]] == ["holiday"]
    assert "(Ascension)" in body["conflicts"][0]["message"]
    assert "2027-05-06" not in body["conflicts"][0]["message"]


def test_conflict_check_for_a_meeting_being_edited_and_a_free_day(client_for):
    meeting = MeetingFactory()
    client = client_for(TeamUserFactory())

    response = client.get(
        reverse("meeting-conflicts"), ASCENSION | {"meeting": meeting.pk, "date": "2027-05-11"}
    )

    assert response.json() == {"conflicts": []}


def test_conflict_check_refuses_bad_input_and_strangers(client_for, participant):
    group = WorkingGroupFactory()
    team = client_for(TeamUserFactory())

    bad_date = team.get(
        reverse("meeting-conflicts"), ASCENSION | {"group": group.pk, "date": "06/05/2027x"}
    )
    no_scope = team.get(reverse("meeting-conflicts"), ASCENSION)
    stranger = client_for(participant).get(
        reverse("meeting-conflicts"), ASCENSION | {"group": group.pk}
    )

    assert (bad_date.status_code, bad_date.json()["conflicts"]) == (400, [])
    assert no_scope.status_code == 400
    assert stranger.status_code == 403


def test_meeting_form_carries_the_conflict_check(client_for):
    group = WorkingGroupFactory()

    html = client_for(TeamUserFactory()).get(reverse("meeting-create") + f"?group={group.pk}")

    page = html.content.decode()
    assert 'data-conflicts-url="/meetings/conflicts.json"' in page
    assert f'data-conflicts-scope="group={group.pk}"' in page
    assert 'src="/static/meetings/conflicts.js"' in page
