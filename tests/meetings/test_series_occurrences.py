"""Each date of a series is a meeting in its own right: created ahead by the daily task and
on demand, with its own agenda (the series' as template), minutes, attendance and answers;
an invitee answers the series and can decline one date (on its page or by a calendar reply
with RECURRENCE-ID); a series edit reaches the dates that did not set that field
themselves. On the wire a date that changed nothing adds no RECURRENCE-ID event. Calendar
text is read back with icalendar and recurring-ical-events."""

import datetime as dt
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.enums import AttendanceStatus, InvitationStatus, MeetingStatus, OutboxKind
from meetings.formats import ical
from meetings.models import AgendaItem, Attendance, Invitation, Meeting, Minutes, OutboundMessage
from meetings.selectors.scheduling import occurrence_answer_counts
from meetings.services import agendas, calendars, minutes, scheduling
from meetings.services import invitations as invitation_services
from tests.factories import (
    AgendaItemFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    TeamUserFactory,
)

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = dt.datetime(2027, 1, 10, 12, 0, tzinfo=dt.UTC)


def _at(day: int, month: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, minute, tzinfo=BRUSSELS)


def _series(**kwargs) -> Meeting:
    """Mondays 10:00–12:00 from 15 March 2027 (clocks go forward on 28 March), six dates."""
    values = {
        "title": "Weekly data group",
        "starts_at": _at(15, 3, 10),
        "ends_at": _at(15, 3, 12),
        "recurrence_rule": "FREQ=WEEKLY;COUNT=6",
        "location": "Rue de la Loi 16, 1000 Bruxelles",
        "online_url": "https://meet.example.org/data",
        "format": "hybrid",
    }
    return MeetingFactory(**(values | kwargs))


def _wire(meeting: Meeting) -> bytes:
    meeting = Meeting.objects.get(pk=meeting.pk)
    return ical.calendar_download(meeting=meeting, now=NOW).to_ical()


def _expanded(meeting: Meeting) -> list[tuple[dt.datetime, str]]:
    calendar = icalendar.Calendar.from_ical(_wire(meeting))
    events = recurring_ical_events.of(calendar).between(dt.date(2027, 3, 1), dt.date(2027, 6, 1))
    return sorted((event["DTSTART"].dt, str(event["SUMMARY"])) for event in events)


def _all_dates(series: Meeting) -> list[dt.datetime]:
    return [_at(15, 3, 10) + dt.timedelta(weeks=week) for week in range(6)]


# --- Created ahead and on demand ---------------------------------------------------------------


def test_horizon_task_creates_the_dates_ahead_once(settings):
    settings.SERIES_OCCURRENCE_HORIZON_DAYS = 17
    series = _series()
    scheduling.occurrence_cancel(meeting=series, occurrence_start=_at(29, 3, 10), by=None)
    now = _at(20, 3, 9)

    first = scheduling.series_occurrences_create_ahead(now=now)
    second = scheduling.series_occurrences_create_ahead(now=now)

    created = Meeting.objects.filter(recurrence_parent=series).order_by("recurrence_id")
    # 22 March and 5 April are within 17 days of 20 March; 29 March is cancelled; 15 March
    # is past and 12 April beyond the horizon.
    assert (first, second) == (2, 0)
    assert [(o.recurrence_id, o.starts_at, o.ends_at) for o in created] == [
        (_at(22, 3, 10), _at(22, 3, 10), _at(22, 3, 12)),
        (_at(5, 4, 10), _at(5, 4, 10), _at(5, 4, 12)),
    ]
    assert [(o.title, o.location, o.working_group_id, o.overridden_fields) for o in created] == [
        ("Weekly data group", "Rue de la Loi 16, 1000 Bruxelles", series.working_group_id, [])
    ] * 2


def test_horizon_task_is_the_scheduled_task(settings):
    from django_q.models import Schedule

    from meetings import tasks

    settings.SERIES_OCCURRENCE_HORIZON_DAYS = 30
    schedule = Schedule.objects.get(func="meetings.tasks.series_occurrences_create_ahead")
    tomorrow = timezone.now() + dt.timedelta(days=1)
    series = MeetingFactory(
        starts_at=tomorrow,
        ends_at=tomorrow + dt.timedelta(hours=1),
        recurrence_rule="FREQ=WEEKLY;COUNT=20",
    )

    created = tasks.series_occurrences_create_ahead()

    # 30 days hold the weekly dates of days 1, 8, 15, 22 and 29 from now.
    assert schedule.schedule_type == Schedule.DAILY
    assert created == 5
    assert series.occurrences.count() == 5


def test_opening_a_date_twice_creates_one_meeting():
    series = _series()

    first = scheduling.occurrence_ensure(series=series, occurrence_start=_at(22, 3, 10))
    again = scheduling.occurrence_ensure(series=series, occurrence_start=_at(22, 3, 10))

    assert first.pk == again.pk
    assert list(series.occurrences.values_list("recurrence_id", flat=True)) == [_at(22, 3, 10)]


def test_database_allows_one_meeting_per_series_date():
    series = _series()
    scheduling.occurrence_ensure(series=series, occurrence_start=_at(22, 3, 10))

    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(
            working_group=series.working_group,
            recurrence_parent=series,
            recurrence_id=_at(22, 3, 10),
            starts_at=_at(22, 3, 10),
            ends_at=_at(22, 3, 12),
        )


def test_opening_a_date_from_the_series_page_shows_that_date(client_for):
    series = _series()
    client = client_for(TeamUserFactory())

    response = client.get(
        reverse("occurrence-open", args=[series.pk, "20270405T1000"]), follow=True
    )

    occurrence = series.occurrences.get()
    assert response.redirect_chain == [(reverse("meeting-detail", args=[occurrence.pk]), 302)]
    assert response.context["meeting"] == occurrence
    assert response.context["series"] == series
    assert occurrence.starts_at == _at(5, 4, 10)


# --- Agenda, minutes and attendance of its own -------------------------------------------------


def test_each_date_starts_from_the_series_agenda_and_keeps_its_own():
    series = _series()
    AgendaItemFactory(meeting=series, position=1, title="Welcome")
    AgendaItemFactory(meeting=series, position=2, title="Figures of the month")
    first = scheduling.occurrence_ensure(series=series, occurrence_start=_at(22, 3, 10))
    second = scheduling.occurrence_ensure(series=series, occurrence_start=_at(29, 3, 10))

    agendas.agenda_item_create(meeting=first, title="Reception budget", planned_minutes=15)

    def titles(meeting):
        return list(
            AgendaItem.objects.filter(meeting=meeting)
            .order_by("position")
            .values_list("title", flat=True)
        )

    assert titles(first) == ["Welcome", "Figures of the month", "Reception budget"]
    assert titles(second) == ["Welcome", "Figures of the month"]
    assert titles(series) == ["Welcome", "Figures of the month"]


def test_a_date_copies_the_agenda_of_the_previous_date():
    series = _series()
    first = scheduling.occurrence_ensure(series=series, occurrence_start=_at(22, 3, 10))
    AgendaItemFactory(meeting=first, position=1, title="Follow-up of the survey")
    second = scheduling.occurrence_ensure(series=series, occurrence_start=_at(29, 3, 10))

    agendas.agenda_copy_previous(meeting=second)

    assert list(AgendaItem.objects.filter(meeting=second).values_list("title", flat=True)) == [
        "Follow-up of the survey"
    ]


def test_each_date_has_its_own_minutes_and_attendance():
    series = _series()
    anna = ContactFactory(name="Anna Example")
    first = scheduling.occurrence_ensure(series=series, occurrence_start=_at(22, 3, 10))
    second = scheduling.occurrence_ensure(series=series, occurrence_start=_at(29, 3, 10))

    first_minutes = minutes.minutes_start(meeting=first)
    minutes.minutes_attendance_set(meeting=first, statuses={anna: AttendanceStatus.PRESENT})
    second_minutes = minutes.minutes_start(meeting=second)

    assert first_minutes.pk != second_minutes.pk
    assert list(Minutes.objects.filter(meeting=first).values_list("pk", flat=True)) == [
        first_minutes.pk
    ]
    assert list(Attendance.objects.values_list("meeting_id", "contact_id", "status")) == [
        (first.pk, anna.pk, AttendanceStatus.PRESENT)
    ]


# --- Answers: the series, and one date -------------------------------------------------------


@pytest.fixture
def invited(participant):
    series = _series()
    invitation = InvitationFactory(
        meeting=series, contact=participant.contact, status=InvitationStatus.ACCEPTED
    )
    return series, invitation


def test_declining_one_date_on_its_page_leaves_the_series_answer_for_the_others(
    client_for, participant, invited
):
    series, invitation = invited
    first = scheduling.occurrence_ensure(series=series, occurrence_start=_at(22, 3, 10))
    second = scheduling.occurrence_ensure(series=series, occurrence_start=_at(29, 3, 10))
    client = client_for(participant)

    page = client.get(reverse("meeting-detail", args=[first.pk])).content.decode()
    response = client.post(reverse("occurrence-answer", args=[first.pk]), {"answer": "declined"})
    first_page = client.get(reverse("meeting-detail", args=[first.pk]))
    second_page = client.get(reverse("meeting-detail", args=[second.pk]))

    invitation.refresh_from_db()
    assert "I cannot come to this date" in page
    assert response["Location"] == reverse("meeting-detail", args=[first.pk])
    assert list(
        Invitation.objects.filter(contact=participant.contact)
        .order_by("meeting_id")
        .values_list("meeting_id", "status")
    ) == [(series.pk, InvitationStatus.ACCEPTED), (first.pk, InvitationStatus.DECLINED)]
    assert first_page.context["my_invitation"].status == InvitationStatus.DECLINED
    assert first_page.context["answered_on_its_own"] is True
    assert second_page.context["my_invitation"].status == InvitationStatus.ACCEPTED
    assert second_page.context["answered_on_its_own"] is False


def _feed_dates(response) -> list[dt.datetime]:
    calendar = icalendar.Calendar.from_ical(response.content)
    events = recurring_ical_events.of(calendar).between(_at(1, 3, 0), _at(1, 6, 0))
    return sorted(event.decoded("dtstart") for event in events)


def test_a_date_declined_on_its_own_leaves_the_invitees_feed_and_no_one_elses(client, invited):
    from django.core.cache import cache

    from tests.factories import MembershipFactory

    series, invitation = invited
    colleague = InvitationFactory(meeting=series, status=InvitationStatus.ACCEPTED)
    colleague.contact.user = TeamUserFactory()
    colleague.contact.save()
    moved = scheduling.occurrence_move(
        meeting=series,
        occurrence_start=_at(5, 4, 10),
        starts_at=_at(5, 4, 14),
        ends_at=_at(5, 4, 16),
        by=TeamUserFactory(),
    )
    cache.clear()
    user = invitation.contact.user
    feed = reverse("calendar-feed", args=[user.calendar_token])
    before = client.get(feed)
    assert len(_feed_dates(before)) == 6

    third = scheduling.occurrence_ensure(series=series, occurrence_start=_at(29, 3, 10))
    for occurrence in (third, moved):
        invitation_services.occurrence_answer(
            occurrence=occurrence, invitation=invitation, answer=InvitationStatus.DECLINED
        )
    unchanged = client.get(feed, headers={"if-none-match": before["ETag"]})
    after = client.get(feed)
    theirs = client.get(reverse("calendar-feed", args=[colleague.contact.user.calendar_token]))

    assert unchanged.status_code == 200  # the ETag moved with the answers
    assert after["ETag"] != before["ETag"]
    assert _feed_dates(after) == [
        _at(15, 3, 10), _at(22, 3, 10), _at(12, 4, 10), _at(19, 4, 10)
    ]  # fmt: skip
    assert _feed_dates(theirs) == [
        _at(15, 3, 10), _at(22, 3, 10), _at(29, 3, 10), _at(5, 4, 14), _at(12, 4, 10),
        _at(19, 4, 10),
    ]  # fmt: skip
    # The group's feed shows the group's dates, whoever declined them.
    group = MembershipFactory(contact=invitation.contact).group
    Meeting.objects.filter(pk=series.pk).update(working_group=group)
    cache.clear()
    group_feed = client.get(reverse("calendar-group-feed", args=[user.calendar_token, group.slug]))
    assert len(_feed_dates(group_feed)) == 6


def test_managers_see_the_answers_of_one_date(client_for, invited):
    series, invitation = invited
    InvitationFactory(meeting=series, status=InvitationStatus.ACCEPTED)
    InvitationFactory(meeting=series, status=InvitationStatus.SENT)
    occurrence = scheduling.occurrence_ensure(series=series, occurrence_start=_at(22, 3, 10))
    invitation_services.occurrence_answer(
        occurrence=occurrence, invitation=invitation, answer=InvitationStatus.DECLINED
    )

    response = client_for(TeamUserFactory()).get(reverse("meeting-detail", args=[occurrence.pk]))

    assert response.context["rsvp"] == {
        "accepted": 1,
        "tentative": 0,
        "declined": 1,
        "no_answer": 1,
        "waitlisted": 0,
    }


def _calendar_reply(*, sent: str, attendee: str, recurrence_id: dt.datetime, partstat: str):
    """A REPLY built with icalendar from the calendar entry the invitee received (its UID,
    SEQUENCE and ORGANIZER), for one date, as Outlook mails it."""
    received = icalendar.Calendar.from_ical(sent)
    master = next(e for e in received.walk("VEVENT") if "RECURRENCE-ID" not in e)
    reply = icalendar.Calendar()
    reply.add("prodid", "-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN")
    reply.add("version", "2.0")
    reply.add("method", "REPLY")
    event = icalendar.Event()
    event.add("uid", str(master["UID"]))
    event.add("sequence", int(master["SEQUENCE"]))
    event.add("dtstamp", dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC))
    event.add("recurrence-id", recurrence_id)
    event.add("dtstart", recurrence_id)
    event["organizer"] = master["ORGANIZER"]
    event.add(
        "attendee", f"mailto:{attendee}", parameters={"PARTSTAT": partstat, "CN": "Participant"}
    )
    reply.add_component(event)
    message = EmailMessage()
    message["From"] = f"Participant Person <{attendee}>"
    message["To"] = str(master["ORGANIZER"]).removeprefix("mailto:")
    message["Subject"] = "Declined: Weekly data group"
    message.set_content("I cannot come that day.")
    message.add_attachment(
        reply.to_ical(), maintype="text", subtype="calendar", params={"method": "REPLY"}
    )
    return message.as_bytes()


def test_calendar_reply_with_recurrence_id_declines_that_date_only():
    series = _series()
    InvitationFactory(meeting=series, contact__email="other@example.org", status="drafted")
    invitation_services.invitations_send(meeting=series)
    sent = OutboundMessage.objects.get(
        invitation__contact__email="other@example.org", kind=OutboxKind.INVITATION
    ).ical

    outcomes = calendars.calendar_reply_apply(
        raw=_calendar_reply(
            sent=sent,
            attendee="other@example.org",
            recurrence_id=_at(29, 3, 10),
            partstat="DECLINED",
        )
    )

    other = Invitation.objects.get(meeting=series, contact__email="other@example.org")
    occurrence = series.occurrences.get()
    assert [(o.outcome, o.attendee) for o in outcomes] == [("applied", "other@example.org")]
    assert occurrence.recurrence_id == _at(29, 3, 10)
    assert other.status == InvitationStatus.SENT
    assert list(occurrence.invitations.values_list("contact_id", "status")) == [
        (other.contact_id, InvitationStatus.DECLINED)
    ]


def test_calendar_reply_for_no_date_of_the_series_changes_nothing():
    series = _series()
    InvitationFactory(meeting=series, contact__email="other@example.org", status="drafted")
    invitation_services.invitations_send(meeting=series)
    sent = OutboundMessage.objects.get(invitation__contact__email="other@example.org").ical

    outcomes = calendars.calendar_reply_apply(
        raw=_calendar_reply(
            sent=sent,
            attendee="other@example.org",
            recurrence_id=_at(30, 3, 10),
            partstat="DECLINED",
        )
    )

    assert [(o.outcome, o.detail) for o in outcomes] == [
        ("ignored", "RECURRENCE-ID of no date of the series")
    ]
    assert Meeting.objects.filter(recurrence_parent=series).count() == 0
    assert Invitation.objects.filter(meeting__recurrence_parent=series).count() == 0


# --- Series edits reach the dates, on the wire as before ---------------------------------------


def test_dates_that_changed_nothing_add_no_recurrence_id_event():
    series = _series()
    before = _wire(series)

    for moment in _all_dates(series):
        scheduling.occurrence_ensure(series=series, occurrence_start=moment)

    calendar = icalendar.Calendar.from_ical(_wire(series))
    assert series.occurrences.count() == 6
    assert _wire(series) == before
    assert [("RECURRENCE-ID" in e) for e in calendar.walk("VEVENT")] == [False]


def test_series_title_reaches_the_dates_that_kept_it_and_not_the_one_with_its_own():
    series = _series()
    kept = scheduling.occurrence_ensure(series=series, occurrence_start=_at(22, 3, 10))
    own = scheduling.occurrence_ensure(series=series, occurrence_start=_at(29, 3, 10))
    scheduling.meeting_update(meeting=own, by=None, title="Data group with the minister")

    scheduling.meeting_update(meeting=series, by=None, title="Data and reception group")

    kept.refresh_from_db()
    own.refresh_from_db()
    assert (kept.title, kept.overridden_fields) == ("Data and reception group", [])
    assert (own.title, own.overridden_fields) == ("Data group with the minister", ["title"])
    assert _expanded(series) == [
        (_at(15, 3, 10), "Data and reception group"),
        (_at(22, 3, 10), "Data and reception group"),
        (_at(29, 3, 10), "Data group with the minister"),
        (_at(5, 4, 10), "Data and reception group"),
        (_at(12, 4, 10), "Data and reception group"),
        (_at(19, 4, 10), "Data and reception group"),
    ]


def test_time_change_of_the_series_moves_its_dates_over_the_clock_change():
    series = _series()
    for moment in _all_dates(series):
        scheduling.occurrence_ensure(series=series, occurrence_start=moment)
    moved = series.occurrences.get(recurrence_id=_at(5, 4, 10))
    scheduling.occurrence_move(
        meeting=series,
        occurrence_start=_at(5, 4, 10),
        starts_at=_at(6, 4, 14),
        ends_at=_at(6, 4, 16),
        by=None,
    )

    scheduling.meeting_update(
        meeting=series, by=None, starts_at=_at(15, 3, 11), ends_at=_at(15, 3, 13)
    )

    dates = list(series.occurrences.order_by("recurrence_id"))
    later = [_at(15, 3, 11) + dt.timedelta(weeks=week) for week in range(6)]
    assert [o.recurrence_id for o in dates] == later
    assert [(o.starts_at, o.ends_at) for o in dates if o.pk != moved.pk] == [
        (start, start + dt.timedelta(hours=2)) for start in later if start != _at(5, 4, 11)
    ]
    assert [start.astimezone(BRUSSELS).hour for start in later] == [11] * 6
    assert series.occurrences.get(pk=moved.pk).starts_at == _at(6, 4, 14)
    assert [start for start, _title in _expanded(series)] == [
        _at(15, 3, 11),
        _at(22, 3, 11),
        _at(29, 3, 11),
        _at(6, 4, 14),
        _at(12, 4, 11),
        _at(19, 4, 11),
    ]


def test_series_moved_a_week_later_keeps_each_date_once():
    series = _series()
    for moment in _all_dates(series):
        scheduling.occurrence_ensure(series=series, occurrence_start=moment)

    scheduling.meeting_update(
        meeting=series, by=None, starts_at=_at(22, 3, 10), ends_at=_at(22, 3, 12)
    )

    assert list(
        series.occurrences.order_by("recurrence_id").values_list("recurrence_id", "starts_at")
    ) == [(_at(22, 3, 10) + dt.timedelta(weeks=w),) * 2 for w in range(6)]
    assert [start for start, _title in _expanded(series)] == [
        _at(22, 3, 10) + dt.timedelta(weeks=w) for w in range(6)
    ]


def test_cancelling_a_date_from_its_page_keeps_its_agenda_and_cancels_it_on_the_wire():
    series = _series()
    occurrence = scheduling.occurrence_ensure(series=series, occurrence_start=_at(22, 3, 10))
    AgendaItemFactory(meeting=occurrence, position=1, title="Welcome")

    scheduling.meeting_cancel(meeting=occurrence, by=None)

    occurrence.refresh_from_db()
    assert occurrence.status == MeetingStatus.CANCELLED
    assert occurrence.agenda_items.count() == 1
    assert _at(22, 3, 10) not in [start for start, _title in _expanded(series)]
    assert len(_expanded(series)) == 5


# --- The meeting list ----------------------------------------------------------------------------


def test_meeting_list_shows_each_upcoming_date_with_its_own_page(client_for):
    start = timezone.now().astimezone(BRUSSELS).replace(second=0, microsecond=0)
    start += dt.timedelta(days=1)
    series = MeetingFactory(
        title="Weekly data group",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        recurrence_rule="FREQ=WEEKLY;COUNT=3",
    )
    second = scheduling.occurrence_ensure(
        series=series, occurrence_start=start + dt.timedelta(weeks=1)
    )
    scheduling.meeting_update(meeting=second, by=None, title="Data group: budget")

    response = client_for(TeamUserFactory()).get(reverse("meeting-list"))

    html = response.content.decode()
    third = (start + dt.timedelta(weeks=2)).strftime("%Y%m%dT%H%M")
    first = start.strftime("%Y%m%dT%H%M")
    assert [(d.title, d.starts_at, d.occurrence) for d in response.context["upcoming"]] == [
        ("Weekly data group", start, None),
        ("Data group: budget", start + dt.timedelta(weeks=1), second),
        ("Weekly data group", start + dt.timedelta(weeks=2), None),
    ]
    assert reverse("meeting-detail", args=[second.pk]) in html
    assert reverse("occurrence-open", args=[series.pk, first]) in html
    assert reverse("occurrence-open", args=[series.pk, third]) in html


def test_meeting_list_names_each_date_once_when_the_first_date_is_a_meeting(client_for):
    start = timezone.now().astimezone(BRUSSELS).replace(second=0, microsecond=0)
    start += dt.timedelta(days=1)
    series = MeetingFactory(
        title="Weekly data group",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        recurrence_rule="FREQ=WEEKLY;COUNT=3",
    )
    single = MeetingFactory(title="Kick-off", starts_at=start + dt.timedelta(hours=3))
    client = client_for(TeamUserFactory())

    before = client.get(reverse("meeting-list")).context["meetings"]
    dates = [
        scheduling.occurrence_ensure(series=series, occurrence_start=start + dt.timedelta(weeks=w))
        for w in range(2)
    ]
    after = client.get(reverse("meeting-list")).context["meetings"]

    # Before its dates are meetings the series stands for its first date; after, its dates
    # do, and the first date is not listed twice.
    assert [m["pk"] for m in before] == [series.pk, single.pk]
    assert [m["pk"] for m in after] == [dates[0].pk, single.pk, dates[1].pk]


def test_meeting_list_queries_do_not_grow_with_the_dates_that_are_meetings(client_for):
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
            for week in range(3):
                scheduling.occurrence_ensure(
                    series=series, occurrence_start=start + dt.timedelta(weeks=week)
                )

    make(1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("meeting-list"), {"dates": "all"})
    make(4)
    with CaptureQueriesContext(connection) as five:
        response = client.get(reverse("meeting-list"), {"dates": "all"})

    assert len(response.context["upcoming"]) == 5 * 3
    assert all(date.occurrence is not None for date in response.context["upcoming"])
    assert len(five) == len(one)


def test_no_reminder_for_the_date_an_invitee_declined():
    series = _series(reminder_offsets=[1440])
    sent = _at(1, 3, 9)
    declining = InvitationFactory(meeting=series, sent_at=sent)
    coming = InvitationFactory(meeting=series, sent_at=sent)
    occurrence = scheduling.occurrence_ensure(series=series, occurrence_start=_at(22, 3, 10))
    invitation_services.occurrence_answer(
        occurrence=occurrence, invitation=declining, answer=InvitationStatus.DECLINED
    )

    # Half an hour after the reminder of 22 March was due (a day before).
    written = invitation_services.reminders_enqueue(now=_at(21, 3, 10, 30))

    assert written == 1
    assert list(
        OutboundMessage.objects.filter(kind=OutboxKind.REMINDER).values_list(
            "invitation_id", flat=True
        )
    ) == [coming.pk]


def test_rsvp_page_declines_one_date_and_keeps_the_series_answer(client):
    series = _series()
    invitation = InvitationFactory(meeting=series, status=InvitationStatus.ACCEPTED)
    url = reverse("rsvp", args=[invitation_services.invitation_token(invitation)])

    page = client.get(url)
    response = client.post(url, {"date": "20270329T1000", "date_answer": "declined"})
    after = client.get(url)

    invitation.refresh_from_db()
    occurrence = series.occurrences.get()
    assert [item.date.original for item in page.context["answered_dates"]] == _all_dates(series)
    assert response["Location"] == url
    assert invitation.status == InvitationStatus.ACCEPTED
    assert occurrence.recurrence_id == _at(29, 3, 10)
    assert list(occurrence.invitations.values_list("contact_id", "status")) == [
        (invitation.contact_id, InvitationStatus.DECLINED)
    ]
    assert [(item.status, item.own) for item in after.context["answered_dates"]] == [
        (InvitationStatus.ACCEPTED, False),
        (InvitationStatus.ACCEPTED, False),
        (InvitationStatus.DECLINED, True),
        (InvitationStatus.ACCEPTED, False),
        (InvitationStatus.ACCEPTED, False),
        (InvitationStatus.ACCEPTED, False),
    ]


def test_publishing_a_date_agenda_tells_the_series_invitees_who_did_not_decline_that_date():
    series = _series()
    coming = InvitationFactory(meeting=series, status=InvitationStatus.ACCEPTED)
    declining_date = InvitationFactory(meeting=series, status=InvitationStatus.ACCEPTED)
    declined_series = InvitationFactory(meeting=series, status=InvitationStatus.DECLINED)
    occurrence = scheduling.occurrence_ensure(series=series, occurrence_start=_at(22, 3, 10))
    invitation_services.occurrence_answer(
        occurrence=occurrence, invitation=declining_date, answer=InvitationStatus.DECLINED
    )
    AgendaItemFactory(meeting=occurrence, position=1, title="Welcome")

    agendas.agenda_publish(meeting=occurrence)
    notices = OutboundMessage.objects.filter(kind=OutboxKind.AGENDA)

    assert sorted(notices.values_list("to_email", flat=True)) == [coming.contact.email]
    assert notices.get().invitation.meeting_id == occurrence.pk
    assert (
        Invitation.objects.filter(meeting=occurrence, contact=declined_series.contact).exists()
        is False
    )
    # The row that carries the notice is no answer of its own: the series answer holds.
    assert Invitation.objects.get(meeting=occurrence, contact=coming.contact).answered_at is None
    assert occurrence_answer_counts(occurrence=occurrence) == {
        "accepted": 1,
        "tentative": 0,
        "declined": 2,
        "no_answer": 0,
        "waitlisted": 0,
    }


def test_editing_a_date_on_its_page_makes_its_new_place_its_own(client_for):
    series = _series()
    InvitationFactory(meeting=series, status=InvitationStatus.ACCEPTED)
    occurrence = scheduling.occurrence_ensure(series=series, occurrence_start=_at(22, 3, 10))
    sequence = series.sequence
    client = client_for(TeamUserFactory())

    form = client.get(reverse("meeting-edit", args=[occurrence.pk])).context["form"]
    response = client.post(
        reverse("meeting-edit", args=[occurrence.pk]),
        {
            "title": "Weekly data group",
            "date": "2027-03-22",
            "start_time": "10:00",
            "end_time": "12:00",
            "timezone_name": "Europe/Brussels",
            "format": "hybrid",
            "location": "Rue Royale 138, 1000 Bruxelles",
            "online_url": "https://meet.example.org/data",
            "language": "en",
            "capacity": "",
            "repeat": "",
            "interval": "1",
            "rank": "",
            "count": "",
            "reminders": "7, 1",
        },
    )
    scheduling.meeting_update(meeting=series, by=None, location="Rue Belliard 20, 1040 Bruxelles")

    occurrence.refresh_from_db()
    series.refresh_from_db()
    calendar = icalendar.Calendar.from_ical(_wire(series))
    exceptions = [e for e in calendar.walk("VEVENT") if "RECURRENCE-ID" in e]
    # Its repetition is the series': the page does not offer it.
    assert [name for name in ("repeat", "interval", "rank", "count") if name in form.fields] == []
    assert response["Location"] == reverse("meeting-detail", args=[occurrence.pk])
    assert (occurrence.location, occurrence.overridden_fields) == (
        "Rue Royale 138, 1000 Bruxelles",
        ["location"],
    )
    assert series.sequence == sequence + 2
    assert [(e["RECURRENCE-ID"].dt, str(e["LOCATION"])) for e in exceptions] == [
        (_at(22, 3, 10), "Rue Royale 138, 1000 Bruxelles")
    ]
