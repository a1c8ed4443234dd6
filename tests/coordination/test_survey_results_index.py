"""The index of the survey results: one row per question (its number, its text and its kind
in the reader's language, its base under the filters chosen, a link to its page carrying
the filters), and the filter form as the form itself renders, in every language and for
every choice."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from coordination.forms import ResultsFilterForm
from coordination.models import SurveyResponse
from coordination.selectors import needs_assessment_survey
from tests.factories import OrganisationFactory, TeamUserFactory

pytestmark = pytest.mark.django_db

ROW = re.compile(
    r'<tr>\s*<td class="num">(Q\d+)</td>\s*<td><a href="([^"]*)">([^<]*)</a></td>\s*'
    r'<td>([^<]*)</td>\s*<td class="num">(\d+)</td>\s*</tr>'
)
FILTERS = re.compile(r'<form method="get" class="filters results-filters".*?</form>', re.S)


def rows(response) -> dict[str, tuple]:
    return {number: tuple(rest) for number, *rest in ROW.findall(response.content.decode())}


def reader(language: str):
    return TeamUserFactory(username=f"reader-{language}", preferred_language=language)


@pytest.fixture
def responses():
    survey = needs_assessment_survey()
    for name, form_language, areas, answers in [
        ("A", "fr", ["brussels"], {"q1": "Org A", "q3": ["fr", "nl"], "q56": "yes"}),
        ("B", "fr", ["french"], {"q56": "no"}),
        ("C", "nl", ["brussels"], {"q1": "Org C", "q56": "yes"}),
    ]:
        SurveyResponse.objects.create(
            survey=survey,
            organisation=OrganisationFactory(name=name, areas=areas),
            form_language=form_language,
            answers=answers,
        )


def test_results_index_rows_in_french_with_the_filters_chosen(client_for, responses):
    client = client_for(reader("fr"))

    response = client.get(reverse("survey-results"), {"form_language": "fr", "area": "brussels"})

    found = rows(response)
    link = "?form_language=fr&amp;area=brussels"
    assert list(found) == [f"Q{n}" for n in range(1, 58)]
    assert found["Q1"] == (
        f"/survey/results/1/{link}",
        "Nom de votre organisation",
        "Réponse ouverte",
        "1",
    )
    assert found["Q3"] == (
        f"/survey/results/3/{link}",
        "Quelle est la langue de travail de votre organisation\xa0?",
        "Réponses multiples",
        "1",
    )
    assert found["Q38"][2:] == ("Échelle (grille)", "0")
    assert found["Q56"][0] == f"/survey/results/56/{link}"
    assert found["Q56"][2:] == ("Réponse unique", "1")


def test_results_index_rows_follow_the_readers_language(client_for, responses):
    german, english = client_for(reader("de")), client_for(reader("en"))

    in_german = rows(german.get(reverse("survey-results")))
    in_english = rows(english.get(reverse("survey-results")))

    assert in_german["Q1"] == (
        "/survey/results/1/",
        "Name Ihrer Organisation",
        "Offene Antwort",
        "2",
    )
    assert in_german["Q56"][2:] == ("Eine Antwort", "3")
    assert in_english["Q1"] == (
        "/survey/results/1/",
        "Name of your organization",
        "Open answer",
        "2",
    )
    assert in_english["Q56"][2:] == ("One answer", "3")


@pytest.mark.parametrize(
    ("language", "query"),
    [
        ("fr", {"area": "brussels"}),
        ("en", {"area": "brussels"}),
        ("fr", {"form_language": "nl", "area": "french"}),
        ("de", {}),
        ("nl", {"form_language": "", "area": ""}),
        ("nl", {"area": "nowhere"}),
    ],
)
def test_results_filter_form_is_the_forms_own_rendering(client_for, language, query):
    client = client_for(reader(language))

    pages = [
        client.get(reverse("survey-results"), query),
        client.get(reverse("survey-question", args=[56]), query),
        client.get(reverse("survey-results"), query),
    ]

    with translation.override(language):
        expected = render_to_string(
            "coordination/_results_filters.html", {"filter_form": ResultsFilterForm(query or None)}
        )
    assert [FILTERS.findall(page.content.decode()) for page in pages] == [[expected.strip()]] * 3


def test_results_filter_form_shows_the_choice_made_in_the_readers_language(client_for):
    french, english = client_for(reader("fr")), client_for(reader("en"))

    in_french = french.get(reverse("survey-results"), {"area": "brussels"}).content.decode()
    in_english = english.get(reverse("survey-results"), {"area": "brussels"}).content.decode()
    refused = french.get(reverse("survey-results"), {"area": "nowhere"}).content.decode()

    assert '<option value="brussels" selected>Bruxelles</option>' in in_french
    assert '<label for="id_area">Zone (Q4)</label>' in in_french
    assert '<option value="brussels" selected>Brussels</option>' in in_english
    assert '<option value="brussels">Bruxelles</option>' in refused
    assert " selected>" not in FILTERS.search(refused).group().split('name="area"')[1]
