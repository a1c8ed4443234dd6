import pytest

from coordination.models import Question, SurveyResponse
from coordination.selectors import needs_assessment_survey, survey_question_stats, survey_results
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def respond(answers: dict, language: str = "fr") -> SurveyResponse:
    return SurveyResponse.objects.create(
        survey=needs_assessment_survey(),
        organisation=OrganisationFactory(),
        form_language=language,
        answers=answers,
    )


def test_multiple_choice_counts_share_of_respondents_who_answered():
    respond({"q3": ["fr", "nl"]})
    respond({"q3": ["nl"]})
    respond({"q3": ["de"], "q3_other": "Ukrainian"})
    respond({})  # did not answer Q3: not in the base

    stats = survey_question_stats(question=Question.objects.get(number=3))

    counts = {o.code: (o.count, round(o.share, 3)) for o in stats.closed.options}
    assert stats.responses == 4
    assert stats.base == 3
    assert counts == {
        "fr": (1, 0.333),
        "nl": (2, 0.667),
        "en": (0, 0.0),
        "de": (1, 0.333),
        "other": (0, 0.0),
    }
    assert stats.other_answers == ["Ukrainian"]


def test_two_column_question_keeps_both_columns():
    respond({"q28": {"all": "regularly", "ukraine": "no"}})
    respond({"q28": {"all": "regularly"}})

    stats = survey_question_stats(question=Question.objects.get(number=28))

    assert {o.code: o.count for o in stats.columns["all"].options} == {
        "regularly": 2,
        "sporadically": 0,
        "no": 0,
    }
    assert {o.code: o.count for o in stats.columns["ukraine"].options} == {
        "regularly": 0,
        "sporadically": 0,
        "no": 1,
    }
    assert stats.columns["ukraine"].base == 1


def test_likert_grid_counts_each_row_and_results_cover_every_question():
    question = Question.objects.get(number=38)
    first_row = question.rows[0]["code"]
    scale = question.options[0]["code"]
    respond({"q38": {first_row: scale}})

    stats = survey_question_stats(question=question)
    everything = survey_results(survey=needs_assessment_survey())

    row_code, _label, row_stats = stats.rows[0]
    assert row_code == first_row
    assert row_stats.base == 1
    assert row_stats.options[0].count == 1
    assert [s.question.number for s in everything] == list(range(1, 58))
