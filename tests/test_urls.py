"""Page and API route names."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "args", "path"),
    [
        ("meeting-detail", [1], "/meetings/1/"),
        ("meeting-list", [], "/meetings/"),
        ("organisation-detail", [1], "/organisations/1/"),
        ("round-detail", [1], "/rounds/1/"),
        ("working-group-detail", [1], "/groups/1/"),
        ("agenda-publish", [1], "/meetings/1/agenda/publish/"),
        ("minutes-approve", [1], "/meetings/1/minutes/approve/"),
    ],
)
def test_page_url_names_are_not_shadowed_by_api_routes(name, args, path):
    assert reverse(name, args=args) == path
