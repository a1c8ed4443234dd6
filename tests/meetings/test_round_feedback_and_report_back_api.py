"""API of a round's feedback results and of the report back: the team and the round's
facilitators; others are refused (403) or told it does not exist (404); bad input is a 400
that changes nothing."""

import pytest
from django.utils import timezone

from meetings.enums import InvitationStatus, MeetingStatus, OutboxKind
from meetings.formats import report as render
from meetings.models import FeedbackRequest, OutboundMessage, ReportBack
from meetings.services import feedback, reports
from tests.factories import (
    ContactFactory,
    InvitationFactory,
    RoundSessionFactory,
    UserFactory,
)
from tests.helpers import api

pytestmark = pytest.mark.django_db

ALL = {"agenda_clear": "yes", "workload_acceptable": "partly", "take_part_again": "yes"}


@pytest.fixture
def fast_render(monkeypatch):
    monkeypatch.setattr(render, "render_pdf", lambda **kw: b"%PDF-1.7 fake")
    monkeypatch.setattr(render, "render_docx", lambda **kw: b"PK fake docx")


def facilitated_session(**kwargs):
    facilitator = UserFactory(facilitator=True)
    session = RoundSessionFactory(facilitator=facilitator, **kwargs)
    session.consultation_round.facilitators.add(facilitator)
    return session, facilitator


def test_round_feedback_gives_totals_and_open_answers_to_the_facilitator():
    session, facilitator = facilitated_session()
    for comment in ("More breaks, please.", ""):
        invitation = InvitationFactory(meeting=session, status=InvitationStatus.ACCEPTED)
        request = FeedbackRequest.objects.create(invitation=invitation, sent_at=timezone.now())
        feedback.feedback_submit(request=request, ratings=ALL, comment=comment)
    silent = InvitationFactory(meeting=session, status=InvitationStatus.ACCEPTED)
    FeedbackRequest.objects.create(invitation=silent, sent_at=timezone.now())

    response = api(facilitator).get(f"/api/rounds/{session.consultation_round_id}/feedback/")

    assert response.status_code == 200
    body = response.json()
    assert (body["asked"], body["answered"], body["rate"]) == (3, 2, 67)
    assert [(q["key"], q["yes"], q["partly"], q["no"]) for q in body["questions"]] == [
        ("agenda_clear", 2, 0, 0),
        ("workload_acceptable", 0, 2, 0),
        ("take_part_again", 2, 0, 0),
    ]
    assert body["comments"] == ["More breaks, please."]


def test_round_feedback_is_refused_to_other_facilitators_and_hidden_from_participants():
    session, _facilitator = facilitated_session()
    participant = UserFactory()
    ContactFactory(user=participant)
    other_facilitator = UserFactory(facilitator=True)
    url = f"/api/rounds/{session.consultation_round_id}/feedback/"

    statuses = [
        api(other_facilitator).get(url).status_code,
        api(participant).get(url).status_code,
        api(participant).get("/api/rounds/99999999999/feedback/").status_code,
        api(participant).get("/api/rounds/abc/feedback/").status_code,
    ]

    assert statuses == [403, 404, 404, 404]


def test_report_back_send_through_the_api_queues_it_once_per_contact(
    fast_render, django_capture_on_commit_callbacks
):
    session, facilitator = facilitated_session(status=MeetingStatus.HELD)
    came = [InvitationFactory(meeting=session, status=InvitationStatus.ACCEPTED) for _ in range(2)]
    report = reports.report_get_or_create(consultation_round=session.consultation_round)
    draft = reports.report_job_run(
        job_id=reports.report_generate(report=report, user=facilitator).pk
    ).result
    reports.report_job_run(
        job_id=reports.report_version_finalise(version=draft, user=facilitator).pk
    )
    client = api(facilitator)
    url = f"/api/rounds/{session.consultation_round_id}/report-back/"

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url + "send/", {"text": "We used it."}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(url + "send/", {"text": "We used it."}, format="json")
    listing = client.get(url).json()

    assert (first.status_code, first.json()) == (
        202,
        {"count": 2, "detail": "The report is being sent to 2 contacts."},
    )
    assert second.json() == {
        "count": 0,
        "detail": "Everyone consulted has already received the report.",
    }
    assert sorted(d["contact"] for d in listing["deliveries"]) == sorted(i.contact_id for i in came)
    assert {d["status"] for d in listing["deliveries"]} == {"sent"}
    assert OutboundMessage.objects.filter(kind=OutboxKind.REPORT_BACK).count() == 2


def test_report_back_send_before_the_report_is_final_is_a_400_that_writes_nothing():
    session, facilitator = facilitated_session()
    reports.report_get_or_create(consultation_round=session.consultation_round)
    url = f"/api/rounds/{session.consultation_round_id}/report-back/send/"

    not_final = api(facilitator).post(url, {"text": "We used it."}, format="json")
    empty = api(facilitator).post(url, {"text": ""}, format="json")

    assert (not_final.status_code, not_final.json()["errors"][0]["code"]) == (400, "not_final")
    assert (empty.status_code, empty.json()["errors"][0]["attr"]) == (400, "text")
    assert ReportBack.objects.count() == 0


def test_report_back_of_a_round_without_report_is_a_404():
    session, facilitator = facilitated_session()

    response = api(facilitator).get(f"/api/rounds/{session.consultation_round_id}/report-back/")

    assert response.status_code == 404
