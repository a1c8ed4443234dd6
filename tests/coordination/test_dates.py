"""Dates, times and numbers in each language's own notation, from its format module."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from coordination import dates

THURSDAY = dt.date(2027, 5, 6)
FIRST_OF_DECEMBER = dt.date(2026, 12, 1)
# 12:30 UTC is 14:30 in Brussels (summer time); the settings' zone is Europe/Brussels.
AFTERNOON = dt.datetime(2027, 5, 6, 12, 30, tzinfo=dt.UTC)
AFTERNOON_END = dt.datetime(2027, 5, 6, 14, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Thursday 6 May 2027"),
        ("fr", "jeudi 6 mai 2027"),
        ("nl", "donderdag 6 mei 2027"),
        ("de", "Donnerstag, 6. Mai 2027"),
    ],
)
def test_long_date_per_language(language, expected):
    with translation.override(language):
        assert dates.long_date(THURSDAY) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Tuesday 1 December 2026"),
        ("fr", "mardi 1er décembre 2026"),
        ("nl", "dinsdag 1 december 2026"),
        ("de", "Dienstag, 1. Dezember 2026"),
    ],
)
def test_long_date_of_the_first_of_the_month(language, expected):
    with translation.override(language):
        assert dates.long_date(FIRST_OF_DECEMBER) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "1 December 2026"),
        ("fr", "1er décembre 2026"),
        ("nl", "1 december 2026"),
        ("de", "1. Dezember 2026"),
    ],
)
def test_medium_date_of_the_first_of_the_month(language, expected):
    with translation.override(language):
        assert dates.medium_date(FIRST_OF_DECEMBER) == expected


@pytest.mark.parametrize(
    ("language", "long", "medium", "short"),
    [
        ("en", "Thursday 6 May 2027, 14:30", "6 May 2027, 14:30", "06/05/2027 14:30"),
        ("fr", "jeudi 6 mai 2027 à 14:30", "6 mai 2027 à 14:30", "06/05/2027 14:30"),
        ("nl", "donderdag 6 mei 2027 om 14:30", "6 mei 2027 om 14:30", "06/05/2027 14:30"),
        ("de", "Donnerstag, 6. Mai 2027, 14:30", "6. Mai 2027, 14:30", "06.05.2027, 14:30"),
    ],
)
def test_datetimes_per_language_in_the_current_time_zone(language, long, medium, short):
    with translation.override(language):
        assert dates.long_datetime(AFTERNOON) == long
        assert dates.medium_datetime(AFTERNOON) == medium
        assert dates.short_datetime(AFTERNOON) == short


def test_datetime_in_a_given_time_zone_uses_the_24_hour_clock():
    with translation.override("en"):
        assert dates.medium_datetime(AFTERNOON, tz="Europe/London") == "6 May 2027, 13:30"
        assert dates.time_range(AFTERNOON, AFTERNOON_END, tz="UTC") == "12:30–14:00"


def test_empty_values_give_empty_text():
    assert dates.long_date(None) == ""
    assert dates.medium_date(None) == ""
    assert dates.time_range(None, None) == ""


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "57.9"), ("fr", "57,9"), ("nl", "57,9"), ("de", "57,9")],
)
def test_percent_uses_the_decimal_separator_of_the_language(language, expected):
    with translation.override(language):
        assert dates.percent(0.5789) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Thursday 6 May 2027 · 14:30–16:00 · 6 May 2027, 14:30 · 57.9"),
        ("fr", "jeudi 6 mai 2027 · 14:30–16:00 · 6 mai 2027 à 14:30 · 57,9"),
        ("nl", "donderdag 6 mei 2027 · 14:30–16:00 · 6 mei 2027 om 14:30 · 57,9"),
        ("de", "Donnerstag, 6. Mai 2027 · 14:30–16:00 · 6. Mai 2027, 14:30 · 57,9"),
    ],
)
def test_template_filters_follow_the_active_language(language, expected):
    template = Template(
        "{% load coordination_tags survey_results %}{{ start|long_date }} · "
        "{{ start|time_range:end }} · {{ start|medium_datetime }} · {{ share|pct1 }}"
    )
    with translation.override(language):
        rendered = template.render(
            Context({"start": AFTERNOON, "end": AFTERNOON_END, "share": 0.5789})
        )
    assert rendered == expected


def test_template_filters_follow_the_timezone_tag():
    template = Template(
        "{% load tz coordination_tags %}{% timezone 'America/New_York' %}"
        "{{ start|long_datetime }} ({{ start|time_range:end }}){% endtimezone %}"
    )
    with translation.override("en"):
        rendered = template.render(Context({"start": AFTERNOON, "end": AFTERNOON_END}))
    assert rendered == "Thursday 6 May 2027, 08:30 (08:30–10:00)"


def test_a_date_written_again_follows_the_language_and_the_zone():
    import zoneinfo

    moment = dt.datetime(2027, 5, 6, 12, 30, tzinfo=dt.UTC)
    brussels, tokyo = zoneinfo.ZoneInfo("Europe/Brussels"), zoneinfo.ZoneInfo("Asia/Tokyo")
    written = []
    for _ in range(2):  # the second time from what was written before
        for language in ("fr", "de"):
            with translation.override(language):
                written.append(
                    (
                        dates.medium_datetime(moment, tz=brussels),
                        dates.medium_datetime(moment, tz=tokyo),
                        dates.medium_date(moment.date()),
                    )
                )

    assert written[:2] == [
        ("6 mai 2027 à 14:30", "6 mai 2027 à 21:30", "6 mai 2027"),
        ("6. Mai 2027, 14:30", "6. Mai 2027, 21:30", "6. Mai 2027"),
    ]
    assert written[2:] == written[:2]
