"""Browser check: the volunteer pool fits a 1280-pixel-wide screen."""

import pytest

from coordination.models import Contact, Organisation
from tests.factories import TeamUserFactory, make_volunteers

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_volunteer_pool_fits_1280_pixels(page, login):
    make_volunteers(3)
    Organisation.objects.filter(name="Volunteer 0").update(
        name="OpenbaarCentrumVoorMaatschappelijkWelzijnVanDeStadSintNiklaasEnOmstreken" * 2
    )
    Contact.objects.filter(organisation__name__startswith="Openbaar").update(
        email="coordination.accueil.ukraine.bxl@" + "services-publics-federaux." * 3 + "example.be"
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    login(TeamUserFactory(username="team"))

    page.goto("/pool/")

    assert page.locator("[data-count=pool]").inner_text() == "3 organisations in the pool"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert (
        page.evaluate("document.querySelector('table.pool').getBoundingClientRect().right") <= 1280
    )
