import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_users_language_and_time_zone_serve_their_request_only(client_for):
    user = UserFactory(preferred_language="fr", time_zone="America/Montreal")
    translation.activate("nl")

    response = client_for(user).get(reverse("home"))

    assert response.headers["Content-Language"] == "fr"
    # The browser's language (LocaleMiddleware, English here), not the user's, and the
    # default time zone.
    assert (translation.get_language(), timezone.get_current_timezone_name()) == (
        "en",
        "Europe/Brussels",
    )
