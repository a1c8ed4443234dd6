"""Browser check: on a 360-pixel phone the pages with tables or long forms stay as wide as the
screen (the tables scroll inside their box, the hidden labels of their cells with them)."""

import pytest

from meetings.services import minutes as minutes_services
from tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    TeamUserFactory,
    WorkingGroupFactory,
    make_volunteers,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_pages_with_tables_fit_a_phone(page, login):
    group = WorkingGroupFactory(name="Housing")
    for _ in range(3):
        MembershipFactory(group=group)
    meeting = MeetingFactory(working_group=group, title="Housing: winter shelters")
    for _ in range(3):
        InvitationFactory(meeting=meeting)
    action = ActionItemFactory(origin_meeting=meeting, description="Send the shelter list")
    AgendaItemFactory(meeting=meeting, title="Winter shelters")
    minutes_services.minutes_start(meeting=meeting)
    make_volunteers(3)
    page.set_viewport_size({"width": 360, "height": 800})
    login(TeamUserFactory(username="team"))

    widths = {}
    for path in (
        f"/groups/{group.pk}/",
        "/pool/",
        f"/meetings/{meeting.pk}/invitations/",
        "/actions/",
        "/meetings/",
        f"/meetings/{meeting.pk}/minutes/edit/",
        f"/actions/{action.pk}/edit/",
    ):
        page.goto(path)
        widths[path] = page.evaluate("document.documentElement.scrollWidth")

    assert widths == dict.fromkeys(widths, 360)
