"""Conflicts of a date being chosen, before saving: the small JSON endpoint the meeting form's
script asks, in the user's language."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests.factories import (
    ConsultationRoundFactory,
    MeetingFactory,
    RoundSessionFactory,
    TeamUserFactory,
    WorkingGroupFactory,
)
from tests.helpers import messages_of

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


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "6 May 2027 is a public holiday in Belgium (Ascension Day)."),
        ("fr", "Le 6 mai 2027 est un jour férié en Belgique (Ascension)."),
        ("nl", "6 mei 2027 is een wettelijke feestdag in België (O. L. H. Hemelvaart)."),
        ("de", "Der 6. Mai 2027 ist in Belgien ein gesetzlicher Feiertag (Christi Himmelfahrt)."),
    ],
)
def test_conflict_check_for_a_new_round_session_in_the_users_language(
    client_for, language, message
):
    round_ = ConsultationRoundFactory()
    client = client_for(TeamUserFactory(preferred_language=language))

    response = client.get(reverse("meeting-conflicts"), ASCENSION | {"round": round_.pk})

    assert response.status_code == 200
    assert response.json() == {"conflicts": [{"kind": "holiday", "message": message}]}


def test_conflict_check_for_a_new_round_session_names_a_session_at_the_same_time(client_for):
    round_ = ConsultationRoundFactory()
    start = dt.datetime(2027, 5, 11, 11, 0, tzinfo=ZoneInfo("Europe/Brussels"))
    RoundSessionFactory(
        consultation_round=round_, title="Session FR", starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )  # fmt: skip
    RoundSessionFactory(
        consultation_round=round_, title="Session cancelled", starts_at=start,
        ends_at=start + dt.timedelta(hours=2), status="cancelled",
    )  # fmt: skip
    client = client_for(TeamUserFactory())

    overlapping = client.get(
        reverse("meeting-conflicts"), ASCENSION | {"round": round_.pk, "date": "2027-05-11"}
    )
    after = client.get(
        reverse("meeting-conflicts"),
        ASCENSION | {"round": round_.pk, "date": "2027-05-11", "start_time": "13:00",
                     "end_time": "14:00"},
    )  # fmt: skip

    assert overlapping.json() == {
        "conflicts": [
            {
                "kind": "double_booked",
                "message": "The session “Session FR” of this round takes place at that time: "
                "its facilitators would be expected at both.",
            }
        ]
    }
    assert after.json() == {"conflicts": []}


def test_round_add_session_form_carries_the_conflict_check(client_for):
    round_ = ConsultationRoundFactory()

    html = client_for(TeamUserFactory()).get(reverse("meeting-create") + f"?round={round_.pk}")

    page = html.content.decode()
    assert f'data-conflicts-scope="round={round_.pk}"' in page
    assert 'src="/static/meetings/conflicts.js"' in page
    assert "<title>New meeting" in page and "conflicts.js</title>" not in page


def test_round_session_saved_without_javascript_shows_its_conflicts_in_the_users_language(
    client_for,
):
    round_ = ConsultationRoundFactory()
    client = client_for(TeamUserFactory(preferred_language="de"))

    response = client.post(
        reverse("meeting-create") + f"?round={round_.pk}",
        {"title": "Sitzung DE", "date": "2027-05-06", "start_time": "10:00",
         "end_time": "12:00", "timezone_name": "Europe/Brussels", "format": "online",
         "location": "", "online_url": "https://meet.example.be/de", "language": "fr",
         "capacity": "", "reminders": "7, 1"},
        follow=True,
    )  # fmt: skip

    assert response.redirect_chain == [(reverse("round-detail", args=[round_.pk]), 302)]
    assert messages_of(response)[1:] == [
        "Der 6. Mai 2027 ist in Belgien ein gesetzlicher Feiertag (Christi Himmelfahrt)."
    ]
