"""The survey results pages and their CSV/XLSX exports."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from coordination.imports.importer import survey_import
from coordination.models import AccessEvent, Question, SurveyResponse
from coordination.selectors import needs_assessment_survey
from tests.factories import OrganisationFactory, make_volunteers

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [1, 5])
def test_results_pages_run_constant_queries(
    count, team_user, client_for, django_assert_num_queries
):
    make_volunteers(count)
    client = client_for(team_user)
    client.get(reverse("survey-results"))

    # the session, the user, the survey, the stamp of its responses (statistics cached)
    with django_assert_num_queries(4):
        index = client.get(reverse("survey-results"))
    with django_assert_num_queries(6):  # and the question page's own two
        question = client.get(reverse("survey-question", args=[56]))

    assert len(index.context["results"]) == 57
    assert question.context["stats"].closed.base == count + 1


def test_results_question_page_filters_by_language_and_area(team_user, client_for):
    survey = needs_assessment_survey()
    for name, language, areas, answer in [
        ("A", "fr", ["french"], "yes"),
        ("B", "nl", ["flemish"], "no"),
        ("C", "nl", ["flemish"], "yes"),
    ]:
        SurveyResponse.objects.create(
            survey=survey,
            organisation=OrganisationFactory(name=name, areas=areas),
            form_language=language,
            answers={"q56": answer},
        )
    client = client_for(team_user)

    dutch = client.get(reverse("survey-question", args=[56]), {"form_language": "nl"})
    french_area = client.get(reverse("survey-question", args=[56]), {"area": "french"})

    assert [(o.code, o.count) for o in dutch.context["stats"].closed.options] == [
        ("yes", 1),
        ("no", 1),
    ]
    assert [(o.code, o.count) for o in french_area.context["stats"].closed.options] == [
        ("yes", 1),
        ("no", 0),
    ]
    assert b"pct-50" in dutch.content


def test_results_two_column_likert_and_open_questions_render(team_user, client_for):
    survey = needs_assessment_survey()
    SurveyResponse.objects.create(
        survey=survey,
        organisation=OrganisationFactory(),
        form_language="en",
        answers={
            "q19": {"all": "qualitative", "ukraine": "quantitative"},
            "q38": {"monitor": "important"},
            "q41": '=HYPERLINK("http://evil")',
        },
    )
    client = client_for(team_user)

    two = client.get(reverse("survey-question", args=[19]))
    likert = client.get(reverse("survey-question", args=[38]))
    open_answer = client.get(reverse("survey-question", args=[41]))

    assert b"Displaced people from Ukraine (n = 1)" in two.content
    assert b"seg seg-2 pct-100" in likert.content
    assert open_answer.context["stats"].open_answers == ['=HYPERLINK("http://evil")']


def test_results_question_page_records_that_it_showed_open_answers(team_user, client_for):
    SurveyResponse.objects.create(
        survey=needs_assessment_survey(),
        organisation=OrganisationFactory(),
        form_language="en",
        answers={"q3": ["fr"], "q41": "Ask Olga Ivanova at the reception centre"},
    )
    client = client_for(team_user)

    closed = client.get(reverse("survey-question", args=[3]))
    after_closed = AccessEvent.objects.count()
    open_answer = client.get(reverse("survey-question", args=[41]))

    assert (closed.status_code, open_answer.status_code) == (200, 200)
    assert b"Ask Olga Ivanova" in open_answer.content
    assert after_closed == 0
    assert list(
        AccessEvent.objects.values_list(
            "actor", "action", "door", "contact_id_ref", "count", "detail"
        )
    ) == [(team_user.pk, "open_answers_viewed", "page", None, 1, "survey answers Q41")]


def test_results_export_csv_and_xlsx_neutralise_formulas(team_user, client_for):
    SurveyResponse.objects.create(
        survey=needs_assessment_survey(),
        organisation=OrganisationFactory(),
        form_language="en",
        answers={"q3": ["fr", "other"], "q3_other": "Ukrainian;=1+1", "q41": "@SUM(A1)"},
    )
    client = client_for(team_user)

    csv_response = client.get(reverse("survey-question-csv", args=[3]))
    xlsx_response = client.get(reverse("survey-question-xlsx", args=[41]))

    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    assert csv_response["Content-Disposition"] == 'attachment; filename="survey-q3.csv"'
    assert rows[1:4] == [["option", "count", "%"], ["French", "1", "100.0"], ["Dutch", "0", "0.0"]]
    assert rows[-2:] == [["other"], ["Ukrainian;'=1+1"]]
    assert [[c.value for c in r] for r in sheet.iter_rows()][1:] == [["answer"], ["'@SUM(A1)"]]


def test_results_unknown_question_is_404(team_user, client_for):
    assert client_for(team_user).get(reverse("survey-question", args=[99])).status_code == 404


def test_results_question_exists_for_every_number():
    assert Question.objects.count() == 57


def test_results_are_computed_once_and_follow_each_import(team_user, client_for):
    from tests.coordination.test_survey_import import csv_bytes, row

    client = client_for(team_user)
    survey_import(data=csv_bytes([row(q3="French"), row("2", "b@org-b.be", "Org B")]))
    first = client.get(reverse("survey-question", args=[3])).context["stats"]
    with CaptureQueriesContext(connection) as again:
        client.get(reverse("survey-results"))

    survey_import(data=csv_bytes([row(q3="Dutch"), row("2", "b@org-b.be", "Org B")]))
    after = client.get(reverse("survey-question", args=[3])).context["stats"]

    counts = {o.code: o.count for o in first.closed.options if o.count}
    assert [q["sql"] for q in again.captured_queries if '"answers"' in q["sql"]] == []
    assert len(counts) == 1 and sum(counts.values()) == 2
    assert {o.code: o.count for o in after.closed.options if o.count} != counts
