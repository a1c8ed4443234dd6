"""Browser journeys: a facilitator adds an invitee and a group member by typing part of a
name, choosing among the suggestions with the mouse or the keyboard, on a desktop and on a
phone; without JavaScript, the same name comes back with its matches to choose from."""

import os

import pytest

from coordination.models import Membership
from meetings.models import Invitation
from tests.factories import (
    ContactFactory,
    MeetingFactory,
    OrganisationFactory,
    TeamUserFactory,
    WorkingGroupFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS", "")


def _directory():
    fedasil = OrganisationFactory(name="Fedasil")
    red_cross = OrganisationFactory(name="Croix-Rouge de Belgique")
    for i in range(30):
        ContactFactory(name=f"Directory Person {i:02}", organisation=fedasil)
    dupont = ContactFactory(name="Marie Dupont", organisation=red_cross)
    dupuis = ContactFactory(name="Marie Dupuis", organisation=fedasil)
    return dupont, dupuis


@pytest.mark.parametrize("width", [1280, 360])
def test_an_invitee_is_found_by_typing_and_chosen_with_a_click(page, login, width):
    dupont, dupuis = _directory()
    meeting = MeetingFactory(title="Housing session")
    page.set_viewport_size({"width": width, "height": 800})
    login(TeamUserFactory(username="team"))
    page.goto(f"/meetings/{meeting.pk}/invitations/")

    page.locator("#id_contact").press_sequentially("marie dup", delay=30)
    suggestions = page.locator("#id_contact-suggestions [role=option]")
    suggestions.first.wait_for()

    assert suggestions.all_inner_texts() == [
        f"Marie Dupont (Croix-Rouge de Belgique) #{dupont.pk}",
        f"Marie Dupuis (Fedasil) #{dupuis.pk}",
    ]
    assert page.get_attribute("#id_contact", "aria-expanded") == "true"
    box = page.locator("#id_contact-suggestions").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/contact-suggestions-{width}.png", full_page=True)

    suggestions.nth(1).click()
    assert page.input_value("#id_contact") == f"Marie Dupuis (Fedasil) #{dupuis.pk}"
    assert page.locator("#id_contact-suggestions").is_hidden()
    with page.expect_navigation():
        page.click("form[action$='/invitations/add/'] button")

    assert page.locator(".message.success").inner_text() == "The invitee was added."
    assert list(Invitation.objects.values_list("contact_id", flat=True)) == [dupuis.pk]


def test_a_member_is_chosen_with_the_keyboard(page, login):
    dupont, _ = _directory()
    group = WorkingGroupFactory(name="Housing")
    login(TeamUserFactory(username="team"))
    page.goto(f"/groups/{group.pk}/")

    page.locator("#id_contact").press_sequentially("Croix", delay=30)
    page.locator("#id_contact-suggestions [role=option]").first.wait_for()
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#id_contact", "aria-activedescendant") == ("id_contact-suggestion-0")
    page.keyboard.press("Enter")

    assert page.input_value("#id_contact") == (
        f"Marie Dupont (Croix-Rouge de Belgique) #{dupont.pk}"
    )
    with page.expect_navigation():
        page.click("text=Add the member")
    assert page.locator(".message.success").inner_text() == (
        "Marie Dupont is now a member of the group."
    )
    assert list(Membership.objects.values_list("contact_id", flat=True)) == [dupont.pk]


def _phone(browser, live_server, user, **options):
    """A page of a new phone-sized browser context, signed in as ``user``."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        viewport={"width": 360, "height": 800},
        **options,
    )
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-test-123")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    return page


def test_on_a_touch_screen_a_suggestion_is_chosen_with_a_tap(browser, live_server):
    _, dupuis = _directory()
    meeting = MeetingFactory(title="Housing session")
    page = _phone(
        browser, live_server, TeamUserFactory(username="team"), has_touch=True, is_mobile=True
    )
    page.goto(f"/meetings/{meeting.pk}/invitations/")

    page.locator("#id_contact").press_sequentially("marie dup", delay=30)
    page.locator("#id_contact-suggestions [role=option]").nth(1).tap()
    assert page.input_value("#id_contact") == f"Marie Dupuis (Fedasil) #{dupuis.pk}"
    with page.expect_navigation():
        page.locator("form[action$='/invitations/add/'] button").tap()

    assert page.locator(".message.success").inner_text() == "The invitee was added."
    assert list(Invitation.objects.values_list("contact_id", flat=True)) == [dupuis.pk]
    page.context.close()


def test_without_javascript_the_matches_come_back_to_choose_from(browser, live_server):
    dupont, _ = _directory()
    meeting = MeetingFactory(title="Housing session")
    page = _phone(browser, live_server, TeamUserFactory(username="team"), java_script_enabled=False)
    page.goto(f"/meetings/{meeting.pk}/invitations/")

    page.fill("#id_contact", "Marie")
    with page.expect_navigation():
        page.click("form[action$='/invitations/add/'] button")
    assert page.locator(".contact-search .errorlist, .errorlist").first.inner_text() == (
        "2 contacts match “Marie”: choose one of them."
    )
    assert page.locator(".contact-matches label").all_inner_texts() == [
        "Marie Dupont (Croix-Rouge de Belgique)",
        "Marie Dupuis (Fedasil)",
    ]
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/contact-matches-360.png", full_page=True)
    page.check(f"input[name=contact_pick][value='{dupont.pk}']")
    with page.expect_navigation():
        page.click("form[action$='/invitations/add/'] button")

    assert page.locator(".message.success").inner_text() == "The invitee was added."
    assert list(Invitation.objects.values_list("contact_id", flat=True)) == [dupont.pk]
    page.context.close()
