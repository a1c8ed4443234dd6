"""Pages of issue 3: survey import (check, then confirm), volunteer pool, survey results."""

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from coordination.models import Question, SurveyResponse
from coordination.selectors import needs_assessment_survey
from tests.factories import ConsentFactory, ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

EXPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "survey_exports"


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (EXPORTS / name).read_bytes())


def test_import_page_checks_then_imports_on_confirm(team_user, client_for):
    client = client_for(team_user)

    checked = client.post(
        reverse("survey-import"), {"action": "check", "file": upload("googleforms_en.csv")}
    )
    token = checked.context["pending"]["token"]
    nothing_yet = SurveyResponse.objects.count()
    confirmed = client.post(reverse("survey-import"), {"action": "confirm", "token": token})

    assert checked.status_code == 200
    assert checked.context["report"].created == 2
    assert b"Confirm the import" in checked.content
    assert nothing_yet == 0
    assert confirmed.status_code == 200
    assert confirmed.context["report"].committed is True
    assert SurveyResponse.objects.count() == 2


def test_import_page_reports_an_unreadable_file_and_offers_no_confirm(team_user, client_for):
    client = client_for(team_user)
    junk = SimpleUploadedFile("junk.xlsx", b"PK\x03\x04 not really a workbook")

    response = client.post(reverse("survey-import"), {"action": "check", "file": junk})

    assert response.status_code == 200
    assert response.context["report"].file_error == (
        "The file is not a readable XLSX workbook (it may be truncated or damaged)."
    )
    assert b"Confirm the import" not in response.content
    assert "pending" not in response.context


def test_import_page_stale_token_writes_nothing(team_user, client_for):
    client = client_for(team_user)

    response = client.post(reverse("survey-import"), {"action": "confirm", "token": "nope"})

    assert response.status_code == 302
    assert SurveyResponse.objects.count() == 0


def test_import_page_missing_file_is_a_form_error(team_user, client_for):
    response = client_for(team_user).post(reverse("survey-import"), {"action": "check"})

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["This field is required."]


def test_import_page_is_for_the_team_only(facilitator, client_for):
    response = client_for(facilitator).get(reverse("survey-import"))

    assert response.status_code == 403


def make_volunteers(count: int) -> None:
    for index in range(count):
        organisation = OrganisationFactory(name=f"Volunteer {index}")
        SurveyResponse.objects.create(
            survey=needs_assessment_survey(),
            organisation=organisation,
            form_language="fr",
            answers={"q56": "yes", "q4": ["french"], "q3": ["fr"]},
        )
        ConsentFactory(contact=ContactFactory(organisation=organisation))
    anonymous = OrganisationFactory(name=f"Anonymous {count}")
    SurveyResponse.objects.create(
        survey=needs_assessment_survey(),
        organisation=anonymous,
        form_language="fr",
        answers={"q56": "yes"},
    )


@pytest.mark.parametrize("count", [1, 5])
def test_pool_page_runs_constant_queries(count, team_user, client_for, django_assert_num_queries):
    make_volunteers(count)
    client = client_for(team_user)
    client.get(reverse("volunteer-pool"))  # warm the session

    with django_assert_num_queries(7):
        response = client.get(reverse("volunteer-pool"))

    assert len(response.context["rows"]) == count
    assert [o.name for o in response.context["without_contact"]] == [f"Anonymous {count}"]


def test_pool_page_filters_and_hides_emails_from_facilitators(facilitator, client_for):
    make_volunteers(2)

    response = client_for(facilitator).get(reverse("volunteer-pool"), {"working_language": "nl"})
    all_rows = client_for(facilitator).get(reverse("volunteer-pool"))

    assert response.context["rows"] == []
    assert [r["show_email"] for r in all_rows.context["rows"]] == [False, False]
    assert b"@example.org" not in all_rows.content


@pytest.mark.parametrize("count", [1, 5])
def test_results_pages_run_constant_queries(
    count, team_user, client_for, django_assert_num_queries
):
    make_volunteers(count)
    client = client_for(team_user)
    client.get(reverse("survey-results"))

    with django_assert_num_queries(5):
        index = client.get(reverse("survey-results"))
    with django_assert_num_queries(6):
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


def test_results_export_csv_and_xlsx_neutralise_formulas(team_user, client_for):
    SurveyResponse.objects.create(
        survey=needs_assessment_survey(),
        organisation=OrganisationFactory(),
        form_language="en",
        answers={"q3": ["fr", "other"], "q3_other": "=1+1", "q41": "@SUM(A1)"},
    )
    client = client_for(team_user)

    csv_response = client.get(reverse("survey-question-csv", args=[3]))
    xlsx_response = client.get(reverse("survey-question-xlsx", args=[41]))

    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    assert csv_response["Content-Disposition"] == 'attachment; filename="survey-q3.csv"'
    assert rows[1:4] == [["option", "count", "%"], ["French", "1", "100.0"], ["Dutch", "0", "0.0"]]
    assert rows[-2:] == [["other"], ["'=1+1"]]
    assert [[c.value for c in r] for r in sheet.iter_rows()][1:] == [["answer"], ["'@SUM(A1)"]]


def test_results_unknown_question_is_404(team_user, client_for):
    assert client_for(team_user).get(reverse("survey-question", args=[99])).status_code == 404


def test_results_question_exists_for_every_number():
    assert Question.objects.count() == 57
