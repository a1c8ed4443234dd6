"""Editing a whole series never loses or duplicates a date: its cancelled and moved dates
follow a change of time (over a daylight-saving change too), and its moved dates take a new
title, place or link unless they had changed that field themselves. Read back with
recurring-ical-events."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.enums import InvitationStatus, OutboxKind
from meetings.formats import ical
from meetings.models import OutboundMessage
from meetings.services import scheduling
from tests.factories import InvitationFactory, MeetingFactory, TeamUserFactory

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = dt.datetime(2027, 1, 10, 12, 0, tzinfo=dt.UTC)


def _at(day: int, month: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, minute, tzinfo=BRUSSELS)


def _series_with_exceptions():
    """Mondays 10:00–12:00 from 15 March 2027 (clocks go forward on 28 March), six dates;
    22 March cancelled (before the change), 5 April moved to Tuesday 6 April 14:00, and
    12 April only moved to another room (its own place, the series' time)."""
    meeting = MeetingFactory(
        title="Weekly data group",
        starts_at=_at(15, 3, 10),
        ends_at=_at(15, 3, 12),
        recurrence_rule="FREQ=WEEKLY;COUNT=6",
        location="Rue de la Loi 16, 1000 Bruxelles",
        online_url="https://meet.example.org/old",
        format="hybrid",
    )
    InvitationFactory(meeting=meeting)
    with timezone.override(BRUSSELS):
        scheduling.occurrence_cancel(meeting=meeting, occurrence_start=_at(22, 3, 10), by=None)
        scheduling.occurrence_move(
            meeting=meeting,
            occurrence_start=_at(5, 4, 10),
            starts_at=_at(6, 4, 14),
            ends_at=_at(6, 4, 16),
            by=None,
        )
        scheduling.occurrence_move(
            meeting=meeting,
            occurrence_start=_at(12, 4, 10),
            starts_at=_at(12, 4, 10),
            ends_at=_at(12, 4, 12),
            location="Rue Royale 138, 1000 Bruxelles",
            by=None,
        )
    meeting.refresh_from_db()
    return meeting


def _dates(meeting):
    meeting.refresh_from_db()
    text = ical.calendar_download(meeting=meeting, now=NOW).to_ical().decode()
    events = recurring_ical_events.of(icalendar.Calendar.from_ical(text)).between(
        dt.date(2027, 3, 1), dt.date(2027, 5, 31)
    )
    return [
        (event["DTSTART"].dt, str(event["SUMMARY"]), str(event.get("LOCATION", "")))
        for event in sorted(events, key=lambda e: e["DTSTART"].dt)
    ]


def test_moving_the_series_one_hour_later_keeps_cancelled_and_moved_dates():
    meeting = _series_with_exceptions()

    scheduling.meeting_update(
        meeting=meeting, by=None, starts_at=_at(15, 3, 11), ends_at=_at(15, 3, 13)
    )

    room, other_room = "Rue de la Loi 16, 1000 Bruxelles", "Rue Royale 138, 1000 Bruxelles"
    assert _dates(meeting) == [
        (_at(15, 3, 11), "Weekly data group", room),
        # 22 March stays cancelled; 29 March is the first date after the change.
        (_at(29, 3, 11), "Weekly data group", room),
        (_at(6, 4, 14), "Weekly data group", room),  # the moved date keeps its own time
        (_at(12, 4, 11), "Weekly data group", other_room),  # its own room, the new time
        (_at(19, 4, 11), "Weekly data group", room),
    ]
    meeting.refresh_from_db()
    assert meeting.recurrence_exdates == [_at(22, 3, 11).isoformat()]
    assert sorted(o.recurrence_id for o in meeting.occurrences.all()) == [
        _at(5, 4, 11),
        _at(12, 4, 11),
    ]


def test_moving_the_series_to_another_weekday_moves_its_exceptions_with_it():
    meeting = _series_with_exceptions()

    scheduling.meeting_update(
        meeting=meeting, by=None, starts_at=_at(17, 3, 10), ends_at=_at(17, 3, 12)
    )

    assert [start for start, _title, _place in _dates(meeting)] == [
        _at(17, 3, 10),
        _at(31, 3, 10),
        _at(6, 4, 14),
        _at(14, 4, 10),
        _at(21, 4, 10),
    ]


def test_new_title_place_and_link_reach_the_moved_dates_that_kept_the_series_values():
    meeting = _series_with_exceptions()

    scheduling.meeting_update(
        meeting=meeting,
        by=None,
        title="Data and reception group",
        location="Boulevard du Jardin Botanique 50, 1000 Bruxelles",
        online_url="https://meet.example.org/new",
    )

    overrides = {o.recurrence_id: o for o in meeting.occurrences.all()}
    moved, own_room = overrides[_at(5, 4, 10)], overrides[_at(12, 4, 10)]
    assert (moved.title, moved.location, moved.online_url) == (
        "Data and reception group",
        "Boulevard du Jardin Botanique 50, 1000 Bruxelles",
        "https://meet.example.org/new",
    )
    # It had its own room: that stays; the rest follows the series.
    assert (own_room.title, own_room.location, own_room.online_url) == (
        "Data and reception group",
        "Rue Royale 138, 1000 Bruxelles",
        "https://meet.example.org/new",
    )
    assert {title for _start, title, _place in _dates(meeting)} == {"Data and reception group"}


def test_change_of_rule_drops_the_exceptions_of_dates_that_no_longer_exist():
    meeting = _series_with_exceptions()

    scheduling.meeting_update(
        meeting=meeting, by=None, recurrence_rule="FREQ=WEEKLY;INTERVAL=2;COUNT=3"
    )

    meeting.refresh_from_db()
    # 22 March and 5 April are no dates of a fortnightly series from 15 March; 12 April is.
    assert meeting.recurrence_exdates == []
    assert [o.recurrence_id for o in meeting.occurrences.all()] == [_at(12, 4, 10)]
    assert [start for start, _title, _place in _dates(meeting)] == [
        _at(15, 3, 10),
        _at(29, 3, 10),
        _at(12, 4, 10),
    ]


# --- One date of a series from the meeting page ------------------------------------------------


def test_series_page_opens_each_date_and_its_page_has_the_cancel_button(client_for):
    meeting = MeetingFactory(
        starts_at=_at(15, 3, 10), ends_at=_at(15, 3, 12), recurrence_rule="FREQ=WEEKLY;COUNT=3"
    )
    client = client_for(TeamUserFactory())

    page = client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    opened = client.get(reverse("occurrence-open", args=[meeting.pk, "20270329T1000"]))
    occurrence = meeting.occurrences.get()
    date_page = client.get(opened["Location"]).content.decode()
    response = client.post(
        reverse("meeting-occurrence", args=[occurrence.pk]), {"action": "cancel"}
    )

    meeting.refresh_from_db()
    occurrence.refresh_from_db()
    assert [
        value
        for value in ("20270315T1000", "20270322T1000", "20270329T1000")
        if reverse("occurrence-open", args=[meeting.pk, value]) in page
    ] == ["20270315T1000", "20270322T1000", "20270329T1000"]
    assert "Cancel this date" not in page
    assert opened["Location"] == reverse("meeting-detail", args=[occurrence.pk])
    assert occurrence.recurrence_id == _at(29, 3, 10)
    assert date_page.count("Cancel this date") == 1
    assert response.status_code == 302
    assert meeting.recurrence_exdates == [_at(29, 3, 10).isoformat()]
    assert occurrence.status == "cancelled"


def test_move_this_date_on_its_page_is_filled_with_its_time(client_for):
    meeting = MeetingFactory(
        starts_at=_at(15, 3, 10), ends_at=_at(15, 3, 12), recurrence_rule="FREQ=WEEKLY;COUNT=3"
    )
    occurrence = scheduling.occurrence_ensure(series=meeting, occurrence_start=_at(22, 3, 10))
    client = client_for(TeamUserFactory())

    form = client.get(reverse("meeting-detail", args=[occurrence.pk])).context["occurrence_form"]
    response = client.post(
        reverse("meeting-occurrence", args=[occurrence.pk]),
        {"action": "move", "new_date": "2027-03-23", "new_start": "14:00", "new_end": "15:30"},
    )

    occurrence.refresh_from_db()
    assert (form["new_date"].value(), form["new_start"].value(), form["new_end"].value()) == (
        dt.date(2027, 3, 22),
        dt.time(10, 0),
        dt.time(12, 0),
    )
    assert response["Location"] == reverse("meeting-detail", args=[occurrence.pk])
    assert (occurrence.starts_at, occurrence.ends_at) == (_at(23, 3, 14), _at(23, 3, 15, 30))
    assert occurrence.overridden_fields == ["starts_at", "ends_at"]
    assert [start for start, _title, _place in _dates(meeting)] == [
        _at(15, 3, 10),
        _at(23, 3, 14),
        _at(29, 3, 10),
    ]


def test_participant_sees_the_dates_without_the_buttons(client_for, participant):
    meeting = MeetingFactory(
        starts_at=_at(15, 3, 10), ends_at=_at(15, 3, 12), recurrence_rule="FREQ=WEEKLY;COUNT=3"
    )
    InvitationFactory(meeting=meeting, contact=participant.contact)

    page = client_for(participant).get(reverse("meeting-detail", args=[meeting.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert len(page.context["series_dates"]) == 3
    assert "Cancel this date" not in html


# --- The meeting list ----------------------------------------------------------------------------


def test_meeting_list_shows_every_upcoming_date_of_a_series(client_for):
    start = timezone.now().astimezone(BRUSSELS).replace(
        hour=10, minute=0, second=0, microsecond=0
    ) + dt.timedelta(days=1)
    series = MeetingFactory(
        title="Weekly data group",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        recurrence_rule="FREQ=WEEKLY;COUNT=4",
    )
    single = MeetingFactory(
        title="Kick-off",
        starts_at=start + dt.timedelta(days=2, hours=1),
        ends_at=start + dt.timedelta(days=2, hours=2),
    )
    scheduling.occurrence_cancel(
        meeting=series, occurrence_start=start + dt.timedelta(weeks=1), by=None
    )
    moved_to = start + dt.timedelta(weeks=2, days=1, hours=4)
    scheduling.occurrence_move(
        meeting=series,
        occurrence_start=start + dt.timedelta(weeks=2),
        starts_at=moved_to,
        ends_at=moved_to + dt.timedelta(hours=1),
        by=None,
    )

    response = client_for(TeamUserFactory()).get(reverse("meeting-list"))

    assert [
        (date.meeting.pk, date.starts_at, date.moved) for date in response.context["upcoming"]
    ] == [
        (series.pk, start, False),
        (single.pk, start + dt.timedelta(days=2, hours=1), False),
        (series.pk, moved_to, True),
        (series.pk, start + dt.timedelta(weeks=3), False),
    ]
    assert response.content.decode().count("(series)") == 3


def test_meeting_list_queries_do_not_grow_with_the_number_of_series(client_for):
    client = client_for(TeamUserFactory())
    start = timezone.now().astimezone(BRUSSELS).replace(second=0, microsecond=0)
    start += dt.timedelta(days=1)

    def make(count):
        for _ in range(count):
            series = MeetingFactory(
                starts_at=start,
                ends_at=start + dt.timedelta(hours=1),
                recurrence_rule="FREQ=WEEKLY;COUNT=3",
            )
            scheduling.occurrence_move(
                meeting=series,
                occurrence_start=start + dt.timedelta(weeks=1),
                starts_at=start + dt.timedelta(weeks=1, hours=2),
                ends_at=start + dt.timedelta(weeks=1, hours=3),
                by=None,
            )

    make(1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("meeting-list"), {"dates": "all"})
    make(4)
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("meeting-list"), {"dates": "all"})

    assert len(response.context["upcoming"]) == 5 * 3
    assert len(five) == len(one)


# --- This date and the following ones ----------------------------------------------------------


def _dates_of_both(first, rest):
    return sorted(_dates(first) + _dates(rest))


def test_split_keeps_every_date_once_across_the_two_series():
    meeting = _series_with_exceptions()
    accepted = InvitationFactory(meeting=meeting, status=InvitationStatus.ACCEPTED)
    before = _dates(meeting)

    rest = scheduling.series_split(meeting=meeting, occurrence_start=_at(5, 4, 10), by=None)

    meeting.refresh_from_db()
    assert _dates_of_both(meeting, rest) == before
    assert [start for start, _t, _p in _dates(meeting)] == [_at(15, 3, 10), _at(29, 3, 10)]
    assert (meeting.recurrence_rule, rest.recurrence_rule) == (
        "FREQ=WEEKLY;COUNT=3",
        "FREQ=WEEKLY;COUNT=3",
    )
    assert meeting.recurrence_exdates == [_at(22, 3, 10).isoformat()]
    assert sorted(o.recurrence_id for o in rest.occurrences.all()) == [
        _at(5, 4, 10),
        _at(12, 4, 10),
    ]
    copy = rest.invitations.get(contact=accepted.contact)
    assert copy.status == InvitationStatus.ACCEPTED
    assert rest.ical_uid != meeting.ical_uid
    assert OutboundMessage.objects.filter(invitation=copy, kind=OutboxKind.INVITATION).count() == 1
    assert meeting.sequence == 4  # a cancel, two moves, and now the cut
    assert OutboundMessage.objects.filter(
        invitation=accepted, kind=OutboxKind.UPDATE, sequence=4
    ).exists()


def test_this_and_following_dates_one_hour_later_over_the_dst_change():
    meeting = _series_with_exceptions()

    rest = scheduling.series_split(meeting=meeting, occurrence_start=_at(29, 3, 10), by=None)
    scheduling.meeting_update(
        meeting=rest, by=None, starts_at=_at(29, 3, 11), ends_at=_at(29, 3, 13)
    )

    meeting.refresh_from_db()
    assert [start for start, _t, _p in _dates_of_both(meeting, rest)] == [
        _at(15, 3, 10),  # before the cut: unchanged, 22 March still cancelled
        _at(29, 3, 11),
        _at(6, 4, 14),  # moved date keeps its own time
        _at(12, 4, 11),  # only its room was its own: the new time
        _at(19, 4, 11),
    ]


def test_split_at_the_first_date_or_a_cancelled_one_is_refused():
    meeting = _series_with_exceptions()

    with pytest.raises(ValidationError, match="first date of the series"):
        scheduling.series_split(meeting=meeting, occurrence_start=_at(15, 3, 10), by=None)
    with pytest.raises(ValidationError, match="is cancelled"):
        scheduling.series_split(meeting=meeting, occurrence_start=_at(22, 3, 10), by=None)
    assert meeting.occurrences.count() == 2


def test_split_of_an_endless_series_keeps_the_rest_endless():
    meeting = MeetingFactory(
        starts_at=_at(15, 3, 10), ends_at=_at(15, 3, 12), recurrence_rule="FREQ=WEEKLY"
    )

    rest = scheduling.series_split(meeting=meeting, occurrence_start=_at(29, 3, 10), by=None)

    meeting.refresh_from_db()
    assert (meeting.recurrence_rule, rest.recurrence_rule) == (
        "FREQ=WEEKLY;COUNT=2",
        "FREQ=WEEKLY",
    )


def test_this_and_following_from_the_date_page_makes_a_new_series_at_the_new_time(client_for):
    meeting = _series_with_exceptions()
    occurrence = meeting.occurrences.get(recurrence_id=_at(12, 4, 10))

    response = client_for(TeamUserFactory()).post(
        reverse("meeting-occurrence", args=[occurrence.pk]),
        {
            "action": "following",
            "new_start": "09:00",
            "new_end": "11:00",
        },
    )

    rest = meeting.working_group.meetings.exclude(pk=meeting.pk).get(recurrence_parent=None)
    assert response.status_code == 302
    assert response["Location"] == reverse("meeting-detail", args=[rest.pk])
    assert [start for start, _t, _p in _dates_of_both(meeting, rest)] == [
        _at(15, 3, 10),
        _at(29, 3, 10),
        _at(6, 4, 14),
        _at(12, 4, 9),
        _at(19, 4, 9),
    ]
