"""Reads of session feedback: the questions in a reader's language, and a round's results
(response rate, totals per question, the open answers) without anyone's name."""

from collections import Counter

from django.db.models import Count, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from meetings.enums import FeedbackRating
from meetings.models import FeedbackAnswer, FeedbackQuestionnaire, FeedbackRequest

DEFAULT_QUESTIONS = (
    ("agenda_clear", _("Was the agenda clear?")),
    ("workload_acceptable", _("Was the workload for your organisation acceptable?")),
    ("take_part_again", _("Would you take part again?")),
)
OPEN_QUESTION = ("comment", _("What should we do better next time?"))


def _wording(round_) -> dict:
    if round_ is None:
        return {}
    questionnaire = FeedbackQuestionnaire.objects.filter(consultation_round=round_).first()
    return questionnaire.texts if questionnaire else {}


def feedback_questions(*, round_, language: str | None = None) -> list[tuple[str, str]]:
    """The closed questions (key, text) in ``language`` (the active one by default): the
    round's wording where it has one, else the default wording."""
    language = (language or get_language() or "en")[:2]
    wording = _wording(round_)
    return [
        (key, wording.get(key, {}).get(language) or str(default))
        for key, default in DEFAULT_QUESTIONS
    ]


def feedback_open_question(*, round_, language: str | None = None) -> str:
    language = (language or get_language() or "en")[:2]
    key, default = OPEN_QUESTION
    return _wording(round_).get(key, {}).get(language) or str(default)


def round_feedback_results(*, consultation_round) -> dict:
    """Response rate, per question the yes / partly / no counts, and the open answers."""
    counts_of_requests = FeedbackRequest.objects.filter(
        invitation__meeting__consultation_round=consultation_round
    ).aggregate(asked=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    asked, answered = counts_of_requests["asked"], counts_of_requests["answered"]
    answers = list(FeedbackAnswer.objects.filter(meeting__consultation_round=consultation_round))
    counts = Counter((key, value) for answer in answers for key, value in answer.ratings.items())
    questions = [
        {
            "key": key,
            "text": text,
            **{rating: counts[(key, rating)] for rating in FeedbackRating.values},
        }
        for key, text in feedback_questions(round_=consultation_round)
    ]
    return {
        "asked": asked,
        "answered": answered,
        "rate": round(100 * answered / asked) if asked else None,
        "questions": questions,
        # In the order of their words, not of their giving: who answered when is known to
        # the facilitators (the reminders), so the order must not tell whose answer is whose.
        "comments": sorted(
            (answer.comment for answer in answers if answer.comment), key=str.casefold
        ),
    }
