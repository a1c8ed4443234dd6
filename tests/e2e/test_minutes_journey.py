"""Browser journey: a working-group chair builds the agenda, writes and approves the minutes."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from meetings.models import Minutes
from tests.factories import (
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS", "")


def shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def test_chair_writes_and_approves_minutes(page, login):
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    meeting = MeetingFactory(
        title="Housing group, March",
        starts_at=start - dt.timedelta(days=1),
        ends_at=start - dt.timedelta(days=1) + dt.timedelta(hours=2),
    )
    chair = UserFactory(username="chair")
    MembershipFactory(group=meeting.working_group, contact=ContactFactory(user=chair), role="chair")
    invitee = InvitationFactory(
        meeting=meeting, contact__name="Ana Member", status="accepted"
    ).contact

    login(chair)
    page.goto(f"/meetings/{meeting.pk}/agenda/edit/")
    page.get_by_role("button", name="Template: Working-group meeting").click()
    page.get_by_role("button", name="Move “Topics” up").click()
    assert (
        page.locator(".agenda-title a").first.inner_text() == "1. Approval of the previous minutes"
    )
    assert page.locator(".agenda-title a").nth(1).inner_text() == "2. Topics"
    page.get_by_role("button", name="Publish the agenda").click()
    assert "Published – version 1" in page.locator(".agenda-version").inner_text()
    shot(page, "agenda-edit")

    page.goto(f"/meetings/{meeting.pk}/minutes/edit/")
    page.get_by_role("button", name="Start the minutes").click()
    page.select_option(f"#attendance-{invitee.pk}", "present")
    topics = meeting.agenda_items.get(title="Topics")
    page.fill(f"#note-{topics.pk}", "We **agreed** on the housing data.")
    page.get_by_role("button", name="Save attendance and notes").click()
    assert page.locator(".message.success").inner_text() == "The minutes were saved."
    page.fill(f"#decision-{topics.pk}", "Share the figures monthly.")
    page.locator(f"#item-{topics.pk}").get_by_role("button", name="Record the decision").click()
    page.fill("#id_comments_due", (timezone.localdate() + dt.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Circulate to attendees for comments").click()
    assert page.locator("[data-status]").inner_text() == "Version 1 – Circulated for comments"
    page.get_by_role("button", name="Approve the minutes").click()
    shot(page, "minutes-edit-approved")

    assert page.locator("[data-status]").get_attribute("data-status") == "approved"
    assert page.locator(".warning-box").inner_text() == "These minutes are approved and locked."
    minutes = Minutes.objects.get(meeting=meeting)
    assert (minutes.status, minutes.approved_by_id) == ("approved", chair.pk)
    assert list(minutes.decisions.values_list("text", flat=True)) == ["Share the figures monthly."]

    page.goto(f"/meetings/{meeting.pk}/minutes/")
    assert page.locator(".prose strong").first.inner_text() == "agreed"
    shot(page, "minutes-page")


def test_participant_reads_the_agenda_and_marks_an_action_done(page, login):
    from meetings.services import actions, agendas

    meeting = MeetingFactory(title="Housing group, April")
    user = UserFactory(username="ana")
    contact = ContactFactory(user=user, name="Ana Member")
    InvitationFactory(meeting=meeting, contact=contact, status="accepted")
    agendas.agenda_from_template(meeting=meeting, template="working_group")
    agendas.agenda_publish(meeting=meeting)
    action = actions.action_item_create(
        meeting=meeting, description="Send the housing figures", owner_contact=contact
    )

    login(user)
    page.goto(f"/meetings/{meeting.pk}/agenda/")
    assert page.locator(".agenda-table tbody tr").count() == 5
    shot(page, "agenda-participant")
    page.goto("/actions/?scope=mine")
    shot(page, "actions-mine")
    page.get_by_role("link", name="Send the housing figures").click()
    page.select_option("#id_status", "done")
    page.get_by_role("button", name="Change the status").click()

    assert page.locator("[data-status]").get_attribute("data-status") == "done"
    assert page.locator(".history li").count() == 2
    action.refresh_from_db()
    assert action.status == "done"


def test_chair_reorders_the_agenda_by_drag_and_drop(page, login):
    from meetings.services import agendas

    meeting = MeetingFactory()
    chair = UserFactory(username="dragger")
    MembershipFactory(group=meeting.working_group, contact=ContactFactory(user=chair), role="chair")
    agendas.agenda_from_template(meeting=meeting, template="working_group")

    login(chair)
    page.goto(f"/meetings/{meeting.pk}/agenda/edit/")
    rows = page.locator("#agenda-items li[data-item-id]")
    with page.expect_navigation():
        rows.nth(4).drag_to(rows.nth(0), target_position={"x": 20, "y": 2})

    assert page.locator(".agenda-title a").first.inner_text() == "1. Next meeting"
    assert meeting.agenda_items.get(position=1).title == "Next meeting"
