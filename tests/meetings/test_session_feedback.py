"""Feedback after a round session: asked once the day after, answered anonymously through a
personal link, once; the round's page shows the totals and the open answers."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings.enums import AttendanceStatus, InvitationStatus, OutboxKind
from meetings.formats.report import render_document_html
from meetings.models import FeedbackAnswer, FeedbackRequest, OutboundMessage
from meetings.selectors.feedback import round_feedback_results
from meetings.selectors.reports import report_data
from meetings.services import feedback
from tests.factories import (
    AttendanceFactory,
    ContactFactory,
    InvitationFactory,
    RoundSessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ALL_YES = {"agenda_clear": "yes", "workload_acceptable": "yes", "take_part_again": "yes"}


def held_session(hours_ago: float = 20, **kwargs):
    ends = timezone.now() - dt.timedelta(hours=hours_ago)
    return RoundSessionFactory(starts_at=ends - dt.timedelta(hours=3), ends_at=ends, **kwargs)


def accepted(session, language="fr", **contact):
    return InvitationFactory(
        meeting=session,
        status=InvitationStatus.ACCEPTED,
        contact=ContactFactory(preferred_language=language, **contact),
    )


def link_of(invitation) -> str:
    body = OutboundMessage.objects.get(invitation=invitation, kind=OutboxKind.FEEDBACK).body_text
    return re.search(r"/feedback/[^/\s]+/", body).group(0)


def test_attendees_are_asked_once_the_day_after_in_their_language():
    session = held_session()
    french, dutch = accepted(session, "fr"), accepted(session, "nl")
    InvitationFactory(meeting=session, status=InvitationStatus.DECLINED)
    RoundSessionFactory()  # still ahead
    held_session(hours_ago=2)  # too recent

    counts = [feedback.feedback_requests_enqueue(), feedback.feedback_requests_enqueue()]

    messages = OutboundMessage.objects.filter(kind=OutboxKind.FEEDBACK)
    assert counts == [2, 0]
    assert sorted(messages.values_list("invitation_id", "language")) == sorted(
        [(french.pk, "fr"), (dutch.pk, "nl")]
    )
    assert messages.get(invitation=dutch).subject == (
        f"Hoe was “{session.title}”? Drie korte vragen"
    )


def test_the_attendance_list_decides_who_is_asked_when_there_is_one():
    session = held_session()
    present, absent = accepted(session), accepted(session)
    AttendanceFactory(meeting=session, contact=present.contact, status=AttendanceStatus.PRESENT)
    AttendanceFactory(meeting=session, contact=absent.contact, status=AttendanceStatus.ABSENT)

    feedback.feedback_requests_enqueue()

    assert list(FeedbackRequest.objects.values_list("invitation_id", flat=True)) == [present.pk]


def test_an_attendee_answers_anonymously_on_the_page_and_only_once(client):
    session = held_session()
    invitation = accepted(session, "nl", name="Hanne Peeters")
    feedback.feedback_requests_enqueue()
    url = link_of(invitation)

    page = client.get(url)
    answered = client.post(
        url,
        {
            "q_agenda_clear": "yes",
            "q_workload_acceptable": "partly",
            "q_take_part_again": "yes",
            "comment": "Meer tijd voor de groepsbespreking.",
        },
    )
    again = client.post(url, {f"q_{k}": "no" for k in ALL_YES})

    stored = FeedbackAnswer.objects.get()
    assert "Was de agenda duidelijk?" in page.content.decode()
    assert answered.status_code == 302
    assert again.status_code == 400
    assert (stored.meeting, stored.ratings, stored.comment, stored.language) == (
        session,
        {"agenda_clear": "yes", "workload_acceptable": "partly", "take_part_again": "yes"},
        "Meer tijd voor de groepsbespreking.",
        "nl",
    )
    assert {f.name for f in FeedbackAnswer._meta.get_fields()} == {
        "id",
        "meeting",
        "ratings",
        "comment",
        "language",
        "submitted_on",
    }
    assert FeedbackRequest.objects.get().answered_at is not None


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        ({"agenda_clear": "yes"}, "Answer every question."),
        ({**ALL_YES, "take_part_again": "maybe"}, "Answer yes, partly or no."),
    ],
)
def test_incomplete_or_unknown_ratings_are_refused_and_nothing_is_stored(ratings, message):
    session = held_session()
    invitation = accepted(session)
    feedback.feedback_requests_enqueue()

    with pytest.raises(ValidationError) as refused:
        feedback.feedback_submit(
            request=FeedbackRequest.objects.get(invitation=invitation), ratings=ratings
        )

    assert refused.value.messages == [message]
    assert FeedbackAnswer.objects.count() == 0
    assert FeedbackRequest.objects.get().answered_at is None


def test_a_forged_feedback_link_explains_itself(client):
    response = client.get(reverse("feedback-answer", args=["forged"]))

    assert (response.status_code, response.context["error"]) == (
        404,
        "This feedback link is not valid.",
    )


def test_the_rounds_results_count_per_question_without_names(client, team_user):
    session = held_session()
    first, second, _third = accepted(session), accepted(session), accepted(session)
    feedback.feedback_requests_enqueue()
    feedback.feedback_submit(
        request=FeedbackRequest.objects.get(invitation=first), ratings=ALL_YES, comment="Clair."
    )
    feedback.feedback_submit(
        request=FeedbackRequest.objects.get(invitation=second),
        ratings={**ALL_YES, "workload_acceptable": "no"},
    )
    client.force_login(team_user)

    results = round_feedback_results(consultation_round=session.consultation_round)
    page = client.get(reverse("round-feedback", args=[session.consultation_round.pk]))

    assert (results["asked"], results["answered"], results["rate"]) == (3, 2, 67)
    assert [(q["key"], q["yes"], q["partly"], q["no"]) for q in results["questions"]] == [
        ("agenda_clear", 2, 0, 0),
        ("workload_acceptable", 1, 0, 1),
        ("take_part_again", 2, 0, 0),
    ]
    assert results["comments"] == ["Clair."]
    assert first.contact.name not in page.content.decode()


def test_the_open_answers_are_listed_in_the_order_of_their_words_not_of_their_giving():
    session = held_session()
    invitations = [accepted(session) for _ in range(3)]
    feedback.feedback_requests_enqueue()
    for invitation, comment in zip(
        invitations, ["Plus de pauses.", "avoir les documents plus tôt.", "Merci !"], strict=True
    ):
        feedback.feedback_submit(
            request=FeedbackRequest.objects.get(invitation=invitation),
            ratings=ALL_YES,
            comment=comment,
        )

    results = round_feedback_results(consultation_round=session.consultation_round)

    assert results["comments"] == ["avoir les documents plus tôt.", "Merci !", "Plus de pauses."]


def test_a_round_rewords_a_question_for_one_language(client, team_user):
    session = held_session()
    invitation = accepted(session, "fr")
    feedback.feedback_requests_enqueue()
    client.force_login(team_user)

    client.post(
        reverse("round-feedback", args=[session.consultation_round.pk]),
        {"agenda_clear__fr": "L'ordre du jour vous a-t-il aidé à vous préparer ?"},
    )
    page = client.get(link_of(invitation)).content.decode()

    assert "L&#x27;ordre du jour vous a-t-il aidé à vous préparer ?" in page
    assert "La charge de travail pour votre organisation était-elle acceptable" in page


def test_the_rounds_feedback_is_closed_to_participants(client):
    session = held_session()
    participant = UserFactory()
    InvitationFactory(meeting=session, contact=ContactFactory(user=participant))
    client.force_login(participant)

    response = client.get(reverse("round-feedback", args=[session.consultation_round.pk]))

    assert response.status_code == 403


def test_a_reminder_goes_at_most_once_a_day_and_never_after_an_answer():
    session = held_session()
    first, second = accepted(session), accepted(session)
    feedback.feedback_requests_enqueue()
    feedback.feedback_submit(
        request=FeedbackRequest.objects.get(invitation=second), ratings=ALL_YES
    )

    sent = [
        feedback.feedback_remind(request=FeedbackRequest.objects.get(invitation=first)),
        feedback.feedback_remind(request=FeedbackRequest.objects.get(invitation=first)),
    ]
    with pytest.raises(ValidationError):
        feedback.feedback_remind(request=FeedbackRequest.objects.get(invitation=second))

    assert sent == [True, False]
    assert OutboundMessage.objects.filter(kind=OutboxKind.FEEDBACK_REMINDER).count() == 1


def test_the_report_method_section_gives_the_response_rate_and_results():
    session = held_session()
    first, _second = accepted(session), accepted(session)
    feedback.feedback_requests_enqueue()
    feedback.feedback_submit(
        request=FeedbackRequest.objects.get(invitation=first), ratings=ALL_YES, comment="Merci"
    )

    data = report_data(consultation_round=session.consultation_round, language="en")
    html, _base = render_document_html(snapshot=data, sections=[], version=1, is_final=False)

    assert data["feedback"] == {
        "asked": 2,
        "answered": 1,
        "rate": 50,
        "questions": [
            {"text": "Was the agenda clear?", "yes": 1, "partly": 0, "no": 0},
            {
                "text": "Was the workload for your organisation acceptable?",
                "yes": 1,
                "partly": 0,
                "no": 0,
            },
            {"text": "Would you take part again?", "yes": 1, "partly": 0, "no": 0},
        ],
        "open_count": 1,
    }
    assert (
        "1 of 2 attendees gave feedback (50 %), anonymously. 1 open answer is not reproduced here."
    ) in html
    assert "Merci" not in html
