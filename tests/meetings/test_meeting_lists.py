"""The meeting list: upcoming first (soonest first), past apart, a search; the meeting page
counts the answers; the agenda's question picker uses checkboxes."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coordination import dates
from coordination.models import Question
from tests.factories import (
    AgendaItemFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    TeamUserFactory,
)

pytestmark = pytest.mark.django_db


def meeting_in(days: int, title: str):
    start = timezone.now() + dt.timedelta(days=days)
    return MeetingFactory(title=title, starts_at=start, ends_at=start + dt.timedelta(hours=2))


def titles(response) -> list[str]:
    return [m["title"] for m in response.context["meetings"]]


def test_meeting_list_shows_upcoming_soonest_first_and_past_apart(client_for):
    meeting_in(20, "Later"), meeting_in(2, "Soon"), meeting_in(-3, "Last week")
    meeting_in(-30, "Last month")
    client = client_for(TeamUserFactory())

    upcoming = client.get(reverse("meeting-list"))
    past = client.get(reverse("meeting-list"), {"when": "past"})

    assert titles(upcoming) == ["Soon", "Later"]
    assert titles(past) == ["Last week", "Last month"]
    assert '<p class="meta" data-count="meetings">2 meetings</p>' in upcoming.content.decode()


def test_meeting_list_search_finds_title_group_and_place(client_for):
    housing = meeting_in(2, "Housing data")
    meeting_in(3, "Employment")
    housing.working_group.name = "Reception group"
    housing.working_group.save()
    client = client_for(TeamUserFactory())

    by_title = client.get(reverse("meeting-list"), {"q": "housing"})
    by_group = client.get(reverse("meeting-list"), {"q": "reception"})
    nothing = client.get(reverse("meeting-list"), {"q": "zzz"})

    assert titles(by_title) == titles(by_group) == ["Housing data"]
    assert "No meeting matches your search." in nothing.content.decode()


def test_meeting_page_counts_the_answers_for_its_managers(client_for):
    meeting = meeting_in(5, "Session")
    for status, count in (("accepted", 3), ("tentative", 1), ("declined", 2), ("sent", 4)):
        InvitationFactory.create_batch(count, meeting=meeting, status=status)

    html = client_for(TeamUserFactory()).get(reverse("meeting-detail", args=[meeting.pk]))
    html = html.content.decode()

    for name, count in (("accepted", 3), ("tentative", 1), ("declined", 2), ("no_answer", 4)):
        assert f'<dd data-count="{name}">{count}</dd>' in html
    assert 'data-count="waitlisted"' not in html


def test_agenda_item_question_picker_is_checkboxes(client_for):
    item = AgendaItemFactory()

    html = client_for(TeamUserFactory()).get(
        reverse("agenda-item-edit", args=[item.meeting.pk, item.pk])
    )

    assert html.content.decode().count('type="checkbox" name="item-questions"') == (
        Question.objects.count()
    )


def _weekly_series(title: str, *, group):
    start = (timezone.now() + dt.timedelta(days=1)).replace(microsecond=0)
    return MeetingFactory(
        title=title,
        working_group=group,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        recurrence_rule="FREQ=WEEKLY;COUNT=6",
    )


def test_meeting_list_reads_the_same_queries_for_one_or_many_meetings_and_series(client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meetings.services import scheduling
    from tests.factories import WorkingGroupFactory

    client = client_for(TeamUserFactory())
    group = WorkingGroupFactory(name="Housing")

    def listed():
        client.get(reverse("meeting-list"), {"dates": "all"})
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("meeting-list"), {"dates": "all"})
        return response, len(captured)

    meeting_in(3, "Plenary").working_group = group
    _weekly_series("Weekly one", group=group)
    _response, few = listed()
    for n in range(4):
        meeting_in(4 + n, f"Single {n}")
        series = _weekly_series(f"Weekly {n + 2}", group=group)
        second_date = series.starts_at + dt.timedelta(days=7)
        scheduling.occurrence_ensure(series=series, occurrence_start=second_date)
    response, many = listed()

    assert few == many
    rows = response.context["upcoming_rows"]
    assert len(rows) == 1 + 4 + 5 * 6  # single meetings and every date of the series
    weekly = [row for row in rows if row["title"] == "Weekly 2"]
    assert len(weekly) == 6 and {row["group"] for row in weekly} == {"Housing"}
    assert all(row["until"] for row in rows)


def test_meeting_list_shows_the_first_ten_coming_dates_and_links_to_all_of_them(client_for):
    from tests.factories import WorkingGroupFactory

    group = WorkingGroupFactory(name="Housing")
    # A single meeting every day from tomorrow, and a weekly series whose dates fall
    # between them: the first ten dates mix both.
    singles = [meeting_in(day, f"Single {day:02}") for day in range(1, 13)]
    series = _weekly_series("Weekly", group=group)
    series.starts_at += dt.timedelta(hours=5)
    series.ends_at += dt.timedelta(hours=5)
    series.save()
    client = client_for(TeamUserFactory())

    first = client.get(reverse("meeting-list"))
    every = client.get(reverse("meeting-list"), {"dates": "all"})

    coming = sorted(
        [(m.starts_at, m.title) for m in singles]
        + [(series.starts_at + dt.timedelta(weeks=w), "Weekly") for w in range(6)]
    )
    assert [(d.starts_at, d.title) for d in first.context["upcoming"]] == coming[:10]
    assert [(d.starts_at, d.title) for d in every.context["upcoming"]] == coming
    assert (
        '<a href="?dates=all" data-more="dates">8 more dates in the next three months</a>'
        in first.content.decode()
    )
    assert 'data-more="dates"' not in every.content.decode()


def test_meeting_list_queries_do_not_grow_with_the_coming_meetings_left_out(client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(TeamUserFactory())

    def listed():
        client.get(reverse("meeting-list"))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("meeting-list"))
        return response, len(captured)

    for day in range(1, 13):
        meeting_in(day, f"Single {day}")
    few_response, few = listed()
    for day in range(13, 61):
        meeting_in(day, f"Single {day}")
    many_response, many = listed()

    assert few == many
    assert len(few_response.context["upcoming"]) == len(many_response.context["upcoming"]) == 10
    assert (few_response.context["upcoming_more"], many_response.context["upcoming_more"]) == (
        2,
        50,
    )


def test_meeting_list_keeps_every_coming_date_from_page_to_page(client_for):
    for day in range(1, 53):
        meeting_in(day, f"Single {day:02}")
    client = client_for(TeamUserFactory())

    first = client.get(reverse("meeting-list"), {"dates": "all"}).content.decode()
    second = client.get(reverse("meeting-list"), {"dates": "all", "page": 2})

    assert '<a href="?dates=all&amp;page=2">Next</a>' in first
    assert len(second.context["upcoming"]) == 52
    assert [m["title"] for m in second.context["meetings"]] == ["Single 51", "Single 52"]


def test_meeting_list_shows_a_meeting_whose_time_a_poll_is_finding_without_a_date(client_for):
    from bs4 import BeautifulSoup

    from meetings.services.polls import time_poll_choose
    from tests.helpers import one_slot_poll

    fixed, polled = meeting_in(3, "Fixed"), meeting_in(5, "Polled")
    MembershipFactory(group=polled.working_group)  # someone to ask
    team = TeamUserFactory()
    poll, starts = one_slot_poll(polled, by=team)
    client = client_for(team)

    def listed(response):
        """The coming dates' titles, and what the list's table says of each meeting's time."""
        page = BeautifulSoup(response.content, "html.parser")
        coming = [d.title for d in response.context["upcoming"]]
        return coming, {
            row["title"]: row["when"]
            for row in response.context["rows"]
            if row["when"] in page.get_text()
        }

    while_open = listed(client.get(reverse("meeting-list")))
    time_poll_choose(poll=poll, slot=poll.slots.get(), by=team)
    chosen = listed(client.get(reverse("meeting-list")))

    assert while_open == (
        ["Fixed"],
        {"Fixed": dates.medium_datetime(fixed.starts_at), "Polled": "time to be chosen by a poll"},
    )
    assert chosen == (
        ["Fixed", "Polled"],
        {
            "Fixed": dates.medium_datetime(fixed.starts_at),
            "Polled": dates.medium_datetime(starts),
        },
    )
