"""The layout's navigation and language menu, which every page renders once per language
and roles in the process: each reader sees the links of their own roles, labelled in their
own language, and their own language chosen in the menu, whoever was served before them."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import TeamUserFactory, UserFactory

pytestmark = pytest.mark.django_db

EVERYONE = {
    "fr": [
        ("/", "Accueil"),
        ("/meetings/", "Réunions"),
        ("/actions/", "Points d’action"),
        ("/calendar/", "Mon agenda"),
    ],
    "nl": [
        ("/", "Startpagina"),
        ("/meetings/", "Vergaderingen"),
        ("/actions/", "Actiepunten"),
        ("/calendar/", "Mijn agenda"),
    ],
}
FACILITATORS = {
    "fr": [
        ("/rounds/", "Tours de consultation"),
        ("/groups/", "Groupes de travail"),
        ("/organisations/", "Organisations"),
        ("/pool/", "Vivier de volontaires"),
        ("/survey/results/", "Résultats de l’enquête"),
        ("/minutes/exports/", "Exports de procès-verbaux"),
    ],
}
MY_DATA = {"fr": [("/my-data/", "Mes données")], "nl": [("/my-data/", "Mijn gegevens")]}
TEAM = {
    "fr": [
        ("/survey/import/", "Importer l’enquête"),
        ("/outbox/", "E-mails sortants"),
        ("/admin/", "Administration"),
    ],
}
MENU = [("en", "English"), ("fr", "Français"), ("nl", "Nederlands"), ("de", "Deutsch")]


def navigation(response) -> list[tuple[str, str]]:
    html = response.content.decode()
    start = html.index('<ul class="nav">')
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', html[start : html.index("</ul>", start)])


def menu(response) -> list[tuple[str, str, bool]]:
    options = re.findall(
        r'<option value="(\w\w)"( selected)?>([^<]*)</option>', response.content.decode()
    )
    return [(code, name, bool(selected)) for code, selected, name in options]


def home(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(reverse("home"))


def test_each_reader_sees_the_links_of_their_roles_in_their_language():
    facilitator = UserFactory(username="fac", facilitator=True, preferred_language="fr")
    participant_fr = UserFactory(username="part-fr", preferred_language="fr")
    participant_nl = UserFactory(username="part-nl", preferred_language="nl")
    team = TeamUserFactory(username="team-fr", preferred_language="fr")

    pages = [home(facilitator), home(participant_fr), home(team), home(participant_nl)]

    assert [navigation(page) for page in pages] == [
        EVERYONE["fr"] + FACILITATORS["fr"] + MY_DATA["fr"],
        EVERYONE["fr"] + MY_DATA["fr"],
        EVERYONE["fr"] + FACILITATORS["fr"] + MY_DATA["fr"] + TEAM["fr"],
        EVERYONE["nl"] + MY_DATA["nl"],
    ]
    assert navigation(home(facilitator)) == EVERYONE["fr"] + FACILITATORS["fr"] + MY_DATA["fr"]


def test_a_visitor_signed_out_after_a_facilitator_sees_no_links():
    home(UserFactory(username="before", facilitator=True, preferred_language="fr"))

    assert navigation(home()) == []


def test_the_language_menu_marks_each_readers_language():
    french = UserFactory(username="lecteur", preferred_language="fr")
    german = UserFactory(username="leser", preferred_language="de")

    pages = [home(french), home(german), home(french)]

    assert [menu(page) for page in pages] == [
        [(code, name, code == "fr") for code, name in MENU],
        [(code, name, code == "de") for code, name in MENU],
        [(code, name, code == "fr") for code, name in MENU],
    ]
