"""A round's status follows what happened: panel drawn, invitations sent, held, reported,
closed — each moved by the service that causes it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings.formats import report as render
from meetings.services import reports
from meetings.services.invitations import invitations_send
from meetings.services.panels import round_draw_record
from meetings.services.rounds import round_close, round_status_follow, rounds_status_follow
from tests.factories import TeamUserFactory
from tests.meetings.test_round_draws import bilingual_round, volunteers

pytestmark = pytest.mark.django_db


@pytest.fixture
def fast_render(monkeypatch):
    """Tiny documents instead of the (slow) renderers: the workflow is under test."""
    monkeypatch.setattr(render, "render_pdf", lambda **kw: b"%PDF-1.7 fake")
    monkeypatch.setattr(render, "render_docx", lambda **kw: b"PK fake docx")


def status(consultation_round):
    consultation_round.refresh_from_db()
    return consultation_round.status


def test_round_status_follows_draw_invitations_sessions_report_and_close(fast_render):
    volunteers(12)
    consultation_round, french, dutch = bilingual_round()
    user = TeamUserFactory()
    seen = [status(consultation_round)]

    round_draw_record(consultation_round=consultation_round, seed=1)
    seen.append(status(consultation_round))
    invitations_send(meeting=french)
    invitations_send(meeting=dutch)
    seen.append(status(consultation_round))
    rounds_status_follow(now=dutch.ends_at - dt.timedelta(minutes=1))
    seen.append(status(consultation_round))
    rounds_status_follow(now=max(french.ends_at, dutch.ends_at) + dt.timedelta(minutes=1))
    seen.append(status(consultation_round))
    report = reports.report_get_or_create(consultation_round=consultation_round, language="en")
    draft = reports.report_job_run(job_id=reports.report_generate(report=report, user=user).pk)
    seen.append(status(consultation_round))
    job = reports.report_version_finalise(version=draft.result, user=user)
    finished = reports.report_job_run(job_id=job.pk)
    assert (finished.status, finished.error) == ("done", "")
    seen.append(status(consultation_round))
    round_close(consultation_round=consultation_round, by=user)
    seen.append(status(consultation_round))

    assert seen == [
        "draft",
        "panel_drawn",
        "invitations_sent",
        "invitations_sent",
        "held",
        "held",
        "reported",
        "closed",
    ]


def test_round_status_never_moves_back_and_close_needs_a_report():
    volunteers(6)
    consultation_round, _french, _dutch = bilingual_round()
    round_draw_record(consultation_round=consultation_round, seed=1)

    with pytest.raises(ValidationError) as error:
        round_close(consultation_round=consultation_round)
    round_status_follow(consultation_round=consultation_round, now=timezone.now())

    assert error.value.messages == ["A round cannot go from “Panel drawn” to “Closed”."]
    assert status(consultation_round) == "panel_drawn"


def test_round_close_page_closes_a_reported_round(facilitator, client_for):
    consultation_round, _french, _dutch = bilingual_round()
    consultation_round.facilitators.add(facilitator)
    type(consultation_round).objects.filter(pk=consultation_round.pk).update(status="reported")
    client = client_for(facilitator)

    detail = client.get(reverse("round-detail", args=[consultation_round.pk]))
    closed = client.post(reverse("round-close", args=[consultation_round.pk]))
    again = client.post(reverse("round-close", args=[consultation_round.pk]), follow=True)

    assert b"Close the round" in detail.content
    assert closed.status_code == 302
    assert status(consultation_round) == "closed"
    assert [str(m) for m in again.context["messages"]] == [
        "The round is closed.",
        "A round cannot go from “Closed” to “Closed”.",
    ]
