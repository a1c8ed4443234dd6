"""The navigation shows each signed-in user the links of their roles; the roles are worked
out only when a page's navigation asks for them."""

import re

import pytest
from django.urls import reverse

from tests.factories import TeamUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def nav_links(response) -> list[str]:
    html = response.content.decode()
    nav = html[html.index('<ul class="nav">') : html.index("</ul>", html.index('<ul class="nav">'))]
    return re.findall(r'href="([^"]+)"', nav)


@pytest.fixture
def paths():
    return {
        "rounds": reverse("round-list"),
        "import": reverse("survey-import"),
        "outbox": reverse("outbox"),
    }


def test_a_facilitator_sees_the_facilitator_links_and_not_the_team_ones(client_for, paths):
    links = nav_links(client_for(UserFactory(facilitator=True)).get(reverse("home")))

    assert paths["rounds"] in links
    assert (paths["import"] in links, paths["outbox"] in links) == (False, False)


def test_the_team_sees_the_facilitator_and_team_links(client_for, paths):
    links = nav_links(client_for(TeamUserFactory()).get(reverse("home")))

    assert (paths["rounds"] in links, paths["import"] in links, paths["outbox"] in links) == (
        True,
        True,
        True,
    )


def test_a_participant_sees_neither(client_for, paths, participant):
    links = nav_links(client_for(participant).get(reverse("home")))

    assert (paths["rounds"] in links, paths["import"] in links, paths["outbox"] in links) == (
        False,
        False,
        False,
    )
