"""The demo data that `make run` loads stays loadable into an empty database, its dates
brought to the week it is loaded in."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from coordination.demo import DEMO_FIXTURE
from coordination.models import ConsultationRound, Organisation, SurveyResponse, User
from meetings.models import Invitation, Meeting, TimePoll

pytestmark = pytest.mark.django_db


def test_demo_fixture_loads_into_an_empty_database_with_the_source_figures(capsys):
    call_command("load_demo")

    output = capsys.readouterr().out
    responses = SurveyResponse.objects.all()
    volunteers = [r for r in responses if r.volunteered]
    assert Organisation.objects.count() == 112
    assert responses.count() == 57
    assert responses.filter(form_language="fr").count() == 24
    assert responses.filter(form_language="nl").count() == 33
    assert len(volunteers) == 35  # 61 % of 57
    assert ConsultationRound.objects.count() == 1
    assert Meeting.objects.filter(consultation_round__isnull=False).count() == 2
    assert set(User.objects.values_list("username", flat=True)) == {
        "team",
        "facilitator",
        "facilitator.nl",
        "participant",
    }
    assert "participant-demo-2026" in output


def test_demo_log_ins_work(client):
    call_command("load_demo")

    logins = [("team", "team-demo-2026"), ("participant", "participant-demo-2026")]

    assert [client.login(username=u, password=p) for u, p in logins] == [True, True]


def test_load_demo_does_not_overwrite_existing_data(capsys):
    call_command("load_demo")
    first = Organisation.objects.order_by("pk").first()
    Organisation.objects.filter(pk=first.pk).update(notes="edited")

    call_command("load_demo")

    assert "not loaded again" in capsys.readouterr().out
    assert Organisation.objects.get(pk=first.pk).notes == "edited"


BRUSSELS = ZoneInfo("Europe/Brussels")


def fixture_values(model: str, field: str) -> dict[int, str]:
    return {
        entry["pk"]: entry["fields"][field]
        for entry in json.loads(DEMO_FIXTURE.read_text(encoding="utf-8"))
        if entry["model"] == model
    }


def test_a_demo_loaded_later_has_its_year_moved_by_whole_weeks_at_the_same_wall_clock_time(
    capsys,
):
    call_command("load_demo", today=dt.date(2027, 6, 30))  # 30 weeks and 3 days later

    starts = {
        pk: dt.datetime.fromisoformat(value).astimezone(BRUSSELS)
        for pk, value in fixture_values("meetings.meeting", "starts_at").items()
    }
    moved = {m.pk: m.starts_at.astimezone(BRUSSELS) for m in Meeting.objects.order_by("starts_at")}
    assert {
        pk: (at.replace(tzinfo=None) - starts[pk].replace(tzinfo=None)) for pk, at in moved.items()
    } == {pk: dt.timedelta(weeks=30) for pk in starts}
    assert {at.strftime("%a %H:%M") for at in moved.values()} == {
        at.strftime("%a %H:%M") for at in starts.values()
    }
    # The 2022 survey stays in 2022.
    assert {r.submitted_at.year for r in SurveyResponse.objects.all()} == {2022}
    # Still open, with answers due after the day it is loaded.
    assert TimePoll.objects.get().deadline.date() > dt.date(2027, 6, 30)
    # Nothing was sent or answered after the demo's day, as in the fixture.
    after = dt.datetime(2027, 6, 28, tzinfo=BRUSSELS)
    assert Invitation.objects.filter(sent_at__gte=after).count() == 0
    assert Invitation.objects.filter(answered_at__gte=after).count() == 0
    output = capsys.readouterr().out
    assert "moved 30 weeks forward: the demo's day, 29 November 2026, is now 27 June 2027" in output


def test_a_demo_loaded_in_its_own_week_keeps_its_dates():
    call_command("load_demo", today=dt.date(2026, 12, 5))

    assert {m.pk: m.starts_at for m in Meeting.objects.all()} == {
        pk: dt.datetime.fromisoformat(value)
        for pk, value in fixture_values("meetings.meeting", "starts_at").items()
    }


def test_a_day_that_is_not_a_date_is_refused_and_nothing_is_loaded():
    with pytest.raises(CommandError, match="'30/06/2027' is not a date"):
        call_command("load_demo", "--today", "30/06/2027")

    assert not Organisation.objects.exists()
