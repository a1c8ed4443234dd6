"""Scheduling: creating, changing and cancelling meetings; bad input; conflicts."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from meetings import enums, recurrence
from meetings.enums import InvitationStatus, OutboxKind
from meetings.models import Meeting, OutboundMessage
from meetings.selectors.scheduling import meeting_conflicts
from meetings.services import scheduling
from tests.factories import (
    ConsultationRoundFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    RoundSessionFactory,
    TeamUserFactory,
    UserFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")


def _at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BRUSSELS)


def _create(**overrides):
    values = {
        "by": TeamUserFactory(),
        "working_group": WorkingGroupFactory(),
        "title": "Data sharing",
        "starts_at": _at(2027, 6, 1, 9, 30),
        "ends_at": _at(2027, 6, 1, 11, 0),
        "location": "Rue de la Loi 16, 1000 Bruxelles",
    }
    values.update(overrides)
    return scheduling.meeting_create(**values)


def _errors(excinfo) -> dict:
    return {
        name: [str(m) for e in errs for m in e.messages]
        for name, errs in excinfo.value.error_dict.items()
    }


def test_meeting_create_stores_aware_brussels_times():
    meeting = _create()

    meeting.refresh_from_db()
    assert meeting.starts_at == dt.datetime(2027, 6, 1, 7, 30, tzinfo=dt.UTC)
    assert meeting.sequence == 0
    assert meeting.reminder_offsets == [10080, 1440]


def test_round_session_longer_than_half_a_day_is_refused_without_confirmation():
    round_ = ConsultationRoundFactory()

    with pytest.raises(ValidationError) as excinfo:
        _create(
            working_group=None,
            consultation_round=round_,
            starts_at=_at(2027, 6, 1, 9, 0),
            ends_at=_at(2027, 6, 1, 13, 30),
        )

    assert list(_errors(excinfo)) == ["ends_at"]
    assert "half a day" in _errors(excinfo)["ends_at"][0]
    assert Meeting.objects.count() == 0


def test_round_session_longer_than_half_a_day_is_created_when_confirmed():
    meeting = _create(
        working_group=None,
        consultation_round=ConsultationRoundFactory(capacity_per_session=9),
        starts_at=_at(2027, 6, 1, 9, 0),
        ends_at=_at(2027, 6, 1, 13, 30),
        confirm_long=True,
    )

    assert meeting.duration_minutes == 270
    assert meeting.capacity == 9


def test_round_session_of_exactly_four_hours_needs_no_confirmation():
    meeting = _create(
        working_group=None,
        consultation_round=ConsultationRoundFactory(),
        starts_at=_at(2027, 6, 1, 9, 0),
        ends_at=_at(2027, 6, 1, 13, 0),
    )

    assert meeting.duration_minutes == 240


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"starts_at": _at(2027, 6, 1, 11, 0), "ends_at": _at(2027, 6, 1, 9, 0)},
            "ends_at",
            "The meeting must end after it starts.",
        ),
        (
            {"starts_at": _at(2020, 6, 1, 9, 0), "ends_at": _at(2020, 6, 1, 11, 0)},
            "ends_at",
            "A new meeting cannot end in the past.",
        ),
        (
            {"format": enums.MeetingFormat.ONLINE, "location": "", "online_url": "not a link"},
            "online_url",
            "Enter a valid web link starting with https://.",
        ),
        (
            {
                "format": enums.MeetingFormat.ONLINE,
                "location": "",
                "online_url": "javascript:alert(1)",
            },
            "online_url",
            "Enter a valid web link starting with https://.",
        ),
        ({"location": ""}, "location", "A meeting in person needs an address."),
        ({"location": "x"}, "location", "This address is too short to find the place."),
        ({"recurrence_rule": "FREQ=SOMETIMES"}, "recurrence_rule", None),
    ],
)
def test_meeting_create_bad_input_is_refused_and_nothing_is_created(overrides, field, message):
    with pytest.raises(ValidationError) as excinfo:
        _create(**overrides)

    errors = _errors(excinfo)
    assert list(errors) == [field]
    if message:
        assert errors[field] == [message]
    assert Meeting.objects.count() == 0


def test_time_in_the_dst_gap_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        recurrence.aware_from_local(dt.datetime(2027, 3, 28, 2, 30), "Europe/Brussels")

    assert excinfo.value.messages == [
        "28 March 2027, 02:30 does not exist in Europe/Brussels: the clocks go forward that night. "
        "Choose another time."
    ]


def test_ambiguous_time_in_october_is_the_first_one():
    aware = recurrence.aware_from_local(dt.datetime(2027, 10, 31, 2, 30), "Europe/Brussels")

    assert aware.astimezone(dt.UTC) == dt.datetime(2027, 10, 31, 0, 30, tzinfo=dt.UTC)


def test_recurrence_rule_build_variants():
    assert recurrence.recurrence_rule_build(frequency="weekly") == "FREQ=WEEKLY"
    assert recurrence.recurrence_rule_build(frequency="weekly", interval=2, count=10) == (
        "FREQ=WEEKLY;INTERVAL=2;COUNT=10"
    )
    assert (
        recurrence.recurrence_rule_build(
            frequency="monthly", weekday_ordinal=-1, weekday="TH", until=dt.date(2027, 12, 31)
        )
        == "FREQ=MONTHLY;BYDAY=-1TH;UNTIL=20271231T235959Z"
    )


def test_monthly_on_the_second_tuesday_occurrences():
    meeting = _create(
        starts_at=_at(2027, 1, 12, 14, 0),
        ends_at=_at(2027, 1, 12, 15, 0),
        recurrence_rule=recurrence.recurrence_rule_build(
            frequency="monthly", weekday_ordinal=2, weekday="TU", count=4
        ),
    )

    found = recurrence.occurrences(meeting, start=_at(2027, 1, 1, 0, 0), end=_at(2028, 1, 1, 0, 0))

    assert found == [
        _at(2027, 1, 12, 14, 0),
        _at(2027, 2, 9, 14, 0),
        _at(2027, 3, 9, 14, 0),
        _at(2027, 4, 13, 14, 0),
    ]


def test_capacity_below_accepted_count_is_refused():
    meeting = RoundSessionFactory(capacity=3)
    InvitationFactory.create_batch(2, meeting=meeting, status=InvitationStatus.ACCEPTED)

    with pytest.raises(ValidationError) as excinfo:
        scheduling.meeting_update(meeting=meeting, by=None, capacity=1)

    assert _errors(excinfo) == {
        "capacity": ["2 people have already accepted: the capacity cannot be lower."]
    }
    meeting.refresh_from_db()
    assert meeting.capacity == 3


def test_change_of_time_sends_update_with_next_sequence_to_invited_not_declined(
    django_capture_on_commit_callbacks, mailoutbox
):
    meeting = MeetingFactory()
    accepted = InvitationFactory(meeting=meeting, status=InvitationStatus.ACCEPTED)
    InvitationFactory(meeting=meeting, status=InvitationStatus.DECLINED)
    InvitationFactory(meeting=meeting, status=InvitationStatus.DRAFTED)

    with django_capture_on_commit_callbacks(execute=True):
        scheduling.meeting_update(
            meeting=meeting,
            by=None,
            starts_at=meeting.starts_at + dt.timedelta(hours=1),
            ends_at=meeting.ends_at + dt.timedelta(hours=1),
        )

    meeting.refresh_from_db()
    assert meeting.sequence == 1
    rows = list(OutboundMessage.objects.values_list("invitation_id", "kind", "sequence", "status"))
    assert rows == [(accepted.pk, OutboxKind.UPDATE, 1, "sent")]
    assert [m.to for m in mailoutbox] == [[accepted.contact.email]]
    assert "SEQUENCE:1" in mailoutbox[0].calendar.ical.splitlines()


def test_change_of_capacity_only_sends_nothing(mailoutbox):
    meeting = MeetingFactory()
    InvitationFactory(meeting=meeting, status=InvitationStatus.ACCEPTED)

    scheduling.meeting_update(meeting=meeting, by=None, capacity=20)

    meeting.refresh_from_db()
    assert meeting.sequence == 0
    assert OutboundMessage.objects.count() == 0


def test_cancel_sends_cancel_with_same_uid_and_higher_sequence(
    django_capture_on_commit_callbacks, mailoutbox
):
    meeting = MeetingFactory()
    invitation = InvitationFactory(meeting=meeting, status=InvitationStatus.TENTATIVE)

    with django_capture_on_commit_callbacks(execute=True):
        scheduling.meeting_cancel(meeting=meeting, by=None)

    meeting.refresh_from_db()
    assert meeting.status == enums.MeetingStatus.CANCELLED
    assert meeting.sequence == 1
    ical_text = mailoutbox[0].calendar.ical
    assert mailoutbox[0].to == [invitation.contact.email]
    assert "METHOD:CANCEL" in ical_text.splitlines()
    assert f"UID:{meeting.ical_uid}" in ical_text.splitlines()
    assert "SEQUENCE:1" in ical_text.splitlines()
    assert "STATUS:CANCELLED" in ical_text.splitlines()


def test_cancelled_meeting_cannot_be_changed():
    meeting = MeetingFactory(status=enums.MeetingStatus.CANCELLED)

    with pytest.raises(ValidationError, match="cancelled"):
        scheduling.meeting_update(meeting=meeting, by=None, title="New")


def test_conflict_on_a_belgian_public_holiday():
    meeting = MeetingFactory(starts_at=_at(2027, 7, 21, 10, 0), ends_at=_at(2027, 7, 21, 12, 0))

    conflicts = meeting_conflicts(meeting=meeting)

    assert [(c.kind, c.message) for c in conflicts] == [
        ("holiday", "21 July 2027 is a public holiday in Belgium (National Day).")
    ]


def test_conflict_when_a_participant_is_invited_elsewhere_at_the_same_time():
    meeting = MeetingFactory(starts_at=_at(2027, 6, 2, 10, 0), ends_at=_at(2027, 6, 2, 12, 0))
    invitation = InvitationFactory(meeting=meeting, contact__name="Bea Busy")
    other = RoundSessionFactory(
        title="Other session", starts_at=_at(2027, 6, 2, 11, 0), ends_at=_at(2027, 6, 2, 13, 0)
    )
    InvitationFactory(meeting=other, contact=invitation.contact, status=InvitationStatus.ACCEPTED)
    later = RoundSessionFactory(starts_at=_at(2027, 6, 2, 12, 0), ends_at=_at(2027, 6, 2, 13, 0))
    InvitationFactory(meeting=later, contact=invitation.contact)
    declined = RoundSessionFactory(starts_at=_at(2027, 6, 2, 10, 0), ends_at=_at(2027, 6, 2, 11, 0))
    InvitationFactory(
        meeting=declined, contact=invitation.contact, status=InvitationStatus.DECLINED
    )

    conflicts = meeting_conflicts(meeting=meeting)

    assert [(c.kind, c.message) for c in conflicts] == [
        ("double_booked", "Bea Busy is also invited to “Other session” at that time.")
    ]


def test_conflict_with_a_group_member_in_a_weekly_series():
    group = WorkingGroupFactory()
    member = MembershipFactory(group=group, contact__name="Carl Member").contact
    MeetingFactory(
        working_group=group,
        starts_at=_at(2027, 6, 7, 10, 0),
        ends_at=_at(2027, 6, 7, 11, 0),
        recurrence_rule="FREQ=WEEKLY;COUNT=5",
    )
    session = RoundSessionFactory(
        title="Session", starts_at=_at(2027, 6, 21, 10, 30), ends_at=_at(2027, 6, 21, 12, 0)
    )
    InvitationFactory(meeting=session, contact=member)
    series = Meeting.objects.get(working_group=group)

    conflicts = meeting_conflicts(meeting=series)

    assert [(c.when, c.message) for c in conflicts] == [
        (_at(2027, 6, 21, 10, 0), "Carl Member is also invited to “Session” at that time.")
    ]


# --- Pages ----------------------------------------------------------------------------------


def _form(**overrides):
    data = {
        "title": "Group meeting",
        "date": "2027-06-01",
        "start_time": "09:30",
        "end_time": "11:00",
        "timezone_name": "Europe/Brussels",
        "format": "in_person",
        "location": "Rue de la Loi 16, 1000 Bruxelles",
        "online_url": "",
        "language": "fr",
        "capacity": "",
        "repeat": "",
        "interval": "1",
        "rank": "",
        "count": "",
        "reminders": "7, 1",
    }
    data.update(overrides)
    return data


def test_create_page_makes_a_weekly_meeting(client_for):
    team = TeamUserFactory()
    group = WorkingGroupFactory()

    response = client_for(team).post(
        reverse("meeting-create") + f"?group={group.pk}",
        _form(repeat="weekly", interval="2", count="6"),
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meeting-detail", args=[meeting.pk])
    assert meeting.recurrence_rule == "FREQ=WEEKLY;INTERVAL=2;COUNT=6"
    assert meeting.starts_at == _at(2027, 6, 1, 9, 30)
    assert meeting.facilitator == team


def test_create_page_refuses_a_time_in_the_dst_gap(client_for):
    group = WorkingGroupFactory()

    response = client_for(TeamUserFactory()).post(
        reverse("meeting-create") + f"?group={group.pk}",
        _form(date="2027-03-28", start_time="02:15", end_time="04:00"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["start_time"] == [
        "28 March 2027, 02:15 does not exist in Europe/Brussels: the clocks go forward that night. "
        "Choose another time."
    ]
    assert Meeting.objects.count() == 0


def test_create_page_asks_confirmation_for_a_long_round_session(client_for):
    round_ = ConsultationRoundFactory()
    client = client_for(TeamUserFactory())
    url = reverse("meeting-create") + f"?round={round_.pk}"

    refused = client.post(url, _form(start_time="09:00", end_time="14:00"))
    accepted = client.post(url, _form(start_time="09:00", end_time="14:00", confirm_long="on"))

    assert refused.status_code == 200
    assert list(refused.context["form"].errors) == ["end_time"]
    assert accepted.status_code == 302
    assert Meeting.objects.get().duration_minutes == 300


def test_create_page_is_forbidden_to_a_participant(client_for, participant):
    group = WorkingGroupFactory()

    response = client_for(participant).get(reverse("meeting-create") + f"?group={group.pk}")

    assert response.status_code == 403


def test_edit_page_moves_the_meeting_and_shows_the_holiday(client_for):
    meeting = MeetingFactory(starts_at=_at(2027, 6, 1, 9, 0), ends_at=_at(2027, 6, 1, 10, 0))
    client = client_for(TeamUserFactory())

    response = client.post(
        reverse("meeting-edit", args=[meeting.pk]),
        _form(title=meeting.title, date="2027-07-21", start_time="10:00", end_time="12:00"),
        follow=True,
    )

    meeting.refresh_from_db()
    assert response.redirect_chain == [(reverse("meeting-detail", args=[meeting.pk]), 302)]
    assert meeting.starts_at == _at(2027, 7, 21, 10, 0)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<li class="message success">The meeting was saved.</li>' in html
    assert (
        '<li class="message warning">21 July 2027 is a public holiday in Belgium '
        "(National Day).</li>" in html
    )


def test_detail_page_lists_the_next_dates_with_exceptions(client_for):
    meeting = MeetingFactory(
        starts_at=_at(2027, 3, 15, 9, 0),
        ends_at=_at(2027, 3, 15, 10, 0),
        recurrence_rule="FREQ=WEEKLY;COUNT=4",
    )
    scheduling.occurrence_cancel(meeting=meeting, occurrence_start=_at(2027, 3, 22, 9, 0), by=None)
    scheduling.occurrence_move(
        meeting=meeting,
        occurrence_start=_at(2027, 3, 29, 9, 0),
        starts_at=_at(2027, 3, 30, 14, 0),
        ends_at=_at(2027, 3, 30, 15, 0),
        by=None,
    )

    response = client_for(TeamUserFactory()).get(reverse("meeting-detail", args=[meeting.pk]))

    assert [(d.starts_at, d.state) for d in response.context["series_dates"]] == [
        (_at(2027, 3, 15, 9, 0), "planned"),
        (_at(2027, 3, 22, 9, 0), "cancelled"),
        (_at(2027, 3, 30, 14, 0), "moved"),
        (_at(2027, 4, 5, 9, 0), "planned"),
    ]


def test_opening_a_date_outside_the_series_is_not_found_and_creates_nothing(client_for):
    meeting = MeetingFactory(
        starts_at=_at(2027, 3, 15, 9, 0),
        ends_at=_at(2027, 3, 15, 10, 0),
        recurrence_rule="FREQ=WEEKLY;COUNT=4",
    )
    client = client_for(TeamUserFactory())

    outside = client.get(reverse("occurrence-open", args=[meeting.pk, "20270316T0900"]))
    malformed = client.get(reverse("occurrence-open", args=[meeting.pk, "2027-03-15"]))

    assert (outside.status_code, malformed.status_code) == (404, 404)
    assert meeting.occurrences.count() == 0


def test_create_page_refuses_an_unknown_time_zone(client_for):
    group = WorkingGroupFactory()

    response = client_for(TeamUserFactory()).post(
        reverse("meeting-create") + f"?group={group.pk}", _form(timezone_name="Mars/Olympus")
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "timezone_name": ["Unknown time zone “Mars/Olympus”."]
    }
    assert Meeting.objects.count() == 0


def test_change_to_an_unknown_time_zone_is_refused():
    meeting = MeetingFactory()

    with pytest.raises(ValidationError) as excinfo:
        scheduling.meeting_update(meeting=meeting, by=None, timezone="Nowhere/Land")

    assert _errors(excinfo) == {"timezone": ["Unknown time zone “Nowhere/Land”."]}
    meeting.refresh_from_db()
    assert meeting.timezone == "Europe/Brussels"


@pytest.mark.parametrize("query", ["?group=abc", "?round=1%3B", "?group=999999"])
def test_create_page_with_a_bad_group_or_round_is_404(client_for, query):
    response = client_for(TeamUserFactory()).get(reverse("meeting-create") + query)

    assert response.status_code == 404


def test_schedules_of_the_background_work_are_installed():
    from django_q.models import Schedule

    assert sorted(Schedule.objects.values_list("func", "schedule_type", "minutes")) == [
        ("coordination.tasks.survey_import_uploads_sweep", "H", None),
        ("coordination.tasks.worker_heartbeat", "I", 1),
        ("meetings.tasks.action_reminders_daily", "D", None),
        ("meetings.tasks.calendar_replies_poll", "I", 5),
        ("meetings.tasks.feedback_requests_enqueue", "H", None),
        ("meetings.tasks.outbox_sweep", "I", 1),
        ("meetings.tasks.participation_needs_erase", "H", None),
        ("meetings.tasks.reminders_enqueue", "I", 15),
        ("meetings.tasks.retention_purge", "D", None),
        ("meetings.tasks.rounds_follow_up", "I", 15),
        ("meetings.tasks.series_occurrences_create_ahead", "D", None),
        ("meetings.tasks.time_poll_reminders_enqueue", "H", None),
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2040, 12, 31)).map(
        lambda d: d.replace(second=0, microsecond=0)
    )
)
def test_local_time_is_either_refused_or_round_trips(local):
    try:
        aware = recurrence.aware_from_local(local, "Europe/Brussels")
    except ValidationError:
        assert local.month in (3,) and local.hour == 2
        return
    assert aware.astimezone(BRUSSELS).replace(tzinfo=None) == local


def _chooser_links(response) -> list[str]:
    import re

    return re.findall(r'href="/meetings/new/\?((?:group|round)=\d+)"', response.content.decode())


@pytest.mark.parametrize("others", [1, 8])
def test_the_new_meeting_chooser_offers_what_the_user_leads_in_fixed_queries(
    others, client_for, django_assert_num_queries
):
    chair = UserFactory(facilitator=True)
    contact = ContactFactory(user=chair)
    led = WorkingGroupFactory(name="Housing")
    MembershipFactory(group=led, contact=contact, role="chair")
    MembershipFactory(group=WorkingGroupFactory(name="Health"), contact=contact, role="member")
    facilitated = ConsultationRoundFactory(title="Round on schooling")
    facilitated.facilitators.add(chair)
    for _ in range(others):
        MembershipFactory(group=WorkingGroupFactory(), role="chair")
        ConsultationRoundFactory()
    client = client_for(chair)
    client.get(reverse("meeting-create"))

    with django_assert_num_queries(5):
        response = client.get(reverse("meeting-create"))

    assert _chooser_links(response) == [f"group={led.pk}", f"round={facilitated.pk}"]


def test_the_new_meeting_chooser_offers_the_team_every_active_group_and_round(client_for):
    active = WorkingGroupFactory(name="Active group")
    WorkingGroupFactory(name="Closed group", is_active=False)
    round_ = ConsultationRoundFactory()

    response = client_for(TeamUserFactory()).get(reverse("meeting-create"))

    assert _chooser_links(response) == [f"group={active.pk}", f"round={round_.pk}"]
