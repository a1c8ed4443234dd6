"""The demo data that `make run` loads stays loadable into an empty database."""

import pytest
from django.core.management import call_command

from coordination.models import ConsultationRound, Organisation, SurveyResponse, User
from meetings.models import Meeting

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
