"""Organisations that share an e-mail domain (a city and its public centre for social welfare,
the departments of one federal service, an umbrella platform, a test file on example.org):
a hint for the team, never a reason to refuse a row."""

import csv
import datetime as dt
import io
import sys
from pathlib import Path

import pytest
import yaml
from django.urls import reverse

from coordination.imports.importer import survey_import
from coordination.models import Contact, Organisation, SurveyResponse
from coordination.selectors import pool_contact_ids, volunteer_pool
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

EXPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "survey_exports"
sys.path.insert(0, str(EXPORTS))
import make_examples  # noqa: E402  (the example exports' own builders)

HEADER = ["ID", "Completion time", "Email", "Name", "1. Name of your organization", "56. Co?"]


def csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def test_new_organisation_on_a_known_domain_is_imported_as_new_with_a_hint():
    OrganisationFactory(name="Stad Gent", email_domain="stad.gent")

    report = survey_import(
        data=csv_bytes([["1", "2022-11-03 10:00", "an@stad.gent", "An", "OCMW Gent", "Yes"]])
    )

    assert (report.created, report.rejected, report.problems) == (1, 0, [])
    assert [(h.row, h.organisation, h.domain, h.candidates) for h in report.hints] == [
        (2, "OCMW Gent", "stad.gent", ["Stad Gent"])
    ]
    assert report.as_dict()["hints"] == [
        {"row": 2, "organisation": "OCMW Gent", "domain": "stad.gent", "candidates": ["Stad Gent"]}
    ]
    assert sorted(Organisation.objects.values_list("name", "email_domain")) == [
        ("OCMW Gent", "stad.gent"),
        ("Stad Gent", "stad.gent"),
    ]


def test_domain_shared_by_several_and_by_rows_of_the_same_file_rejects_nothing():
    OrganisationFactory(name="FPS Home Affairs – Reception", email_domain="example.org")
    OrganisationFactory(name="FPS Home Affairs – Integration", email_domain="example.org")
    rows = [
        ["1", "2022-11-03 10:00", "a@example.org", "A", "Platform One", "Yes"],
        ["2", "2022-11-03 11:00", "b@example.org", "B", "Platform Two", "Yes"],
    ]

    report = survey_import(data=csv_bytes(rows))

    assert (report.created, report.rejected) == (2, 0)
    assert [(h.organisation, h.candidates) for h in report.hints] == [
        (
            "Platform One",
            ["FPS Home Affairs – Integration", "FPS Home Affairs – Reception"],
        ),
        (
            "Platform Two",
            ["FPS Home Affairs – Integration", "FPS Home Affairs – Reception", "Platform One"],
        ),
    ]


def test_the_name_wins_over_another_organisations_domain():
    named = OrganisationFactory(name="Caritas Vlaanderen", email_domain="caritas.be")
    OrganisationFactory(name="Caritas International", email_domain="caritasinternational.be")

    report = survey_import(
        data=csv_bytes(
            [["1", "2022-11-03", "x@caritasinternational.be", "X", "Caritas Vlaanderen", "No"]]
        )
    )

    assert (report.created, report.rejected, report.hints) == (1, 0, [])
    assert SurveyResponse.objects.get().organisation == named


def test_mapping_file_merges_a_name_into_an_existing_organisation():
    city = OrganisationFactory(name="Stad Gent", email_domain="stad.gent")
    mapping = "organisations:\n  OCMW Gent: Stad Gent\n"

    report = survey_import(
        data=csv_bytes([["1", "2022-11-03 10:00", "an@stad.gent", "An", "OCMW Gent", "Yes"]]),
        mapping=mapping,
        mapping_filename="mapping.yaml",
    )

    assert (report.created, report.rejected, report.hints) == (1, 0, [])
    assert Organisation.objects.count() == 1
    assert SurveyResponse.objects.get().organisation == city
    assert Contact.objects.get(email="an@stad.gent").organisation == city


def test_mapping_file_merge_into_an_unknown_organisation_rejects_the_row():
    report = survey_import(
        data=csv_bytes([["1", "2022-11-03", "an@stad.gent", "An", "OCMW Gent", "Yes"]]),
        mapping="[organisations]\n'OCMW Gent' = 'Stad Gent'\n",
        mapping_filename="mapping.toml",
    )

    assert [(p.row, p.reason, p.message) for p in report.problems] == [
        (
            2,
            "unknown_merge_target",
            "The mapping merges this organisation into “Stad Gent”, which is unknown.",
        )
    ]
    assert (report.rejected, report.committed, Organisation.objects.count()) == (1, False, 0)


def test_mapping_file_choice_that_is_not_a_name_is_a_file_error():
    report = survey_import(
        data=csv_bytes([["1", "2022-11-03", "an@stad.gent", "An", "OCMW Gent", "Yes"]]),
        mapping="organisations:\n  OCMW Gent: 3\n",
        mapping_filename="mapping.yaml",
    )

    assert report.file_error == "The choice for organisation “OCMW Gent” must be a name or “new”."
    assert Organisation.objects.count() == 0


def three_exports_of_one_survey() -> list[tuple[str, bytes]]:
    """The same survey exported by three tools, with the domains real members share: a city
    and its OCMW, one federal service's departments, an umbrella platform's members, and the
    test addresses on example.org."""
    msforms = [
        *make_examples.MSFORMS_NL_ROWS,
        [
            3,
            dt.datetime(2022, 11, 4, 9, 0),
            dt.datetime(2022, 11, 4, 9, 20),
            "els.maes@stad-voorbeeld.be",
            "Els Maes",
            "Stad Voorbeeld – Dienst Integratie",
            "",
            "Nederlands;",
            "Vlaamse Gemeenschap;",
            "Onderwijs (taallessen, enz.);",
            "Ja, als eerstelijnsorganisatie",
            "Kwalitatief",
            "Kwalitatief",
            "",
            "Ja",
        ],
        [
            4,
            dt.datetime(2022, 11, 4, 10, 0),
            dt.datetime(2022, 11, 4, 10, 30),
            "tester@example.org",
            "Tester NL",
            "Huis van het Nederlands",
            "",
            "Nederlands;",
            "Vlaamse Gemeenschap;",
            "Onderwijs (taallessen, enz.);",
            "Ja, als tweedelijnsorganisatie",
            "Kwalitatief",
            "Kwalitatief",
            "",
            "Ja",
        ],
    ]
    header_fr = ["Adresse e-mail", *make_examples.LIMESURVEY_FR_HEADER]
    limesurvey = [
        ["insertion@cpas-liege.example.be", *make_examples.LIMESURVEY_FR_ROWS[0]],
        ["accueil@federation.example.be", *make_examples.LIMESURVEY_FR_ROWS[1]],
        [
            "essai@example.org",
            "19",
            "09/11/2022 09:00:00",
            "4",
            "fr",
            "09/11/2022 08:40:00",
            "Ville de Liège – Cohésion sociale",
            "",
            "Oui",
            "",
            "",
            "",
            "",
            "Oui",
            "",
            "Oui, en tant qu'organisation de première ligne",
            "Qualitatives",
            "Qualitatives",
            "Important",
            "Important",
            "Oui",
        ],
    ]
    google = [
        *make_examples.GOOGLEFORMS_EN_ROWS,
        [
            "2022/11/06 10:00:00",
            "reception@federal-office.example.be",
            "Federal Office for Integration – Reception",
            "French, Dutch",
            "Social services and social orientation",
            "Refugees",
            "Yes, as a first-line organization",
            "Qualitative",
            "Qualitative",
            "Yes",
            "Yes",
        ],
        [
            "2022/11/06 11:00:00",
            "test@example.org",
            "Ukrainian Voices Brussels",
            "English",
            "Social services and social orientation",
            "Refugees",
            "Yes, as a first-line organization",
            "Qualitative",
            "Qualitative",
            "Yes",
            "Yes",
        ],
    ]
    return [
        (
            "msforms_nl.xlsx",
            make_examples.xlsx_bytes(make_examples.MSFORMS_NL_HEADER, msforms),
        ),
        (
            "limesurvey_fr.csv",
            make_examples.csv_text(header_fr, limesurvey, ";").encode("cp1252"),
        ),
        (
            "googleforms_en.csv",
            make_examples.csv_text(make_examples.GOOGLEFORMS_EN_HEADER, google, ",").encode(),
        ),
    ]


def test_three_exports_give_one_response_per_organisation_and_every_volunteer_in_the_pool():
    reports = [
        survey_import(data=data, filename=name) for name, data in three_exports_of_one_survey()
    ]

    assert [(r.created, r.rejected, r.file_error) for r in reports] == [
        (4, 0, ""),
        (3, 0, ""),
        (4, 0, ""),
    ]
    assert [[h.organisation for h in r.hints] for r in reports] == [
        ["Stad Voorbeeld – Dienst Integratie"],
        ["Ville de Liège – Cohésion sociale"],
        ["Federal Office for Integration – Reception", "Ukrainian Voices Brussels"],
    ]
    responses = SurveyResponse.objects.values_list("organisation__name", flat=True)
    assert sorted(responses) == sorted(Organisation.objects.values_list("name", flat=True))
    assert len(responses) == 11
    volunteers = sorted(
        SurveyResponse.objects.filter(answers__q56="yes").values_list(
            "organisation__name", flat=True
        )
    )
    assert len(volunteers) == 10
    assert sorted(volunteer_pool().values_list("name", flat=True)) == volunteers
    pool_ids = set(volunteer_pool().values_list("pk", flat=True))
    assert set(pool_contact_ids()) == pool_ids


def test_import_page_merges_on_the_teams_choice_and_offers_the_mapping_file(client, team_user):
    city = OrganisationFactory(name="Stad Gent", email_domain="stad.gent")
    OrganisationFactory(name="Stad Gent – Jeugd", email_domain="stad.gent")
    client.force_login(team_user)
    export = csv_bytes([["1", "2022-11-03 10:00", "an@stad.gent", "An", "OCMW Gent", "Yes"]])
    upload = io.BytesIO(export)
    upload.name = "export.csv"

    checked = client.post(reverse("survey-import"), {"action": "check", "file": upload})
    token = checked.context["pending"]["token"]
    page = checked.content.decode()
    mapping = client.post(
        reverse("survey-import"),
        {"action": "mapping", "token": token, "choice-0": "Stad Gent"},
    )
    confirmed = client.post(
        reverse("survey-import"),
        {"action": "confirm", "token": token, "choice-0": "Stad Gent"},
    )

    assert 'value="Stad Gent – Jeugd"' in page
    assert "Same organisation as “Stad Gent”: merge into it" in page
    assert mapping["Content-Disposition"] == 'attachment; filename="survey-mapping.yaml"'
    assert yaml.safe_load(mapping.content) == {"organisations": {"OCMW Gent": "Stad Gent"}}
    assert confirmed.context["report"].committed is True
    assert SurveyResponse.objects.get().organisation == city
    assert Organisation.objects.count() == 2


def test_import_page_ignores_a_posted_choice_that_is_not_a_candidate(client, team_user):
    OrganisationFactory(name="Stad Gent", email_domain="stad.gent")
    elsewhere = OrganisationFactory(name="Unrelated", email_domain="unrelated.be")
    client.force_login(team_user)
    upload = io.BytesIO(
        csv_bytes([["1", "2022-11-03 10:00", "an@stad.gent", "An", "OCMW Gent", "Yes"]])
    )
    upload.name = "export.csv"
    checked = client.post(reverse("survey-import"), {"action": "check", "file": upload})

    client.post(
        reverse("survey-import"),
        {
            "action": "confirm",
            "token": checked.context["pending"]["token"],
            "choice-0": "Unrelated",
        },
    )

    assert SurveyResponse.objects.get().organisation.name == "OCMW Gent"
    assert not elsewhere.survey_responses.exists()
