import pytest
from django.urls import reverse

from tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_pages_carry_a_content_security_policy_without_inline_script(client):
    response = client.get(reverse("home"))

    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert b"<script>" not in response.content


def test_language_switch_stores_the_users_preference(client_for, participant):
    client = client_for(participant)

    response = client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    participant.refresh_from_db()
    home = client.get(reverse("home"))

    assert response.status_code == 302
    assert participant.preferred_language == "nl"
    assert home["Content-Language"] == "nl"


def test_language_switch_confirms_in_the_chosen_language(client_for, participant):
    response = client_for(participant).post(
        reverse("set_language"), {"language": "fr", "next": reverse("my-data")}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Votre préférence linguistique a été enregistrée."
    ]


def test_language_switch_refuses_a_language_the_site_does_not_speak(client_for, participant):
    response = client_for(participant).post(
        reverse("set_language"), {"language": "uk", "next": reverse("my-data")}, follow=True
    )

    participant.refresh_from_db()
    assert participant.preferred_language == "en"
    assert [str(m) for m in response.context["messages"]] == [
        "“uk” is not a language of this site (choose from en, fr, nl, de)."
    ]


def test_users_preferred_language_wins_over_the_browsers(client_for, participant):
    participant.preferred_language = "fr"
    participant.save(update_fields=["preferred_language"])

    response = client_for(participant).get(reverse("home"), HTTP_ACCEPT_LANGUAGE="de")

    assert response["Content-Language"] == "fr"


def test_openapi_schema_lists_the_directory_endpoints_read_only(client_for, team_user):
    response = client_for(team_user).get("/api/schema/?format=json")

    paths = response.json()["paths"]
    assert response.status_code == 200
    for path in ("/api/organisations/", "/api/working-groups/", "/api/rounds/"):
        assert set(paths[path]) == {"get"}
    assert {"get", "post"} <= set(paths["/api/meetings/"])


def test_swagger_ui_is_served_without_a_cdn(client_for, team_user):
    response = client_for(team_user).get("/api/docs/")

    assert response.status_code == 200
    assert b"cdn." not in response.content
    assert b"unpkg" not in response.content


@pytest.mark.parametrize("rows", [1, 5])
def test_organisation_api_list_runs_a_constant_number_of_queries(
    client_for, team_user, django_assert_num_queries, rows
):
    for _ in range(rows):
        ContactFactory(organisation=OrganisationFactory())
    client = client_for(team_user)

    # session, user, count, page of organisations, prefetched contacts, and the audit
    # trail's one entry for the contacts the page shows
    with django_assert_num_queries(6):
        response = client.get("/api/organisations/")

    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [1, 5])
def test_organisation_page_runs_a_constant_number_of_queries(
    client_for, team_user, django_assert_num_queries, rows
):
    for _ in range(rows):
        ContactFactory(organisation=OrganisationFactory())
    client = client_for(team_user)

    with django_assert_num_queries(4):
        response = client.get(reverse("organisation-list"))

    assert len(response.context["organisations"]) == rows


@pytest.mark.parametrize(
    ("language", "sign_in"), [("fr", "Se connecter"), ("nl", "Aanmelden"), ("de", "Anmelden")]
)
def test_visitors_get_the_page_in_their_browsers_language(client, language, sign_in):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=language)

    assert response["Content-Language"] == language
    assert f"<h1>{sign_in}</h1>" in response.content.decode()


def test_organisation_page_shows_translated_labels_not_codes(client_for, team_user):
    team_user.preferred_language = "fr"
    team_user.save(update_fields=["preferred_language"])
    organisation = OrganisationFactory(working_languages=["nl", "de"], areas=["german"])

    response = client_for(team_user).get(reverse("organisation-detail", args=[organisation.pk]))

    content = response.content.decode()
    assert "<dd>Néerlandais, Allemand</dd>" in content
    assert "<dd>Communauté germanophone</dd>" in content


def test_openapi_schema_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    assert "OrganisationKindEnum" in target.read_text()
