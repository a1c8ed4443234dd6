"""Browser journeys of the minutes editor: every button keeps what was typed elsewhere on the
page, a draft survives leaving the page, and two people writing at once are merged."""

import datetime as dt

import pytest
from django.utils import timezone

from meetings.models import ActionItem, Decision, Minutes, MinutesNote
from meetings.services import minutes as minutes_services
from tests.factories import (
    AgendaItemFactory,
    ContactFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def meeting_with_three_items():
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    meeting = MeetingFactory(
        title="Housing group",
        starts_at=start - dt.timedelta(days=1),
        ends_at=start - dt.timedelta(days=1) + dt.timedelta(hours=2),
    )
    items = [
        AgendaItemFactory(meeting=meeting, position=n, title=title)
        for n, title in enumerate(("Welcome", "Figures", "Next steps"), 1)
    ]
    invitee = InvitationFactory(meeting=meeting, contact__name="Ana Member", status="accepted")
    minutes_services.minutes_start(meeting=meeting)
    meeting.invitee = invitee.contact
    return meeting, items


def chair_of(meeting, username):
    user = UserFactory(username=username)
    MembershipFactory(group=meeting.working_group, contact=ContactFactory(user=user), role="chair")
    return user


def chairs(meeting):
    return [m.contact for m in meeting.working_group.memberships.filter(role="chair")]


def sign_in(page, user):
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-test-123")
    with page.expect_navigation():
        page.click("main button[type=submit]")


def notes(meeting):
    minutes = Minutes.objects.get(meeting=meeting)
    return dict(MinutesNote.objects.filter(minutes=minutes).values_list("agenda_item_id", "text"))


def test_minutes_editor_keeps_text_across_every_button(page, login):
    meeting, (welcome, figures, steps) = meeting_with_three_items()
    login(chair_of(meeting, "chair"))
    page.goto(f"/meetings/{meeting.pk}/minutes/edit/")

    page.fill(f"#note-{welcome.pk}", "Everyone introduced themselves.")
    page.fill(f"#note-{figures.pk}", "Q12 shows **shelter** first.")
    page.fill(f"#decision-{steps.pk}", "Meet again in March.")
    page.locator(f"#item-{steps.pk}").get_by_role("button", name="Record the decision").click()
    assert page.locator(".message.success").inner_text() == "The minutes were saved."
    assert page.input_value(f"#note-{welcome.pk}") == "Everyone introduced themselves."
    assert page.input_value(f"#note-{figures.pk}") == "Q12 shows **shelter** first."

    page.fill(f"#note-{steps.pk}", "Dates to be polled.")
    item = page.locator(f"#item-{figures.pk}")
    item.get_by_text("Add an action item").click()
    item.get_by_label("Action").fill("Send the Q12 table")
    owner = item.get_by_label("Owner (person)")
    assert owner.evaluate("field => Array.from(field.list.options, o => o.value)") == [
        f"Ana Member ({meeting.invitee.organisation.name}) #{meeting.invitee.pk}",
        *[f"{c.name} ({c.organisation.name}) #{c.pk}" for c in chairs(meeting)],
    ]
    owner.fill("ana")
    item.get_by_role("button", name="Add the action item").click()
    assert page.input_value(f"#note-{steps.pk}") == "Dates to be polled."

    page.fill(f"#note-{welcome.pk}", "Everyone introduced themselves. Two apologies.")
    page.locator(f"#item-{steps.pk}").get_by_role("button", name="Remove").click()
    assert page.input_value(f"#note-{welcome.pk}") == (
        "Everyone introduced themselves. Two apologies."
    )

    page.fill(f"#note-{figures.pk}", "Q12 shows **shelter** first, then work.")
    page.fill("#id_comments_due", (timezone.localdate() + dt.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Circulate to attendees for comments").click()
    assert page.locator(".message.success").inner_text() == (
        "The minutes were saved and circulated for comments."
    )

    assert notes(meeting) == {
        welcome.pk: "Everyone introduced themselves. Two apologies.",
        figures.pk: "Q12 shows **shelter** first, then work.",
        steps.pk: "Dates to be polled.",
    }
    assert Decision.objects.count() == 0
    assert list(ActionItem.objects.values_list("description", "owner_contact")) == [
        ("Send the Q12 table", meeting.invitee.pk)
    ]


def test_minutes_editor_warns_before_leaving_and_restores_the_draft(page, login):
    meeting, (welcome, _figures, _steps) = meeting_with_three_items()
    login(chair_of(meeting, "chair"))
    page.goto(f"/meetings/{meeting.pk}/minutes/edit/")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))

    page.click(f"#note-{welcome.pk}")
    page.keyboard.type("Typed, never saved.")
    page.wait_for_selector("#minutes-draft-status:not([hidden])")
    page.reload()

    assert dialogs == ["beforeunload"]
    assert page.input_value(f"#note-{welcome.pk}") == "Typed, never saved."
    assert page.locator("#minutes-draft-status").inner_text().startswith("Your unsaved draft of ")
    page.get_by_role("button", name="Save attendance and notes").click()
    assert page.locator(".message.success").inner_text() == "The minutes were saved."
    assert notes(meeting) == {welcome.pk: "Typed, never saved."}
    page.reload()
    assert page.locator("#minutes-draft-status").is_hidden()


def test_two_facilitators_writing_at_once_are_merged_never_overwritten(page):
    meeting, (welcome, figures, _steps) = meeting_with_three_items()
    url = f"/meetings/{meeting.pk}/minutes/edit/"
    users = chair_of(meeting, "alice"), chair_of(meeting, "bob")
    page.goto("/accounts/login/")
    origin = page.url.removesuffix("/accounts/login/")
    second = page.context.browser.new_context(base_url=origin, locale="en-GB")
    try:
        write_at_once(meeting, url, welcome, figures, (page, second.new_page()), users)
    finally:
        second.close()


def write_at_once(meeting, url, welcome, figures, pages, users):
    alice, bob = pages
    sign_in(alice, users[0])
    sign_in(bob, users[1])
    alice.goto(url)
    bob.goto(url)

    alice.fill(f"#note-{welcome.pk}", "Alice: welcome notes")
    alice.get_by_role("button", name="Save attendance and notes").click()
    bob.fill(f"#note-{figures.pk}", "Bob: figures notes")
    bob.get_by_role("button", name="Save attendance and notes").click()
    assert bob.locator(".message.info").inner_text() == (
        "Someone else saved these minutes meanwhile; their changes were kept with yours."
    )
    assert bob.input_value(f"#note-{welcome.pk}") == "Alice: welcome notes"

    alice.goto(url)
    alice.fill(f"#note-{figures.pk}", "Alice rewrote the figures")
    alice.get_by_role("button", name="Save attendance and notes").click()
    bob.fill(f"#note-{figures.pk}", "Bob: figures notes, with Q12")
    bob.get_by_role("button", name="Save attendance and notes").click()
    assert (
        bob.locator(".message.error")
        .inner_text()
        .startswith("Someone else saved these minutes while you were writing")
    )
    assert bob.locator(f"#theirs-note-{figures.pk} .conflict-text").inner_text() == (
        "Alice rewrote the figures"
    )
    assert bob.input_value(f"#note-{figures.pk}") == "Bob: figures notes, with Q12"
    assert notes(meeting)[figures.pk] == "Alice rewrote the figures"

    bob.fill(f"#note-{figures.pk}", "Alice rewrote the figures; Bob adds Q12")
    bob.get_by_role("button", name="Save attendance and notes").click()
    assert bob.locator(".message.success").inner_text() == "The minutes were saved."
    assert notes(meeting) == {
        welcome.pk: "Alice: welcome notes",
        figures.pk: "Alice rewrote the figures; Bob adds Q12",
    }
