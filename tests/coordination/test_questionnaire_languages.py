"""The questionnaire in four languages: German labels for every question, option, row and
help, and a label missing in a language falls back to the form's own language, then
English."""

import json

import pytest
from django.urls import reverse

from coordination.models import Question, Survey
from coordination.selectors import option_label
from coordination.services import QUESTIONNAIRE_PATH
from tests.factories import MeetingFactory
from tests.meetings.builders import leader_of

pytestmark = pytest.mark.django_db

LANGUAGES = {"en", "fr", "nl", "de"}


def _labels(data: dict):
    """Every per-language label of the catalogue, with where it is."""
    yield "title", data["title"]
    for section in data["sections"]:
        yield f"section {section['number']}", section["title"]
    for question in data["questions"]:
        where = f"Q{question['number']}"
        yield where, question["text"]
        if question.get("help"):
            yield f"{where} help", question["help"]
        for kind in ("options", "rows"):
            for item in question.get(kind, []):
                yield f"{where} {kind[:-1]} {item['code']}", item["label"]


def test_every_label_of_the_catalogue_exists_in_the_four_languages():
    data = json.loads(QUESTIONNAIRE_PATH.read_text(encoding="utf-8"))

    missing = [where for where, labels in _labels(data) if set(labels) != LANGUAGES
               or not all(labels[lang].strip() for lang in LANGUAGES)]  # fmt: skip

    assert missing == []
    assert data["language"] == "en"


def test_migrated_questionnaire_reads_german():
    question = Question.objects.get(number=3)

    assert question.label("de") == "Was ist die Arbeitssprache Ihrer Organisation?"
    assert [option_label(o, "de") for o in question.options] == [
        "Französisch",
        "Niederländisch",
        "Englisch",
        "Deutsch",
        "Sonstiges, bitte angeben",
    ]
    likert = Question.objects.get(number=38)
    assert option_label(likert.rows[0], "de") == (
        "Die Lage und die Integration der durch die Ukraine-Krise vertriebenen Personen verfolgen"
    )
    assert likert.help["de"].startswith("Bewerten Sie jeden Grund.")
    assert Survey.objects.get().title["de"] == (
        "Bedarfserhebung: Datenkoordination für die Aufnahme und Integration von aus der "
        "Ukraine vertriebenen Personen"
    )


def test_label_missing_in_a_language_falls_back_to_the_forms_language_then_english():
    survey = Survey.objects.create(code="nl-first", language="nl", title={"nl": "Bevraging"})
    dutch_and_english = Question.objects.create(
        survey=survey, number=1, section=1, kind="open",
        text={"nl": "Naam van uw organisatie", "en": "Name of your organisation"},
    )  # fmt: skip
    english_only = Question.objects.create(
        survey=survey, number=2, section=1, kind="open", text={"en": "Comments"}
    )

    assert dutch_and_english.label("de") == "Naam van uw organisatie"
    assert dutch_and_english.label("en") == "Name of your organisation"
    assert english_only.label("fr") == "Comments"


def test_option_label_falls_back_to_the_forms_language_then_english_then_the_code():
    option = {"code": "yes", "label": {"nl": "Ja", "en": "Yes"}}

    assert option_label(option, "de", "nl") == "Ja"
    assert option_label(option, "de") == "Yes"
    assert option_label({"code": "other", "label": {}}, "fr", "nl") == "other"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Q3. Quelle est la langue de travail de votre organisation\u00a0?"),
        ("nl", "Q3. Wat is de werktaal van uw organisatie?"),
        ("de", "Q3. Was ist die Arbeitssprache Ihrer Organisation?"),
    ],
)
def test_agenda_question_picker_is_in_the_users_language(client_for, language, expected):
    meeting = MeetingFactory()
    user = leader_of(meeting)
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])

    response = client_for(user).get(reverse("agenda-edit", args=[meeting.pk]))

    html = response.content.decode()
    assert f'value="{Question.objects.get(number=3).pk}"' in html
    assert f"\n {expected}</label>" in html
