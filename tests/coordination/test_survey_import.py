"""The survey import: the three example exports, the problems it reports, all-or-nothing,
dry runs, idempotency, mapping files and malformed files."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coordination.imports.importer import survey_import
from coordination.models import Consent, Contact, Organisation, SurveyResponse, normalise_name
from coordination.services import consent_withdraw
from tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

EXPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "survey_exports"
HEADER = ["ID", "Completion time", "Email", "Name", "1. Name of your organization"]
HEADER += ["3. Working language", "56. Co-creation?"]


def csv_bytes(rows, header=HEADER, delimiter=",", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def row(id_="1", email="a@org-a.be", org="Org A", q3="French", q56="Yes", when="2022-11-03 10:00"):
    return [id_, when, email, "Person " + id_, org, q3, q56]


def import_file(name: str, **kwargs):
    path = EXPORTS / name
    return survey_import(data=path.read_bytes(), filename=name, **kwargs)


def test_import_msforms_dutch_xlsx_creates_organisations_contacts_responses_and_consent():
    report = import_file("msforms_nl.xlsx")

    response = SurveyResponse.objects.get(organisation__name="Stad Voorbeeld – OCMW")
    consent = Consent.objects.get()
    assert (report.language, report.created, report.rejected, report.problems) == ("nl", 2, 0, [])
    assert response.form_language == "nl"
    assert response.external_id == "1"
    assert response.answers == {
        "q1": "Stad Voorbeeld – OCMW",
        "q2": "Sociale dienst",
        "q3": ["nl", "fr"],
        "q4": ["flemish"],
        "q5": ["social", "education"],
        "q10": "first_line",
        "q19": {"all": "quantitative", "ukraine": "combination"},
        "q41": "=SOM(A1:A3) hoort hier als tekst te staan",
        "q56": "yes",
    }
    assert response.contact.email == "an.peeters@stad-voorbeeld.be"
    assert response.contact.preferred_language == "nl"
    assert consent.contact == response.contact
    assert consent.purpose == "consultation_rounds"
    assert consent.source == "survey_q56"
    assert consent.given_at == timezone.make_aware(dt.datetime(2022, 11, 3, 9, 31, 40))
    organisation = response.organisation
    assert (organisation.working_languages, organisation.areas, organisation.support_role) == (
        ["nl", "fr"],
        ["flemish"],
        "first_line",
    )
    assert organisation.email_domain == "stad-voorbeeld.be"


def test_imported_contacts_may_be_found_by_their_name():
    import_file("msforms_nl.xlsx")
    import_file("limesurvey_fr.csv")

    contacts = list(Contact.objects.values_list("name", "name_key"))
    assert contacts
    assert contacts == [(name, normalise_name(name)) for name, _ in contacts]
    assert all(key for _, key in contacts)


def test_import_msforms_keeps_other_free_text_and_formula_like_answers_as_text():
    import_file("msforms_nl.xlsx")

    answers = SurveyResponse.objects.get(organisation__name="vzw Onthaal").answers
    assert answers["q3"] == ["nl", "en", "other"]
    assert answers["q3_other"] == "Oekraïens"
    assert answers["q41"] == "+32 2 000 00 00 bellen"
    assert answers["q56"] == "no"
    assert Consent.objects.filter(contact__organisation__name="vzw Onthaal").count() == 0


def test_import_limesurvey_french_cp1252_semicolon_one_column_per_option():
    report = import_file("limesurvey_fr.csv")

    answers = SurveyResponse.objects.get(organisation__name="Fédération des Centres d'Accueil")
    assert (report.language, report.created, report.problems) == ("fr", 2, [])
    assert report.ignored_columns == ["Dernière page"]
    assert answers.answers == {
        "q1": "Fédération des Centres d'Accueil",
        "q3": ["fr", "nl", "other"],
        "q3_other": "Russe",
        "q4": ["french", "federal"],
        "q10": "both",
        "q19": {"all": "combination", "ukraine": "qualitative"},
        "q38": {"monitor": "not_important", "policy_decisions": "very_important"},
        "q56": "yes",
    }
    assert answers.submitted_at == timezone.make_aware(dt.datetime(2022, 11, 8, 16, 20, 30))
    assert answers.contact is None
    assert Contact.objects.count() == 0
    assert Consent.objects.count() == 0


def test_import_google_forms_english_comma_separated_labels_with_commas():
    report = import_file("googleforms_en.csv")

    answers = SurveyResponse.objects.get(organisation__name="NGO Bridges").answers
    assert (report.language, report.created, report.problems) == ("en", 2, [])
    assert answers["q3"] == ["en", "fr"]
    assert answers["q5"] == ["education", "social"]
    assert answers["q7"] == ["refugees", "women"]
    assert answers["q19"] == {"all": "qualitative", "ukraine": "qualitative"}
    assert Consent.objects.count() == 2


def test_import_same_file_again_changes_nothing():
    import_file("msforms_nl.xlsx")
    before = list(SurveyResponse.objects.values_list("pk", "updated_at", "answers"))

    report = import_file("msforms_nl.xlsx")

    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert list(SurveyResponse.objects.values_list("pk", "updated_at", "answers")) == before
    assert (Organisation.objects.count(), Contact.objects.count(), Consent.objects.count()) == (
        2,
        2,
        1,
    )


def test_import_again_does_not_give_back_a_withdrawn_consent():
    import_file("msforms_nl.xlsx")
    consent = Consent.objects.get()
    consent_withdraw(contact=consent.contact, purpose=consent.purpose)

    import_file("msforms_nl.xlsx")

    assert Consent.objects.filter(withdrawn_at__isnull=True).count() == 0
    assert Consent.objects.count() == 1


def test_import_corrected_file_updates_the_responses_it_names():
    survey_import(data=csv_bytes([row(q3="French"), row("2", "b@org-b.be", "Org B")]))

    report = survey_import(data=csv_bytes([row(q3="French;Dutch")]))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert SurveyResponse.objects.get(organisation__name="Org A").answers["q3"] == ["fr", "nl"]
    assert Organisation.objects.get(name="Org A").working_languages == ["fr", "nl"]


def test_import_rejects_the_whole_file_when_a_row_is_bad_and_reports_each_problem():
    OrganisationFactory(name="Twin one", email_domain="twins.be")
    OrganisationFactory(name="Twin two", email_domain="twins.be")
    rows = [
        row("1"),
        row("2", "b@org-b.be", "Org B", q56="Maybe"),
        row("3", "not-an-email", "Org C"),
        row("4", "d@org-d.be", ""),
        row("1", "e@org-e.be", "Org E"),
        row("6", "x@twins.be", "Twin three"),
        row("7", "g@org-g.be", "Org G", when="yesterday-ish"),
    ]

    report = survey_import(data=csv_bytes(rows))

    assert [(p.row, p.column, p.value, p.reason) for p in report.problems] == [
        (3, "56. Co-creation?", "Maybe", "unknown_option"),
        (4, "Email", "not-an-email", "invalid_email"),
        (5, "1. Name of your organization", "", "missing_organisation"),
        (6, "ID", "1", "duplicate_row"),
        (8, "Completion time", "yesterday-ish", "invalid_date"),
    ]
    assert (report.created, report.rejected, report.committed) == (2, 5, False)
    assert [h.organisation for h in report.hints] == ["Twin three"]
    assert SurveyResponse.objects.count() == 0
    assert Organisation.objects.count() == 2


def test_import_partial_keeps_the_good_rows():
    rows = [row("1"), row("2", "b@org-b.be", "Org B", q56="Maybe")]

    report = survey_import(data=csv_bytes(rows), partial=True)

    assert (report.created, report.rejected, report.committed) == (1, 1, True)
    assert list(SurveyResponse.objects.values_list("organisation__name", flat=True)) == ["Org A"]


def test_import_dry_run_reports_without_writing():
    report = survey_import(
        data=csv_bytes([row("1"), row("2", "b@org-b.be", "Org B")]), dry_run=True
    )

    assert (report.created, report.consents, report.committed) == (2, 2, False)
    assert (SurveyResponse.objects.count(), Organisation.objects.count()) == (0, 0)


def test_import_matches_organisation_by_normalised_name_and_contact_by_email():
    organisation = OrganisationFactory(name="CPAS de Liège")
    ContactFactory(organisation=organisation, email="a@org-a.be")

    report = survey_import(data=csv_bytes([row(org=" cpas  de LIEGE.")]))

    response = SurveyResponse.objects.get()
    assert (report.organisations_created, report.contacts_created) == (0, 0)
    assert response.organisation == organisation
    assert response.contact.email == "a@org-a.be"


def test_import_reports_a_contact_of_another_organisation():
    ContactFactory(organisation=OrganisationFactory(name="Elsewhere"), email="a@org-a.be")

    report = survey_import(data=csv_bytes([row()]))

    assert [(p.row, p.reason) for p in report.problems] == [(2, "contact_other_organisation")]
    assert SurveyResponse.objects.count() == 0


def test_import_reports_two_rows_of_one_organisation_as_duplicate():
    rows = [row("1", org="Org A"), row("2", "b@other.be", "ORG a")]

    report = survey_import(data=csv_bytes(rows))

    assert [(p.row, p.column, p.reason) for p in report.problems] == [
        (3, "1. Name of your organization", "duplicate_row")
    ]


@pytest.mark.parametrize(
    "header",
    ["56. Co-creation?", "56) Co-creation?", "Q56", "Q56 - Co-creation?", "56 - Co-création ?"],
)
def test_import_recognises_question_number_header_styles(header):
    data = csv_bytes([row()], header=[*HEADER[:-1], header])

    report = survey_import(data=data, language="en")

    assert report.problems == []
    assert SurveyResponse.objects.get().answers["q56"] == "yes"


def test_import_mapping_file_toml_covers_unnumbered_headers():
    header = ["Response", "Org", "Lang FR", "Lang NL", "Participate", "Contact e-mail"]
    data = csv_bytes([["9", "Org M", "x", "", "Oui", "m@org-m.be"]], header=header)
    mapping = b"""
[columns]
Response = "id"
Org = 1
"Lang FR" = { question = 3, option = "fr" }
"Lang NL" = "q3.nl"
Participate = "q56"
"Contact e-mail" = "email"
"""

    report = survey_import(data=data, language="fr", mapping=mapping, mapping_filename="map.toml")

    response = SurveyResponse.objects.get()
    assert report.problems == []
    assert response.answers == {"q1": "Org M", "q3": ["fr"], "q56": "yes"}
    assert response.external_id == "9"
    assert response.contact.email == "m@org-m.be"


def test_import_mapping_file_yaml():
    header = ["Organisatie", "Deelname"]
    data = csv_bytes([["Org Y", "Ja"]], header=header, delimiter=";")
    mapping = "Organisatie: 1\nDeelname: q56\n"

    report = survey_import(data=data, language="nl", mapping=mapping, mapping_filename="m.yaml")

    assert (report.created, report.problems) == (1, [])
    assert SurveyResponse.objects.get().answers == {"q1": "Org Y", "q56": "yes"}


def test_import_bad_mapping_file_is_one_clear_error():
    report = survey_import(data=csv_bytes([row()]), mapping=b"a: [", mapping_filename="m.yaml")

    assert report.file_error.startswith("The mapping file is neither valid TOML nor valid YAML")
    assert SurveyResponse.objects.count() == 0


def test_import_windows_1252_with_semicolons_and_utf8_bom():
    rows = [row(org="Société générale d'accueil", q3="Français;Néerlandais", q56="Oui")]
    cp1252 = csv_bytes(rows, delimiter=";", encoding="cp1252")
    bom = b"\xef\xbb\xbf" + csv_bytes([row("2", "b@org-b.be", "Org B")])

    first = survey_import(data=cp1252, language="fr")
    second = survey_import(data=bom, language="en")

    assert (first.created, first.problems, second.created, second.problems) == (1, [], 1, [])
    assert Organisation.objects.filter(name="Société générale d'accueil").count() == 1
    assert SurveyResponse.objects.get(external_id="1").answers["q3"] == ["fr", "nl"]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "empty.csv", "The file is empty."),
        (b"\x00\x01\x02\xff\xfe junk \x00" * 20, "junk.csv", "neither an XLSX"),
        (b"PK\x03\x04" + b"\x00" * 40, "broken.xlsx", "not a readable XLSX"),
        (b"Name,Colour\r\nA,blue\r\n", "plain.csv", "No question columns found"),
        (b"1. Org,1. Org again\r\nA,B\r\n", "dup.csv", "duplicate header"),
    ],
)
def test_import_unreadable_files_get_one_clear_error(data, filename, message):
    report = survey_import(data=data, filename=filename, language="en")

    assert message in report.file_error
    assert (report.created, report.rejected, SurveyResponse.objects.count()) == (0, 0, 0)


def test_import_truncated_xlsx_is_one_clear_error():
    data = (EXPORTS / "msforms_nl.xlsx").read_bytes()

    report = survey_import(data=data[: len(data) // 2], filename="cut.xlsx")

    assert report.file_error == (
        "The file is not a readable XLSX workbook (it may be truncated or damaged)."
    )


def test_import_ragged_csv_rows_are_reported():
    data = csv_bytes([row(), [*row("2", "b@org-b.be", "Org B"), "surplus"]])

    report = survey_import(data=data, partial=True)

    assert [(p.row, p.value, p.reason) for p in report.problems] == [(3, "surplus", "ragged_row")]
    assert report.created == 1


def test_import_crash_halfway_leaves_nothing_written(monkeypatch):
    def failing_bulk_create(objs, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(SurveyResponse.objects, "bulk_create", failing_bulk_create)

    with pytest.raises(RuntimeError):
        survey_import(data=csv_bytes([row("1"), row("2", "b@org-b.be", "Org B")]))

    assert (SurveyResponse.objects.count(), Organisation.objects.count()) == (0, 0)
    assert (Contact.objects.count(), Consent.objects.count()) == (0, 0)


def test_import_survey_command_dry_run_and_failure_exit():
    out = io.StringIO()
    path = str(EXPORTS / "googleforms_en.csv")

    call_command("import_survey", path, "--dry-run", stdout=out)

    assert "Rows: 2 created, 0 updated, 0 unchanged, 0 rejected" in out.getvalue()
    assert "Dry run: nothing was written." in out.getvalue()
    assert SurveyResponse.objects.count() == 0
    with pytest.raises(CommandError, match="No question columns found"):
        call_command("import_survey", str(EXPORTS / "make_examples.py"), stdout=io.StringIO())


def test_import_survey_command_writes_with_language_option():
    out = io.StringIO()

    call_command(
        "import_survey", str(EXPORTS / "limesurvey_fr.csv"), "--language", "fr", stdout=out
    )

    assert SurveyResponse.objects.filter(form_language="fr").count() == 2


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda t: ("1. Org;56. Q\r\n" + t).encode("utf-8")),
        st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
    )
)
def test_import_never_crashes_on_arbitrary_bytes(data):
    report = survey_import(data=data, filename="fuzz.csv", dry_run=True)

    assert report.committed is False
    assert isinstance(report.file_error, str)


@pytest.mark.parametrize(
    "mapping", [b"\xff\xfe\x00garbage", b"- just\n- a list\n", b"Org: true\n", b"Org: {x: 1}\n"]
)
def test_import_unusable_mapping_files_are_one_clear_error(mapping):
    report = survey_import(data=csv_bytes([row()]), mapping=mapping, mapping_filename="m")

    assert report.file_error != ""
    assert SurveyResponse.objects.count() == 0


def test_import_eusurvey_style_one_column_per_option_with_label_ticks():
    header = ["1. Organisation", "3. Working language [French]", "3. Working language [Dutch]"]
    header += ["3. Working language [Other, please specify]", "56. Participate"]
    rows = [["Org T", "French", "x", "Ukrainian", "Ja"]]

    report = survey_import(data=csv_bytes(rows, header=header), language="en")

    assert report.problems == []
    assert SurveyResponse.objects.get().answers == {
        "q1": "Org T",
        "q3": ["fr", "nl", "other"],
        "q3_other": "Ukrainian",
        "q56": "yes",
    }


def test_import_without_completion_time_does_not_revive_a_withdrawn_consent():
    data = csv_bytes([row(when="")])
    survey_import(data=data)
    contact = Contact.objects.get()
    consent_withdraw(contact=contact, purpose="consultation_rounds")

    survey_import(data=data)

    assert list(Consent.objects.values_list("source_detail", flat=True)) == [
        "be-with-u-needs-2022 #1"
    ]
    assert Consent.objects.filter(withdrawn_at__isnull=True).count() == 0


def test_import_a_later_response_after_withdrawal_gives_consent_again():
    survey_import(data=csv_bytes([row(when="2022-11-03 10:00")]))
    contact = Contact.objects.get()
    consent_withdraw(
        contact=contact,
        purpose="consultation_rounds",
        at=timezone.make_aware(dt.datetime(2023, 1, 1)),
    )

    survey_import(data=csv_bytes([row(when="2024-05-01 10:00")]))

    assert Consent.objects.filter(withdrawn_at__isnull=True).count() == 1


def test_import_corrected_answer_no_withdraws_the_survey_consent():
    survey_import(data=csv_bytes([row(q56="Yes")]))

    report = survey_import(data=csv_bytes([row(q56="No")]))

    assert report.updated == 1
    assert Consent.objects.get().withdrawn_at is not None


def test_import_google_forms_grid_likert_rows_by_label():
    header = ["1. Organisation", "38. Main reasons [Identify vulnerable groups or situations "]
    header[-1] += "and identify their needs]"
    header += [
        "38. Raisons [Partager et recevoir de nouvelles informations et les dernières "
        "actualités du secteur]"
    ]
    rows = [["Org L", "Very important", "Pas du tout important"]]

    report = survey_import(data=csv_bytes(rows, header=header), language="en")

    assert report.problems == []
    assert SurveyResponse.objects.get().answers["q38"] == {
        "vulnerable_groups": "very_important",
        "news": "not_at_all_important",
    }
