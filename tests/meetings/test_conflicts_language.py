"""Holiday conflicts read in the reader's language, holiday names and dates included;
English dates follow Belgian and British usage (day month year, 24-hour clock)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from django.utils.formats import date_format

from meetings.selectors.scheduling import meeting_conflicts
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

ASCENSION = dt.datetime(2027, 5, 6, 10, 0, tzinfo=ZoneInfo("Europe/Brussels"))


@pytest.mark.parametrize(
    ("language", "name"),
    [("en", "Ascension Day"), ("fr", "Ascension"), ("nl", "O. L. H. Hemelvaart"),
     ("de", "Christi Himmelfahrt")],
)  # fmt: skip
def test_holiday_conflict_names_the_holiday_in_the_readers_language(language, name):
    meeting = MeetingFactory(starts_at=ASCENSION, ends_at=ASCENSION + dt.timedelta(hours=2))

    with translation.override(language):
        conflicts = meeting_conflicts(meeting=meeting)
        day = date_format(ASCENSION.date(), "DATE_FORMAT")

    assert [c.kind for c in conflicts] == ["holiday"]
    assert f"({name})" in conflicts[0].message
    assert day in conflicts[0].message
    assert "2027-05-06" not in conflicts[0].message


def test_english_dates_are_day_month_year_with_the_24_hour_clock():
    moment = dt.datetime(2027, 1, 19, 13, 30)

    with translation.override("en"):
        assert date_format(moment, "DATETIME_FORMAT") == "19 January 2027, 13:30"
        assert date_format(moment.date(), "SHORT_DATE_FORMAT") == "19/01/2027"
