"""The error pages a person can reach (400, 403, 404, 500) are the site's own, in their
language, with a way on; an API path keeps the API's JSON errors."""

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from coordination.models import User
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def signed_in(language: str) -> Client:
    user = UserFactory(username=f"reader-{language}", preferred_language=language)
    ContactFactory(user=user)
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("language", "heading", "home"),
    [
        ("fr", "<h1>Page introuvable</h1>", "Aller à la page d’accueil"),
        ("nl", "<h1>Pagina niet gevonden</h1>", "Naar de startpagina"),
        ("de", "<h1>Seite nicht gefunden</h1>", "Zur Startseite"),
        ("en", "<h1>Page not found</h1>", "Go to the home page"),
    ],
)
def test_an_unknown_page_is_a_404_in_the_readers_language_inside_the_layout(
    language, heading, home
):
    response = signed_in(language).get("/meetings/999999/")

    assert response.status_code == 404
    body = response.content.decode()
    assert heading in body
    assert f'<a class="button" href="/">{home}</a>' in body
    assert f'<html lang="{language}">' in body
    assert 'class="site-header"' in body


def test_an_unknown_api_path_keeps_the_api_error_body():
    response = signed_in("fr").get("/api/nothing-here/")

    assert response.status_code == 404
    assert response.json() == {
        "type": "client_error",
        "errors": [{"code": "not_found", "detail": "Introuvable.", "attr": None}],
    }


def test_a_page_not_open_to_a_participant_is_a_403_that_says_why():
    response = signed_in("nl").get("/pool/")

    assert response.status_code == 403
    body = response.content.decode()
    assert "<h1>Geen toegang</h1>" in body
    assert "facilitators van een consultatieronde of de voorzitter van een werkgroep" in body
    assert '<a class="button" href="/">Naar de startpagina</a>' in body


def test_a_form_over_the_field_limit_is_a_400_page_and_saves_nothing():
    client = signed_in("de")
    user = client.session["_auth_user_id"]
    body = "&".join(f"language={n}" for n in range(1001))

    response = client.post("/i18n/setlang/", body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>Die Anfrage konnte nicht gelesen werden</h1>" in page
    assert "es wurde nichts gespeichert" in page
    assert User.objects.get(pk=user).preferred_language == "de"


def test_the_server_error_page_needs_no_database_nor_manifest_and_is_translated(
    django_assert_num_queries,
):
    request = RequestFactory().get("/")

    with translation.override("fr"), django_assert_num_queries(0):
        response = server_error(request)

    assert response.status_code == 500
    body = response.content.decode()
    assert '<html lang="fr">' in body
    assert "<h1>Une erreur s’est produite</h1>" in body
    assert '<link rel="stylesheet" href="/static/coordination/app.css">' in body
