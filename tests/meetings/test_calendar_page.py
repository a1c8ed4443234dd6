"""The calendar page: a webcal: link, the address to copy, and short how-tos."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_calendar_page_offers_webcal_link_copy_button_and_how_tos(participant, settings):
    client = Client()
    client.force_login(participant)

    body = client.get("/calendar/").content.decode()

    token = participant.calendar_token
    assert f'id="webcal-link" href="webcal://testserver/calendar/{token}.ics"' in body
    assert f'id="feed-url" type="text" value="http://testserver/calendar/{token}.ics"' in body
    assert 'data-copy="#feed-url"' in body
    assert "coordination/copy.js" in body
    for program in ("Outlook", "Google Calendar", "Apple Calendar"):
        assert f"<dt>{program}</dt>" in body
