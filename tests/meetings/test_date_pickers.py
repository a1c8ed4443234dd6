"""The browser's date and time pickers show the stored value in every language: they read
ISO values, whatever the page's language (a French ``09/02/2027`` would leave them empty)."""

import datetime as dt
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from meetings.services import scheduling
from tests.factories import MeetingFactory, TeamUserFactory

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: dict[str, tuple[str, str]] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") in ("date", "time"):
            self.found[attributes["name"]] = (attributes["type"], attributes.get("value", ""))


def _pickers(html: str) -> dict[str, tuple[str, str]]:
    parser = _Inputs()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
def test_meeting_form_shows_its_date_and_times_in_every_language(language):
    meeting = MeetingFactory(
        starts_at=dt.datetime(2027, 2, 9, 10, 0, tzinfo=BRUSSELS),
        ends_at=dt.datetime(2027, 2, 9, 12, 30, tzinfo=BRUSSELS),
    )
    client = Client()
    client.force_login(TeamUserFactory(preferred_language=language))

    page = client.get(reverse("meeting-edit", args=[meeting.pk]))

    assert page.status_code == 200
    assert page.headers["Content-Language"] == language
    pickers = _pickers(page.content.decode())
    assert pickers["date"] == ("date", "2027-02-09")
    assert pickers["start_time"] == ("time", "10:00")
    assert pickers["end_time"] == ("time", "12:30")


@pytest.mark.parametrize("language", ["fr", "de"])
def test_a_series_date_page_offers_its_own_date_to_move(language):
    series = MeetingFactory(
        starts_at=dt.datetime(2027, 1, 12, 10, 0, tzinfo=BRUSSELS),
        ends_at=dt.datetime(2027, 1, 12, 12, 0, tzinfo=BRUSSELS),
        recurrence_rule="FREQ=MONTHLY;BYDAY=2TU;COUNT=4",
    )
    occurrence = scheduling.occurrence_ensure(
        series=series, occurrence_start=dt.datetime(2027, 2, 9, 10, 0, tzinfo=BRUSSELS)
    )
    client = Client()
    client.force_login(TeamUserFactory(preferred_language=language))

    page = client.get(reverse("meeting-detail", args=[occurrence.pk]))

    assert page.status_code == 200
    pickers = _pickers(page.content.decode())
    assert [value for _type, value in pickers.values()] == ["2027-02-09", "10:00", "12:00"]
